"""Keeps one process's search index in step with the outbox, whichever process wrote.

`catch_up` applies every outbox row this process has not applied: it reads the current state of
the records the rows name and hands it to the index with the row ids as versions. `apply_own`
applies the rows a session just committed, so the API's own writes are searchable before it
answers. `follow` runs in a background thread: on PostgreSQL it sleeps on `LISTEN` and wakes on
the `NOTIFY` each writing transaction sends; on SQLite it polls `max(id)`, which costs a few
microseconds. Every `snapshot_seconds` with changes, the process that wins the snapshot lock (an
advisory lock on PostgreSQL, a file lock beside the index on SQLite) saves a snapshot.

PostgreSQL hands out ids when rows are inserted, not when they commit, so a row may become
visible after a higher one was applied. The follower remembers the ids it skipped over and asks
for them again until they appear or `GAP_SECONDS` pass (a rolled-back transaction leaves a gap
forever). SQLite writes one transaction at a time, so it never leaves such gaps.
"""

import fcntl
import hashlib
import logging
import socket
import threading
import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError
from sqlmodel import Session

from embeddings.files import private_file
from matcher.models.fields import utcnow
from matcher.platform.outbox import CHANNEL, Change, changes_after, latest, own_changes, prune
from matcher.search.index import Progress, SearchIndex

log = logging.getLogger(__name__)

GAP_SECONDS = 60.0  # how long an id skipped over is waited for
MAX_GAPS = 10_000  # more skipped ids than this at once: a sequence jump, not transactions
KEEP_OUTBOX = timedelta(hours=1)  # rows younger than this survive pruning


class IndexFollower:
    """Applies outbox rows to one index; remembers how far it got (`cursor`, `gaps`)."""

    def __init__(self, engine: Engine, index: SearchIndex) -> None:
        self.engine = engine
        self.index = index
        self.cursor = 0
        self.gaps: dict[int, float] = {}  # id skipped over → when it was first missed
        self.ready = threading.Event()  # set once the index caught up after start
        self.applied = 0  # records changed since the last snapshot
        self._mutex = threading.Lock()  # one catch-up at a time

    # -- position ------------------------------------------------------------------------------

    def position(self) -> dict:
        """Where the follower is, as a snapshot stores it."""
        return {"cursor": self.cursor, "gaps": sorted(self.gaps)}

    def resume(self, position: dict) -> None:
        """Continue from a snapshot's position."""
        now = time.monotonic()
        self.cursor = int(position.get("cursor", 0))
        self.gaps = {int(i): now for i in position.get("gaps", [])}

    # -- applying ------------------------------------------------------------------------------

    def catch_up(self, progress: Progress | None = None, batch: int = 10_000) -> int:
        """Apply every outbox row not applied yet; returns how many records changed."""
        changed = 0
        with self._mutex:
            while True:
                with Session(self.engine) as session:
                    changes = changes_after(session, self.cursor, list(self.gaps), batch)
                    states = self._states(session, changes)
                if not changes:
                    return changed
                changed += self._apply(states, progress)
                self._advance(changes)
                if len(changes) < batch:
                    return changed

    def apply_own(self, session: Session) -> int:
        """Apply the rows `session` has just committed (the caller's own writes)."""
        changes = own_changes(session)
        if not changes:
            return 0
        with Session(self.engine) as fresh:
            states = self._states(fresh, changes)
        return self._apply(states)

    def _states(self, session: Session, changes: list[Change]) -> dict[str, tuple[dict, dict]]:
        """Per collection: the current state of each record the rows name, and the newest row
        id naming it (its version). Read in one short transaction, before any embedding."""
        versions: dict[str, dict[int, int]] = defaultdict(dict)
        for change in changes:
            seen = versions[change.collection]
            seen[change.record_id] = max(change.id, seen.get(change.record_id, 0))
        return {name: (self.index.load_states(session, name, records), records)
                for name, records in versions.items()}

    def _apply(self, states: dict[str, tuple[dict, dict]],
               progress: Progress | None = None) -> int:
        changed = sum(self.index.apply(name, found, versions, progress)
                      for name, (found, versions) in states.items())
        self.applied += changed
        return changed

    def _advance(self, changes: list[Change]) -> None:
        now = time.monotonic()
        ids = {c.id for c in changes}
        for i in ids:
            self.gaps.pop(i, None)
        top = max(ids)
        if top > self.cursor:
            skipped = top - self.cursor - 1 - sum(1 for i in ids if self.cursor < i < top)
            if skipped <= MAX_GAPS:
                self.gaps.update({i: now for i in range(self.cursor + 1, top)
                                  if i not in ids and i not in self.gaps})
            else:
                log.warning("outbox ids jumped by %d; not waiting for them", skipped)
            self.cursor = top
        self.gaps = {i: t for i, t in self.gaps.items() if now - t < GAP_SECONDS}

    # -- in the background ---------------------------------------------------------------------

    def follow(self, stop: threading.Event, poll_seconds: float,
               snapshot_seconds: float) -> None:
        """Catch up whenever the outbox grows, until `stop` is set; snapshot now and then."""
        wait = self._listener(poll_seconds) if self.engine.dialect.name == "postgresql" \
            else None
        last_snapshot = time.monotonic()
        while not stop.is_set():
            try:
                if wait is not None:
                    next(wait)
                else:
                    stop.wait(poll_seconds)
                if self._behind():
                    self.catch_up()
                if self.applied and time.monotonic() - last_snapshot >= snapshot_seconds:
                    self.snapshot()
                    last_snapshot = time.monotonic()
            except Exception as exc:  # a database restart must not end following for good
                log.warning("following the outbox: %s", exc)
                stop.wait(poll_seconds)
                wait = self._listener(poll_seconds) if wait is not None else None

    def _behind(self) -> bool:
        if self.gaps:
            return True
        with Session(self.engine) as session:
            return latest(session) > self.cursor

    def _listener(self, timeout: float) -> Iterator[None]:
        """Yields when a NOTIFY arrives on the outbox channel, or after `timeout` seconds."""
        raw = self.engine.raw_connection()
        connection = raw.driver_connection
        connection.autocommit = True  # type: ignore[union-attr]
        connection.execute(f"LISTEN {CHANNEL}")  # type: ignore[union-attr]
        try:
            while True:
                for _ in connection.notifies(timeout=timeout, stop_after=1):  # type: ignore
                    pass
                yield
        finally:
            raw.close()

    # -- snapshots -----------------------------------------------------------------------------

    def snapshot(self) -> bool:
        """Save the index with its position if no other process is saving it now, and prune
        outbox rows the snapshot makes unnecessary; False when another process held the lock."""
        if self.index.directory is None:
            return False
        position = self.position()  # before saving: the saved vectors are at least this new
        with snapshot_lock(self.engine, self.index.directory) as mine:
            if not mine:
                return False
            self.applied = 0
            self.index.save(position)
            through = min([position["cursor"], *position["gaps"]]) - 1 if position["gaps"] \
                else position["cursor"]
            pruned = self._prune(through)
            log.info("index snapshot at outbox %d (%d old outbox rows pruned)",
                     position["cursor"], pruned)
            return True

    def _prune(self, through: int) -> int:
        """Delete outbox rows the snapshot made unnecessary; 0 when the database is busy (a
        long import holding SQLite's write lock): pruning is housekeeping, the next snapshot
        does it, and it must not end the follower's thread."""
        try:
            with Session(self.engine) as session:
                pruned = prune(session, through, utcnow() - KEEP_OUTBOX)
                session.commit()
                return pruned
        except OperationalError as exc:
            log.warning("outbox not pruned this time: %s", exc)
            return 0


@contextmanager
def snapshot_lock(engine: Engine, directory: Path) -> Iterator[bool]:
    """Whether this process may write the snapshot of `directory` now (held until the block
    ends): a PostgreSQL advisory lock keyed by host and directory, or a file lock there."""
    if engine.dialect.name == "postgresql":
        key = int.from_bytes(hashlib.sha256(
            f"{socket.gethostname()}:{directory.resolve()}".encode()).digest()[:8],
            "big", signed=True)
        with engine.connect() as connection:
            mine = bool(connection.execute(text("SELECT pg_try_advisory_lock(:k)"),
                                           {"k": key}).scalar())
            try:
                yield mine
            finally:
                if mine:
                    connection.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": key})
                connection.commit()
        return
    with open(private_file(directory / "snapshot.lock"), "a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
