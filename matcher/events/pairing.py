"""Which meetings an event should hold: a maximum-score bipartite b-matching, solved exactly.

The model. Candidate pairs (supplier, enterprise, score) are the edges of a bipartite graph;
every participant has a cap (its maximum number of meetings). Choose a set of edges that
maximises the total score such that no participant exceeds its cap, no pair is chosen twice,
pairs below the minimum score are never chosen, and required pairs (meetings the organiser
locked, requests that were accepted) are always kept; an optional `total_cap` (slots × tables)
bounds the number of meetings. That is a b-matching with one extra cardinality row.

Why a linear programme solved by HiGHS through `scipy.optimize` rather than a min-cost flow:
- the constraint matrix is the incidence matrix of a bipartite graph plus one all-ones row,
  which is a network (flow) matrix and so totally unimodular: the LP relaxation has integral
  vertices, and the LP optimum *is* the upper bound we report the gap against, for free;
- scores stay floats (networkx's network simplex and OR-tools' min-cost flow need integer
  costs, so scores would be scaled and rounded, and the reported optimum would be approximate);
- scipy is already a dependency (OR-tools is a ~30 MB wheel) and HiGHS's interior-point method
  with crossover (to a vertex) solves the 45,000-edge benchmark in about 1.5 s on two cores,
  about twice as fast as its simplex here; networkx's pure-Python network simplex took 32 s on
  the same instance (same optimum, integer-scaled costs);
- if HiGHS ever returns a non-vertex optimum (x not within 1e-6 of 0/1), the same model is
  re-solved with `milp` and integrality enforced, so correctness never rests on the vertex
  argument alone.
The greedy baseline (`pair_greedy`) is what hand tools do: best score first while caps allow.
"""

import math
import time
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, linprog, milp
from scipy.sparse import coo_matrix

INTEGRAL_TOL = 1e-6
# Pairs scoring below this are never booked unless asked for (locked, accepted): measured on
# the labelled seed needs, `benchmarks/pairing_threshold.py` (events section of
# benchmarks/README.md).
DEFAULT_MIN_SCORE = 0.23


class Pair(NamedTuple):
    """A possible meeting: participant ids of both sides and how well they fit (0–1)."""

    supplier: int
    enterprise: int
    score: float = 0.0


@dataclass
class Pairing:
    """The meetings chosen, their total score, and the LP upper bound they are measured by."""

    chosen: list[Pair]
    required: list[Pair]
    total: float
    bound: float
    eligible: int
    solver: str
    seconds: float
    over_capacity: dict[int, int] = field(default_factory=dict)

    @property
    def gap(self) -> float:
        """Absolute distance to the upper bound (0 for the exact solver, up to rounding)."""
        return max(0.0, self.bound - self.total) if not math.isnan(self.bound) else math.nan


@dataclass
class _Problem:
    required: list[Pair]
    edges: list[Pair]
    residual: dict[int, int | None]
    total_left: int | None
    over_capacity: dict[int, int]


def check_sides(pairs: Iterable[Pair]) -> None:
    """Participant ids must differ across sides (they are Participant row ids)."""
    pairs = list(pairs)
    both = {p.supplier for p in pairs} & {p.enterprise for p in pairs}
    if both:
        raise ValueError(f"participant id(s) {sorted(both)[:5]} appear as supplier and enterprise")


def _best(pairs: Iterable[Pair]) -> dict[tuple[int, int], Pair]:
    best: dict[tuple[int, int], Pair] = {}
    for pair in pairs:
        key = (pair.supplier, pair.enterprise)
        if key not in best or pair.score > best[key].score:
            best[key] = pair
    return best


def _prepare(candidates: Iterable[Pair], caps: Mapping[int, int], required: Iterable[Pair],
             min_score: float, total_cap: int | None) -> _Problem:
    """Deduplicate, apply the minimum score, and take required pairs out of the caps."""
    kept = _best(required)
    used: Counter[int] = Counter()
    for s, e in kept:
        used[s] += 1
        used[e] += 1
    residual: dict[int, int | None] = {}
    over: dict[int, int] = {}

    def left(node: int) -> int | None:
        if node not in residual:
            cap = caps.get(node)
            residual[node] = None if cap is None else max(0, cap - used[node])
            if cap is not None and used[node] > cap:
                over[node] = used[node] - cap
        return residual[node]

    for s, e in kept:
        left(s), left(e)
    edges = [p for key, p in _best(candidates).items()
             if key not in kept and p.score >= min_score and p.score > 0
             and left(p.supplier) != 0 and left(p.enterprise) != 0]
    edges.sort(key=lambda p: (-p.score, p.supplier, p.enterprise))
    total_left = None if total_cap is None else max(0, total_cap - len(kept))
    check_sides(list(kept.values()) + edges)
    return _Problem(list(kept.values()), edges, residual, total_left, over)


def _result(problem: _Problem, picked: list[Pair], bound: float, solver: str,
            start: float) -> Pairing:
    required = sorted(problem.required, key=lambda p: (-p.score, p.supplier, p.enterprise))
    chosen = required + sorted(picked, key=lambda p: (-p.score, p.supplier, p.enterprise))
    total = float(sum(p.score for p in chosen))
    return Pairing(chosen, required, total, bound, len(problem.edges), solver,
                   time.perf_counter() - start, problem.over_capacity)


def pair_optimal(candidates: Iterable[Pair], caps: Mapping[int, int],
                 required: Iterable[Pair] = (), min_score: float = 0.0,
                 total_cap: int | None = None) -> Pairing:
    """The maximum-score set of meetings under the caps (participants missing from `caps` are
    uncapped); required pairs are kept whatever their score and count against the caps."""
    start = time.perf_counter()
    problem = _prepare(candidates, caps, required, min_score, total_cap)
    edges = problem.edges
    kept_score = sum(p.score for p in problem.required)
    if not edges or problem.total_left == 0:
        return _result(problem, [], kept_score, "none (nothing to choose)", start)
    rows: list[int] = []
    cols: list[int] = []
    upper: list[int] = []
    row_of: dict[int, int] = {}
    for j, (s, e, _) in enumerate(edges):
        for node in (s, e):
            cap = problem.residual[node]
            if cap is None:
                continue
            if node not in row_of:
                row_of[node] = len(upper)
                upper.append(cap)
            rows.append(row_of[node])
            cols.append(j)
    if problem.total_left is not None and problem.total_left < len(edges):
        rows.extend([len(upper)] * len(edges))
        cols.extend(range(len(edges)))
        upper.append(problem.total_left)
    scores = np.array([p.score for p in edges])
    if not upper:
        return _result(problem, edges, kept_score + float(scores.sum()), "none (uncapped)", start)
    matrix = coo_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(upper), len(edges)))
    matrix = matrix.tocsr()
    lp = linprog(-scores, A_ub=matrix, b_ub=np.array(upper, dtype=float), bounds=(0, 1),
                 method="highs-ipm")
    if lp.status != 0:
        raise RuntimeError(f"HiGHS could not solve the pairing LP: {lp.message}")
    bound = kept_score + float(-lp.fun)
    x, solver = lp.x, "HiGHS LP (vertex is integral: totally unimodular)"
    if np.any(np.minimum(np.abs(x), np.abs(x - 1)) > INTEGRAL_TOL):
        mip = milp(-scores, constraints=LinearConstraint(matrix, -np.inf, upper),
                   integrality=np.ones(len(edges)), bounds=Bounds(0, 1))
        if mip.x is None:
            raise RuntimeError(f"HiGHS could not solve the pairing MILP: {mip.message}")
        x, solver = mip.x, "HiGHS MILP (LP optimum was not a vertex)"
    picked = [edges[j] for j in np.flatnonzero(x > 0.5)]
    return _result(problem, picked, bound, solver, start)


def pair_greedy(candidates: Iterable[Pair], caps: Mapping[int, int],
                required: Iterable[Pair] = (), min_score: float = 0.0,
                total_cap: int | None = None) -> Pairing:
    """The baseline: best score first while both caps (and the total) allow; no bound."""
    start = time.perf_counter()
    problem = _prepare(candidates, caps, required, min_score, total_cap)
    left = dict(problem.residual)
    total_left = problem.total_left
    picked: list[Pair] = []
    for pair in problem.edges:
        if total_left is not None and total_left <= 0:
            break
        if left[pair.supplier] == 0 or left[pair.enterprise] == 0:
            continue
        picked.append(pair)
        for node in (pair.supplier, pair.enterprise):
            if left[node] is not None:
                left[node] -= 1  # type: ignore[operator]
        if total_left is not None:
            total_left -= 1
    return _result(problem, picked, math.nan, "greedy", start)
