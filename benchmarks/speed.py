"""Speed benchmark: indexing, re-indexing, query latency (library and HTTP), FAISS exact vs IVF
and memory, each beside a baseline measured in the same run and reported as a ratio.

Real text: SBIR award abstracts (`../shared/data/sbir`) as dossiers, the 50 Vietnamese dev needs
(`../shared/eval/dev`) as queries. Embedding 59,000 abstracts takes hours on two cores, so at the
real corpus size the dense vectors are synthetic (clustered) while the BM25 channels are built on
the real texts and every query is embedded for real. FAISS at 100k and 1M uses clustered synthetic
vectors: uniform random vectors have no neighbourhood structure and are the worst case for IVF
(one uniform row at 100k shows it). Query latency through the library is also measured at 100k
and 1M documents: synthetic vectors again, and BM25 over the SBIR texts repeated (about 10 GB
of memory at 1M).

`python -m benchmarks.speed --quick` takes a few minutes; the full run about an hour on two
cores. The CPU may be shared: compare the ratios, not the absolute times.
"""

import argparse
import dataclasses
import gc
import json
import math
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from benchmarks.adapters import SBIR_PATH, SHARED, as_document, load_sbir
from benchmarks.devset import load_queries
from benchmarks.report import markdown_table, write_result
from benchmarks.server import create_admin_key, ketnoi_command, serving
from embeddings.base import Embedder
from embeddings.cache import EmbeddingCache, content_hash
from embeddings.e5 import E5Embedder
from embeddings.index import VectorIndex
from matcher.platform.config import REPO_ROOT, Settings
from matcher.platform.runtime import default_restorer, embedding_text
from matcher.search.documents import Document
from matcher.search.index import SearchIndex
from matcher.search.query import QueryBuilder
from matcher.search.retrieval import retrieve
from matcher.text.lexicon import Lexicon

SEED = REPO_ROOT / "seed_data"
DIMENSION = 384
MAX_QUERY_CHARS = 2_000  # the API's limit on `q`


class StoredEmbedder(Embedder):
    """Hands out vectors computed beforehand, under another embedder's name, to fill a cache."""

    def __init__(self, name: str, vectors: dict[str, np.ndarray]) -> None:
        self.name = name
        self.dimension = DIMENSION
        self._vectors = vectors

    def _encode(self, texts: list[str], is_query: bool) -> np.ndarray:
        return np.vstack([self._vectors[t] for t in texts])


# -- measuring -------------------------------------------------------------------------------

def rss_mb() -> float:
    """Resident memory of this process now, MB (Linux); peak RSS elsewhere."""
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
        return pages * os.sysconf("SC_PAGE_SIZE") / 2**20
    except (OSError, ValueError):
        import resource

        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def latency(runs: dict[str, Callable[[str], object]], queries: Sequence[str]) -> dict:
    """p50 and p99 in ms of each `run(q)`, one query at a time; the runs take turns on every
    query (in alternating order) so that each sees the same load on a shared CPU."""
    times: dict[str, list[float]] = {name: [] for name in runs}
    for number, query in enumerate(queries):
        order = list(runs) if number % 2 == 0 else list(reversed(runs))
        for name in order:
            start = time.perf_counter()
            runs[name](query)
            times[name].append((time.perf_counter() - start) * 1000)
    return {name: {"p50_ms": float(np.percentile(t, 50)), "p99_ms": float(np.percentile(t, 99)),
                   "queries": len(t)} for name, t in times.items()}


def clustered_vectors(n: int, centers: np.ndarray, rng: np.random.Generator,
                      spread: float = 0.8, chunk: int = 100_000) -> np.ndarray:
    """Unit vectors scattered around random cluster centres, like topical text embeddings."""
    out = np.empty((n, centers.shape[1]), dtype=np.float32)
    for start in range(0, n, chunk):
        size = min(chunk, n - start)
        noise = rng.standard_normal((size, centers.shape[1]), dtype=np.float32)
        block = centers[rng.integers(0, len(centers), size)] + spread * noise / math.sqrt(
            centers.shape[1])
        out[start:start + size] = block / np.linalg.norm(block, axis=1, keepdims=True)
    return out


def unit_centers(count: int, rng: np.random.Generator) -> np.ndarray:
    centers = rng.standard_normal((count, DIMENSION), dtype=np.float32)
    return centers / np.linalg.norm(centers, axis=1, keepdims=True)


# -- indexing and queries on real text ---------------------------------------------------------

def new_index(embedder: Embedder, cache: EmbeddingCache, settings: Settings) -> SearchIndex:
    return SearchIndex(embedder, cache, None, embedding_text(None), settings.exact_index_max,
                       settings.ivf_nprobe)


def bench_indexing(docs: list[Document], embedder: Embedder, settings: Settings,
                   chunk: int = 50) -> tuple[dict, SearchIndex]:
    """Engine pipeline vs raw embedder on the same texts, interleaved chunk by chunk so that
    both see the same load on a shared CPU."""
    index = new_index(embedder, EmbeddingCache(None), settings)
    raw = pipeline = 0.0
    for number, start in enumerate(range(0, len(docs), chunk)):
        part = docs[start:start + chunk]

        def run_raw(part: list[Document] = part) -> None:
            for b in range(0, len(part), 32):  # the cache's batch size
                embedder.embed_passages([d.text for d in part[b:b + 32]])

        def run_pipeline(part: list[Document] = part) -> None:
            index.upsert_documents(index.dossiers, part)

        for name, run in ((("raw", run_raw), ("pipeline", run_pipeline)) if number % 2 == 0
                          else (("pipeline", run_pipeline), ("raw", run_raw))):
            began = time.perf_counter()
            run()
            spent = time.perf_counter() - began
            raw, pipeline = (raw + spent, pipeline) if name == "raw" else (raw, pipeline + spent)
    began = time.perf_counter()
    index.dossiers.channels()
    bm25 = time.perf_counter() - began
    n = len(docs)
    return {"n": n, "raw_s": raw, "pipeline_s": pipeline, "raw_docs_per_s": n / raw,
            "pipeline_docs_per_s": n / pipeline, "throughput_ratio": raw / pipeline,
            "bm25_build_s": bm25}, index


def bench_reindex(index: SearchIndex, docs: list[Document], full_s: float,
                  seed: int = 0) -> dict:
    """Upsert every document again after 1 % changed: only those should be embedded."""
    count = max(1, math.ceil(len(docs) / 100))
    changed = set(random.Random(seed).sample([d.id for d in docs], count))
    updated = [dataclasses.replace(d, text=d.text + " Revised in 2026.") if d.id in changed else d
               for d in docs]
    hits, misses = index.cache.hits, index.cache.misses
    began = time.perf_counter()
    index.upsert_documents(index.dossiers, updated)
    spent = time.perf_counter() - began
    return {"n": len(docs), "changed": len(changed), "embedded": index.cache.misses - misses,
            "cache_hits": index.cache.hits - hits, "reindex_s": spent, "full_s": full_s,
            "time_ratio": spent / full_s}


def bench_library(index: SearchIndex, builder: QueryBuilder, queries: list[str]) -> dict:
    """Latency of query preparation + `retrieve`, beside embedding the query alone (each query
    is new to the index's cache, so `retrieve` embeds it)."""
    result = latency({
        "library": lambda q: retrieve(index, index.dossiers, builder.build(q), 10),
        "embed_query": lambda q: index.embedder.embed_queries([builder.build(q).text]),
    }, queries)
    return {**result, "p50_ratio": result["library"]["p50_ms"] / result["embed_query"]["p50_ms"]}


def bench_corpus(records: list[dict], embedder: Embedder, builder: QueryBuilder,
                 settings: Settings, queries: list[str], n: int | None = None,
                 seed: int = 0) -> dict:
    """Real BM25 channels + synthetic vectors at the real corpus size (or at `n` documents, the
    records repeated in turn under new ids); queries embedded for real. Memory counts what the
    engine holds: documents, vectors and BM25 channels."""
    n = n or len(records)
    rng = np.random.default_rng(seed)
    vectors = clustered_vectors(n, unit_centers(max(16, n // 50), rng), rng)
    gc.collect()
    before = rss_mb()
    docs = [as_document(records[i % len(records)], i + 1) for i in range(n)]
    index = new_index(embedder, EmbeddingCache(None), settings)
    began = time.perf_counter()
    index.dossiers.upsert(docs, vectors, [content_hash(d.text) for d in docs])
    if len(docs) > settings.exact_index_max:
        index.dossiers.vectors.rebuild()
    vector_s = time.perf_counter() - began
    began = time.perf_counter()
    index.dossiers.channels()
    bm25_s = time.perf_counter() - began
    gc.collect()
    memory = rss_mb() - before
    result = bench_library(index, builder, queries)
    return {"n": len(docs), "texts": len(records), "vector_index": index.dossiers.vectors.kind,
            "vector_build_s": vector_s, "bm25_build_s": bm25_s, "rss_delta_mb": memory,
            "mb_per_100k": memory * 100_000 / len(docs), **result}


# -- HTTP ----------------------------------------------------------------------------------------

def bench_http(records: list[dict], vectors: dict[str, np.ndarray], embedder: Embedder,
               builder: QueryBuilder, queries: list[str], init_timeout: float = 1_800) -> dict:
    """`/search` latency through `ketnoi serve` on loopback, with these records as the database,
    beside embedding the query alone in this process (taking turns query by query).

    The embedding cache of the temporary data directory is filled beforehand with `vectors`
    (text → vector), so the server embeds only the queries.
    """
    import httpx

    with tempfile.TemporaryDirectory(prefix="ketnoi-speed-") as tmp:
        seed_dir, data_dir = Path(tmp) / "seed", Path(tmp) / "data"
        (seed_dir / "dossiers").mkdir(parents=True)
        for name in ("sectors.json", "exchange_rates.json"):
            shutil.copy(SEED / name, seed_dir / name)
        shutil.copytree(SEED / "lexicon", seed_dir / "lexicon")
        with (seed_dir / "dossiers" / "bench.jsonl").open("w", encoding="utf-8") as handle:
            for record in records:
                handle.write(json.dumps(record, ensure_ascii=False) + "\n")
        cache = EmbeddingCache(data_dir / "embeddings.sqlite")
        texts = [as_document(r, 0).text for r in records]
        cache.embed(StoredEmbedder(embedder.name, vectors), texts)
        del cache
        env = {**os.environ, "KETNOI_DATA_DIR": str(data_dir), "KETNOI_SEED_DIR": str(seed_dir),
               "HF_HUB_OFFLINE": "1"}
        began = time.perf_counter()
        subprocess.run([*ketnoi_command(), "init"], env=env, check=True, timeout=init_timeout,
                       capture_output=True)
        init_s = time.perf_counter() - began
        key = create_admin_key(env, "speed benchmark")
        began = time.perf_counter()
        with serving(env, key, Path(tmp) / "serve.log", init_timeout) as url, \
                httpx.Client(base_url=url, headers={"X-API-Key": key}, timeout=600) as client:
            start_s = time.perf_counter() - began
            began = time.perf_counter()
            # the first search builds the BM25 channels; it is timed apart
            client.get("/search", params={"q": "warm-up query", "limit": 10})
            first_s = time.perf_counter() - began

            def search(q: str) -> None:
                client.get("/search", params={"q": q, "limit": 10}).raise_for_status()

            result = latency({"http": search, "embed_query": lambda q: embedder.embed_queries(
                [builder.build(q).text])}, queries)
    return {"n": len(records), "init_s": init_s, "startup_s": start_s,
            "first_search_s": first_s, **result,
            "p50_ratio": result["http"]["p50_ms"] / result["embed_query"]["p50_ms"]}


# -- FAISS ---------------------------------------------------------------------------------------

def bench_faiss(n: int, n_queries: int, settings: Settings, clustered: bool = True,
                seed: int = 0) -> dict:
    """Exact (flat) vs IVF `VectorIndex` on n synthetic vectors: build, p50/p99, recall@10."""
    rng = np.random.default_rng(seed)
    if clustered:
        # ~1,000 vectors a cluster, wide spread (top-1 cosine ~0.43): neighbours cross lists
        centers = unit_centers(max(64, n // 1_000), rng)
        base = clustered_vectors(n, centers, rng, spread=1.5)
        queries = clustered_vectors(n_queries, centers, rng, spread=1.5)
    else:
        base = rng.standard_normal((n, DIMENSION), dtype=np.float32)
        base /= np.linalg.norm(base, axis=1, keepdims=True)
        queries = rng.standard_normal((n_queries, DIMENSION), dtype=np.float32)
        queries /= np.linalg.norm(queries, axis=1, keepdims=True)
    ids = list(range(1, n + 1))
    hashes = ["x"] * n
    result: dict = {"n": n, "vectors": "clustered" if clustered else "uniform",
                    "nprobe": settings.ivf_nprobe}
    hits: dict[str, list[set[int]]] = {}
    for kind, exact_max in (("flat", n), ("ivf", n - 1)):
        gc.collect()
        before = rss_mb()
        began = time.perf_counter()
        index = VectorIndex("synthetic", DIMENSION, exact_max, settings.ivf_nprobe)
        index.upsert(ids, base, hashes)
        if kind == "ivf":
            index.rebuild()
        build = time.perf_counter() - began
        memory = rss_mb() - before
        times, found = [], []
        for q in queries:
            began = time.perf_counter()
            found.append({h.id for h in index.search(q, 10)})
            times.append((time.perf_counter() - began) * 1000)
        hits[kind] = found
        result[kind] = {"build_s": build, "p50_ms": float(np.percentile(times, 50)),
                        "p99_ms": float(np.percentile(times, 99)), "rss_delta_mb": memory}
        del index
    result["recall_at_10"] = float(np.mean([len(a & b) / 10 for a, b in
                                            zip(hits["ivf"], hits["flat"], strict=True)]))
    result["p50_speedup"] = result["flat"]["p50_ms"] / result["ivf"]["p50_ms"]
    return result


# -- report --------------------------------------------------------------------------------------

def tables(data: dict) -> str:
    idx, re_, lib = data["indexing"], data["reindex"], data["library"]
    rows = [
        [f"indexing {idx['n']} SBIR abstracts (docs/s)", f"{idx['pipeline_docs_per_s']:.2f}",
         f"raw embedder {idx['raw_docs_per_s']:.2f}", f"{idx['throughput_ratio']:.3f}",
         "engine pipeline throughput / raw embedder throughput"],
        [f"BM25 channels on those {idx['n']} (s)", f"{idx['bm25_build_s']:.3f}",
         f"embedding them {idx['pipeline_s']:.1f} s",
         f"{idx['bm25_build_s'] / idx['pipeline_s']:.4f}",
         "built lazily at the first query"],
        [f"re-index after {re_['changed']} of {re_['n']} changed (s)", f"{re_['reindex_s']:.2f}",
         f"full index {re_['full_s']:.1f} s", f"{re_['time_ratio']:.3f}",
         f"re-embedded {re_['embedded']}, cache hits {re_['cache_hits']}"],
        [f"query, library, {idx['n']} docs (p50 / p99 ms)",
         f"{lib['library']['p50_ms']:.1f} / {lib['library']['p99_ms']:.1f}",
         f"embedding the query {lib['embed_query']['p50_ms']:.1f}", f"{lib['p50_ratio']:.2f}",
         f"{lib['library']['queries']} Vietnamese dev needs; ratio of p50s"],
    ]
    for c in data.get("corpus", []):
        texts = "real" if c["n"] == c["texts"] else f"{c['texts']} real texts repeated"
        rows.append([f"query, library, {c['n']} docs (p50 / p99 ms)",
                     f"{c['library']['p50_ms']:.1f} / {c['library']['p99_ms']:.1f}",
                     f"embedding the query {c['embed_query']['p50_ms']:.1f}",
                     f"{c['p50_ratio']:.2f}",
                     f"synthetic vectors ({c['vector_index']}, built in {c['vector_build_s']:.0f}"
                     f" s), BM25 on {texts} built in {c['bm25_build_s']:.0f} s"])
    for http in data.get("http", []):
        vectors = "real vectors" if http["n"] == idx["n"] else "synthetic vectors, real BM25"
        rows.append([f"query, HTTP /search, {http['n']} dossiers (p50 / p99 ms)",
                     f"{http['http']['p50_ms']:.1f} / {http['http']['p99_ms']:.1f}",
                     f"embedding the query {http['embed_query']['p50_ms']:.1f}",
                     f"{http['p50_ratio']:.2f}",
                     f"{vectors}; loopback; init {http['init_s']:.0f} s, first search "
                     f"{http['first_search_s']:.1f} s"])
    # from the first corpus only: later ones reuse memory the earlier ones freed, so their RSS
    # growth understates what they hold
    for c in data.get("corpus", [])[:1]:
        rows.append([f"memory per 100k dossiers (MB), from {c['n']}", f"{c['mb_per_100k']:.0f}",
                     "", "", "RSS growth: documents, vectors, BM25 channels"])
    main = markdown_table(["measurement", "value", "baseline (same run)", "ratio", "note"], rows)
    faiss_rows = [[f"{f['n']:,} {f['vectors']}", f"{f['flat']['build_s']:.1f}",
                   f"{f['ivf']['build_s']:.1f}",
                   f"{f['flat']['p50_ms']:.2f} / {f['flat']['p99_ms']:.2f}",
                   f"{f['ivf']['p50_ms']:.2f} / {f['ivf']['p99_ms']:.2f}",
                   f"{f['p50_speedup']:.1f}", f"{f['recall_at_10']:.3f}",
                   f"{f['flat']['rss_delta_mb'] * 100_000 / f['n']:.0f}"]
                  for f in data["faiss"]]
    faiss_table = markdown_table(
        ["synthetic vectors", "flat build s", "IVF build s", "flat p50 / p99 ms",
         "IVF p50 / p99 ms", "IVF speed-up (p50)", "IVF recall@10 vs exact",
         "flat MB per 100k"], faiss_rows)
    title = f"FAISS `VectorIndex`, exact vs IVF (nprobe {data['faiss'][0]['nprobe']}):"
    openmp = ", ".join(f"{k}={v or 'unset'}" for k, v in data["openmp"].items())
    return f"{main}\n\n{title}\n\n{faiss_table}\n\nOpenMP: {openmp}."


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, a few minutes")
    parser.add_argument("--docs", type=int, help="SBIR abstracts embedded for real (300)")
    parser.add_argument("--queries", type=int, help="dev needs used as queries (50)")
    parser.add_argument("--corpus", type=int, help="documents at corpus scale (all 59,064)")
    parser.add_argument("--scale", type=int, nargs="*",
                        help="library latency beyond the corpus, its texts repeated (100000 "
                             "1000000)")
    parser.add_argument("--faiss", type=int, nargs="*", help="FAISS sizes (100000 1000000)")
    parser.add_argument("--faiss-queries", type=int, help="queries per FAISS size (200)")
    parser.add_argument("--no-http", action="store_true", help="skip the HTTP measurements")
    parser.add_argument("--http-corpus", action=argparse.BooleanOptionalAction, default=None,
                        help="also serve the corpus-size database (default: on unless --quick)")
    args = parser.parse_args(argv)
    quick = args.quick
    n_docs = args.docs or (24 if quick else 300)
    n_queries = args.queries or (8 if quick else 50)
    n_corpus = args.corpus or (10_000 if quick else None)
    scale_sizes = args.scale if args.scale is not None else ([] if quick else [100_000, 1_000_000])
    faiss_sizes = args.faiss or ([30_000] if quick else [100_000, 1_000_000])
    faiss_queries = args.faiss_queries or (50 if quick else 200)
    http_corpus = (not quick) if args.http_corpus is None else args.http_corpus
    if not (SHARED / SBIR_PATH).exists():
        sys.exit(f"speed benchmark needs {SHARED / SBIR_PATH}")

    settings = Settings(_env_file=None)
    started = time.perf_counter()
    # OpenMP spin-waiting makes e5 far slower on a CPU shared with other jobs; say how it ran.
    openmp = {k: os.environ.get(k, "") for k in ("OMP_WAIT_POLICY", "OMP_NUM_THREADS")}
    data: dict = {"quick": quick, "openmp": openmp,
                  "settings": {"exact_index_max": settings.exact_index_max,
                               "ivf_nprobe": settings.ivf_nprobe}}

    def step(label: str) -> None:
        print(f"[{time.perf_counter() - started:6.0f} s] {label}", flush=True)

    embedder = E5Embedder()
    embedder.embed_passages(["warm-up passage"])
    queries = [q.text[:MAX_QUERY_CHARS] for q in load_queries(SHARED)][:n_queries]
    builder = QueryBuilder(Lexicon.load(SEED / "lexicon"), default_restorer())
    records = load_sbir(limit=n_docs)
    docs = [as_document(r, i) for i, r in enumerate(records, start=1)]

    step(f"indexing {n_docs} documents: engine pipeline vs raw embedder")
    data["indexing"], index = bench_indexing(docs, embedder, settings)
    step("re-index after 1 % changed")
    data["reindex"] = bench_reindex(index, docs, data["indexing"]["pipeline_s"])
    step(f"query latency, library, {n_docs} documents")
    data["library"] = bench_library(index, builder, queries)

    corpus_records = load_sbir(limit=n_corpus, classify=False)
    step(f"corpus scale: {len(corpus_records)} real texts, synthetic vectors")
    data["corpus"] = [bench_corpus(corpus_records, embedder, builder, settings, queries)]

    if not args.no_http:
        texts = [d.text for d in docs]  # all cached: read back, not embedded again
        vectors = dict(zip(texts, index.cache.embed(embedder, texts), strict=True))
        step(f"query latency, HTTP, {n_docs} dossiers")
        data["http"] = [bench_http(records, vectors, embedder, builder, queries)]
        if http_corpus:
            step(f"query latency, HTTP, {len(corpus_records)} dossiers (synthetic vectors)")
            rng = np.random.default_rng(1)
            synthetic = clustered_vectors(len(corpus_records),
                                          unit_centers(len(corpus_records) // 50, rng), rng)
            texts = [as_document(r, 0).text for r in corpus_records]
            data["http"].append(bench_http(corpus_records, dict(zip(texts, synthetic, strict=True)),
                                           embedder, builder, queries))
    for n in scale_sizes:
        step(f"query latency, library, {n:,} documents ({len(corpus_records)} texts repeated)")
        data["corpus"].append(bench_corpus(corpus_records, embedder, builder, settings, queries,
                                           n))
    del corpus_records, index
    data["faiss"] = []
    for n in faiss_sizes:
        step(f"FAISS exact vs IVF at {n:,} clustered vectors")
        data["faiss"].append(bench_faiss(n, faiss_queries, settings))
    if not quick:
        step("FAISS exact vs IVF at 100,000 uniform vectors (worst case)")
        data["faiss"].append(bench_faiss(100_000, faiss_queries, settings, clustered=False))
    data["elapsed_s"] = time.perf_counter() - started
    table = tables(data)
    print(table)
    write_result("speed_quick" if quick else "speed", data, table)


if __name__ == "__main__":
    main()
