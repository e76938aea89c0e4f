"""The likeness of two dossier texts: overlap and the combined score."""

import pytest

from matcher.catalogue.likeness import MIN_TOKENS, combine, overlap, with_bigrams


def test_overlap_is_one_when_a_text_holds_all_of_the_other():
    long = [f"w{i}" for i in range(40)]
    assert overlap(long[:20], long) == 1.0


def test_overlap_of_a_short_text_counts_at_least_min_tokens():
    assert overlap(["heat", "pump"], ["heat", "pump", "dryer"]) == pytest.approx(2 / MIN_TOKENS)


def test_bigrams_tell_word_order_apart():
    assert with_bigrams(["fish", "sauc"]) == {"fish", "sauc", "fish_sauc"}
    assert "sauc_fish" not in with_bigrams(["fish", "sauc"])


def test_combine_maps_the_cosine_above_its_floor_and_weighs_both_parts():
    assert combine(1.0, 1.0).score == 1.0
    assert combine(0.5, 0.0).score == 0.0
    assert combine(1.0, 0.0, dense_weight=0.5).score == 0.5
    assert combine(1.0, 0.0).score == 0.7  # the measured weight of the dense part
    assert combine(0.875, 0.5, dense_weight=0.5).score == pytest.approx(0.5)
