"""Several server processes and a CLI on one database: a dossier `ketnoi import` writes while
`ketnoi serve --workers 2` runs is found by `/search` on that server, in every worker, without
a restart."""

import json
import os
import subprocess
import time
from pathlib import Path

import httpx
from sqlmodel import select

from benchmarks.server import ketnoi_command, serving
from matcher.auth.keys import create_key
from matcher.auth.models import Role
from matcher.ingest.seed import load_sectors
from matcher.models import Dossier
from matcher.platform.config import Settings
from matcher.platform.db import make_engine, session_scope
from matcher.platform.outbox import OutboxEntry
from matcher.platform.runtime import build_runtime
from tests.conftest import SEED
from tests.factories import dossier_payload

TITLE = "Tidal-stream turbine blade anti-fouling coating"


def _prepared(data: Path, e5, database_url: str | None = None) -> tuple[dict[str, str], str]:
    """A data directory with sectors, one dossier and a snapshot; the server's environment
    and an admin key."""
    settings = Settings(data_dir=data, seed_dir=SEED, database_url=database_url,
                        _env_file=None)
    runtime = build_runtime(settings, embedder=e5)
    with session_scope(runtime.engine) as session:
        load_sectors(session, SEED / "sectors.json")
        session.add(Dossier.model_validate(dossier_payload(ref="D-1")))
    runtime.sync()
    with runtime.session() as session:
        _, key = create_key(session, Role.admin, "test")
    runtime.engine.dispose()
    env = {**os.environ, "KETNOI_DATA_DIR": str(data), "KETNOI_SEED_DIR": str(SEED),
           "HF_HUB_OFFLINE": "1"}
    if database_url:
        env["KETNOI_DATABASE_URL"] = database_url
    return env, key


def _imported_while_serving(tmp_path: Path, e5, database_url: str | None = None) -> float:
    """Seconds from the end of `ketnoi import` until every worker finds the dossier."""
    env, key = _prepared(tmp_path / "data", e5, database_url)
    rows = tmp_path / "new.jsonl"
    rows.write_text(json.dumps(dossier_payload(ref="D-NEW", title=TITLE, keywords=[])) + "\n")
    with serving(env, key, tmp_path / "serve.log", timeout=300, workers=2) as url:
        client = httpx.Client(base_url=url, headers={"X-API-Key": key}, timeout=30)
        for _ in range(20):  # both workers caught up since start
            assert client.get("/health/ready").status_code == 200
        done = subprocess.run([*ketnoi_command(), "import", "dossiers", str(rows)], env=env,
                              capture_output=True, text=True, timeout=600)
        imported = time.monotonic()
        assert done.returncode == 0, done.stderr
        found_in_a_row = 0
        while found_in_a_row < 10:  # ten answers in a row: the kernel spreads them on both
            titles = [d["title"] for d in client.get("/search", params={
                "q": "tidal turbine blade coating"}).json()["data"]]
            found_in_a_row = found_in_a_row + 1 if titles[:1] == [TITLE] else 0
            if found_in_a_row == 1:
                delay = time.monotonic() - imported
            assert time.monotonic() - imported < 30, "not found after 30 s"
    settings = Settings(data_dir=tmp_path / "data", database_url=database_url, _env_file=None)
    with session_scope(make_engine(settings.resolved_database_url)) as session:
        assert session.exec(select(OutboxEntry)).all()  # the import went through the outbox
    return delay


def test_an_import_is_searchable_on_a_running_server_with_two_workers(tmp_path: Path, e5):
    delay = _imported_while_serving(tmp_path, e5)
    print(f"visible in every worker {delay:.2f} s after `ketnoi import` ended")
    assert delay < 1.0
