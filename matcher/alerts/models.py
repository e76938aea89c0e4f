"""Tables of the alerts: notifications with their recipients and read receipts, brokers' saved
searches, the need–dossier pairs already found (each is alerted once), and deliveries waiting
to be sent by e-mail or webhook."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from matcher.auth.models import Role
from matcher.models.enums import TransferMode
from matcher.models.fields import utcnow
from matcher.models.limits import MAX_CODES

# Kinds are `<family>.<what>` strings (not an enum: another part of the code adds its own
# without a migration). The families this package writes:
KIND_NEED_MATCHES = "match.need"  # new confident dossiers for a need (a digest)
KIND_SEARCH_MATCHES = "match.saved_search"  # new dossiers for a saved search (a digest)


class Notification(SQLModel, table=True):
    """A notice (thông báo) to one recipient: a group (every user and key of a role, in one
    enterprise or jurisdiction) or one person or key (`recipient_user_id`, `recipient_key_id`).
    `need_id` and `dossier_ids` name what it is about: a reader who may not read the need does
    not see the notification at all."""

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=60, index=True,
                      description="`<family>.<what>`, e.g. `match.need`, `expiry.dossier`.")
    created_at: datetime = Field(default_factory=utcnow, index=True)
    recipient_role: Role
    recipient_jurisdiction: str | None = Field(None, max_length=16)
    recipient_enterprise_id: int | None = Field(None, sa_type=BigInteger, index=True)
    recipient_user_id: int | None = Field(None, sa_type=BigInteger, index=True)
    recipient_key_id: int | None = Field(None, sa_type=BigInteger, index=True)
    subject: str = Field(max_length=300)
    body: str = Field(sa_column=Column(Text, nullable=False))
    need_id: int | None = Field(None, sa_type=BigInteger, index=True)
    saved_search_id: int | None = Field(None, sa_type=BigInteger, index=True)
    dossier_ids: list[int] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    items: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False),
        description="What the notice lists (e.g. each dossier: id, title, score, why).")


class NotificationRead(SQLModel, table=True):
    """That one reader (`user:<id>` or `key:<id>`) has read a notification: a notification to
    a group is read by each of its members on their own."""

    __table_args__ = (UniqueConstraint("notification_id", "reader"),)

    id: int | None = Field(default=None, primary_key=True)
    notification_id: int = Field(foreign_key="notification.id", index=True)
    reader: str = Field(max_length=40)
    read_at: datetime = Field(default_factory=utcnow)


class SavedSearchBase(SQLModel):
    name: str = Field(min_length=1, max_length=200)
    query: str = Field(min_length=2, max_length=2000, description="The search text.")
    jurisdiction: str | None = Field(None, max_length=16,
                                     description="Only this province's priority sectors.")
    sector_codes: list[str] = Field(default_factory=list, sa_column=Column(JSON),
                                    max_length=MAX_CODES)
    origin_country: str | None = Field(None, max_length=2)
    transfer_mode: TransferMode | None = None
    min_trl: int | None = Field(None, ge=1, le=9)


class SavedSearch(SavedSearchBase, table=True):
    """A broker's search kept to be alerted of new dossiers it finds (a user's or a key's)."""

    __tablename__ = "savedsearch"

    id: int | None = Field(default=None, primary_key=True)
    owner_role: Role
    owner_jurisdiction: str | None = Field(None, max_length=16)
    owner_user_id: int | None = Field(None, sa_type=BigInteger, index=True)
    owner_key_id: int | None = Field(None, sa_type=BigInteger, index=True)
    created_at: datetime = Field(default_factory=utcnow)


class SavedSearchCreate(SavedSearchBase):
    pass


class SavedSearchUpdate(SQLModel):
    name: str | None = Field(None, min_length=1, max_length=200)
    query: str | None = Field(None, min_length=2, max_length=2000)
    jurisdiction: str | None = Field(None, max_length=16)
    sector_codes: list[str] | None = Field(None, max_length=MAX_CODES)
    origin_country: str | None = Field(None, max_length=2)
    transfer_mode: TransferMode | None = None
    min_trl: int | None = Field(None, ge=1, le=9)


class SavedSearchPublic(SavedSearchBase):
    id: int
    created_at: datetime


class SavedSearchesPublic(SQLModel):
    data: list[SavedSearchPublic]
    count: int


class AlertMatch(SQLModel, table=True):
    """A confident match found for a need or a saved search: recorded once per pair (the
    unique constraints), gathered into that subject's next digest (`notified_at`)."""

    __tablename__ = "alertmatch"
    __table_args__ = (UniqueConstraint("need_id", "dossier_id"),
                      UniqueConstraint("saved_search_id", "dossier_id"))

    id: int | None = Field(default=None, primary_key=True)
    need_id: int | None = Field(None, sa_type=BigInteger, index=True)
    saved_search_id: int | None = Field(None, sa_type=BigInteger, index=True)
    dossier_id: int = Field(sa_type=BigInteger)
    score: float
    explanation: str = Field("", sa_column=Column(Text, nullable=False))
    found_at: datetime = Field(default_factory=utcnow)
    notified_at: datetime | None = Field(default=None, index=True)


class Delivery(SQLModel, table=True):
    """A notification to send through one channel (`email` to an address, `webhook` to a URL),
    written with the notification and tried until sent or out of attempts."""

    id: int | None = Field(default=None, primary_key=True)
    notification_id: int = Field(foreign_key="notification.id", index=True)
    channel: str = Field(max_length=10)
    target: str = Field(max_length=500)
    attempts: int = 0
    next_at: datetime = Field(default_factory=utcnow, index=True)
    delivered_at: datetime | None = None
    failed_at: datetime | None = Field(default=None,
                                       description="Gave up after the last attempt.")
    last_error: str = Field(default="", max_length=500)


class NotificationPublic(SQLModel):
    id: int
    kind: str
    created_at: datetime
    subject: str
    body: str
    need_id: int | None
    saved_search_id: int | None
    dossier_ids: list[int]
    items: list[dict[str, Any]]
    read: bool


class NotificationsPublic(SQLModel):
    data: list[NotificationPublic]
    count: int
    unread: int
