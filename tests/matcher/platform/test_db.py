"""The database engine: ids are never given twice on SQLite, and a SQLite database on disk is
readable by its owner only."""

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Integer
from sqlalchemy.pool import StaticPool
from sqlmodel import Session, SQLModel

from matcher.events.models import Event, EventCreate
from matcher.models import Dossier, Jurisdiction
from matcher.platform.db import create_tables, make_engine
from tests.factories import dossier_payload
from tests.matcher.events.world import event_payload


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def usual_umask() -> Iterator[None]:
    """The umask most systems start with (022): files readable by all unless made private."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def test_every_integer_key_of_every_table_autoincrements():
    engine = make_engine("sqlite://", poolclass=StaticPool)
    create_tables(engine)
    with engine.connect() as connection:
        ddl = dict(connection.exec_driver_sql(
            "SELECT name, sql FROM sqlite_master WHERE type = 'table'").all())
    keyed = [t.name for t in SQLModel.metadata.sorted_tables
             if len(t.primary_key.columns) == 1
             and isinstance(next(iter(t.primary_key.columns)).type, Integer)]
    assert len(keyed) > 15
    assert [name for name in keyed if "AUTOINCREMENT" not in ddl[name]] == []


@pytest.mark.parametrize("make", [
    lambda: Dossier.model_validate(dossier_payload()),
    lambda: Event.model_validate(EventCreate.model_validate(event_payload())),
], ids=["dossier", "event"])
def test_the_id_of_a_deleted_record_is_never_given_again(make):
    engine = make_engine("sqlite://", poolclass=StaticPool)
    create_tables(engine)
    with Session(engine) as session:
        session.add(Jurisdiction(code="BG", name="Bắc Giang"))
        first, last = make(), make()
        session.add_all([first, last])
        session.commit()
        deleted = last.id
        session.delete(last)
        session.commit()
        again = make()
        session.add(again)
        session.commit()
        assert again.id > deleted > first.id


def test_a_new_sqlite_database_is_private_to_its_owner(tmp_path: Path, usual_umask: None):
    path = tmp_path / "new" / "data" / "ketnoi.db"
    engine = make_engine(f"sqlite:///{path}")
    create_tables(engine)
    with Session(engine) as session:  # WAL mode: the -wal and -shm files exist while open
        session.add(Jurisdiction(code="BG", name="Bắc Giang"))
        session.commit()
        files = [path, path.with_name("ketnoi.db-wal"), path.with_name("ketnoi.db-shm")]
        assert {f.name: mode(f) for f in files} == {f.name: 0o600 for f in files}
    assert mode(path.parent) == 0o700
    engine.dispose()
