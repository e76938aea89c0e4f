"""The embedding cache embeds only text it has not seen."""

from pathlib import Path

import numpy as np

from embeddings.cache import EmbeddingCache


def test_cache_embeds_only_changed_text(tmp_path: Path, e5):
    cache = EmbeddingCache(tmp_path / "cache.sqlite")
    texts = ["máy sấy vải thiều", "xử lý nước thải", "khuôn ép nhựa"]
    first = cache.embed(e5, texts)
    assert (cache.hits, cache.misses) == (0, 3)
    reopened = EmbeddingCache(tmp_path / "cache.sqlite")
    second = reopened.embed(e5, ["máy sấy vải thiều", "xử lý nước thải", "khuôn dập kim loại"])
    assert (reopened.hits, reopened.misses) == (2, 1)
    np.testing.assert_allclose(first[:2], second[:2])


def test_cache_keeps_queries_and_passages_apart(e5):
    cache = EmbeddingCache(None)
    as_passage = cache.embed(e5, ["biogas"], is_query=False)
    as_query = cache.embed(e5, ["biogas"], is_query=True)
    assert cache.misses == 2
    assert not np.allclose(as_passage, as_query)


def test_cache_embeds_a_repeated_text_once(e5):
    cache = EmbeddingCache(None)
    vectors = cache.embed(e5, ["lò hơi", "lò hơi"])
    assert cache.misses == 1
    np.testing.assert_allclose(vectors[0], vectors[1])


def test_a_new_cache_file_is_private_to_its_owner(tmp_path: Path):
    import os
    import stat

    previous = os.umask(0o022)
    try:
        path = tmp_path / "data" / "embeddings.sqlite"
        EmbeddingCache(path)
        folder = path.parent
        modes = {p.name: stat.S_IMODE(p.stat().st_mode) for p in (folder, *folder.iterdir())}
    finally:
        os.umask(previous)
    assert modes == {"data": 0o700, **{name: 0o600 for name in modes if name != "data"}}
    assert "embeddings.sqlite" in modes
