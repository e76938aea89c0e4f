"""Who a notification is for, and which notifications a caller's inbox holds.

A recipient is a group or one caller: every user and key of a role in one enterprise (an
enterprise's people), in one jurisdiction (its brokers, its organisers), the Department's
admins; or one web user, or one API key (the owner of a saved search). A recipient reads as a
`Principal`, so the access policy decides what a notification to it may name.
"""

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, false, or_
from sqlmodel import Session, col, select

from matcher.alerts.models import Notification, SavedSearch
from matcher.auth.keys import Principal
from matcher.auth.models import ApiKey, Role, User
from matcher.auth.policy import Policy
from matcher.models import Enterprise, Need

SCOPED = (Role.intermediary, Role.organiser)  # roles whose groups are per jurisdiction


@dataclass(frozen=True)
class Recipient:
    """A group (`role` with its `enterprise_id` or `jurisdiction`) or one `user_id` / `key_id`
    (with that caller's role and scope)."""

    role: Role
    jurisdiction: str | None = None
    enterprise_id: int | None = None
    user_id: int | None = None
    key_id: int | None = None

    @property
    def principal(self) -> Principal:
        """The recipient as the access policy knows callers."""
        return Principal(role=self.role, org="notification", jurisdiction=self.jurisdiction,
                         enterprise_id=self.enterprise_id, user_id=self.user_id,
                         key_id=self.key_id)

    def columns(self) -> dict[str, Any]:
        """The notification's recipient columns."""
        return {"recipient_role": self.role, "recipient_jurisdiction": self.jurisdiction,
                "recipient_enterprise_id": self.enterprise_id,
                "recipient_user_id": self.user_id, "recipient_key_id": self.key_id}

    def __str__(self) -> str:
        if self.user_id is not None:
            return f"user {self.user_id}"
        if self.key_id is not None:
            return f"key {self.key_id}"
        scope = self.enterprise_id if self.role is Role.enterprise else self.jurisdiction
        return f"{self.role.value}s" + (f" of {scope}" if scope is not None else "")


def of_need(session: Session, need: Need) -> list[Recipient]:
    """Who hears of a need's new matches: its enterprise's people, and the brokers of the
    enterprise's jurisdiction."""
    enterprise = session.get(Enterprise, need.enterprise_id)
    found = [Recipient(Role.enterprise, enterprise_id=need.enterprise_id)]
    if enterprise is not None and enterprise.jurisdiction:
        found.append(Recipient(Role.intermediary, jurisdiction=enterprise.jurisdiction))
    return found


def of_saved_search(session: Session, search: SavedSearch) -> Recipient | None:
    """The owner of a saved search, while their account or key is live (None after)."""
    if search.owner_user_id is not None:
        user = session.get(User, search.owner_user_id)
        if user is None or user.disabled_at is not None:
            return None
        return Recipient(user.role, user.jurisdiction, user.enterprise_id, user_id=user.id)
    key = session.get(ApiKey, search.owner_key_id)
    if key is None or key.revoked_at is not None:
        return None
    return Recipient(key.role, key.jurisdiction, key.enterprise_id, key_id=key.id)


def reader(who: Principal) -> str:
    """The name a caller's read receipts are kept under."""
    return f"user:{who.user_id}" if who.user_id is not None else f"key:{who.key_id}"


def addressed_to(who: Principal) -> ColumnElement[bool]:
    """The notifications in a caller's inbox: those to its group or to itself, about no need
    or a need it reads in full (organisers see needs anonymised: none of those)."""
    if who.role is None:
        return false()
    group = [col(Notification.recipient_role) == who.role,
             col(Notification.recipient_user_id).is_(None),
             col(Notification.recipient_key_id).is_(None)]
    if who.role is Role.enterprise:
        group.append(col(Notification.recipient_enterprise_id) == who.enterprise_id)
    if who.role in SCOPED:
        group.append(col(Notification.recipient_jurisdiction) == who.jurisdiction)
    mine = [and_(*group)]
    if who.user_id is not None:
        mine.append(col(Notification.recipient_user_id) == who.user_id)
    elif who.key_id is not None:
        mine.append(col(Notification.recipient_key_id) == who.key_id)
    policy = Policy(who)
    if who.role is Role.organiser:
        about: ColumnElement[bool] = col(Notification.need_id).is_(None)
    else:
        readable = select(Need.id).where(policy.need_rows())
        about = or_(col(Notification.need_id).is_(None), col(Notification.need_id).in_(readable))
    return and_(or_(*mine), about)


def emails(session: Session, recipient: Recipient) -> list[str]:
    """The e-mail addresses of the live users a notification to `recipient` reaches (keys have
    none)."""
    if recipient.key_id is not None:
        return []
    query = select(User.email).where(col(User.disabled_at).is_(None))
    if recipient.user_id is not None:
        query = query.where(User.id == recipient.user_id)
    else:
        query = query.where(User.role == recipient.role)
        if recipient.role is Role.enterprise:
            query = query.where(User.enterprise_id == recipient.enterprise_id)
        if recipient.role in SCOPED:
            query = query.where(User.jurisdiction == recipient.jurisdiction)
    return sorted(session.exec(query).all())
