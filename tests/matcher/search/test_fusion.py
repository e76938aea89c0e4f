"""Score normalisation and fusion against hand-computed values."""

import pytest

from matcher.search.fusion import (
    normalize_max,
    normalize_minmax,
    reciprocal_rank,
    top_k,
)
from matcher.search.retrieval import document_weights, normalise


def test_normalize_max_scales_best_to_one():
    assert normalize_max({1: 2.0, 2: 1.0, 3: 0.0}) == {1: 1.0, 2: 0.5, 3: 0.0}
    assert normalize_max({}) == {}


def test_normalize_minmax_with_and_without_floor():
    assert normalize_minmax({1: 0.9, 2: 0.8, 3: 0.7}) == pytest.approx({1: 1.0, 2: 0.5, 3: 0.0})
    assert normalize_minmax({1: 0.9, 2: 0.5}, floor=0.7) == pytest.approx({1: 1.0, 2: 0.0})
    assert normalize_minmax({1: 0.4}) == {1: 1.0}


def test_reciprocal_rank_fusion_by_hand():
    fused = reciprocal_rank({"a": {1: 3.0, 2: 2.0}, "b": {2: 9.0, 3: 1.0}}, k=60)
    assert fused == pytest.approx({1: 1 / 61, 2: 1 / 62 + 1 / 61, 3: 1 / 62})


def test_every_language_can_reach_the_same_fused_score():
    weights = {"dense": 0.2, "dense_en": 0.3, "lex_en": 1.0, "lex_vi": 0.5}
    assert document_weights(weights, "en") == pytest.approx(
        {"dense": 0.2 / 1.5, "dense_en": 0.3 / 1.5, "lex_en": 1 / 1.5})
    assert document_weights(weights, "vi") == pytest.approx(
        {"dense": 0.2, "dense_en": 0.3, "lex_vi": 0.5})
    # an unweighted channel takes no share
    assert document_weights({**weights, "dense_en": 0.0}, "en") == pytest.approx(
        {"dense": 0.2 / 1.2, "lex_en": 1 / 1.2})


def test_dense_en_is_normalised_within_each_document_language():
    languages = {1: "en", 2: "en", 3: "en", 4: "vi", 5: "vi"}
    # the English sketch of a Vietnamese need fits Vietnamese documents worse
    channel = {1: 0.86, 2: 0.84, 3: 0.82, 4: 0.80, 5: 0.78}
    assert normalise("dense_en", channel, 200, languages) == pytest.approx(
        {1: 1.0, 2: 0.5, 3: 0.0, 4: 1.0, 5: 0.0})
    # the other dense channel over the mixed pool, BM25 by its best
    assert normalise("dense", channel, 200, languages) == pytest.approx(
        {1: 1.0, 2: 0.75, 3: 0.5, 4: 0.25, 5: 0.0})
    assert normalise("lex_en", {1: 4.0, 2: 2.0}, 200, languages) == {1: 1.0, 2: 0.5}


def test_top_k_breaks_ties_by_id():
    assert top_k({5: 1.0, 3: 1.0, 9: 2.0}, 2) == [(9, 2.0), (3, 1.0)]
