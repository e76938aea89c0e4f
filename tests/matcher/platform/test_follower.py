"""Following the outbox: a write through one process (its own engine, session and index) is
applied by every other process's follower, in order, and a follower that starts later resumes
from a snapshot."""

import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import insert

from matcher.ingest.seed import load_sectors
from matcher.models import Dossier
from matcher.platform.config import Settings
from matcher.platform.db import make_engine, session_scope
from matcher.platform.follower import snapshot_lock
from matcher.platform.outbox import OutboxEntry, changes_after
from matcher.platform.runtime import Runtime, build_runtime
from matcher.search.matches import DossierFilters
from tests.conftest import SEED
from tests.factories import dossier_payload


def _process(settings: Settings, e5, persist: bool = False) -> Runtime:
    """A runtime as another process would have it: its own engine, index and cache, on the
    one database file."""
    return build_runtime(settings, engine=make_engine(settings.resolved_database_url),
                         embedder=e5, persist=persist)


@pytest.fixture
def two(settings: Settings, e5) -> tuple[Runtime, Runtime]:
    writer, reader = _process(settings, e5), _process(settings, e5)
    with session_scope(writer.engine) as session:
        load_sectors(session, SEED / "sectors.json")
    reader.sync()
    return writer, reader


def _titles(runtime: Runtime, text: str) -> list[str]:
    with runtime.session() as session:
        return [s.title for s in runtime.matches.search(session, text, DossierFilters(), 5).data]


def _write(runtime: Runtime, **fields) -> int:
    with runtime.session() as session:
        dossier = Dossier.model_validate(dossier_payload(**fields))
        session.add(dossier)
        runtime.commit(session, "dossier")
        return dossier.id


def test_a_write_in_one_process_is_applied_by_another(two) -> None:
    writer, reader = two
    dossier_id = _write(writer, title="Swine wastewater biogas digester")
    assert "Swine wastewater biogas digester" in _titles(writer, "biogas")  # its own, at once
    assert reader.index.size()["dossiers"] == 0
    assert reader.follower.catch_up() == 1
    assert _titles(reader, "biogas") == ["Swine wastewater biogas digester"]
    with writer.session() as session:
        dossier = session.get(Dossier, dossier_id)
        dossier.title = "Rice straw mushroom substrate"
        session.add(dossier)
        writer.commit(session, "dossier")
    reader.follower.catch_up()
    assert _titles(reader, "mushroom substrate") == ["Rice straw mushroom substrate"]
    with writer.session() as session:
        session.delete(session.get(Dossier, dossier_id))
        writer.commit(session, "dossier")
    reader.follower.catch_up()
    assert reader.index.size()["dossiers"] == 0
    assert reader.follower.catch_up() == 0  # nothing new: nothing applied


def test_a_change_of_status_is_applied_without_embedding(two) -> None:
    writer, reader = two
    dossier_id = _write(writer)
    reader.follower.catch_up()
    misses = reader.index.cache.misses
    with writer.session() as session:
        dossier = session.get(Dossier, dossier_id)
        dossier.status = "withdrawn"
        session.add(dossier)
        writer.commit(session, "dossier")
    assert reader.follower.catch_up() == 1
    assert reader.index.dossiers.docs[dossier_id].status == "withdrawn"
    assert reader.index.cache.misses == misses


def test_an_older_state_never_replaces_a_newer_one(two) -> None:
    writer, reader = two
    dossier_id = _write(writer, title="First title")
    with writer.session() as session:
        old = reader.index.load_states(session, "dossiers", [dossier_id])
    with writer.session() as session:
        dossier = session.get(Dossier, dossier_id)
        dossier.title = "Second title"
        session.add(dossier)
        writer.commit(session, "dossier")
    reader.follower.catch_up()
    versions = [c.id for c in changes_after(writer.session(), 0)]
    assert reader.index.apply("dossiers", old, {dossier_id: versions[0]}) == 0
    assert reader.index.dossiers.docs[dossier_id].title == "Second title"


def test_a_row_that_commits_after_a_higher_one_is_not_missed(two) -> None:
    """PostgreSQL gives ids at insert and rows commit in any order: a follower that saw id
    n + 1 before n still applies n when it appears."""
    writer, reader = two
    first, second = _write(writer, title="Lychee dryer"), _write(writer, title="Longan dryer")
    with writer.session() as session:
        ids = [c.id for c in changes_after(session, 0)]
        session.execute(OutboxEntry.__table__.delete().where(OutboxEntry.id == ids[0]))
        session.commit()
    reader.follower.catch_up()
    assert set(reader.index.dossiers.docs) == {second}
    assert list(reader.follower.gaps) == [ids[0]]
    with writer.session() as session:  # the "late" transaction commits
        session.execute(insert(OutboxEntry).values(id=ids[0], collection="dossiers",
                                                   record_id=first))
        session.commit()
    reader.follower.catch_up()
    assert set(reader.index.dossiers.docs) == {first, second}
    assert reader.follower.gaps == {}


def test_the_background_follower_picks_up_writes_from_another_process(two) -> None:
    writer, reader = two
    stop = threading.Event()
    thread = threading.Thread(target=reader.follower.follow, args=(stop, 0.05, 3600),
                              daemon=True)
    thread.start()
    try:
        _write(writer, title="Solar greenhouse controller")
        deadline = time.monotonic() + 10
        while reader.index.size()["dossiers"] == 0 and time.monotonic() < deadline:
            time.sleep(0.02)
        assert _titles(reader, "greenhouse") == ["Solar greenhouse controller"]
    finally:
        stop.set()
        thread.join(5)


def test_a_new_process_resumes_from_the_snapshot_and_replays_the_rest(settings, e5) -> None:
    first = _process(settings, e5, persist=True)
    with session_scope(first.engine) as session:
        load_sectors(session, SEED / "sectors.json")
    _write(first, title="Heat-pump lychee dryer")
    first.sync()  # saves a snapshot at the outbox's end
    saved = first.index.saved_cursor()
    assert saved is not None and saved["cursor"] == first.follower.cursor
    _write(first, title="Cassava starch wastewater treatment")  # after the snapshot
    later = _process(settings, e5, persist=True)
    assert later.load()
    assert later.follower.cursor > saved["cursor"]
    assert _titles(later, "cassava starch")[0] == "Cassava starch wastewater treatment"


def test_a_record_deleted_after_the_snapshot_leaves_the_replayed_index(settings, e5) -> None:
    first = _process(settings, e5, persist=True)
    with session_scope(first.engine) as session:
        load_sectors(session, SEED / "sectors.json")
    kept = _write(first, title="Heat-pump lychee dryer")
    deleted = _write(first, title="Cassava starch wastewater treatment")
    first.sync()  # saves a snapshot holding both
    with first.session() as session:
        session.delete(session.get(Dossier, deleted))
        first.commit(session, "dossier")
    later = _process(settings, e5, persist=True)
    assert later.load()  # the snapshot (both vectors), then the outbox: the deletion
    assert set(later.index.dossiers.vectors.hashes) == {kept}
    with later.session() as session:
        assert later.index.verify(session)["dossiers"].clean


def test_one_process_at_a_time_writes_the_snapshot(tmp_path: Path, engine) -> None:
    """A file lock beside the index on SQLite, an advisory lock on PostgreSQL."""
    with snapshot_lock(engine, tmp_path / "index") as first:
        with snapshot_lock(engine, tmp_path / "index") as second:
            assert (first, second) == (True, False)
    with snapshot_lock(engine, tmp_path / "index") as again:
        assert again
