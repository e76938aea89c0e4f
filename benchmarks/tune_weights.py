"""Fusion weights tuned on the dev split (and nothing else): each query's raw channel scores
are computed once, then every weight combination on a grid is fused and scored.

With 50 queries the best combination over-fits a little; the table shows the neighbours of the
best so a choice can be made among near-equals, and the shipped weights for comparison.
"""

import argparse
import itertools
from pathlib import Path

from tqdm import tqdm

from benchmarks.devset import SHARED, load_qrels, load_queries
from benchmarks.metrics import RetrievalEvaluator
from benchmarks.quality import STYLES, build_index, by_style, lexical_pools
from benchmarks.report import markdown_table, write_result
from matcher.platform.config import REPO_ROOT
from matcher.platform.runtime import default_restorer
from matcher.search.query import QueryBuilder
from matcher.search.retrieval import DEFAULT_WEIGHTS, channel_scores, fuse
from matcher.text.lexicon import Lexicon

GRID = {
    "dense": (0.0, 0.1, 0.2, 0.3, 0.5, 0.8),
    "dense_en": (0.0, 0.1, 0.2, 0.3, 0.5, 0.8),
    "lex_en": (1.0,),  # the scale is set by this one
    "lex_vi": (0.0,),  # every offer in the eval corpus is English: the channel is empty
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--shared", type=Path, default=SHARED)
    parser.add_argument("--pool", type=int, default=None,
                        help="Rank only each query's lexical top K (as benchmarks.quality).")
    args = parser.parse_args()
    lexicon = Lexicon.load(REPO_ROOT / "seed_data" / "lexicon")
    builder = QueryBuilder(lexicon, default_restorer())
    queries = load_queries(args.shared, "dev")
    pools = lexical_pools(args.shared, queries, builder, args.pool) if args.pool else None
    index, names = build_index(args.shared, set().union(*pools.values()) if pools else None)
    collection = index.dossiers
    evaluator = RetrievalEvaluator(load_qrels(args.shared, "dev"))
    scores = {q.qid: channel_scores(index, collection, builder.build(q.text), GRID,
                                    pools[q.qid] if pools else None)
              for q in tqdm(queries, desc="channel scores")}

    def measure(weights: dict[str, float]) -> dict[str, float]:
        run = {qid: [names[c.id] for c in fuse(collection, s, weights, 100)]
               for qid, s in scores.items()}
        styles = by_style(evaluator, run, queries)
        return {**evaluator(run), **{s: m["ndcg@10"] for s, m in styles.items()}}

    rows = []
    for combo in tqdm(list(itertools.product(*GRID.values())), desc="weights"):
        weights = dict(zip(GRID, combo, strict=True))
        rows.append((weights, measure(weights)))
    rows.sort(key=lambda r: -r[1]["ndcg@10"])
    shipped = measure(DEFAULT_WEIGHTS)
    table_rows = [[f"shipped {DEFAULT_WEIGHTS}", shipped["ndcg@10"], shipped["recall@50"],
                   shipped["mrr@10"], *(shipped[s] for s in STYLES)]]
    table_rows += [[str(w), m["ndcg@10"], m["recall@50"], m["mrr@10"], *(m[s] for s in STYLES)]
                   for w, m in rows[:12]]
    table = markdown_table(["weights (dev split)", "nDCG@10", "R@50", "MRR@10", "full", "short",
                            "no-diacritics"], table_rows)
    print(table)
    write_result("tune_weights", {"pool": args.pool, "shipped": shipped,
                                  "grid": [{"weights": w, **m} for w, m in rows]}, table)


if __name__ == "__main__":
    main()
