"""Tables for API keys and the audit log."""

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel

from matcher.models.fields import utcnow


class Role(StrEnum):
    """What a key may do (see docs/ACCESS.md for the full route table)."""

    admin = "admin"  # Department of S&T: everything
    intermediary = "intermediary"  # brokers: every record, contacts, the ledger
    organiser = "organiser"  # Techmart organisers: events; needs anonymised
    enterprise = "enterprise"  # one enterprise: its own record and needs


class ApiKey(SQLModel, table=True):
    """An API key. Only the SHA-256 of its secret is stored; the secret is shown once."""

    id: int | None = Field(default=None, primary_key=True)
    prefix: str = Field(max_length=16, unique=True, index=True,
                        description="Public part of the key, used to look it up.")
    secret_hash: str = Field(max_length=64)
    role: Role
    org: str = Field(max_length=200, description="Organisation the key was issued to.")
    jurisdiction: str | None = Field(None, max_length=16,
                                     description="Province of an intermediary or organiser.")
    enterprise_id: int | None = Field(None, foreign_key="enterprise.id",
                                      description="The enterprise an enterprise key acts for.")
    created_at: datetime = Field(default_factory=utcnow)
    revoked_at: datetime | None = None


class AuditEntry(SQLModel, table=True):
    """One changed record: who changed it, when, and its values before and after."""

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, index=True)
    actor: str = Field(max_length=300, description="`key <id> (<role>, <org>)`, or `cli`.")
    request: str = Field("", max_length=300, description="HTTP method and path, when any.")
    action: str = Field(max_length=10, description="create, update or delete.")
    table_name: str = Field(max_length=64, index=True)
    record_id: str = Field(max_length=64, index=True)
    before: dict[str, Any] | None = Field(None, sa_column=Column(JSON))
    after: dict[str, Any] | None = Field(None, sa_column=Column(JSON))


class AuditEntryPublic(SQLModel):
    id: int
    at: datetime
    actor: str
    request: str
    action: str
    table_name: str
    record_id: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None


class AuditEntriesPublic(SQLModel):
    data: list[AuditEntryPublic]
    count: int


class User(SQLModel, table=True):
    """A person who logs in to the web application. Same roles and scope as an API key; the
    password is stored only as an argon2 hash (`matcher.auth.users`)."""

    __tablename__ = "webuser"  # `user` is a reserved word in PostgreSQL

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=254, unique=True, index=True,
                       description="Login name, stored lower-case.")
    name: str = Field(max_length=200)
    org: str = Field(max_length=200, description="The person's organisation.")
    role: Role
    jurisdiction: str | None = Field(None, max_length=16,
                                     description="Province of an intermediary or organiser.")
    enterprise_id: int | None = Field(None, foreign_key="enterprise.id",
                                      description="The enterprise an enterprise user acts for.")
    password_hash: str = Field(max_length=200)
    language: str = Field("vi", max_length=5, description="vi or en.")
    created_at: datetime = Field(default_factory=utcnow)
    disabled_at: datetime | None = None


class WebSession(SQLModel, table=True):
    """A logged-in browser. Only the SHA-256 of the cookie's token is stored; logging out or
    disabling the user ends it at once (a signed cookie could not be taken back)."""

    __tablename__ = "websession"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True, index=True)
    csrf_token: str = Field(max_length=64, description="Every form of the session sends it.")
    user_id: int = Field(foreign_key="webuser.id", index=True)
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime
