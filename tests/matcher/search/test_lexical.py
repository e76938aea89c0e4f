"""BM25 channel: the best `limit` matches, within `allowed`, equal to sorting every match."""

import random

import pytest

from matcher.search.fusion import top_k
from matcher.search.lexical import BM25Channel

WORDS = ["pump", "heat", "dryer", "fruit", "cold", "storage", "sensor", "shrimp", "feed"]


def channel(n: int = 400, seed: int = 0) -> BM25Channel:
    """n documents of 1–6 words from a small vocabulary, so many share a score (ties)."""
    rng = random.Random(seed)
    ids = list(range(1000, 1000 + 3 * n, 3))  # record ids are not positions
    return BM25Channel(ids, [rng.choices(WORDS, k=rng.randint(1, 6)) for _ in ids])


def test_limit_keeps_what_sorting_every_match_keeps_ties_by_id():
    bm25 = channel()
    every = bm25.scores(["pump", "heat"])
    assert len(every) > 100
    for limit in (1, 7, 50, 100):
        assert bm25.scores(["pump", "heat"], limit) == dict(top_k(every, limit))
    assert bm25.scores(["pump", "heat"], 10_000) == every


def test_allowed_restricts_before_the_limit():
    bm25 = channel()
    every = bm25.scores(["cold", "storage"])
    allowed = set(list(every)[::5]) | {1, 2}  # some matches, and ids that do not exist
    kept = {i: s for i, s in every.items() if i in allowed}
    assert bm25.scores(["cold", "storage"], allowed=allowed) == kept
    assert bm25.scores(["cold", "storage"], 5, allowed) == dict(top_k(kept, 5))
    assert bm25.scores(["cold", "storage"], 5, set()) == {}


def test_unknown_words_and_empty_channel_score_nothing():
    assert channel().scores(["tôm"]) == {}
    assert BM25Channel([], []).scores(["pump"], 5) == {}


def test_weighted_tokens_score_as_repeated_tokens_and_scale_linearly():
    bm25 = channel()
    repeated = bm25.scores(["pump", "pump", "dryer"])
    weighted = bm25.scores({"pump": 2.0, "dryer": 1.0})
    assert weighted == pytest.approx(repeated, rel=1e-6)  # bm25s sums in float32
    half = bm25.scores({"pump": 1.0, "dryer": 0.5})
    whole = bm25.scores({"pump": 2.0, "dryer": 1.0})
    assert half.keys() == whole.keys()
    assert all(abs(2 * half[i] - whole[i]) < 1e-9 for i in half)
    assert bm25.scores({"pump": 1.0, "nowhere": 5.0}) == pytest.approx(bm25.scores(["pump"]),
                                                                        rel=1e-6)
    assert bm25.scores({"nowhere": 1.0}) == {}
