"""The write rate limit is counted in the application database: two app instances (as two
worker processes would be) on one database share one key's budget, on a SQLite file and on
PostgreSQL."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from limits.storage import MemoryStorage

from api.main import create_app
from api.security import limit_storage
from embeddings.e5 import E5Embedder
from matcher.auth.keys import create_key
from matcher.platform.config import Settings
from matcher.platform.rate_limit import DatabaseStorage
from matcher.platform.runtime import Runtime, build_runtime
from tests.conftest import ON_POSTGRES, SEED, runtime_with_sectors
from tests.factories import enterprise_payload


@pytest.fixture
def two_workers(tmp_path: Path, e5: E5Embedder, database_url: str | None
                ) -> Iterator[tuple[Runtime, Runtime]]:
    """Two runtimes, each with its own engine, on one database (a SQLite file or the test's
    PostgreSQL database), allowing 3 writes a minute per key."""
    settings = Settings(data_dir=tmp_path / "data", seed_dir=SEED, database_url=database_url,
                        write_rate_limit="3/minute", _env_file=None)
    first = runtime_with_sectors(settings, e5, persist=False)
    second = build_runtime(settings, embedder=e5, persist=False)
    yield first, second
    first.engine.dispose()
    second.engine.dispose()


def test_two_app_instances_share_one_keys_write_budget(two_workers: tuple[Runtime, Runtime]):
    first, second = two_workers
    assert isinstance(limit_storage(first), DatabaseStorage)
    with first.session() as session:
        _, secret = create_key(session, "admin", "Sở KH&CN Bắc Giang")
    with TestClient(create_app(first)) as one, TestClient(create_app(second)) as other:
        for client in (one, other):
            client.headers["X-API-Key"] = secret
        statuses = [client.post("/enterprises", json=enterprise_payload()).status_code
                    for client in (one, one, other, other)]
        assert statuses == [201, 201, 201, 429]
        refused = one.post("/enterprises", json=enterprise_payload())
        assert refused.status_code == 429
        assert 1 <= int(refused.headers["Retry-After"]) <= 61
        assert one.get("/enterprises").status_code == 200  # reads are not counted


def test_memory_storage_when_asked_or_when_the_database_is_one_process_memory(
        runtime: Runtime):
    """The test runtime's in-memory SQLite database cannot be shared by processes anyway."""
    expected = DatabaseStorage if ON_POSTGRES else MemoryStorage
    assert type(limit_storage(runtime)) is expected
    runtime.settings = runtime.settings.model_copy(update={"rate_limit_storage": "memory"})
    assert isinstance(limit_storage(runtime), MemoryStorage)
