"""The outbox: one row per change of a searchable record, written in the transaction that made
the change, so every process's search index can follow the database (the one truth).

Any write through a session — an API worker, `ketnoi import`, a script — flushes dossiers and
needs through the ORM, and `_record_changes` (an `after_flush` listener, installed on import)
appends a row naming the collection and the record. A row says only *which* record changed;
a follower reads the record's current state, so applying a row twice, or late, is harmless.
On PostgreSQL the same transaction sends `NOTIFY ketnoi_outbox`, which wakes listeners when it
commits. The session remembers the rows it wrote (`own_changes`), so the process that made a
change can apply it to its own index before it answers.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import JSON, BigInteger, Column, Integer, event, func, insert, select, text
from sqlalchemy.orm import Session as OrmSession
from sqlalchemy.orm import UOWTransaction
from sqlmodel import Field, SQLModel

from matcher.models import Dossier, Need
from matcher.models.fields import utcnow

CHANNEL = "ketnoi_outbox"  # the PostgreSQL NOTIFY channel
COLLECTIONS: dict[type, str] = {Dossier: "dossiers", Need: "needs"}


class OutboxEntry(SQLModel, table=True):
    """A change of one searchable record: `collection` (`dossiers` or `needs`) and its id."""

    __tablename__ = "outbox"

    id: int | None = Field(default=None, sa_column=Column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True))
    collection: str = Field(max_length=20, index=True)
    record_id: int = Field(sa_type=BigInteger)
    at: datetime = Field(default_factory=utcnow)


class OutboxReader(SQLModel, table=True):
    """A consumer of the outbox that keeps its position in the database (the alerts job), so
    that any process may continue where another stopped; rows it has not read are kept."""

    __tablename__ = "outboxreader"

    name: str = Field(max_length=40, primary_key=True)
    cursor: int = Field(0, sa_type=BigInteger)
    gaps: dict[str, str] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False),
                                 description="Ids skipped over (not committed yet) → when "
                                 "first missed, ISO time.")
    updated_at: datetime = Field(default_factory=utcnow)


@dataclass(frozen=True)
class Change:
    """An outbox row as followers read it: which record of which collection, and the row's
    id (its version: a later row for the same record is a later state)."""

    id: int
    collection: str
    record_id: int


def _changed(session: OrmSession) -> list[tuple[str, int]]:
    found: dict[tuple[str, int], None] = {}
    for obj in (*session.new, *session.dirty, *session.deleted):
        collection = COLLECTIONS.get(type(obj))
        if collection is None or obj.id is None:
            continue
        if obj in session.dirty and not session.is_modified(obj):
            continue
        found[(collection, obj.id)] = None
    return list(found)


@event.listens_for(OrmSession, "after_flush")
def _record_changes(session: OrmSession, _context: UOWTransaction) -> None:
    changed = _changed(session)
    if not changed:
        return
    connection = session.connection()
    rows = [{"collection": c, "record_id": i, "at": utcnow()} for c, i in changed]
    table = OutboxEntry.__table__  # type: ignore[attr-defined]
    ids = connection.execute(insert(table).returning(table.c.id), rows).scalars().all()
    session.info.setdefault("outbox", []).extend(
        Change(int(n), c, i) for n, (c, i) in zip(ids, changed, strict=True))
    if connection.dialect.name == "postgresql":
        connection.execute(text(f"NOTIFY {CHANNEL}"))


@event.listens_for(OrmSession, "after_rollback")
def _forget_changes(session: OrmSession) -> None:
    session.info.pop("outbox", None)


def own_changes(session: OrmSession) -> list[Change]:
    """The outbox rows this session committed since the last call (and forgets them)."""
    return session.info.pop("outbox", [])


def changes_after(session: OrmSession, cursor: int, also: list[int] = (),  # type: ignore[assignment]
                  limit: int = 10_000) -> list[Change]:
    """Outbox rows with an id above `cursor`, or among `also` (ids a follower is still
    waiting for), oldest first, at most `limit`."""
    table = OutboxEntry.__table__  # type: ignore[attr-defined]
    condition = table.c.id > cursor
    if also:
        condition = condition | table.c.id.in_(list(also))
    rows = session.execute(select(table.c.id, table.c.collection, table.c.record_id)
                           .where(condition).order_by(table.c.id).limit(limit))
    return [Change(int(r.id), r.collection, int(r.record_id)) for r in rows]


def latest(session: OrmSession) -> int:
    """The highest outbox id (0 when the outbox is empty)."""
    return int(session.execute(select(func.max(OutboxEntry.id))).scalar() or 0)


def prune(session: OrmSession, through: int, keep_since: datetime) -> int:
    """Delete rows up to id `through` written before `keep_since` (the caller commits); a
    snapshot at `through` or later makes them unnecessary to a starting process. Rows an
    `OutboxReader` has not read yet are kept."""
    table = OutboxEntry.__table__  # type: ignore[attr-defined]
    for reader in session.execute(select(OutboxReader)).scalars():
        waiting = [int(i) for i in reader.gaps]
        through = min(through, min(waiting) - 1 if waiting else reader.cursor)
    result = session.execute(table.delete().where(table.c.id <= through,
                                                  table.c.at < keep_since))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
