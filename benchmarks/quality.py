"""Match quality on the dev split: every system side by side in one run, per query style.

Systems share one index of the 14,913 English offers (embeddings cached by content hash under
benchmarks/.cache, so only the first run embeds the corpus: about an hour on two idle cores)
and see `need_vi` only.

`--pool K` measures a cheaper set-up when the corpus is not embedded yet: every system ranks
only the top K offers of the lexical channel (BM25 on the lexicon translation), so only those
need embeddings. The dense channels then re-score that pool instead of searching the corpus.
"""

import argparse
import time
from collections.abc import Callable
from pathlib import Path

from tqdm import tqdm

from benchmarks.devset import SHARED, DevQuery, load_corpus, load_qrels, load_queries
from benchmarks.metrics import RetrievalEvaluator
from benchmarks.report import markdown_table, write_result
from embeddings.cache import EmbeddingCache
from embeddings.e5 import E5Embedder
from matcher.platform.config import REPO_ROOT, Settings
from matcher.platform.runtime import default_restorer, embedding_text
from matcher.search.fusion import top_k
from matcher.search.index import SearchIndex
from matcher.search.lexical import BM25Channel, english_tokens
from matcher.search.query import Query, QueryBuilder
from matcher.search.retrieval import DEFAULT_WEIGHTS, confidence, retrieve
from matcher.text.lexicon import Lexicon

CACHE = REPO_ROOT / "benchmarks" / ".cache" / "embeddings.sqlite"
STYLES = ("full", "short", "no_diacritics")
Ranker = Callable[[DevQuery], tuple[list[int], float]]


Pools = dict[str, set[int]]


def build_index(shared: Path = SHARED, embed: set[int] | None = None
                ) -> tuple[SearchIndex, list[str]]:
    """The offers indexed through the engine's own pipeline; with `embed`, only those offers
    get vectors (all of them are in the lexical channels)."""
    docs, names = load_corpus(shared)
    index = SearchIndex(E5Embedder(), EmbeddingCache(CACHE), None, embedding_text(None))
    chosen = docs if embed is None else [d for d in docs if d.id in embed]
    with tqdm(total=len(chosen), desc="indexing corpus", unit="doc") as bar:
        index.upsert_documents(index.dossiers, chosen, bar.update)
    index.dossiers.docs.update({d.id: d for d in docs})  # the rest: lexical channels only
    return index, names


def lexical_pools(shared: Path, queries: list[DevQuery], builder: QueryBuilder,
                  k: int) -> Pools:
    """For each query, the top k offers of BM25 on its lexicon translation."""
    docs, _ = load_corpus(shared)
    channel = BM25Channel([d.id for d in docs], [english_tokens(d.text) for d in docs])
    return {q.qid: {i for i, _ in top_k(channel.scores(builder.build(q.text).en_tokens), k)}
            for q in queries}


def by_style(evaluator: RetrievalEvaluator, run: dict[str, list[str]],
             queries: list[DevQuery]) -> dict[str, dict[str, float]]:
    """Every metric of `run`, per query style (`STYLES`)."""
    return {style: evaluator(run, [q.qid for q in queries if q.style == style])
            for style in STYLES}


class UnweightedQueries(QueryBuilder):
    """Queries whose English BM25 terms all count alike (the engine before the term weights)."""

    def build(self, text: str, language: str | None = None) -> Query:
        query = super().build(text, language)
        query.en_weights = {}
        return query


def systems(index: SearchIndex, lexicon: Lexicon, weights: dict[str, float] | None = None,
            pools: Pools | None = None) -> dict[str, Ranker]:
    """Baselines and each stage of the engine, as functions from a query to ranked ids (within
    the query's pool, when pools are given)."""
    restore = default_restorer()
    plain = QueryBuilder(Lexicon([]), restore=None)
    restoring = QueryBuilder(Lexicon([]), restore=restore)
    full = QueryBuilder(lexicon, restore=restore)
    collection = index.dossiers

    def run(builder: QueryBuilder, channel_weights: dict[str, float]) -> Ranker:
        def rank(q: DevQuery) -> tuple[list[int], float]:
            query: Query = builder.build(q.text)
            allowed = pools[q.qid].__contains__ if pools else None
            found = retrieve(index, collection, query, 100, allowed, channel_weights)
            return [c.id for c in found], confidence(found)
        return rank

    def bm25_as_typed(q: DevQuery) -> tuple[list[int], float]:
        scores = collection.channels()["en"].scores(english_tokens(q.text))
        return [i for i, _ in top_k(scores, 100)], 0.0

    engine = weights or DEFAULT_WEIGHTS
    return {
        "BM25, need as typed": bm25_as_typed,
        "dense e5": run(plain, {"dense": 1.0}),
        "dense e5 + diacritics restored": run(restoring, {"dense": 1.0}),
        "BM25 on lexicon translation": run(full, {"lex_en": 1.0}),
        "hybrid (engine)": run(full, engine),
        "hybrid − diacritic restoration": run(QueryBuilder(lexicon, restore=None), engine),
        "hybrid − e5 on the translation (dense_en)": run(full, {**engine, "dense_en": 0.0}),
        "hybrid − e5 on the need (dense)": run(full, {**engine, "dense": 0.0}),
        "hybrid − BM25 on the translation (lex_en)": run(full, {**engine, "lex_en": 0.0}),
        "hybrid − term weights": run(UnweightedQueries(lexicon, restore=restore), engine),
        "hybrid − induced lexicon entries": run(QueryBuilder(Lexicon(
            [e for e in lexicon.entries if e.kind != "induced"]), restore=restore), engine),
    }


def evaluate(rankers: dict[str, Ranker], queries: list[DevQuery],
             qrels: dict[str, dict[str, int]], names: list[str]) -> dict[str, dict]:
    """Every metric overall and per style, plus no-match accuracy and latency, per system."""
    evaluator = RetrievalEvaluator(qrels)
    results: dict[str, dict] = {}
    for system, rank in rankers.items():
        run: dict[str, list[str]] = {}
        scores: dict[str, float] = {}
        started = time.perf_counter()
        for q in queries:
            ids, conf = rank(q)
            run[q.qid] = [names[i] for i in ids]
            scores[q.qid] = conf
        elapsed = (time.perf_counter() - started) / len(queries)
        entry = {"overall": evaluator(run), "ms_per_query": round(1000 * elapsed, 1)}
        entry.update(by_style(evaluator, run, queries))
        entry["confidence"] = scores
        entry["no_match"] = evaluator.no_match_accuracy(
            {qid: conf >= Settings(_env_file=None).min_confidence for qid, conf in scores.items()})
        results[system] = entry
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--shared", type=Path, default=SHARED)
    parser.add_argument("--split", default="dev")
    parser.add_argument("--pool", type=int, default=None,
                        help="Rank only each query's lexical top K (embeds only those offers).")
    args = parser.parse_args()
    lexicon = Lexicon.load(REPO_ROOT / "seed_data" / "lexicon")
    queries = load_queries(args.shared, args.split)
    pools = None
    if args.pool:
        pools = lexical_pools(args.shared, queries, QueryBuilder(lexicon, default_restorer()),
                              args.pool)
    index, names = build_index(args.shared, set().union(*pools.values()) if pools else None)
    results = evaluate(systems(index, lexicon, pools=pools), queries,
                       load_qrels(args.shared, args.split), names)
    rows = []
    for system, entry in results.items():
        o = entry["overall"]
        rows.append([system, o["ndcg@10"], o["recall@50"], o["mrr@10"], o["unjudged@10"],
                     *(entry[s].get("ndcg@10", 0.0) for s in STYLES), entry["ms_per_query"]])
    header = ["system", "nDCG@10", "R@50", "MRR@10", "unjudged@10", "nDCG full", "nDCG short",
              "nDCG no-diacritics", "ms/query"]
    table = markdown_table(header, rows)
    flags = results["hybrid (engine)"]["no_match"]
    table += (f"\n\nNo confident match (hybrid, shipped `min_confidence`): "
              f"{flags['no_match_flagged']} of {flags['no_match_queries']} needs with no relevant "
              f"offer flagged, {flags['match_queries_flagged']} of "
              f"{len(queries) - flags['no_match_queries']} others flagged; "
              f"accuracy {flags['accuracy']:.3f}")
    print(table)
    write_result("quality" if not args.pool else f"quality_pool{args.pool}",
                 {"split": args.split, "lexicon_entries": len(lexicon), "pool": args.pool,
                             "results": {k: {kk: vv for kk, vv in v.items() if kk != "confidence"}
                                         for k, v in results.items()}}, table)


if __name__ == "__main__":
    main()
