"""People who log in to the web application: accounts, passwords, browser sessions.

A user has the same role and scope as an API key and becomes the same `Principal`, so the web
pages go through the same access policy as the API. Passwords are hashed with argon2
(argon2-cffi, the library the Password Hashing Competition's winner ships with); a browser
session is a random token in an HttpOnly cookie, stored only as its SHA-256, with a CSRF token
its forms send back.
"""

import hashlib
import hmac
import secrets
from datetime import timedelta
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlmodel import Session, col, delete, select

from matcher.auth.keys import KeyRequestError, Principal, check_scope
from matcher.auth.models import Role, User, WebSession
from matcher.models.fields import aware, utcnow

MIN_PASSWORD = 10
SESSION_HOURS = 12
_hasher = PasswordHasher()
# Verified when no user has the e-mail, so that a wrong e-mail takes as long as a wrong password.
_DUMMY_HASH = _hasher.hash("not a password of anyone")


class UserRequestError(KeyRequestError):
    """A user cannot be created or changed as asked; the message starts with the field."""


def normalise_email(email: str) -> str:
    return email.strip().lower()


def check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise UserRequestError(f"password: at least {MIN_PASSWORD} characters")


def create_user(session: Session, email: str, name: str, org: str, role: Role | str,
                password: str, jurisdiction: str | None = None,
                enterprise_id: int | None = None) -> User:
    """Add a user (not committed: the caller commits); raises `UserRequestError` or
    `KeyRequestError` naming the field that is wrong."""
    role = Role(role)
    email = normalise_email(email)
    if "@" not in email or len(email) > 254 or email.startswith("@") or email.endswith("@"):
        raise UserRequestError("email: give an e-mail address, e.g. ten@so-khcn.gov.vn")
    if not name.strip():
        raise UserRequestError("name: give the person's name")
    check_password(password)
    check_scope(session, role, org, jurisdiction, enterprise_id, "user")
    if session.exec(select(User).where(User.email == email)).first() is not None:
        raise UserRequestError(f"email: a user with e-mail {email} exists")
    user = User(email=email, name=name.strip(), org=org.strip(), role=role,
                jurisdiction=jurisdiction, enterprise_id=enterprise_id,
                password_hash=_hasher.hash(password), language="vi")
    session.add(user)
    session.flush()
    return user


def set_password(session: Session, user: User, password: str) -> None:
    """Change a user's password and end their sessions (not committed)."""
    check_password(password)
    user.password_hash = _hasher.hash(password)
    session.add(user)
    end_sessions(session, user)


def disable_user(session: Session, user: User) -> None:
    """Stop a user from logging in and end their sessions (not committed)."""
    if user.disabled_at is None:
        user.disabled_at = utcnow()
        session.add(user)
    end_sessions(session, user)


def verify_login(session: Session, email: str, password: str) -> User | None:
    """The enabled user with this e-mail and password, or None (in about the same time either
    way). A hash made with older argon2 parameters is renewed."""
    user = session.exec(select(User).where(User.email == normalise_email(email))).first()
    try:
        _hasher.verify(user.password_hash if user else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return None
    if user is None or user.disabled_at is not None:
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
        session.add(user)
    return user


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(session: Session, user: User, hours: int = SESSION_HOURS) -> str:
    """A new browser session for `user` (not committed); returns the cookie's token."""
    token = secrets.token_urlsafe(32)
    assert user.id is not None, "the user is flushed before a session starts"
    session.add(WebSession(token_hash=_digest(token), csrf_token=secrets.token_urlsafe(32),
                           user_id=user.id, expires_at=utcnow() + timedelta(hours=hours)))
    # Expired sessions of anyone are swept here, so the table stays small without a job.
    session.exec(delete(WebSession).where(col(WebSession.expires_at) < utcnow()))  # type: ignore[call-overload]
    return token


def find_session(session: Session, token: str) -> tuple[User, WebSession] | None:
    """The user and session of a cookie's token, if the session is live and the user enabled."""
    if not token:
        return None
    found = session.exec(select(WebSession).where(WebSession.token_hash == _digest(token))
                         ).first()
    if found is None or aware(found.expires_at) <= utcnow():
        return None
    user = session.get(User, found.user_id)
    if user is None or user.disabled_at is not None:
        return None
    return user, found


def end_session(session: Session, token: str) -> None:
    session.exec(delete(WebSession).where(  # type: ignore[call-overload]
        col(WebSession.token_hash) == _digest(token)))


def end_sessions(session: Session, user: User) -> None:
    session.exec(delete(WebSession).where(  # type: ignore[call-overload]
        col(WebSession.user_id) == user.id))


def csrf_matches(web_session: WebSession, sent: Any) -> bool:
    return isinstance(sent, str) and hmac.compare_digest(web_session.csrf_token, sent)


def principal_of(user: User) -> Principal:
    """The user as the access policy knows callers."""
    return Principal(role=user.role, org=user.org, jurisdiction=user.jurisdiction,
                     enterprise_id=user.enterprise_id, user_id=user.id)
