"""The alerts job (`ketnoi alerts run`): reads the outbox from where it last stopped, matches
the dossiers written since against open needs and saved searches, records the new pairs,
sends the digests that are due, then the e-mails and webhook calls.

Why a job reading the outbox, not a hook in the follower: every server process has a
follower, so a hook would run once per process; the job keeps one position in the database
(`OutboxReader` "alerts") that any process may continue. It never loses an alert: the position
moves in the same transaction that records the pairs found, so a crash before the commit
leaves both as they were and the next run does the work again; outbox rows the job has not
read are never pruned; ids PostgreSQL handed to transactions still open are waited for (like
the follower's gaps). It never alerts twice: the pairs have unique constraints, and they are
written under a lock on the reader's row (its UPDATE takes SQLite's write lock, or the row's
lock on PostgreSQL), so two runs at once record each pair once; the digests are made under the
same lock, and each delivery is claimed before it is sent.
"""

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from matcher.alerts.delivery import Sent, deliver_due
from matcher.alerts.digest import send_digests
from matcher.alerts.matching import Found, new_matches
from matcher.alerts.models import AlertMatch
from matcher.alerts.reminders import send_reminders
from matcher.models.fields import aware, utcnow
from matcher.platform.outbox import OutboxReader, changes_after, latest
from matcher.platform.runtime import Runtime

log = logging.getLogger(__name__)
READER = "alerts"
GAP_SECONDS = 300  # how long an outbox id skipped over is waited for
BATCH = 10_000


@dataclass
class AlertRun:
    """What one run did."""

    changes: int = 0  # outbox rows read
    dossiers: int = 0  # dossiers among them
    matches: int = 0  # new need–dossier and search–dossier pairs
    notifications: int = 0
    reminders: int = 0  # dossiers and needs about to expire, owners told
    sent: Sent = field(default_factory=Sent)


def _position(session: Session) -> OutboxReader:
    """The job's position (made at the newest outbox row on the first run: alerts are for
    dossiers written from then on, not the whole history)."""
    reader = session.get(OutboxReader, READER)
    if reader is None:
        session.add(OutboxReader(name=READER, cursor=latest(session)))
        try:
            session.commit()
        except IntegrityError:  # another process's first run made it first
            session.rollback()
        reader = session.get(OutboxReader, READER, populate_existing=True)
        assert reader is not None
    return reader


def _lock(session: Session) -> OutboxReader:
    """The job's position, locked until the transaction ends."""
    session.execute(update(OutboxReader).where(col(OutboxReader.name) == READER)
                    .values(updated_at=utcnow()))
    reader = session.exec(select(OutboxReader).where(OutboxReader.name == READER)
                          .execution_options(populate_existing=True)).one()
    return reader


def advance(cursor: int, gaps: dict[str, str], ids: set[int], now: datetime
            ) -> tuple[int, dict[str, str]]:
    """The position after reading the rows `ids`: the highest id read, and the ids skipped
    below it (with when they were first missed) until they show up or GAP_SECONDS pass."""
    kept = {i: t for i, t in gaps.items() if int(i) not in ids
            and now - datetime.fromisoformat(t) < timedelta(seconds=GAP_SECONDS)}
    top = max(ids, default=cursor)
    if top > cursor:
        for i in range(cursor + 1, top):
            if i not in ids and len(kept) < BATCH:
                kept.setdefault(str(i), now.isoformat())
        cursor = top
    return cursor, kept


def run_alerts(runtime: Runtime, now: datetime | None = None) -> AlertRun:
    """One run of the job (see the module's docstring)."""
    now = aware(now) if now else utcnow()
    done = AlertRun()
    with runtime.session() as session:
        reader = _position(session)
        changes = changes_after(session, reader.cursor, [int(i) for i in reader.gaps], BATCH)
    # after reading the rows: the index then holds at least the dossiers they name
    runtime.follower.catch_up()
    done.changes = len(changes)
    dossier_ids = {c.record_id for c in changes if c.collection == "dossiers"}
    done.dossiers = len(dossier_ids)
    found: list[Found] = []
    if dossier_ids:
        with runtime.session() as session:
            found = list(new_matches(session, runtime.matches, dossier_ids))
    with runtime.session() as session:
        session.info["actor"] = "alerts"
        reader = _lock(session)
        done.matches = _record(session, found, now)
        reader.cursor, reader.gaps = advance(reader.cursor, dict(reader.gaps),
                                             {c.id for c in changes}, now)
        session.add(reader)
        done.notifications = send_digests(session, runtime.settings, now)
        done.reminders = send_reminders(session, runtime.settings, now)
        session.commit()
    # what this run queued is due too: its rows were stamped after `now` was taken
    done.sent = deliver_due(runtime.engine, runtime.settings, max(now, utcnow()))
    log.info("alerts: %d outbox rows, %d dossiers, %d new matches, %d notifications, "
             "%d expiry reminders, %d sent", done.changes, done.dossiers, done.matches,
             done.notifications, done.reminders, done.sent.sent)
    return done


def _record(session: Session, found: list[Found], now: datetime) -> int:
    """Record the pairs not recorded before (the caller holds the lock); returns how many."""
    made = 0
    for item in found:
        subject = (AlertMatch.need_id == item.need_id if item.need_id is not None
                   else AlertMatch.saved_search_id == item.saved_search_id)
        known = session.exec(select(AlertMatch.id).where(
            subject, AlertMatch.dossier_id == item.dossier_id)).first()
        if known is None:
            session.add(AlertMatch(need_id=item.need_id, saved_search_id=item.saved_search_id,
                                   dossier_id=item.dossier_id, score=item.score,
                                   explanation=item.explanation, found_at=now))
            session.flush()
            made += 1
    return made
