"""Recall@10 of the IVF index against exact search on real e5 vectors: the dev-corpus offers
already embedded in the benchmark cache (benchmarks.quality fills it), searched with the dev
needs' own query vectors and with held-out offers as queries, at several nprobe values.
"""

import time

import numpy as np

from benchmarks.devset import load_corpus, load_queries
from benchmarks.quality import CACHE
from benchmarks.report import markdown_table, write_result
from embeddings.cache import EmbeddingCache
from embeddings.e5 import E5Embedder
from embeddings.index import VectorIndex
from matcher.platform.runtime import embedding_text

NPROBES = (4, 8, 16, 32, 64)


def cached_offers(cache: EmbeddingCache, embedder: E5Embedder) -> np.ndarray:
    """Vectors of the dev-corpus offers that are in the cache already (embedded as the engine
    embeds them); nothing is embedded here."""
    docs, _ = load_corpus()
    prepare = embedding_text(None)
    keys = [cache.key(embedder.name, "passage", prepare(d)) for d in docs]
    found = cache.get_many(keys)
    return np.stack([found[k] for k in keys if k in found])


def recall_at_10(index: VectorIndex, exact: VectorIndex, queries: np.ndarray) -> float:
    found = [len({h.id for h in index.search(q, 10)} & {h.id for h in exact.search(q, 10)})
             for q in queries]
    return float(np.mean(found)) / 10


def main() -> None:
    e5, cache = E5Embedder(), EmbeddingCache(CACHE)
    vectors = cached_offers(cache, e5)
    order = np.random.default_rng(0).permutation(len(vectors))
    held_out, indexed = vectors[order[:200]], vectors[order[200:]]
    needs = cache.embed(e5, [q.text for q in load_queries()], is_query=True)
    ids = list(range(len(indexed)))
    exact = VectorIndex("e5", indexed.shape[1])
    exact.upsert(ids, indexed, ["-"] * len(ids))
    rows = []
    for nprobe in NPROBES:
        ivf = VectorIndex("e5", indexed.shape[1], exact_max=0, nprobe=nprobe)
        ivf.upsert(ids, indexed, ["-"] * len(ids))
        ivf.rebuild()
        started = time.perf_counter()
        for q in needs:
            ivf.search(q, 10)
        ivf_ms = 1000 * (time.perf_counter() - started) / len(needs)
        started = time.perf_counter()
        for q in needs:
            exact.search(q, 10)
        flat_ms = 1000 * (time.perf_counter() - started) / len(needs)
        rows.append([nprobe, ivf.kind, recall_at_10(ivf, exact, needs),
                     recall_at_10(ivf, exact, held_out), round(flat_ms / ivf_ms, 2)])
    table = markdown_table(["nprobe", "index", "recall@10, dev needs", "recall@10, held-out offers",
                            "speed-up vs flat"], rows)
    table = f"{len(indexed)} real e5 vectors of dev-corpus offers\n\n{table}"
    print(table)
    write_result("ann_recall", {"vectors": len(indexed), "rows": rows}, table)


if __name__ == "__main__":
    main()
