"""Pseudo-relevance feedback on the dev split (issue 15, item 4), both sides; tried and not
shipped (benchmarks/README.md).

- RM3 on BM25: the first pass's top `docs` offers (BM25 on the lexicon translation) give `terms`
  expansion terms (tf × idf, weighted by the offers' scores), searched as a second BM25 query
  and added with weight β to the first (both max-normalised). Lexical only: no embeddings.
- Rocchio on vectors: the hybrid's top `docs` offers move the query vectors (`dense`, and
  `dense_en` of the English rendering) towards their mean by β; the hybrid then searches again.

`--pool K` as in `benchmarks.quality` (the Rocchio rows rank only each need's lexical top K).
"""

import argparse
import math
from collections import Counter
from pathlib import Path

import numpy as np
from tqdm import tqdm

from benchmarks.devset import SHARED, DevQuery, load_corpus, load_qrels, load_queries
from benchmarks.metrics import RetrievalEvaluator
from benchmarks.quality import STYLES, build_index, by_style, lexical_pools
from benchmarks.report import markdown_table, write_result
from matcher.platform.config import REPO_ROOT
from matcher.platform.runtime import default_restorer
from matcher.search.fusion import normalize_max, top_k
from matcher.search.lexical import BM25Channel, english_tokens
from matcher.search.query import QueryBuilder
from matcher.search.retrieval import DEFAULT_WEIGHTS, query_vectors, retrieve
from matcher.text.lexicon import Lexicon

RM3_GRID = [(0, 0, 0.0), (5, 10, 0.3), (5, 20, 0.5), (10, 10, 0.3), (10, 20, 0.5)]
ROCCHIO_GRID = [(0, 0.0, ()), (3, 0.3, ("dense_en",)), (3, 1.0, ("dense_en",)),
                (5, 0.3, ("dense", "dense_en")), (5, 0.6, ("dense", "dense_en")),
                (10, 0.3, ("dense_en",)), (10, 1.0, ("dense", "dense_en"))]
Run = dict[str, list[str]]


def rm3_runs(shared: Path, queries: list[DevQuery], builder: QueryBuilder) -> dict[str, Run]:
    """BM25 on the lexicon translation, with and without RM3 feedback, per grid cell."""
    docs, names = load_corpus(shared)
    tokens = {d.id: english_tokens(d.text) for d in docs}
    channel = BM25Channel([d.id for d in docs], [tokens[d.id] for d in docs])
    df = Counter(t for d in docs for t in set(tokens[d.id]))
    built = {q.qid: builder.build(q.text) for q in queries}

    def expanded(first: dict[int, float], known: set[str], docs_: int, terms: int) -> list[str]:
        weights: Counter[str] = Counter()
        top = top_k(first, docs_)
        norm = sum(s for _, s in top) or 1.0
        for i, score in top:
            length = len(tokens[i]) or 1
            for term, count in Counter(tokens[i]).items():
                weights[term] += score / norm * count / length * math.log(len(docs) / df[term])
        return [t for t, _ in weights.most_common(terms + len(known)) if t not in known][:terms]

    runs = {}
    for docs_, terms, beta in RM3_GRID:
        run = {}
        for q in queries:
            query = built[q.qid]
            first = channel.scores(query.en_weights or query.en_tokens)
            fused = first
            if docs_ and first:
                second = channel.scores(expanded(first, set(query.en_tokens), docs_, terms))
                a, b = normalize_max(first), normalize_max(second)
                fused = {i: a.get(i, 0.0) + beta * b.get(i, 0.0) for i in set(a) | set(b)}
            run[q.qid] = [names[i] for i, _ in top_k(fused, 100)]
        runs[f"RM3 on BM25: {docs_} offers, {terms} terms, β {beta}" if docs_
             else "BM25 on the translation, no feedback (shipped channel)"] = run
    return runs


def rocchio_runs(shared: Path, queries: list[DevQuery], builder: QueryBuilder,
                 pool: int | None) -> dict[str, Run]:
    """The hybrid with and without Rocchio feedback on its query vectors, per grid cell."""
    pools = lexical_pools(shared, queries, builder, pool) if pool else None
    index, names = build_index(shared, set().union(*pools.values()) if pools else None)
    collection = index.dossiers
    runs = {}
    for docs_, beta, moved in ROCCHIO_GRID:
        run = {}
        for q in tqdm(queries, desc=f"Rocchio {docs_} {beta}", leave=False):
            query = builder.build(q.text)
            allowed = pools[q.qid].__contains__ if pools else None
            vectors = query_vectors(index, query, DEFAULT_WEIGHTS)
            found = retrieve(index, collection, query, 100, allowed, DEFAULT_WEIGHTS, vectors)
            if docs_ and found:
                centre = np.vstack([collection.vectors._index.reconstruct(c.id)
                                    for c in found[:docs_]]).mean(axis=0)
                for name in moved:
                    if name in vectors:
                        shifted = vectors[name] + beta * centre
                        vectors[name] = (shifted / np.linalg.norm(shifted)).astype(np.float32)
                found = retrieve(index, collection, query, 100, allowed, DEFAULT_WEIGHTS,
                                 vectors)
            run[q.qid] = [names[c.id] for c in found]
        runs[f"Rocchio on {' + '.join(moved)}: {docs_} offers, β {beta}" if docs_
             else "hybrid, no feedback (shipped)"] = run
    return runs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--shared", type=Path, default=SHARED)
    parser.add_argument("--pool", type=int, default=None)
    args = parser.parse_args()
    builder = QueryBuilder(Lexicon.load(REPO_ROOT / "seed_data" / "lexicon"), default_restorer())
    queries = load_queries(args.shared, "dev")
    evaluator = RetrievalEvaluator(load_qrels(args.shared, "dev"))
    runs = {**rm3_runs(args.shared, queries, builder),
            **rocchio_runs(args.shared, queries, builder, args.pool)}
    rows, results = [], {}
    for label, run in runs.items():
        overall = evaluator(run)
        styles = [m["ndcg@10"] for m in by_style(evaluator, run, queries).values()]
        results[label] = {**overall, **dict(zip(STYLES, styles, strict=True))}
        rows.append([label, overall["ndcg@10"], overall["recall@50"], overall["unjudged@10"],
                     *styles])
    table = markdown_table(["feedback (dev split)", "nDCG@10", "R@50", "unjudged@10", "full",
                            "short", "no-diacritics"], rows)
    print(table)
    write_result("feedback" if not args.pool else f"feedback_pool{args.pool}",
                 {"pool": args.pool, "results": results}, table)


if __name__ == "__main__":
    main()
