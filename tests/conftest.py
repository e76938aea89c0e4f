"""Shared fixtures: the real bundled e5 model (once per session), a fresh empty database and
runtime per test, and an API client on top of them.

The database is in-memory SQLite, or PostgreSQL when `KETNOI_TEST_DATABASE` says so
(`postgresql`: a throwaway server the tests start; or the URL of a server), see `tests/pg.py`.
Tests get engines from `engine_on` or the `engine` fixture, never by URL of their own.
"""

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.pool import StaticPool
from sqlmodel import Session

from embeddings.e5 import E5Embedder
from matcher.auth.keys import create_key
from matcher.ingest.seed import load_sectors
from matcher.platform.config import REPO_ROOT, Settings
from matcher.platform.db import make_engine, session_scope
from matcher.platform.runtime import Runtime, build_runtime

if TYPE_CHECKING:
    from tests.pg import Databases

os.environ.setdefault("HF_HUB_OFFLINE", "1")
SEED = REPO_ROOT / "seed_data"
TEST_DATABASE = os.environ.get("KETNOI_TEST_DATABASE", "sqlite")
ON_POSTGRES = TEST_DATABASE.startswith("postgresql")
sqlite_only = pytest.mark.skipif(ON_POSTGRES, reason="about SQLite files (WAL, locks, durability)")


@pytest.fixture(scope="session")
def databases() -> "Iterator[Databases | None]":
    """The source of fresh PostgreSQL databases for the session (None on SQLite)."""
    if not ON_POSTGRES:
        yield None
        return
    from tests.pg import Databases, Server

    server = Server() if TEST_DATABASE == "postgresql" else None
    made = Databases(server.admin_url if server else TEST_DATABASE)
    try:
        yield made
    finally:
        made.close()
        if server:
            server.stop()


@contextmanager
def fresh_database(databases: "Databases | None", empty: bool = False
                   ) -> Iterator[str | None]:
    """The URL of a new database with the schema and no rows (`empty`: not even tables),
    dropped afterwards (None on SQLite: each engine on SQLite is its own database)."""
    if databases is None:
        yield None
        return
    url = databases.create(empty)
    try:
        yield url
    finally:
        databases.drop(url)


@pytest.fixture
def database_url(databases) -> Iterator[str | None]:
    """A fresh PostgreSQL database for this test (None on SQLite, where settings default to a
    file in the test's data directory)."""
    with fresh_database(databases) as url:
        yield url


def engine_on(url: str | None) -> Engine:
    """An engine on `url` (a `fresh_database`), or on a new in-memory SQLite database."""
    if url is None:
        return make_engine("sqlite://", poolclass=StaticPool)
    return make_engine(url)


@pytest.fixture
def engine(database_url: str | None) -> Iterator[Engine]:
    """An engine on a fresh empty database (tables not created yet on SQLite)."""
    built = engine_on(database_url)
    yield built
    built.dispose()


@pytest.fixture(scope="session")
def e5() -> E5Embedder:
    return E5Embedder()


@pytest.fixture
def settings(tmp_path: Path, database_url: str | None) -> Settings:
    """Settings on a temporary data directory (and the test's PostgreSQL database)."""
    return Settings(data_dir=tmp_path / "data", seed_dir=SEED, database_url=database_url,
                    _env_file=None)


def runtime_with_sectors(settings: Settings, e5: E5Embedder, engine: Engine | None = None,
                         persist: bool = True) -> Runtime:
    """A runtime (on `engine`, or the settings' database) with the sector taxonomies loaded,
    synced as a server is at start (so `/health/ready` says it is current)."""
    built = build_runtime(settings, engine=engine, embedder=e5, persist=persist)
    with session_scope(built.engine) as session:
        load_sectors(session, SEED / "sectors.json")
    built.sync()
    return built


@pytest.fixture
def runtime(settings: Settings, e5: E5Embedder, engine: Engine) -> Runtime:
    """A runtime on the test's database (in-memory SQLite or PostgreSQL) with the sector
    taxonomies loaded."""
    return runtime_with_sectors(settings, e5, engine, persist=False)


@pytest.fixture
def session(runtime: Runtime) -> Iterator[Session]:
    with runtime.session() as s:
        yield s


def authorize(client: TestClient, runtime: Runtime, role: str = "admin",
              org: str = "Sở KH&CN Bắc Giang", **fields) -> str:
    """Issue a real API key and make it the client's default; returns the secret."""
    with runtime.session() as session:
        _, secret = create_key(session, role, org, **fields)
    client.headers["X-API-Key"] = secret
    return secret


@pytest.fixture
def client(runtime: Runtime) -> Iterator[TestClient]:
    """An API client authenticated as an admin."""
    from api.main import create_app

    with TestClient(create_app(runtime)) as test_client:
        authorize(test_client, runtime)
        yield test_client
