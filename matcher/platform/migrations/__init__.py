"""Schema migrations with Alembic, shipped inside the package so an installed `ketnoi` can
upgrade its database: `upgrade` brings a database to the newest revision (start-up and
`ketnoi db upgrade`), `current` and `head` say where it stands, `differences` compares a
database with the models, `new_revision` writes the next revision script (`ketnoi db revision`).

A database made by a version before migrations (its tables made by `create_all`, no
`alembic_version` table) is *adopted*: the first revision completes and fixes it (see
`versions/0001_baseline.py`), and the result must then equal the models, or nothing is kept.
"""

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection, Engine

SCRIPTS = Path(__file__).resolve().parent
VERSION_TABLE = "alembic_version"
_PG_MIGRATION_LOCK = 0x6B65746E6F69  # advisory lock key: one upgrading process at a time


class SchemaMismatch(RuntimeError):
    """The database, once upgraded, still differs from the models (nothing was kept)."""


@dataclass
class Upgrade:
    """What `upgrade` did: the revision before (None: no migrations had run) and after, the
    revisions applied, and whether the database was made by a version before migrations."""

    before: str | None
    after: str | None
    applied: list[str] = field(default_factory=list)
    adopted: bool = False

    def __str__(self) -> str:
        if not self.applied:
            return f"already at the newest revision ({self.after})"
        origin = ("tables made by a version before migrations, adopted"
                  if self.adopted else self.before or "empty database")
        return f"upgraded: {origin} → {self.after} (applied {', '.join(self.applied)})"


def config(connection: Connection | None = None) -> Config:
    """The Alembic configuration of the packaged scripts, running on `connection`."""
    cfg = Config()
    cfg.set_main_option("script_location", str(SCRIPTS))
    cfg.attributes["connection"] = connection
    return cfg


def head() -> str | None:
    """The newest revision of the packaged scripts."""
    return ScriptDirectory.from_config(config()).get_current_head()


def current(connection: Connection) -> str | None:
    """The revision the database is at (None: no migration has run on it)."""
    return MigrationContext.configure(connection).get_current_revision()


def differences(connection: Connection) -> list[Any]:
    """How the database's schema differs from the models' (Alembic's diff tuples; empty when
    equal)."""
    from sqlmodel import SQLModel

    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return [d for d in compare_metadata(context, SQLModel.metadata)
            if not (d[0] == "remove_table" and d[1].name == VERSION_TABLE)]


def upgrade(engine: Engine) -> Upgrade:
    """Bring the database of `engine` to the newest revision in one transaction, and say what
    was done. Concurrent callers (several workers starting) wait for each other."""
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:  # tables are rebuilt by copy and rename: no cascades meanwhile
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            connection.commit()
        try:
            with connection.begin():
                _lock(connection)
                done = _upgrade(connection)
                if sqlite and connection.exec_driver_sql("PRAGMA foreign_key_check").first():
                    raise SchemaMismatch("after the upgrade some rows refer to missing rows "
                                         "(PRAGMA foreign_key_check); nothing was kept")
        finally:
            if sqlite:
                connection.exec_driver_sql("PRAGMA foreign_keys=ON")
                connection.commit()
    return done


def _lock(connection: Connection) -> None:
    """Take the database's write lock (SQLite) or the migration lock (PostgreSQL) first, so
    that two processes starting together do not both migrate."""
    if connection.dialect.name == "sqlite":
        # pysqlite starts a transaction only before DML: without this, DDL would autocommit
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    elif connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"),
                           {"key": _PG_MIGRATION_LOCK})


def _upgrade(connection: Connection) -> Upgrade:
    before = current(connection)
    target = head()
    adopted = before is None and bool(set(inspect(connection).get_table_names()) - {VERSION_TABLE})
    if before == target:
        return Upgrade(before, target)
    script = ScriptDirectory.from_config(config())
    applied = [s.revision for s in reversed(list(script.iterate_revisions(target, before)))]
    command.upgrade(config(connection), "head")
    if adopted and (diffs := differences(connection)):
        raise SchemaMismatch("the database made by an earlier version still differs from "
                             "the models after the upgrade, so nothing was kept: "
                             + "; ".join(map(str, diffs)))
    return Upgrade(before, current(connection), applied, adopted)


def stamp_head(connection: Connection) -> None:
    """Record the newest revision without running the scripts (a database just made by
    `create_all`, which the schema test shows equal to the migrations' result)."""
    command.stamp(config(connection), "head")


def new_revision(engine: Engine, message: str) -> str:
    """Write the next revision script (numbered after the newest: 0002, 0003, …), with the
    changes Alembic detects between the models and a database upgraded to head (`engine`,
    empty), and return its path."""
    upgrade(engine)
    newest = head()
    number = f"{int(newest) + 1:04d}" if newest and newest.isdigit() else None
    with engine.begin() as connection:
        script = command.revision(config(connection), message=message, autogenerate=True,
                                  rev_id=number)
    return script.path  # type: ignore[union-attr]
