"""What a read costs in embedding: a search embeds its query once (both of its vectors in one
batch), and the match lists of stored needs and dossiers embed nothing."""

from collections.abc import Iterator

import numpy as np
import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from embeddings.base import Embedder
from tests.conftest import authorize, runtime_with_sectors
from tests.factories import dossier_payload, enterprise_payload, need_payload


class Counting(Embedder):
    """The real e5 embedder, counting the batches and texts it is asked to encode."""

    def __init__(self, inner: Embedder) -> None:
        self.inner, self.name, self.dimension = inner, inner.name, inner.dimension
        self.batches: list[tuple[bool, int]] = []

    def _encode(self, texts: list[str], is_query: bool) -> np.ndarray:
        self.batches.append((is_query, len(texts)))
        return self.inner._encode(texts, is_query)


@pytest.fixture
def counted(settings, e5, engine) -> Iterator[tuple[TestClient, Counting]]:
    embedder = Counting(e5)
    runtime = runtime_with_sectors(settings, embedder, engine, persist=False)
    with TestClient(create_app(runtime)) as client:
        authorize(client, runtime)
        yield client, embedder


def test_a_vietnamese_search_embeds_its_two_query_vectors_in_one_batch(counted) -> None:
    client, embedder = counted
    client.post("/dossiers", json=dossier_payload())
    embedder.batches.clear()
    response = client.get("/search", params={"q": "máy sấy vải thiều bằng bơm nhiệt"})
    assert response.status_code == 200, response.text
    assert response.json()["query"]["translated_terms"]  # it has an English rendering
    assert embedder.batches == [(True, 2)]
    client.get("/search", params={"q": "máy sấy vải thiều bằng bơm nhiệt"})
    assert embedder.batches == [(True, 2)]  # the same query again: from the cache


def test_the_match_lists_of_stored_records_embed_nothing(counted) -> None:
    client, embedder = counted
    dossier = client.post("/dossiers", json=dossier_payload()).json()["id"]
    enterprise = client.post("/enterprises", json=enterprise_payload()).json()["id"]
    need = client.post("/needs", json=need_payload(enterprise)).json()["id"]
    embedder.batches.clear()
    for path in (f"/needs/{need}/matches", f"/dossiers/{dossier}/matches"):
        response = client.get(path)
        assert response.status_code == 200, response.text
        assert response.json()["data"], path
    assert embedder.batches == []


def test_a_change_that_keeps_the_text_embeds_nothing(counted) -> None:
    client, embedder = counted
    enterprise = client.post("/enterprises", json=enterprise_payload()).json()["id"]
    need = client.post("/needs", json=need_payload(enterprise)).json()["id"]
    embedder.batches.clear()
    response = client.patch(f"/needs/{need}", json={"status": "closed"})
    assert response.status_code == 200, response.text
    assert embedder.batches == []
