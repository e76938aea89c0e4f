"""The runtime on disk: everything it keeps in the data directory is its owner's only."""

import os
import stat
from pathlib import Path

from matcher.ingest.seed import load_sectors
from matcher.models import Dossier
from matcher.platform.config import Settings
from matcher.platform.db import session_scope
from matcher.platform.runtime import build_runtime
from tests.conftest import SEED
from tests.factories import dossier_payload


def test_nothing_in_the_data_directory_is_readable_by_others(tmp_path: Path, e5):
    data = tmp_path / "data"
    settings = Settings(data_dir=data, seed_dir=SEED, restore_diacritics=False, _env_file=None)
    previous = os.umask(0o022)
    try:
        runtime = build_runtime(settings, embedder=e5)
        with session_scope(runtime.engine) as session:
            load_sectors(session, SEED / "sectors.json")
            session.add(Dossier.model_validate(dossier_payload()))
        runtime.sync()
        runtime.index.save()
        modes = {str(p.relative_to(tmp_path)): stat.S_IMODE(p.stat().st_mode)
                 for p in (data, *data.rglob("*"))}
    finally:
        os.umask(previous)
    assert {"data/ketnoi.db", "data/embeddings.sqlite", "data/index/dossiers.faiss"} <= set(modes)
    assert {p: oct(m) for p, m in modes.items() if m & 0o077} == {}
    assert modes["data"] == modes["data/index"] == 0o700
    runtime.engine.dispose()
