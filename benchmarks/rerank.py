"""A re-ranking stage after fusion, measured on the dev split with cross-validation by need
(issue 15, item 5); tried and not shipped (benchmarks/README.md).

The hybrid's first `DEPTH` offers of each need are described by features the fusion does not
combine (each channel's score, the raw cosines of the need and of its English rendering, the
IDF-weighted share of the need's English terms found in the offer's title and text, the rank,
the offer's length), and a logistic model (pointwise: relevant or not; or pairwise: which of two
offers is the better) re-orders them. Needs are split into five folds; each fold is re-ranked
by a model trained on the other four, and the table reports that held-out ranking only (the
mean over five random fold assignments, ± its spread), never the training fit.

`--pool K` as in `benchmarks.quality` (only each need's lexical top K is embedded and ranked).
"""

import argparse
import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import StandardScaler
from tqdm import tqdm

from benchmarks.devset import SHARED, DevQuery, load_qrels, load_queries
from benchmarks.metrics import RetrievalEvaluator
from benchmarks.quality import STYLES, build_index, by_style, lexical_pools
from benchmarks.report import markdown_table, write_result
from matcher.platform.config import REPO_ROOT
from matcher.platform.runtime import default_restorer
from matcher.search.index import Collection, SearchIndex
from matcher.search.lexical import english_tokens
from matcher.search.query import Query, QueryBuilder
from matcher.search.retrieval import DEFAULT_WEIGHTS, query_vectors, retrieve
from matcher.text.lexicon import Lexicon

DEPTH = 30  # offers re-ranked per need; the rest keep their fused order below them
FEATURES = ("score", "relative_score", "log_rank", "dense", "dense_en", "lex_en", "cosine",
            "cosine_en", "coverage_text", "coverage_title", "coverage_first", "log_length")
MODELS = {  # label → (features, pairwise, inverse regularisation C)
    "pointwise, fused score + coverage in text": (("score", "coverage_text"), False, 1.0),
    "pointwise, fused score + coverage in text and title":
        (("score", "coverage_text", "coverage_title"), False, 1.0),
    "pointwise, channels + cosines + coverage": (
        ("dense", "dense_en", "lex_en", "cosine", "cosine_en", "coverage_text",
         "coverage_title", "coverage_first"), False, 1.0),
    "pointwise, all features": (FEATURES, False, 1.0),
    "pointwise, all features, C = 0.1": (FEATURES, False, 0.1),
    "pairwise, fused score + coverage": (("score", "coverage_text", "coverage_title"), True, 1.0),
    "pairwise, all features": (FEATURES, True, 1.0),
    "pairwise, all features, C = 0.1": (FEATURES, True, 0.1),
}


@dataclass
class Ranked:
    """One need's fused ranking: offer names in order, their features and judged grades."""

    query: DevQuery
    names: list[str]
    features: np.ndarray  # one row per offer, columns as FEATURES
    grades: np.ndarray  # judged grade, 0 when unjudged


def idf_table(collection: Collection):
    """The BM25 channel's IDF of an English term (0 for a term no offer holds)."""
    bm25 = collection.channels()["en"]._bm25
    matrix, vocab = bm25.scores, bm25.vocab_dict
    total = matrix["num_docs"]

    def idf(term: str) -> float:
        column = vocab.get(term)
        if column is None:
            return 0.0
        df = matrix["indptr"][column + 1] - matrix["indptr"][column]
        return math.log(1 + (total - df + 0.5) / (df + 0.5))
    return idf


def term_coverage(query: Query, idf: Callable[[str], float]) -> Callable[[set[str]], float]:
    """The IDF-weighted share of the query's English terms (lexicon weights, 1 when it has
    none) that a set of tokens holds."""
    weights = query.en_weights or dict.fromkeys(query.en_tokens, 1.0)
    informative = {t: w * idf(t) for t, w in weights.items()}
    total = sum(informative.values()) or 1.0
    return lambda tokens: sum(v for t, v in informative.items() if t in tokens) / total


def fused_rankings(index: SearchIndex, builder: QueryBuilder, queries: list[DevQuery],
                   qrels: dict[str, dict[str, int]], names: list[str],
                   pools: dict[str, set[int]] | None, k: int = 100) -> list[Ranked]:
    """Each need's hybrid ranking (the engine's retrieval, shipped weights) with features."""
    collection = index.dossiers
    idf = idf_table(collection)
    out = []
    for q in tqdm(queries, desc="first pass"):
        query = builder.build(q.text)
        vectors = query_vectors(index, query, DEFAULT_WEIGHTS)
        allowed = pools[q.qid].__contains__ if pools else None
        found = retrieve(index, collection, query, k, allowed, DEFAULT_WEIGHTS, vectors)
        ids = [c.id for c in found]
        cosine_en = collection.vectors.scores_for(vectors["dense_en"], ids) \
            if "dense_en" in vectors else {}
        covered = term_coverage(query, idf)
        first = {t for t, w in (query.en_weights or dict.fromkeys(query.en_tokens, 1.0)).items()
                 if w >= 1.0}
        top = found[0].score if found else 1.0
        rows = []
        for rank, cand in enumerate(found):
            tokens = set(english_tokens(cand.doc.text))
            title = set(english_tokens(cand.doc.title))
            values = {
                "score": cand.score, "relative_score": cand.score / (top or 1.0),
                "log_rank": math.log1p(rank), "cosine": cand.cosine or 0.0,
                "cosine_en": cosine_en.get(cand.id, 0.0),
                "coverage_text": covered(tokens), "coverage_title": covered(title),
                "coverage_first": len(first & tokens) / (len(first) or 1),
                "log_length": math.log1p(len(tokens)),
                **{name: cand.channels.get(name, 0.0) for name in ("dense", "dense_en",
                                                                    "lex_en")},
            }
            rows.append([values[f] for f in FEATURES])
        judged = qrels.get(q.qid, {})
        out.append(Ranked(q, [names[i] for i in ids], np.array(rows, dtype=float),
                          np.array([judged.get(names[i], 0) for i in ids])))
    return out


def _training_set(train: list[Ranked], columns: list[int], pairwise: bool
                  ) -> tuple[np.ndarray, np.ndarray]:
    xs, ys = [], []
    for r in train:
        x, g = r.features[:DEPTH, columns], r.grades[:DEPTH]
        if not pairwise:
            xs.append(x)
            ys.append((g >= 1).astype(int))
            continue
        better = [(a, b) for a in range(len(g)) for b in range(len(g)) if g[a] > g[b]]
        if better:
            a, b = np.array(better).T
            xs += [x[a] - x[b], x[b] - x[a]]
            ys += [np.ones(len(a), int), np.zeros(len(a), int)]
    return np.vstack(xs), np.concatenate(ys)


def cross_validated_run(rankings: list[Ranked], features: tuple[str, ...], pairwise: bool,
                        c: float, seed: int, folds: int = 5) -> dict[str, list[str]]:
    """Every need re-ranked by a model that never saw it (folds of needs, assigned at random)."""
    columns = [FEATURES.index(f) for f in features]
    order = np.random.default_rng(seed).permutation(len(rankings))
    run: dict[str, list[str]] = {}
    for fold in range(folds):
        held = set(order[fold::folds].tolist())
        x, y = _training_set([r for i, r in enumerate(rankings) if i not in held], columns,
                             pairwise)
        scaler = StandardScaler(with_mean=not pairwise).fit(x)
        model = LogisticRegression(C=c, fit_intercept=not pairwise, max_iter=2000)
        model.fit(scaler.transform(x), y)
        for i in held:
            r = rankings[i]
            top = r.names[:DEPTH]
            scores = model.decision_function(scaler.transform(r.features[:DEPTH, columns]))
            run[r.query.qid] = [top[j] for j in np.argsort(-scores, kind="stable")] \
                + r.names[DEPTH:]
    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--shared", type=Path, default=SHARED)
    parser.add_argument("--pool", type=int, default=None)
    parser.add_argument("--repeats", type=int, default=5, help="Random fold assignments.")
    args = parser.parse_args()
    lexicon = Lexicon.load(REPO_ROOT / "seed_data" / "lexicon")
    builder = QueryBuilder(lexicon, default_restorer())
    queries = load_queries(args.shared, "dev")
    qrels = load_qrels(args.shared, "dev")
    pools = lexical_pools(args.shared, queries, builder, args.pool) if args.pool else None
    index, names = build_index(args.shared, set().union(*pools.values()) if pools else None)
    rankings = fused_rankings(index, builder, queries, qrels, names, pools)
    evaluator = RetrievalEvaluator(qrels)

    def row(label: str, runs: list[dict[str, list[str]]]) -> tuple[list, dict]:
        measured = [evaluator(run) for run in runs]
        ndcg = [m["ndcg@10"] for m in measured]
        first = runs[0]
        styles = [m["ndcg@10"] for m in by_style(evaluator, first, queries).values()]
        spread = f"{np.mean(ndcg):.3f} ± {np.std(ndcg):.3f}"
        return ([label, spread, measured[0]["recall@50"], measured[0]["mrr@10"],
                 measured[0]["unjudged@10"], *styles],
                {"ndcg@10": ndcg, "first": measured[0],
                 "styles": dict(zip(STYLES, styles, strict=True))})

    fused = {r.query.qid: r.names for r in rankings}
    rows, results = [], {}
    line, results["fused (shipped)"] = row("fused ranking (shipped)", [fused])
    rows.append(line)
    for label, (features, pairwise, c) in tqdm(MODELS.items(), desc="models"):
        runs = [cross_validated_run(rankings, features, pairwise, c, seed)
                for seed in range(args.repeats)]
        line, results[label] = row(label, runs)
        rows.append(line)
    table = markdown_table(["re-ranking of the first 30 (held-out folds)", "nDCG@10 (mean ± sd)",
                            "R@50", "MRR@10", "unjudged@10", "full", "short", "no-diacritics"],
                           rows)
    print(table)
    write_result("rerank" if not args.pool else f"rerank_pool{args.pool}",
                 {"pool": args.pool, "depth": DEPTH, "features": FEATURES,
                  "results": results}, table)


if __name__ == "__main__":
    main()
