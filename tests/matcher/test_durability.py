"""A save of the index cut short (the process killed between writing the vectors and their ids)
is noticed at start and repaired from the database, never trusted."""

import shutil

from sqlmodel import select

from embeddings.e5 import E5Embedder
from matcher.ingest.importer import import_records
from matcher.models import Dossier
from matcher.platform.config import Settings
from matcher.platform.db import session_scope
from matcher.platform.runtime import Runtime, build_runtime
from matcher.search.matches import DossierFilters
from tests.conftest import runtime_with_sectors
from tests.factories import dossier_payload


def _start(settings: Settings, e5: E5Embedder) -> Runtime:
    """A runtime on the data directory, as a fresh process builds it, after its start-up sync."""
    runtime = build_runtime(settings, embedder=e5)
    runtime.sync()
    return runtime


def _import(runtime: Runtime, *rows: dict) -> None:
    with session_scope(runtime.engine) as session:
        import_records(session, "dossiers", list(rows))


def _assert_in_step(runtime: Runtime) -> None:
    """The index holds one vector per dossier in the database and nothing else."""
    with runtime.session() as session:
        ids = set(session.exec(select(Dossier.id)).all())
        drift = runtime.index.verify(session)["dossiers"]
    assert drift.clean, drift
    assert set(runtime.index.dossiers.vectors.hashes) == ids
    assert len(runtime.index.dossiers.vectors) == len(ids)


def _search(runtime: Runtime, text: str) -> list[str]:
    with runtime.session() as session:
        found = runtime.matches.search(session, text, DossierFilters(), 5)
    return [s.title for s in found.data]


def test_vectors_of_one_save_with_ids_of_another_are_rebuilt(settings: Settings, e5: E5Embedder):
    first = runtime_with_sectors(settings, e5)
    _import(first, dossier_payload(ref="D-1", title="Heat-pump dryer for lychee"),
            dossier_payload(ref="D-2", title="Injection mould making", sector_codes=["VN-02"]))
    first.sync()
    index_dir = settings.data_dir / "index"
    shutil.copy(index_dir / "dossiers.json", settings.data_dir / "old.json")
    with session_scope(first.engine) as session:
        session.delete(session.exec(select(Dossier).where(Dossier.ref == "D-1")).one())
    _import(first, dossier_payload(ref="D-3", title="Swine wastewater biogas digester",
                                   summary="Biogas from piggery effluent.",
                                   sector_codes=["VN-07"]))
    first.sync()
    # What a kill between the two renames of a save leaves: new vectors, the old save's ids.
    shutil.copy(settings.data_dir / "old.json", index_dir / "dossiers.json")

    restarted = _start(settings, e5)
    _assert_in_step(restarted)
    assert _search(restarted, "biogas from pig farm wastewater")[:2] == [
        "Swine wastewater biogas digester", "Injection mould making"]
    _assert_in_step(_start(settings, e5))


def test_vectors_saved_without_their_ids_are_rebuilt(settings: Settings, e5: E5Embedder):
    first = runtime_with_sectors(settings, e5)
    _import(first, dossier_payload(ref="D-1", title="Heat-pump dryer for lychee"))
    first.sync()
    # The first save killed after the vectors were renamed into place, before their ids were.
    (settings.data_dir / "index" / "dossiers.json").unlink()
    (settings.data_dir / "index" / "needs.faiss").unlink()
    (settings.data_dir / "index" / "needs.json").unlink()
    (settings.data_dir / "index" / "dossiers.json12345.tmp").write_bytes(b'{"embedder": ')

    restarted = _start(settings, e5)
    _assert_in_step(restarted)
    assert _search(restarted, "lychee dryer") == ["Heat-pump dryer for lychee"]
