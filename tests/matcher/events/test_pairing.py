"""Pairing: optimal against brute force, caps, required pairs, minimum score, the LP bound."""

import itertools
import math
import random

import pytest

from matcher.events.checker import check_pairing
from matcher.events.pairing import Pair, pair_greedy, pair_optimal


def random_instance(rng: random.Random, suppliers: int, enterprises: int, density: float):
    sup = list(range(suppliers))
    ent = list(range(100, 100 + enterprises))
    cands = [Pair(s, e, round(rng.random(), 3)) for s in sup for e in ent if rng.random() < density]
    caps = {n: rng.randint(0, 3) for n in sup + ent}
    return cands, caps


def brute_force(cands, caps, required=(), min_score=0.0, total_cap=None) -> float:
    """Best total over every subset of eligible candidates (tiny instances only)."""
    required = list(required)
    keys = {(p.supplier, p.enterprise) for p in required}
    pool = [p for p in cands if p.score >= min_score and (p.supplier, p.enterprise) not in keys]
    best = -math.inf
    for size in range(len(pool) + 1):
        for subset in itertools.combinations(pool, size):
            chosen = required + list(subset)
            if total_cap is not None and len(chosen) > max(total_cap, len(required)):
                continue
            if not check_pairing([(p.supplier, p.enterprise) for p in chosen],
                                 [tuple(p) for p in cands], caps,
                                 keys, min_score, total_cap):
                best = max(best, sum(p.score for p in chosen))
    return best


@pytest.mark.parametrize("seed", range(30))
def test_pair_optimal_matches_brute_force_on_tiny_instances(seed: int) -> None:
    rng = random.Random(seed)
    cands, caps = random_instance(rng, 3, 4, 0.7)
    cands = cands[:11]
    total_cap = rng.choice([None, 2, 4])
    min_score = rng.choice([0.0, 0.3])
    result = pair_optimal(cands, caps, min_score=min_score, total_cap=total_cap)
    assert result.total == pytest.approx(brute_force(cands, caps, (), min_score, total_cap))
    assert result.gap == pytest.approx(0.0, abs=1e-7)
    assert check_pairing([(p.supplier, p.enterprise) for p in result.chosen],
                         [tuple(p) for p in cands], caps, (), min_score, total_cap) == []


@pytest.mark.parametrize("seed", range(10))
def test_pair_optimal_keeps_required_pairs_and_stays_optimal(seed: int) -> None:
    rng = random.Random(100 + seed)
    cands, caps = random_instance(rng, 3, 3, 0.8)
    required = rng.sample(cands, 2)
    result = pair_optimal(cands, caps, required=required)
    chosen = {(p.supplier, p.enterprise) for p in result.chosen}
    assert {(p.supplier, p.enterprise) for p in required} <= chosen
    assert result.total == pytest.approx(brute_force(cands, caps, required))


@pytest.mark.parametrize("seed", range(5))
def test_pair_optimal_is_valid_and_beats_greedy_on_random_instances(seed: int) -> None:
    rng = random.Random(200 + seed)
    cands, caps = random_instance(rng, 30, 80, 0.2)
    best = pair_optimal(cands, caps, min_score=0.2, total_cap=120)
    greedy = pair_greedy(cands, caps, min_score=0.2, total_cap=120)
    for result in (best, greedy):
        assert check_pairing([(p.supplier, p.enterprise) for p in result.chosen],
                             [tuple(p) for p in cands], caps, (), 0.2, 120) == []
    assert best.total >= greedy.total - 1e-9
    assert best.total <= best.bound + 1e-7


def test_greedy_misses_the_optimum_the_solver_finds() -> None:
    # S0 fits E0 best (0.9), but E0 is the only partner of S1; greedy takes 0.9, optimum 1.6.
    cands = [Pair(0, 10, 0.9), Pair(0, 11, 0.8), Pair(1, 10, 0.8)]
    caps = {0: 1, 1: 1, 10: 1, 11: 1}
    assert pair_greedy(cands, caps).total == pytest.approx(0.9)
    best = pair_optimal(cands, caps)
    assert best.total == pytest.approx(1.6)
    assert {(p.supplier, p.enterprise) for p in best.chosen} == {(0, 11), (1, 10)}


def test_pair_optimal_never_chooses_a_pair_twice() -> None:
    cands = [Pair(0, 10, 0.5), Pair(0, 10, 0.7), Pair(0, 10, 0.6)]
    result = pair_optimal(cands, {0: 3, 10: 3})
    assert result.chosen == [Pair(0, 10, 0.7)]


def test_pair_optimal_drops_pairs_below_minimum_score() -> None:
    result = pair_optimal([Pair(0, 10, 0.2), Pair(1, 10, 0.6)], {}, min_score=0.5)
    assert result.chosen == [Pair(1, 10, 0.6)]
    assert result.eligible == 1


def test_required_pair_beyond_cap_is_kept_and_reported() -> None:
    required = [Pair(0, 10, 0.1), Pair(0, 11, 0.1)]
    result = pair_optimal([Pair(0, 12, 0.9)], {0: 1}, required=required)
    assert {(p.supplier, p.enterprise) for p in result.chosen} == {(0, 10), (0, 11)}
    assert result.over_capacity == {0: 1}


def test_pairing_rejects_an_id_on_both_sides() -> None:
    with pytest.raises(ValueError, match="appear as supplier and enterprise"):
        pair_optimal([Pair(1, 2, 0.5), Pair(2, 3, 0.5)], {})


def test_a_fractional_lp_answer_falls_back_to_milp(monkeypatch: pytest.MonkeyPatch) -> None:
    import matcher.events.pairing as pairing

    real = pairing.linprog

    def fractional(*args, **kwargs):
        answer = real(*args, **kwargs)
        answer.x = answer.x * 0 + 0.5
        return answer

    monkeypatch.setattr(pairing, "linprog", fractional)
    result = pair_optimal([Pair(0, 10, 0.9), Pair(0, 11, 0.8), Pair(1, 10, 0.8)],
                          {0: 1, 1: 1, 10: 1, 11: 1})
    assert result.solver == "HiGHS MILP (LP optimum was not a vertex)"
    assert result.total == pytest.approx(1.6)
