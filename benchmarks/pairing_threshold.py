"""Events benchmark: the default minimum score of a B2B meeting, measured on the labelled seed.

Pairing fills every free seat with the best remaining candidate, so without a minimum it books
meetings nobody would ask for. A candidate meeting is what `events.candidates` scores: a need
against the dossiers the suppliers show, by the matcher (`MatchService.for_need`, the stored
need's text, exhibitors whatever their status, any jurisdiction). Here every seed dossier is an
exhibitor and every labelled seed need is a visiting enterprise; each need's top 50 candidates
are split into relevant pairs (labelled in `seed_data/labels.jsonl`, grade ≥ 1) and the others,
and the score distributions of both are compared, overall and per score band. The default cut is
the highest score (to 0.01) that keeps at least `KEEP` of the relevant pairs among candidates:
an organiser loses few meetings anyone would want, and the pairs the cut removes are relevant far
less often than the average candidate (the band table shows how often).
"""

import numpy as np
from sklearn.metrics import roc_auc_score
from sqlmodel import select

from benchmarks.calibration import load_labels, seeded_runtime
from benchmarks.report import markdown_table, write_result
from matcher.events.pairing import DEFAULT_MIN_SCORE
from matcher.models import Dossier, Need
from matcher.search.matches import DossierFilters

PER_NEED = 50  # the API's default `limit` of candidates per need
KEEP = 0.90  # share of relevant pairs the default keeps
BANDS = [0.0, 0.10, 0.15, 0.20, 0.25, 0.30, 0.35, 0.40, 0.45, 0.50, 1.01]
CUTS = [0.0, 0.10, 0.15, 0.20, 0.25, 0.30, 0.35, 0.40, 0.45, 0.50]


def candidate_scores() -> tuple[list[float], list[bool], int]:
    """Scores of every need's top candidates, whether each pair is labelled relevant, and how
    many relevant pairs the candidates missed (not in a need's top `PER_NEED`)."""
    runtime = seeded_runtime()
    labels = load_labels()
    scores: list[float] = []
    relevant: list[bool] = []
    missed = 0
    with runtime.session() as session:
        refs = {d.id: d.ref for d in session.exec(select(Dossier)).all()}
        filters = DossierFilters(include_inactive=True, dossier_ids=frozenset(refs))
        for need in session.exec(select(Need)).all():
            if need.ref not in labels:
                continue
            good = {ref for ref, grade in labels[need.ref].items() if grade >= 1}
            found = runtime.matches.for_need(session, need, filters, PER_NEED).data
            for suggestion in found:
                scores.append(float(suggestion.score))
                relevant.append(refs[suggestion.id] in good)
            missed += len(good - {refs[s.id] for s in found})
    return scores, relevant, missed


def cut_keeping(scores: list[float], relevant: list[bool], keep: float = KEEP) -> float:
    """The highest cut (rounded down to 0.01) under which at most 1 − `keep` of the relevant
    pairs fall."""
    good = np.sort(np.array([s for s, r in zip(scores, relevant, strict=True) if r]))
    index = int(np.floor((1 - keep) * len(good)))
    return float(np.floor(good[index] * 100) / 100)


def rows_for(scores: list[float], relevant: list[bool], cuts: list[float]) -> list[list]:
    """Per cut: relevant pairs kept, irrelevant pairs removed, precision of what is left."""
    values, labels = np.array(scores), np.array(relevant)
    rows = []
    for cut in cuts:
        kept = values >= cut
        good_kept = int((kept & labels).sum())
        rows.append([f"{cut:.2f}", f"{good_kept / labels.sum():.1%}",
                     f"{int((~kept & ~labels).sum()) / (~labels).sum():.1%}",
                     f"{good_kept / max(1, kept.sum()):.1%}", int(kept.sum())])
    return rows


def band_rows(scores: list[float], relevant: list[bool]) -> list[list]:
    """Per score band: candidate pairs in it and the share of them that are relevant."""
    values, labels = np.array(scores), np.array(relevant)
    rows = []
    for low, high in zip(BANDS, BANDS[1:], strict=False):
        inside = (values >= low) & (values < high)
        shown = f"{low:.2f}–{min(high, 1.0):.2f}"
        rows.append([shown, int(inside.sum()), int((inside & labels).sum()),
                     f"{(inside & labels).sum() / max(1, inside.sum()):.1%}"])
    return rows


def main() -> None:
    scores, relevant, missed = candidate_scores()
    good = [s for s, r in zip(scores, relevant, strict=True) if r]
    bad = [s for s, r in zip(scores, relevant, strict=True) if not r]
    cut = cut_keeping(scores, relevant)
    cuts = sorted(set(CUTS) | {cut, DEFAULT_MIN_SCORE})
    table = markdown_table(["min score", "relevant pairs kept", "irrelevant pairs removed",
                            "relevant share of candidates left", "candidates left"],
                           rows_for(scores, relevant, cuts))
    table += "\n\n" + markdown_table(["score band", "candidate pairs", "relevant",
                                       "relevant share"], band_rows(scores, relevant))
    quartiles = ", ".join(f"{q:.3f}" for q in np.percentile(good, [10, 25, 50, 75]))
    quartiles_bad = ", ".join(f"{q:.3f}" for q in np.percentile(bad, [10, 25, 50, 75, 90]))
    table += (f"\n\n{len(scores)} candidate pairs ({PER_NEED} per labelled need), "
              f"{len(good)} relevant ({missed} labelled pairs not among the candidates); "
              f"relevant scores p10/p25/p50/p75 {quartiles}; irrelevant p10/p25/p50/p75/p90 "
              f"{quartiles_bad}; ROC AUC {roc_auc_score(relevant, scores):.3f}; base rate "
              f"{len(good) / len(scores):.1%}. Highest cut "
              f"keeping {KEEP:.0%} of the relevant pairs: {cut:.2f}; shipped default "
              f"`DEFAULT_MIN_SCORE` {DEFAULT_MIN_SCORE:.2f}.")
    print(table)
    write_result("pairing_threshold", {
        "cut": cut, "shipped": DEFAULT_MIN_SCORE, "keep": KEEP, "pairs": len(scores),
        "relevant": len(good), "missed": missed, "auc": roc_auc_score(relevant, scores),
        "cuts": rows_for(scores, relevant, cuts), "bands": band_rows(scores, relevant)}, table)


if __name__ == "__main__":
    main()
