"""Shared fixtures: the real bundled e5 model (once per session), a fresh in-memory database
and runtime per test, and an API client on top of them."""

import os
from collections.abc import Iterator
from pathlib import Path

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

os.environ.setdefault("HF_HUB_OFFLINE", "1")
SEED = REPO_ROOT / "seed_data"


@pytest.fixture(scope="session")
def e5() -> E5Embedder:
    return E5Embedder()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data", seed_dir=SEED, _env_file=None)


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
def runtime(settings: Settings, e5: E5Embedder) -> Runtime:
    """A runtime on in-memory SQLite (StaticPool) with the sector taxonomies loaded."""
    return runtime_with_sectors(settings, e5, make_engine("sqlite://", poolclass=StaticPool),
                                persist=False)


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
