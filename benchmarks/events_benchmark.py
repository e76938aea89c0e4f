"""Event benchmark: optimal pairing + König scheduling against greedy baselines on a generated
Techmart (450 suppliers, 1,500 enterprises, 16 slots, 120 tables), measured in the same run.

Run: `python benchmarks/events_benchmark.py [--seeds 3]`; writes benchmarks/results/events.json
and prints the Markdown table for benchmarks/README.md.
"""

import argparse
import json
import random
import statistics
import time
from collections import Counter
from pathlib import Path

import numpy as np

from matcher.events.checker import check_pairing, check_schedule
from matcher.events.pairing import Pair, pair_greedy, pair_optimal
from matcher.events.scheduling import backfill, schedule

RESULTS = Path(__file__).parent / "results" / "events.json"
SUPPLIERS, ENTERPRISES, SLOTS, TABLES = 450, 1_500, 16, 120
SECTORS, DIM, PER_NEED, MIN_SCORE = 7, 32, 30, 0.35


def generate(seed: int) -> dict:
    """Suppliers and enterprises in sector clusters; each need keeps its matcher top-30."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(SECTORS, DIM))
    sector_weights = rng.dirichlet(np.ones(SECTORS) * 2)

    def points(n: int) -> np.ndarray:
        sectors = rng.choice(SECTORS, size=n, p=sector_weights)
        vectors = centres[sectors] + rng.normal(scale=1.2, size=(n, DIM))
        return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)

    sup, ent = points(SUPPLIERS), points(ENTERPRISES)
    similarity = (ent @ sup.T + 1) / 2  # 0–1, like the matcher's fused score
    suppliers = list(range(SUPPLIERS))
    enterprises = list(range(10_000, 10_000 + ENTERPRISES))
    candidates = []
    for i, row in enumerate(similarity):
        for j in np.argsort(-row)[:PER_NEED]:
            candidates.append(Pair(suppliers[j], enterprises[i], round(float(row[j]), 4)))
    draw = random.Random(seed)
    slots = list(range(1, SLOTS + 1))
    availability: dict[int, list[int]] = {}
    for e in enterprises:
        roll = draw.random()
        if roll < 0.2:
            availability[e] = slots[:8]
        elif roll < 0.4:
            availability[e] = slots[8:]
    for s in suppliers:
        if draw.random() < 0.15:
            gap = draw.randrange(0, SLOTS - 3)
            availability[s] = [t for t in slots if not gap < t <= gap + 4]
    wanted = dict.fromkeys(suppliers, 12) | {e: draw.choice([1, 2, 2, 3, 3, 4])
                                             for e in enterprises}
    caps = {n: min(c, len(availability.get(n, slots))) for n, c in wanted.items()}
    return {"candidates": candidates, "caps": caps, "availability": availability, "slots": slots}


def greedy_joint(instance: dict, tables: int) -> tuple[list[tuple[int, int, int, int]], float]:
    """The hand tool: best pair first, into the first slot both can attend with a free table."""
    start = time.perf_counter()
    caps, avail, slots = instance["caps"], instance["availability"], instance["slots"]
    left = dict(caps)
    busy: set[tuple[int, int]] = set()
    load = Counter()
    placed, seen = [], set()
    ranked = sorted(instance["candidates"], key=lambda p: (-p.score, p.supplier, p.enterprise))
    for s, e, _ in ranked:
        if (s, e) in seen or left[s] == 0 or left[e] == 0:
            continue
        for slot in slots:
            if load[slot] < tables and (s, slot) not in busy and (e, slot) not in busy \
                    and slot in avail.get(s, slots) and slot in avail.get(e, slots):
                load[slot] += 1
                busy.update({(s, slot), (e, slot)})
                placed.append((s, e, slot, load[slot]))
                left[s] -= 1
                left[e] -= 1
                seen.add((s, e))
                break
    return placed, time.perf_counter() - start


def per_participant(placed: list[tuple], instance: dict) -> dict:
    counts = Counter(n for s, e, *_ in placed for n in (s, e))
    sup = [counts[n] for n in instance["caps"] if n < 10_000]
    ent = [counts[n] for n in instance["caps"] if n >= 10_000]
    return {"supplier_mean": round(statistics.mean(sup), 2), "supplier_max": max(sup),
            "enterprise_mean": round(statistics.mean(ent), 2), "enterprise_max": max(ent),
            "enterprises_with_a_meeting": round(sum(c > 0 for c in ent) / len(ent), 4)}


def measure(seed: int, tables: int = TABLES) -> dict:
    instance = generate(seed)
    cands, caps, avail, slots = (instance[k] for k in ("candidates", "caps", "availability",
                                                       "slots"))
    score = {(p.supplier, p.enterprise): p.score for p in cands}
    total_cap = SLOTS * tables
    runs = {}
    for name, solve in (("optimal", pair_optimal), ("greedy_pairing", pair_greedy)):
        pairing = solve(cands, caps, min_score=MIN_SCORE, total_cap=total_cap)
        assert not check_pairing([p[:2] for p in pairing.chosen], cands, caps, (), MIN_SCORE,
                                 total_cap)
        start = time.perf_counter()
        result = schedule(pairing.chosen, slots, tables, avail)
        filled = backfill(result, cands, caps, slots, tables, avail) if name == "optimal" else []
        scheduling_seconds = time.perf_counter() - start
        placed = [(p.supplier, p.enterprise, p.slot, p.table) for p in result.placed + filled]
        runs[name] = {
            "pairing_seconds": round(pairing.seconds, 3),
            "scheduling_seconds": round(scheduling_seconds, 3),
            "paired": len(pairing.chosen), "paired_score": round(pairing.total, 3),
            "placed": len(placed), "placed_score": round(sum(score[p[:2]] for p in placed), 3),
            "dropped": dict(Counter(d.reason for d in result.dropped)),
            "backfilled": len(filled),
            "max_degree": result.max_degree, "moves": result.moves,
            "violations": len(check_schedule(placed, slots, tables, avail, caps=caps)),
            "solver": pairing.solver, **per_participant(placed, instance),
        }
        if name == "optimal":
            bound = pairing.bound
    placed, seconds = greedy_joint(instance, tables)
    runs["greedy_joint"] = {
        "pairing_seconds": round(seconds, 3), "scheduling_seconds": 0.0,
        "paired": len(placed), "paired_score": round(sum(score[p[:2]] for p in placed), 3),
        "placed": len(placed), "placed_score": round(sum(score[p[:2]] for p in placed), 3),
        "dropped": {},
        "violations": len(check_schedule(placed, slots, tables, avail, caps=caps)),
        **per_participant(placed, instance),
    }
    for run in runs.values():
        run["placed_share_of_bound"] = round(run["placed_score"] / bound, 6)
    return {"seed": seed, "tables": tables, "candidates": len(cands), "bound": round(bound, 3),
            "runs": runs}


def table(results: list[dict]) -> str:
    names = {"optimal": "LP pairing + König scheduling + backfill (KetNoi)",
             "greedy_pairing": "greedy pairing + König scheduling",
             "greedy_joint": "greedy pair-and-place (hand tools)"}
    lines = ["| method | pairing s | scheduling s | meetings placed | score placed | "
             "% of LP bound | dropped | meetings/supplier (mean, max) | "
             "meetings/enterprise (mean, max) | enterprises with ≥1 | checker |",
             "|---|---|---|---|---|---|---|---|---|---|---|"]
    for key, label in names.items():
        rows = [r["runs"][key] for r in results]

        def avg(field: str, rows: list[dict] = rows) -> float:
            return statistics.mean(r[field] for r in rows)

        dropped = sum(sum(r["dropped"].values()) for r in rows) / len(rows)
        lines.append(
            f"| {label} | {avg('pairing_seconds'):.2f} | {avg('scheduling_seconds'):.2f} | "
            f"{avg('placed'):.0f} | {avg('placed_score'):.1f} | "
            f"{100 * avg('placed_share_of_bound'):.3f} % | {dropped:.1f} | "
            f"{avg('supplier_mean'):.2f}, {max(r['supplier_max'] for r in rows)} | "
            f"{avg('enterprise_mean'):.2f}, {max(r['enterprise_max'] for r in rows)} | "
            f"{100 * avg('enterprises_with_a_meeting'):.1f} % | "
            f"{'valid' if all(r['violations'] == 0 for r in rows) else 'VIOLATIONS'} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--booths", type=int, default=SUPPLIERS,
                        help="Tables of the second scenario (meetings at exhibitors' booths).")
    args = parser.parse_args()
    scenarios = {}
    for tables in (TABLES, args.booths):
        results = [measure(seed, tables) for seed in range(args.seeds)]
        scenarios[f"{tables} tables"] = {"results": results, "table": table(results)}
        print(f"\n### {SUPPLIERS} suppliers, {ENTERPRISES} enterprises, {SLOTS} slots, "
              f"{tables} tables (mean of {args.seeds} seeds)\n")
        print(table(results))
        for r in results:
            best = r["runs"]["optimal"]
            print(f"seed {r['seed']}: {r['candidates']} candidates, LP bound {r['bound']}, "
                  f"optimal {best['paired_score']} ({best['solver']}), drops {best['dropped']}, "
                  f"backfilled {best['backfilled']}")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps({
        "instance": {"suppliers": SUPPLIERS, "enterprises": ENTERPRISES, "slots": SLOTS,
                     "candidates_per_need": PER_NEED, "min_score": MIN_SCORE},
        "scenarios": scenarios}, indent=2), "utf-8")


if __name__ == "__main__":
    main()
