"""The no-match threshold rule, on hand-computed examples."""

import pytest

from benchmarks.calibration import flag_rates, threshold_for


def test_flag_rates_count_scores_below_the_cut() -> None:
    scores = [0.70, 0.80, 0.90, 0.75]
    has_match = [False, True, True, False]
    assert flag_rates(scores, has_match, 0.78) == (1.0, 0.0)
    assert flag_rates(scores, has_match, 0.85) == (1.0, 0.5)


def test_threshold_allows_the_stated_share_of_false_alarms() -> None:
    matched = [0.80 + 0.01 * i for i in range(10)]  # 0.80 … 0.89
    scores = matched + [0.79, 0.805, 0.95]
    has_match = [True] * 10 + [False] * 3
    cut, caught, false = threshold_for(scores, has_match, false_alarms=0.10)
    assert cut == pytest.approx(0.805)  # between 0.80 and 0.81: one matchable need flagged
    assert (caught, false) == (pytest.approx(1 / 3), pytest.approx(0.1))
    cut, caught, false = threshold_for(scores, has_match, false_alarms=0.0)
    assert cut == pytest.approx(0.80) and false == 0.0 and caught == pytest.approx(1 / 3)
