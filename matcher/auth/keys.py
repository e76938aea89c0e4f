"""Issuing, revoking and checking API keys. A key reads `kn_<prefix>_<secret>`."""

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from sqlmodel import Session, select

from matcher.auth.models import ApiKey, Role
from matcher.models import Enterprise, Jurisdiction
from matcher.models.fields import utcnow


@dataclass(frozen=True)
class Principal:
    """Who is calling: a key's role and scope, or nobody (`role is None`)."""

    role: Role | None = None
    key_id: int | None = None
    org: str = ""
    jurisdiction: str | None = None
    enterprise_id: int | None = None
    user_id: int | None = None  # a person logged in to the web application, not a key

    def __str__(self) -> str:
        if self.role is None:
            return "anonymous"
        who = f"user {self.user_id}" if self.user_id is not None else f"key {self.key_id}"
        return f"{who} ({self.role.value}, {self.org})"

    @property
    def limit_key(self) -> str | None:
        """Whose budget a write counts against in the write rate limit (None: nobody's)."""
        if self.user_id is not None:
            return f"user:{self.user_id}"
        return None if self.key_id is None else str(self.key_id)


ANONYMOUS = Principal()


class KeyRequestError(ValueError):
    """A key cannot be issued as asked; the message names the option."""


def _hash(secret: str) -> str:
    # Secrets are 32 random bytes, so a plain SHA-256 is enough (no password stretching needed).
    return hashlib.sha256(secret.encode()).hexdigest()


def check_scope(session: Session, role: Role, org: str, jurisdiction: str | None,
                enterprise_id: int | None, what: str = "key") -> None:
    """Raise `KeyRequestError` (naming the option) unless the scope suits the role: an
    enterprise `what` (key or user) acts for an existing enterprise, an intermediary or
    organiser for one province. Keys and users share these rules."""
    if not org.strip():
        raise KeyRequestError(f"org: give the organisation the {what} is issued to")
    if role is Role.enterprise:
        if enterprise_id is None or session.get(Enterprise, enterprise_id) is None:
            raise KeyRequestError(f"enterprise_id: an enterprise {what} needs an existing "
                                  f"enterprise (got {enterprise_id})")
    elif enterprise_id is not None:
        raise KeyRequestError(f"enterprise_id: only enterprise {what}s act for an enterprise")
    if role in (Role.intermediary, Role.organiser) and jurisdiction is None:
        raise KeyRequestError(f"jurisdiction: an {role.value} {what} works for one province; "
                              f"give its code (e.g. BG)")
    if jurisdiction is not None and session.get(Jurisdiction, jurisdiction) is None:
        raise KeyRequestError(f"jurisdiction: unknown jurisdiction '{jurisdiction}'")


def create_key(session: Session, role: Role | str, org: str, jurisdiction: str | None = None,
               enterprise_id: int | None = None) -> tuple[ApiKey, str]:
    """Issue and commit a key; returns the record and the secret, which is not stored."""
    role = Role(role)
    check_scope(session, role, org, jurisdiction, enterprise_id, "key")
    prefix, secret = secrets.token_hex(6), secrets.token_urlsafe(32)
    key = ApiKey(prefix=prefix, secret_hash=_hash(secret), role=role, org=org.strip(),
                 jurisdiction=jurisdiction, enterprise_id=enterprise_id)
    session.add(key)
    session.commit()
    session.refresh(key)
    return key, f"kn_{prefix}_{secret}"


def revoke_key(session: Session, key_id: int) -> ApiKey:
    """Revoke a key from now on; raises LookupError if there is no such key."""
    key = session.get(ApiKey, key_id)
    if key is None:
        raise LookupError(f"no API key with id {key_id}")
    if key.revoked_at is None:
        key.revoked_at = utcnow()
        session.add(key)
        session.commit()
    return key


def authenticate(session: Session, presented: str) -> Principal | None:
    """The principal of a valid, unrevoked key, or None."""
    parts = presented.split("_", 2)
    if len(parts) != 3 or parts[0] != "kn":
        return None
    key = session.exec(select(ApiKey).where(ApiKey.prefix == parts[1])).first()
    if key is None or key.revoked_at is not None:
        return None
    if not hmac.compare_digest(key.secret_hash, _hash(parts[2])):
        return None
    return Principal(role=key.role, key_id=key.id, org=key.org, jurisdiction=key.jurisdiction,
                     enterprise_id=key.enterprise_id)
