"""The FAISS index wrapper checked against brute-force numpy search."""

from pathlib import Path

import numpy as np
import pytest

from embeddings.index import IndexMismatchError, VectorIndex


def _unit(rng: np.random.Generator, n: int, d: int = 32) -> np.ndarray:
    x = rng.normal(size=(n, d)).astype(np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def _brute(vectors: np.ndarray, ids: np.ndarray, query: np.ndarray, k: int) -> list[tuple]:
    scores = vectors @ query
    order = np.argsort(-scores, kind="stable")[:k]
    return [(int(ids[i]), float(scores[i])) for i in order]


def _assert_same_neighbours(hits, reference) -> None:
    """Equal scores in order; ids equal except where scores tie (tie-aware)."""
    assert len(hits) == len(reference)
    np.testing.assert_allclose([h.score for h in hits], [s for _, s in reference], atol=1e-5)
    for hit, (ref_id, ref_score) in zip(hits, reference, strict=True):
        if hit.id != ref_id:
            assert abs(hit.score - ref_score) < 1e-5


@pytest.fixture
def data():
    rng = np.random.default_rng(7)
    vectors = _unit(rng, 500)
    ids = np.arange(1000, 1500)
    return rng, vectors, ids


def _filled(vectors, ids, **kwargs) -> VectorIndex:
    index = VectorIndex("test-model", vectors.shape[1], **kwargs)
    index.upsert(ids.tolist(), vectors, [f"h{i}" for i in ids])
    return index


def test_flat_search_equals_brute_force(data):
    rng, vectors, ids = data
    index = _filled(vectors, ids)
    for query in _unit(rng, 20):
        _assert_same_neighbours(index.search(query, 10), _brute(vectors, ids, query, 10))


def test_filtered_search_returns_only_allowed_ids_in_brute_force_order(data):
    rng, vectors, ids = data
    index = _filled(vectors, ids)
    allowed = set(ids[::7].tolist())
    mask = np.isin(ids, list(allowed))
    query = _unit(rng, 1)[0]
    hits = index.search(query, 5, allowed)
    assert {h.id for h in hits} <= allowed
    _assert_same_neighbours(hits, _brute(vectors[mask], ids[mask], query, 5))


def test_upsert_replaces_and_delete_removes(data):
    rng, vectors, ids = data
    index = _filled(vectors, ids)
    target = _unit(rng, 1)
    index.upsert([1003], target, ["new"])
    assert len(index) == 500
    assert index.search(target[0], 1)[0].id == 1003
    assert index.hashes[1003] == "new"
    assert index.delete([1003, 99999]) == 1
    assert 1003 not in {h.id for h in index.search(target[0], 500)}


def _clustered(rng: np.random.Generator, n: int, d: int = 32, clusters: int = 60) -> np.ndarray:
    """Vectors around topic centres, like text embeddings (uniform noise has no structure)."""
    centres = _unit(rng, clusters, d)
    x = centres[rng.integers(0, clusters, n)] + 0.5 * rng.normal(size=(n, d)) / np.sqrt(d)
    return (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)


def test_ivf_recall_against_exact_search():
    rng = np.random.default_rng(11)
    vectors = _clustered(rng, 6000)
    ids = np.arange(6000)
    exact = _filled(vectors, ids)
    approx = _filled(vectors, ids, exact_max=1000, nprobe=16)
    approx.rebuild()
    assert approx.kind == "ivf" and exact.kind == "flat"
    queries = _clustered(rng, 50)
    found = sum(len({h.id for h in exact.search(q, 10)} & {h.id for h in approx.search(q, 10)})
                for q in queries)
    recall = found / (50 * 10)
    assert recall >= 0.9, recall


def test_save_and_load_round_trip(tmp_path: Path, data):
    rng, vectors, ids = data
    index = _filled(vectors, ids)
    index.save(tmp_path / "dossiers.faiss")
    loaded = VectorIndex.load(tmp_path / "dossiers.faiss", "test-model", 32)
    query = _unit(rng, 1)[0]
    assert [h.id for h in loaded.search(query, 5)] == [h.id for h in index.search(query, 5)]
    assert loaded.hashes == index.hashes
    assert not list(tmp_path.glob("*.tmp"))


def test_a_saved_index_is_private_to_its_owner(tmp_path: Path, data):
    import os
    import stat

    _, vectors, ids = data
    previous = os.umask(0o022)
    try:
        _filled(vectors, ids).save(tmp_path / "index" / "dossiers.faiss")
    finally:
        os.umask(previous)
    folder = tmp_path / "index"
    modes = {p.name: stat.S_IMODE(p.stat().st_mode) for p in (folder, *folder.iterdir())}
    assert modes == {"index": 0o700, "dossiers.faiss": 0o600, "dossiers.json": 0o600}


def test_load_refuses_an_index_of_another_embedder(tmp_path: Path, data):
    _, vectors, ids = data
    _filled(vectors, ids).save(tmp_path / "d.faiss")
    with pytest.raises(IndexMismatchError, match="built with test-model"):
        VectorIndex.load(tmp_path / "d.faiss", "other-model", 32)


def test_upsert_rejects_wrong_shapes(data):
    _, vectors, ids = data
    index = VectorIndex("test-model", 32)
    with pytest.raises(ValueError, match="expected 2×32"):
        index.upsert([1, 2], vectors[:3], ["a", "b"])
