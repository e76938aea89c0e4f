"""The benchmark metrics against hand-computed examples."""

import math

import pytest

from benchmarks.metrics import RetrievalEvaluator, mrr_at, ndcg_at, recall_at, unjudged_at

JUDGED = {"a": 2, "b": 1, "c": 0}


def test_ndcg_by_hand():
    # ranking c, a, x: DCG = 0 + 3/log2(3); ideal a, b: 3/1 + 1/log2(3)
    expected = (3 / math.log2(3)) / (3 + 1 / math.log2(3))
    assert ndcg_at(["c", "a", "x"], JUDGED, 10) == pytest.approx(expected)
    assert ndcg_at(["a", "b"], JUDGED, 10) == pytest.approx(1.0)
    assert ndcg_at(["a"], {"a": 0}, 10) == 0.0


def test_recall_mrr_unjudged_by_hand():
    assert recall_at(["x", "b"], JUDGED, 50) == 0.5
    assert mrr_at(["c", "x", "b", "a"], JUDGED, 10) == pytest.approx(1 / 3)
    assert mrr_at(["c", "x"], JUDGED, 10) == 0.0
    assert unjudged_at(["a", "x", "y", "c"], JUDGED, 10) == 0.5


def test_evaluator_skips_no_match_queries_and_scores_their_flags():
    qrels = {"q1": JUDGED, "q2": {"z": 0}}
    evaluator = RetrievalEvaluator(qrels)
    result = evaluator({"q1": ["a", "b"], "q2": ["z"]})
    assert result["ndcg@10"] == pytest.approx(1.0)
    assert result["queries"] == 1
    flags = evaluator.no_match_accuracy({"q1": True, "q2": True})
    assert flags == {"accuracy": 0.5, "no_match_queries": 1, "no_match_flagged": 0,
                     "match_queries_flagged": 0}
