"""Can a model over a match list say "no confident match" better than the best cosine alone?
(issue 15, item 6), measured with leave-one-out cross-validation on both labelled sets: the
seed's 171 labelled needs (the engine's lists: fusion, sector bonus, feasibility) and the dev
split's 50 needs (the fused ranking over the English offers).

Each need's list is described by the best raw cosine of its first three candidates (what ships
as `confidence`), the same among English dossiers only, the first's score, the gap to the
second, the first's lexical score, whether the first shares the need's sector theme (seed
only: the dev offers have no sector), and the IDF-weighted share of the need's English terms
that the first three hold. A logistic regression (standardised, class-balanced) predicts
whether the need has an answer; each need is scored by a model trained without it, and the cut
that flags at most 10 % of the needs that have an answer is read off those held-out scores
(`benchmarks.calibration.threshold_for`).

`--pool K` as in `benchmarks.quality` for the dev side.
"""

import argparse
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import LeaveOneOut, cross_val_predict
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from benchmarks.calibration import labelled_lists, load_labels, seeded_runtime, threshold_for
from benchmarks.devset import SHARED, load_qrels, load_queries
from benchmarks.quality import build_index, lexical_pools
from benchmarks.report import markdown_table, write_result
from benchmarks.rerank import FEATURES as CANDIDATE
from benchmarks.rerank import fused_rankings, idf_table, term_coverage
from matcher.platform.config import REPO_ROOT
from matcher.platform.runtime import default_restorer
from matcher.search.documents import need_text
from matcher.search.lexical import english_tokens
from matcher.search.query import QueryBuilder
from matcher.text.lexicon import Lexicon

FEATURES = ("best cosine of the first three (shipped `confidence`)",
            "best cosine of the English dossiers among the first three",
            "score of the first", "gap between the first and the second",
            "lexical score of the first", "sector agreement of the first",
            "coverage of the need's English terms by the first three")
MODELS = {"logistic, cosine alone": (0,), "logistic, cosine + coverage": (0, 6),
          "logistic, all seven": tuple(range(len(FEATURES)))}


def list_features(confidence: float, english_cosines: list[float], scores: list[float],
                  lexical: float, sector: float, coverages: list[float]) -> list[float]:
    """The seven features of one need's list (lists best first)."""
    gap = scores[0] - scores[1] if len(scores) > 1 else scores[0]
    return [confidence, max(english_cosines[:3], default=0.0), scores[0], gap, lexical, sector,
            max(coverages[:3])]


def seed_set() -> tuple[np.ndarray, np.ndarray]:
    """Features and "has an answer" of the seed's labelled needs, from the engine's lists."""
    runtime = seeded_runtime()
    labels = load_labels()
    collection = runtime.index.dossiers
    idf = idf_table(collection)
    rows, answered = [], []
    with runtime.session() as session:
        for need, _, listed in labelled_lists(runtime, session, labels, 10):
            found = listed.data
            if not found:
                continue
            query = runtime.matches.queries.build(need_text(need), need.language)
            covered = term_coverage(query, idf)
            coverages, english = [], []
            for s in found[:3]:
                doc = collection.docs.get(s.id)
                tokens = set(english_tokens(doc.text)) if doc else set()
                coverages.append(covered(tokens))
                if doc is not None and doc.language != "vi":
                    english.append(s.breakdown.cosine or 0.0)
            rows.append(list_features(listed.confidence, english, [s.score for s in found],
                                      found[0].breakdown.lexical, found[0].breakdown.sector,
                                      coverages))
            answered.append(bool(labels[need.ref]))
    return np.array(rows), np.array(answered)


def dev_set(shared: Path, pool: int | None) -> tuple[np.ndarray, np.ndarray]:
    """Features and "has an answer" (a judged offer of grade ≥ 1) of the dev needs."""
    builder = QueryBuilder(Lexicon.load(REPO_ROOT / "seed_data" / "lexicon"), default_restorer())
    queries = load_queries(shared, "dev")
    qrels = load_qrels(shared, "dev")
    pools = lexical_pools(shared, queries, builder, pool) if pool else None
    index, names = build_index(shared, set().union(*pools.values()) if pools else None)
    rows, answered = [], []
    for r in fused_rankings(index, builder, queries, qrels, names, pools):
        column = {name: r.features[:, CANDIDATE.index(name)] for name in CANDIDATE}
        cosines = list(column["cosine"])
        rows.append(list_features(max(cosines[:3]), cosines, list(column["score"]),
                                  float(column["lex_en"][0]), 0.0, list(column["coverage_text"])))
        answered.append(any(g >= 1 for g in qrels.get(r.query.qid, {}).values()))
    return np.array(rows), np.array(answered)


def measure(x: np.ndarray, answered: np.ndarray) -> list[list]:
    """Per feature and per model: ROC AUC for "has an answer", and the share of no-answer needs
    flagged (with the share of the others) at the cut allowing 10 % false alarms."""
    out = []

    def row(label: str, scores: np.ndarray) -> list:
        _, caught, false_alarms = threshold_for(list(scores), list(answered))
        return [label, roc_auc_score(answered, scores), f"{caught:.0%}", f"{false_alarms:.0%}"]
    for j, name in enumerate(FEATURES):
        out.append(row(f"{name}, alone", x[:, j]))
    for label, columns in MODELS.items():
        model = make_pipeline(StandardScaler(), LogisticRegression(class_weight="balanced"))
        held_out = cross_val_predict(model, x[:, list(columns)], answered, cv=LeaveOneOut(),
                                     method="predict_proba")[:, 1]
        out.append(row(f"{label} (leave-one-out)", held_out))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--shared", type=Path, default=SHARED)
    parser.add_argument("--pool", type=int, default=None)
    args = parser.parse_args()
    tables, results = [], {}
    for name, (x, answered) in {"seed": seed_set(),
                                "dev": dev_set(args.shared, args.pool)}.items():
        rows = measure(x, answered)
        results[name] = {"needs": len(answered), "no_answer": int((~answered).sum()),
                         "rows": rows}
        tables.append(f"{name}: {len(answered)} needs, {int((~answered).sum())} without an "
                      f"answer\n\n" + markdown_table(
                          ["feature / model", "ROC AUC", "no-answer needs flagged",
                           "others flagged"], rows))
    table = "\n\n".join(tables)
    print(table)
    write_result("confidence_model" if not args.pool else f"confidence_model_pool{args.pool}",
                 {"pool": args.pool, "results": results}, table)


if __name__ == "__main__":
    main()
