"""A busy database answers 503 with `Retry-After`, never 500: a write waits for another
transaction's lock no longer than the configured timeout (SQLite's busy timeout, PostgreSQL's
`lock_timeout`), then the client is told to come back. Real locks, held by a second
connection, on a SQLite file or the test's PostgreSQL database."""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from api.errors import RETRY_AFTER_SECONDS
from api.main import create_app
from embeddings.e5 import E5Embedder
from matcher.platform.config import Settings
from matcher.platform.db import make_engine
from matcher.platform.runtime import Runtime
from tests.conftest import ON_POSTGRES, SEED, authorize, runtime_with_sectors
from tests.factories import enterprise_payload


@pytest.fixture
def impatient(tmp_path: Path, e5: E5Embedder, database_url: str | None) -> Iterator[Runtime]:
    """A runtime on a SQLite file or PostgreSQL whose writes wait at most 0.3 s for a lock."""
    settings = Settings(data_dir=tmp_path / "data", seed_dir=SEED, database_url=database_url,
                        database_busy_timeout=0.3, database_lock_timeout=0.3, _env_file=None)
    runtime = runtime_with_sectors(settings, e5, persist=False)
    yield runtime
    runtime.engine.dispose()


@contextmanager
def lock_held(runtime: Runtime, enterprise_id: int) -> Iterator[None]:
    """Another connection holds the lock a write of the enterprise needs: SQLite's write lock
    (`BEGIN IMMEDIATE`), or the enterprise's row lock on PostgreSQL (`SELECT … FOR UPDATE`)."""
    other = make_engine(runtime.settings.resolved_database_url, runtime.settings)
    with other.connect() as connection:
        if connection.dialect.name == "sqlite":
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            connection.execute(text("SELECT id FROM enterprise WHERE id = :id FOR UPDATE"),
                               {"id": enterprise_id})
        try:
            yield
        finally:
            connection.rollback()
    other.dispose()


def test_a_write_behind_a_held_lock_answers_503_with_retry_after(impatient: Runtime):
    with TestClient(create_app(impatient)) as client:
        authorize(client, impatient)
        created = client.post("/enterprises", json=enterprise_payload())
        assert created.status_code == 201, created.text
        path = f"/enterprises/{created.json()['id']}"
        with lock_held(impatient, created.json()["id"]):
            response = client.patch(path, json={"employees": 41})
            assert response.status_code == 503, response.text
            assert response.headers["Retry-After"] == str(RETRY_AFTER_SECONDS)
            assert response.json()["detail"].startswith("the database is busy: ")
        assert client.patch(path, json={"employees": 42}).status_code == 200
        assert client.get(path).json()["employees"] == 42


@pytest.mark.skipif(not ON_POSTGRES, reason="the pool settings are PostgreSQL's")
def test_no_free_connection_answers_503_with_retry_after(tmp_path: Path, e5: E5Embedder,
                                                         database_url: str | None):
    settings = Settings(data_dir=tmp_path / "data", seed_dir=SEED, database_url=database_url,
                        database_pool_size=1, database_max_overflow=0,
                        database_pool_timeout=0.2, _env_file=None)
    runtime = runtime_with_sectors(settings, e5, persist=False)
    with TestClient(create_app(runtime)) as client:
        authorize(client, runtime)
        with runtime.engine.connect():  # the only connection, taken
            response = client.get("/enterprises")
        assert response.status_code == 503, response.text
        assert response.headers["Retry-After"] == str(RETRY_AFTER_SECONDS)
        assert "every database connection" in response.json()["detail"]
        assert client.get("/enterprises").status_code == 200
    runtime.engine.dispose()
