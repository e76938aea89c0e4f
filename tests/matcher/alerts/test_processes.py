"""Two processes running the alerts job at the same moment on one database (a SQLite file or
PostgreSQL), each with its own runtime and index: every pair and every digest is written
once."""

import threading

from fastapi.testclient import TestClient
from sqlmodel import func, select

from api.main import create_app
from matcher.alerts.job import run_alerts
from matcher.alerts.models import AlertMatch, Notification
from matcher.auth.keys import create_key
from matcher.platform.runtime import build_runtime
from tests.conftest import runtime_with_sectors
from tests.matcher.alerts.conftest import make_world


def test_two_runs_at_once_alert_each_match_once(settings, e5):
    first = runtime_with_sectors(settings, e5)  # the settings' database: a file, or PostgreSQL
    second = build_runtime(settings, embedder=e5, persist=False)
    second.sync()
    with TestClient(create_app(first)) as client:
        with first.session() as session:
            client.headers["X-API-Key"] = create_key(session, "admin", "Sở KH&CN")[1]
        world = make_world(client, first)
        world.add_dossier()
        world.add_dossier(title="Solar-assisted heat-pump fruit dryer for lychee")
    done = []
    start = threading.Barrier(2)

    def run(runtime) -> None:
        start.wait()
        done.append(run_alerts(runtime))

    threads = [threading.Thread(target=run, args=(r,)) for r in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert len(done) == 2
    with first.session() as session:
        matches = session.exec(select(func.count()).select_from(AlertMatch)).one()
        notes = session.exec(select(func.count()).select_from(Notification)).one()
    assert (matches, notes) == (4, 4)  # two dossiers × two needs; one digest per recipient
    assert sum(d.matches for d in done) == 4  # between them, each pair recorded once
    first.engine.dispose()
    second.engine.dispose()
