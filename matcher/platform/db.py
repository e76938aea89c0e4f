"""Database engine and sessions: SQLite (WAL, busy timeout) by default, PostgreSQL by URL."""

import getpass
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import BigInteger, Integer, MetaData, event, inspect
from sqlalchemy.engine import Engine, make_url
from sqlmodel import Session as SQLModelSession
from sqlmodel import SQLModel, create_engine

# Importing the model modules registers their tables on SQLModel.metadata;
# importing the audit module installs the audit log on every session.
import matcher.alerts.models  # noqa: F401
import matcher.auth.audit  # noqa: F401
import matcher.catalogue.models  # noqa: F401
import matcher.events.models  # noqa: F401
import matcher.ledger.models  # noqa: F401
import matcher.models  # noqa: F401
import matcher.platform.outbox  # noqa: F401
import matcher.platform.rate_limit  # noqa: F401
import matcher.platform.rescreen  # noqa: F401
from embeddings.files import private_file
from matcher.models.fields import MAX_INT  # noqa: F401  (re-exported)

if TYPE_CHECKING:
    from matcher.platform.config import Settings


# Ids are 1 … 2**63-1 (the API's bound): BIGINT on PostgreSQL, whose INTEGER stops at 2**31-1
# (a larger id in a path or filter was a DataError there, a 500); SQLite's INTEGER is 64-bit
# already, and only a column typed exactly INTEGER can be its AUTOINCREMENT key.
ID = BigInteger().with_variant(Integer(), "sqlite")


def wide_ids(metadata: MetaData) -> None:
    """Make every integer key column, and every integer column referring to one, an `ID`."""
    for table in metadata.tables.values():
        sole_key = len(table.primary_key.columns) == 1
        for column in table.columns:
            if type(column.type) is Integer and (
                    (column.primary_key and sole_key) or column.foreign_keys):
                column.type = ID


class Session(SQLModelSession):
    """A session whose `get` finds nothing for an integer key no column can hold, where the
    driver would raise OverflowError: an id from a request is never a server error."""

    def get(self, entity: Any, ident: Any, **kwargs: Any) -> Any:
        if isinstance(ident, int) and not -MAX_INT - 1 <= ident <= MAX_INT:
            return None
        return super().get(entity, ident, **kwargs)


def make_engine(url: str, settings: "Settings | None" = None, **kwargs) -> Engine:
    """An engine for `url`, tuned by `settings` (default: the process's settings).

    SQLite files get WAL mode, the busy timeout and foreign keys, and a new one is created
    readable by its owner only (in a 0700 directory, if that is new too). PostgreSQL gets the
    pool size, overflow and timeout, and `lock_timeout` and `statement_timeout` on every
    connection, so that a blocked request fails (503) rather than hanging."""
    from matcher.platform.config import get_settings

    tuning = settings or get_settings()
    backend = make_url(url).get_backend_name()
    if backend == "sqlite":
        kwargs.setdefault("connect_args", {"check_same_thread": False,
                                           "timeout": tuning.database_busy_timeout})
        path = make_url(url).database
        if path and path != ":memory:" and not path.startswith("file:"):  # not in memory
            private_file(Path(path))
    elif backend == "postgresql":
        kwargs.setdefault("connect_args", {"options": " ".join(
            f"-c {name}={int(seconds * 1000)}" for name, seconds in (
                ("lock_timeout", tuning.database_lock_timeout),
                ("statement_timeout", tuning.database_statement_timeout)))})
        if "poolclass" not in kwargs:
            kwargs.setdefault("pool_size", tuning.database_pool_size)
            kwargs.setdefault("max_overflow", tuning.database_max_overflow)
            kwargs.setdefault("pool_timeout", tuning.database_pool_timeout)
        kwargs.setdefault("pool_pre_ping", True)
    engine = create_engine(url, **kwargs)
    if backend == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas(tuning.database_busy_timeout))
    return engine


def _sqlite_pragmas(busy_timeout: float) -> Callable[[Any, Any], None]:
    """The connect hook of SQLite engines: foreign keys, WAL, the busy timeout."""

    def on_connect(dbapi_connection, _record) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout * 1000)}")
        cursor.close()

    return on_connect


def create_tables(engine: Engine) -> None:
    """Bring the database to the newest schema at start-up: the Alembic migrations
    (`matcher.platform.migrations`) create it, adopt one made by an earlier version, or add
    what later revisions changed. A new in-memory SQLite database (tests) is made by
    `create_all` and stamped instead, which is equal (tests/matcher/platform/test_migrations.py)
    and several times faster."""
    from matcher.platform import migrations

    never_reuse_ids(SQLModel.metadata)
    wide_ids(SQLModel.metadata)
    if in_memory(engine) and not inspect(engine).get_table_names():
        with engine.begin() as connection:
            SQLModel.metadata.create_all(connection)
            migrations.stamp_head(connection)
        return
    migrations.upgrade(engine)


def in_memory(engine: Engine) -> bool:
    """Whether `engine` is on an in-memory SQLite database."""
    database = engine.url.database
    return engine.dialect.name == "sqlite" and (
        not database or database == ":memory:" or "mode=memory" in str(engine.url))


def never_reuse_ids(metadata: MetaData) -> None:
    """Make the integer key of every table AUTOINCREMENT on SQLite, which otherwise gives the
    id of the last deleted row to the next insert: an id in a link, an audit entry, an export
    or a client's cache must never come to mean another record. (PostgreSQL sequences never
    reuse; the first migration rebuilds older SQLite tables so.)"""
    for table in metadata.tables.values():
        table.dialect_kwargs["sqlite_autoincrement"] = True


never_reuse_ids(SQLModel.metadata)
wide_ids(SQLModel.metadata)


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

    settings = get_settings()
    engine = make_engine(settings.resolved_database_url, settings)
    create_tables(engine)
    with session_scope(engine) as session:
        session.info["actor"] = f"cli ({getpass.getuser()})"
        yield session
