"""Lexicon induction: candidate phrases, CSLS neighbours, Dice alignment; the induced file."""

from collections import Counter

import numpy as np

from matcher.platform.config import REPO_ROOT
from matcher.text.induction import (
    csls_neighbours,
    dice_alignment,
    english_phrases,
    fragments,
    mean_top_k,
    segments,
    untranslated_runs,
    vietnamese_ngrams,
)
from matcher.text.lexicon import Lexicon, read_entries, validate

LEXICON = REPO_ROOT / "seed_data" / "lexicon"


def _unit(*rows: list[float]) -> np.ndarray:
    vectors = np.asarray(rows, dtype=np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def test_segments_split_at_punctuation_and_line_breaks():
    assert segments("máy sấy, lò hơi.\nbơm (nhiệt)") == ["máy sấy", " lò hơi", "bơm ", "nhiệt"]


def test_untranslated_runs_skip_the_longest_known_phrase():
    known = {("nuoc", "thai"), ("nuoc", "thai", "chan", "nuoi"), ("lon",)}
    runs = untranslated_runs("xử lý nước thải chăn nuôi lợn bằng màng".split(), known)
    assert runs == [["xử", "lý"], ["bằng", "màng"]]


def test_vietnamese_ngrams_stay_inside_gaps_and_drop_function_word_edges():
    counts = vietnamese_ngrams(["bể lọc của nước thải, bể lọc"], known={("nuoc", "thai")})
    assert counts == Counter({"bể": 2, "lọc": 2, "bể lọc": 2})  # "lọc của" ends in "của"


def test_vietnamese_ngrams_skip_non_syllables():
    assert "plc" not in vietnamese_ngrams(["điều khiển PLC"])
    assert vietnamese_ngrams(["điều khiển PLC"])["điều khiển"] == 1


def test_fragments_are_pieces_of_one_longer_ngram():
    counts = Counter({"hiệu lực thi hành": 10, "lực thi hành": 10, "hiệu lực": 30, "thi hành": 11})
    assert fragments(counts) == {"lực thi hành", "thi hành"}


def test_english_phrases_count_documents_and_drop_stop_word_edges():
    frequency = english_phrases(["Heat pump dryer for the heat pump.", "A dryer of rice"])
    assert frequency["heat pump"] == 1  # twice in one document: one document
    assert frequency["dryer"] == 2
    assert "for the" not in frequency and "dryer for" not in frequency
    assert frequency["heat pump dryer"] == 1


def test_mean_top_k_is_the_mean_of_the_k_best_cosines():
    sources = _unit([1, 0])
    targets = _unit([1, 0], [0, 1], [1, 1])
    assert np.isclose(mean_top_k(sources, targets, 2)[0], (1 + 2**-0.5) / 2)


def test_csls_demotes_a_hub_that_plain_cosine_would_choose():
    # target 0 ("hub") is near every source; source 0's own match is target 1, at a lower cosine
    sources = _unit([0.75, 0.66, 0, 0], [0.6, 0, 0.8, 0], [0.6, 0, 0, 0.8])
    targets = _unit([1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1])
    assert (sources @ targets.T)[0].argmax() == 0
    found = csls_neighbours(sources, targets, k=2)
    assert [n.target for n in found] == [1, 2, 3]
    assert all(n.mutual for n in found)
    assert np.isclose(found[0].cosine, 0.66 / np.hypot(0.75, 0.66))


def test_csls_score_matches_its_definition():
    rng = np.random.default_rng(0)
    sources = _unit(*rng.normal(size=(6, 4)))
    targets = _unit(*rng.normal(size=(5, 4)))
    found = csls_neighbours(sources, targets, k=2, chunk=4)
    sims = sources @ targets.T
    r_s = np.sort(sims, axis=1)[:, -2:].mean(axis=1)
    r_t = np.sort(sims, axis=0)[-2:, :].mean(axis=0)
    expected = 2 * sims - r_s[:, None] - r_t[None, :]
    assert [n.target for n in found] == list(expected.argmax(axis=1))
    assert np.allclose([n.csls for n in found], expected.max(axis=1), atol=1e-5)
    back = expected.argmax(axis=0)
    assert [n.mutual for n in found] == [back[n.target] == i for i, n in enumerate(found)]


def test_dice_alignment_pairs_words_that_occur_together():
    pairs = [("con chó", "the dog"), ("con chó đen", "a black dog"), ("chó chạy", "dog runs"),
             ("con mèo", "the cat"), ("mèo đen", "black cat"), ("mèo chạy", "cat runs")]
    aligned = dice_alignment(pairs, lambda v: set(v.split()), lambda e: set(e.split()),
                             min_count=2)
    assert aligned["chó"] == ("dog", 1.0, 3)
    assert aligned["mèo"] == ("cat", 1.0, 3)
    assert aligned["đen"][0] == "black"
    assert "con" in aligned and aligned["con"][1] < 1.0


def test_shipped_lexicon_loads_with_the_induced_file_and_stays_valid():
    entries = read_entries(LEXICON)
    induced = [e for e in entries if e.source.startswith("induced.tsv")]
    assert induced and all(e.kind == "induced" and len(e.en) == 1 for e in induced)
    assert [p for p in validate(entries) if "induced.tsv" in p] == []
    hand = Lexicon([e for e in entries if e not in induced])
    # an induced entry fills a gap: the hand-written lexicon finds nothing inside it
    assert not [e.vi for e in induced if hand.translate(e.vi)]
