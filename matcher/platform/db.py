"""Database engine and sessions: SQLite (WAL, busy timeout) by default, PostgreSQL by URL."""

import getpass
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import MetaData, event
from sqlalchemy.engine import Engine, make_url
from sqlmodel import Session as SQLModelSession
from sqlmodel import SQLModel, create_engine

# Importing the model modules registers their tables on SQLModel.metadata;
# importing the audit module installs the audit log on every session.
import matcher.auth.audit  # noqa: F401
import matcher.events.models  # noqa: F401
import matcher.ledger.models  # noqa: F401
import matcher.models  # noqa: F401
import matcher.platform.outbox  # noqa: F401
from embeddings.files import private_file
from matcher.models.fields import MAX_INT  # noqa: F401  (re-exported)


class Session(SQLModelSession):
    """A session whose `get` finds nothing for an integer key no column can hold, where the
    driver would raise OverflowError: an id from a request is never a server error."""

    def get(self, entity: Any, ident: Any, **kwargs: Any) -> Any:
        if isinstance(ident, int) and not -MAX_INT - 1 <= ident <= MAX_INT:
            return None
        return super().get(entity, ident, **kwargs)


def make_engine(url: str, **kwargs) -> Engine:
    """An engine for `url`; SQLite files get WAL mode, a busy timeout and foreign keys, and a
    new one is created readable by its owner only (in a 0700 directory, if that is new too)."""
    if url.startswith("sqlite"):
        kwargs.setdefault("connect_args", {"check_same_thread": False, "timeout": 30})
        path = make_url(url).database
        if path and path != ":memory:" and not path.startswith("file:"):  # not in memory
            private_file(Path(path))
    engine = create_engine(url, **kwargs)
    if url.startswith("sqlite"):
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def create_tables(engine: Engine) -> None:
    """Create every table that does not exist yet."""
    never_reuse_ids(SQLModel.metadata)
    SQLModel.metadata.create_all(engine)


def never_reuse_ids(metadata: MetaData) -> None:
    """Make the integer key of every table AUTOINCREMENT on SQLite, which otherwise gives the
    id of the last deleted row to the next insert: an id in a link, an audit entry, an export
    or a client's cache must never come to mean another record. (PostgreSQL sequences never
    reuse; tables created before this keep their old definition.)"""
    for table in metadata.tables.values():
        table.dialect_kwargs["sqlite_autoincrement"] = True


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """A session that commits on success and rolls back on error."""
    with Session(engine) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


@contextmanager
def configured_session() -> Iterator[Session]:
    """A committing session on the database the settings name (no embedding model loaded)."""
    from matcher.platform.config import get_settings

    engine = make_engine(get_settings().resolved_database_url)
    create_tables(engine)
    with session_scope(engine) as session:
        session.info["actor"] = f"cli ({getpass.getuser()})"
        yield session
