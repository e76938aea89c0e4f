"""Alerts benchmark: which labelled need–dossier pairs the alerts job would notify if every seed
dossier were new, under the job's rule (among a need's first ten suggestions of a confident
list, and the dossier's own cosine at the confidence threshold) and under the list rule alone;
and what one run costs when a single dossier changes (every open need matched once).

Run: `python -m benchmarks.alerts` (the seed's embeddings are cached in benchmarks/.cache).
"""

import random
import time
from collections.abc import Iterator
from unittest.mock import patch

from sqlmodel import Session, select

from benchmarks.calibration import load_labels, seeded_runtime
from benchmarks.report import markdown_table, write_result
from matcher.alerts import matching
from matcher.alerts.matching import Found, new_matches
from matcher.models import Dossier, Need
from matcher.search.matches import MatchList

RUNS = 20  # single-dossier runs timed


def _list_rule(found: MatchList, changed: dict, threshold: float,
               **subject: int | None) -> Iterator[Found]:
    """The list rule alone: every changed dossier among the first ten of a confident list."""
    if found.confident:
        for s in found.data:
            if s.id in changed:
                yield Found(s.id, s.score, s.explanation, **subject)


def _scores(alerted: set[tuple[int, int]], relevant: set[tuple[int, int]],
            labelled: set[int]) -> list:
    shown = {p for p in alerted if p[0] in labelled}
    hits = len(shown & relevant)
    return [len(shown), hits, hits / len(shown) if shown else 0.0,
            hits / len(relevant) if relevant else 0.0,
            len({n for n, _ in shown}) / len(labelled)]


def main() -> None:
    runtime = seeded_runtime()
    labels = load_labels()
    with Session(runtime.engine) as session:
        needs = {n.ref: n.id for n in session.exec(select(Need))}
        dossiers = {d.ref: d.id for d in session.exec(select(Dossier))}
        every = set(dossiers.values())
        relevant = {(needs[n], dossiers[d]) for n, grades in labels.items() if n in needs
                    for d, grade in grades.items() if grade >= 1 and d in dossiers}
        labelled = {needs[n] for n in labels if n in needs}
        job = {(f.need_id, f.dossier_id) for f in new_matches(session, runtime.matches, every)
               if f.need_id is not None}
        with patch.object(matching, "_among", _list_rule):
            listed = {(f.need_id, f.dossier_id)
                      for f in new_matches(session, runtime.matches, every)
                      if f.need_id is not None}
        random.seed(16)
        costs = []
        for dossier_id in random.sample(sorted(every), RUNS):
            start = time.perf_counter()
            list(new_matches(session, runtime.matches, {dossier_id}))
            costs.append(time.perf_counter() - start)
    header = ["rule", "pairs alerted (labelled needs)", "of them relevant", "precision",
              "recall", "needs alerted"]
    rows = [["job: confident list, top 10, own cosine ≥ threshold", *_scores(job, relevant,
                                                                           labelled)],
            ["confident list, top 10 (list rule alone)", *_scores(listed, relevant, labelled)]]
    costs.sort()
    table = (markdown_table(header, rows) + "\n\n" + markdown_table(
        ["one changed dossier: open needs matched", "median s", "max s"],
        [[len(needs), costs[len(costs) // 2], costs[-1]]]))
    print(table)
    write_result("alerts", {"rows": rows, "relevant_pairs": len(relevant),
                            "labelled_needs": len(labelled), "run_seconds": costs}, table)


if __name__ == "__main__":
    main()
