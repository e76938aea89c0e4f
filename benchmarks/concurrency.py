"""Concurrency benchmark (issue 13): how searches, writes and worker processes share two cores,
every figure a ratio to a baseline measured in the same run.

1. scaling — `/search` with short queries (≤ 8 words, each new, so every request embeds): 8
   clients' throughput against one client's.
2. patch — a PATCH that needs no embedding (a dossier's `trl`) while 8 clients search, against
   the same PATCH on an idle server (p50s).
3. latency — one client: a short `/search` against embedding that query alone in this process
   (`E5Embedder().embed_queries([q])`), and a stored need's `GET /needs/{id}/matches` against
   embedding the need's text alone (p50s, taking turns request by request).
4. workers — on PostgreSQL (a throwaway cluster started here, or `--database-url`): 8 clients'
   search throughput on `serve --workers 2` against `--workers 1`; then the delay from a write
   through one worker (POST a dossier, or PATCH it out of the results) until every worker's
   `/search` shows it.

Phases 1–3 run on SQLite, on a copy of the seeded data directory the load benchmark builds once
(`benchmarks/.cache/load`). Each load phase lasts `--duration` seconds and is repeated
`--repeats` times, the order alternating; the medians are reported. The clients run on the same
CPU as the server: read the ratios, not the absolute times.

`python -m benchmarks.concurrency [--duration 20] [--repeats 3] [--phases scaling patch ...]`
"""

import argparse
import itertools
import json
import os
import shutil
import statistics
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from sqlalchemy.engine import Engine
from sqlmodel import Session

from benchmarks.load import CACHE, SEED, _all_need_ids, _env, percentile, prepare_data_dir
from benchmarks.report import markdown_table, write_result
from benchmarks.server import create_admin_key, ketnoi_command, serving
from matcher.platform.db import make_engine
from matcher.platform.outbox import latest
from matcher.search.documents import join_fields

PHASES = ("scaling", "patch", "latency", "workers")
MAX_WORDS = 8  # a short query
RATE_LIMIT = "1000000/minute"  # the benchmark's writes must not meet the write rate limit
STREAK = 8  # fresh-connection polls in a row that must agree before a write counts as visible
Request = Callable[[httpx.Client], int]  # makes one request, returns its HTTP status


# -- queries ---------------------------------------------------------------------------------

def short_queries(texts: list[str], min_words: int = 3) -> list[str]:
    """Distinct queries of `min_words`–8 words cut from `texts` (word windows at every
    offset, lengths in turn), so that no query repeats and every search embeds."""
    found: dict[str, None] = {}
    for number, text in enumerate(texts):
        words = text.split()
        for start in range(len(words)):
            size = min_words + (number + start) % (MAX_WORDS - min_words + 1)
            window = words[start:start + size]
            if len(window) >= min_words:
                found[" ".join(window).strip(" ,.;:()")] = None
    return [q for q in found if len(q) >= 2]


class QueryPool:
    """Hands out each query once, from any thread."""

    def __init__(self, queries: list[str]) -> None:
        self._queries = iter(queries)
        self._lock = threading.Lock()

    def next(self) -> str:
        with self._lock:
            try:
                return next(self._queries)
            except StopIteration:
                raise RuntimeError("query pool exhausted: lower --duration") from None


def seed_texts() -> tuple[list[dict], list[dict]]:
    """The seed's needs and dossiers, as records."""
    def read(path: Path) -> list[dict]:
        return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]

    dossiers = [r for p in sorted((SEED / "dossiers").glob("*.jsonl")) for r in read(p)]
    return read(SEED / "needs.jsonl"), dossiers


# -- driving clients -------------------------------------------------------------------------

@dataclass
class Phase:
    """What the clients of one phase saw."""

    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)  # ms, of 2xx answers
    errors: int = 0

    @property
    def per_s(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0

    def p50(self) -> float:
        return percentile(self.latencies, 50)


def timed(client: httpx.Client, request: Request, phase: Phase) -> None:
    """One request, its latency added to `phase` (or an error counted)."""
    began = time.perf_counter()
    try:
        status = request(client)
    except httpx.HTTPError:
        status = 0
    if 200 <= status < 300:
        phase.latencies.append((time.perf_counter() - began) * 1000)
    else:
        phase.errors += 1


def client_for(url: str, key: str) -> httpx.Client:
    return httpx.Client(base_url=url, headers={"X-API-Key": key}, timeout=120)


def drive(url: str, key: str, clients: int, request: Request, stop: threading.Event,
          phase: Phase) -> list[threading.Thread]:
    """Start `clients` threads, each on its own connection, repeating `request` until `stop`."""
    def run() -> None:
        with client_for(url, key) as client:
            while not stop.is_set():
                timed(client, request, phase)

    threads = [threading.Thread(target=run, daemon=True) for _ in range(clients)]
    for thread in threads:
        thread.start()
    return threads


def load_for(url: str, key: str, clients: int, request: Request, seconds: float) -> Phase:
    """`clients` clients repeating `request` for `seconds`; ends when the last one returns."""
    phase, stop = Phase(), threading.Event()
    began = time.perf_counter()
    threads = drive(url, key, clients, request, stop, phase)
    time.sleep(seconds)
    stop.set()
    for thread in threads:
        thread.join()
    phase.seconds = time.perf_counter() - began
    return phase


def searcher(pool: QueryPool) -> Request:
    """A `/search` with the pool's next short query."""
    def request(client: httpx.Client) -> int:
        return client.get("/search", params={"q": pool.next()}).status_code
    return request


def wait_ready(url: str, timeout: float = 600, in_a_row: int = 20) -> None:
    """Until `/health/ready` answers 200 `in_a_row` times on fresh connections (every worker
    caught up: the kernel spreads new connections over them)."""
    deadline, row = time.monotonic() + timeout, 0
    while row < in_a_row:
        if time.monotonic() > deadline:
            raise TimeoutError(f"{url} not ready after {timeout:.0f} s")
        ok = httpx.get(f"{url}/health/ready", timeout=30).status_code == 200
        row = row + 1 if ok else 0
        if not ok:
            time.sleep(0.2)


def alternate(repeats: int, runs: dict[str, Callable[[], float]]) -> dict[str, list[float]]:
    """Each run `repeats` times, taking turns in alternating order; the values they return."""
    values: dict[str, list[float]] = {name: [] for name in runs}
    for number in range(repeats):
        for name in (list(runs) if number % 2 == 0 else list(reversed(runs))):
            values[name].append(runs[name]())
    return values


def medians(values: dict[str, list[float]]) -> dict[str, float]:
    return {name: statistics.median(v) for name, v in values.items()}


# -- phases 1–3 on one SQLite server ----------------------------------------------------------

def bench_scaling(url: str, key: str, pool: QueryPool, clients: int, seconds: float,
                  repeats: int) -> dict:
    """Search throughput of `clients` clients against one client's."""
    phases: dict[str, list[Phase]] = {"one": [], "many": []}

    def run(name: str, n: int) -> Callable[[], float]:
        def go() -> float:
            phase = load_for(url, key, n, searcher(pool), seconds)
            phases[name].append(phase)
            return phase.per_s
        return go

    per_s = alternate(repeats, {"one": run("one", 1), "many": run("many", clients)})
    ratios = [m / o for o, m in zip(per_s["one"], per_s["many"], strict=True)]
    return {"clients": clients, "one_per_s": per_s["one"], "many_per_s": per_s["many"],
            "ratios": ratios, "ratio": statistics.median(ratios),
            "one_p50_ms": statistics.median(p.p50() for p in phases["one"]),
            "many_p50_ms": statistics.median(p.p50() for p in phases["many"]),
            "errors": sum(p.errors for ps in phases.values() for p in ps)}


class Patcher:
    """PATCHes of a dossier's `trl` (filter metadata: no embedding), cycling over dossiers and
    values so that every PATCH changes something."""

    def __init__(self, dossier_ids: list[int]) -> None:
        self._targets = itertools.cycle(dossier_ids)
        self._trl = itertools.cycle(range(1, 10))

    def __call__(self, client: httpx.Client) -> int:
        return client.patch(f"/dossiers/{next(self._targets)}",
                            json={"trl": next(self._trl)}).status_code


def patches(client: httpx.Client, patch: Patcher, seconds: float, pause: float = 0.05) -> Phase:
    """PATCHes one after another (with a short pause) for `seconds`."""
    phase = Phase()
    began = time.perf_counter()
    while time.perf_counter() - began < seconds:
        timed(client, patch, phase)
        time.sleep(pause)
    phase.seconds = time.perf_counter() - began
    return phase


def bench_patch(url: str, key: str, pool: QueryPool, patch: Patcher, clients: int,
                seconds: float, repeats: int) -> dict:
    """PATCH p50 while `clients` clients search, against the PATCH p50 on an idle server."""
    searches: list[Phase] = []

    def idle() -> float:
        with client_for(url, key) as client:
            return patches(client, patch, seconds).p50()

    def loaded() -> float:
        stop, background = threading.Event(), Phase()
        threads = drive(url, key, clients, searcher(pool), stop, background)
        time.sleep(1)  # the searches are under way
        began = time.perf_counter()
        with client_for(url, key) as client:
            phase = patches(client, patch, seconds)
        stop.set()
        for thread in threads:
            thread.join()
        background.seconds = time.perf_counter() - began
        searches.append(background)
        return phase.p50()

    p50 = alternate(repeats, {"idle": idle, "loaded": loaded})
    ratios = [b / a for a, b in zip(p50["idle"], p50["loaded"], strict=True)]
    return {"clients": clients, "idle_p50_ms": p50["idle"], "loaded_p50_ms": p50["loaded"],
            "ratios": ratios, "ratio": statistics.median(ratios),
            "search_per_s_meanwhile": statistics.median(s.per_s for s in searches)}


def interleaved(runs: dict[str, Callable[[object], object]], items: list) -> dict[str, float]:
    """p50 in ms of each run over `items`, taking turns item by item (alternating order)."""
    times: dict[str, list[float]] = {name: [] for name in runs}
    for number, item in enumerate(items):
        for name in (list(runs) if number % 2 == 0 else list(reversed(runs))):
            began = time.perf_counter()
            runs[name](item)
            times[name].append((time.perf_counter() - began) * 1000)
    return {name: percentile(t, 50) for name, t in times.items()}


def bench_latency(url: str, key: str, pool: QueryPool, need_ids: list[int], count: int) -> dict:
    """One client: short `/search` against embedding the query alone; a stored need's matches
    against embedding its text alone (in this process, no cache)."""
    from embeddings.e5 import E5Embedder

    embedder = E5Embedder()
    embedder.embed_queries(["warm-up"])
    with client_for(url, key) as client:
        def search(q: object) -> None:
            client.get("/search", params={"q": q}).raise_for_status()

        def matches(need: object) -> None:
            client.get(f"/needs/{need['id']}/matches").raise_for_status()  # type: ignore[index]

        queries = [pool.next() for _ in range(count)]
        search_p50 = interleaved({"http": search, "embed": lambda q: embedder.embed_queries(
            [q])}, queries)  # type: ignore[list-item]
        needs = [client.get(f"/needs/{i}").json() for i in need_ids[:count]]
        for need in needs:
            need["text"] = join_fields(need["title"] or "", need["problem"],
                                       need["desired_result"] or "")
        match_p50 = interleaved({"http": matches, "embed": lambda n: embedder.embed_queries(
            [n["text"]])}, needs)  # type: ignore[index]
    return {"queries": len(queries), "needs": len(needs),
            "search_p50_ms": search_p50["http"], "embed_query_p50_ms": search_p50["embed"],
            "search_ratio": search_p50["http"] / search_p50["embed"],
            "matches_p50_ms": match_p50["http"], "embed_need_p50_ms": match_p50["embed"],
            "matches_ratio": match_p50["http"] / match_p50["embed"]}


# -- phase 4: worker processes on PostgreSQL ---------------------------------------------------

def _as_postgres(*args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(["runuser", "-u", "postgres", "--", *args], check=True,
                          capture_output=True, text=True, **kwargs)


@contextmanager
def postgres_cluster(bin_dir: Path, port: int) -> Iterator[str]:
    """A throwaway PostgreSQL cluster (initdb in a temporary directory, run as `postgres`,
    listening on a socket there): yields its database URL; stopped and removed afterwards."""
    root = Path(tempfile.mkdtemp(prefix="ketnoi-pg-"))
    shutil.chown(root, "postgres", "postgres")
    data = root / "data"
    try:
        _as_postgres(str(bin_dir / "initdb"), "-A", "trust", "-U", "postgres", "-D", str(data))
        _as_postgres(str(bin_dir / "pg_ctl"), "-D", str(data), "-w", "-l", str(root / "log"),
                     "-o", f"-p {port} -k {root} -c listen_addresses='' -c fsync=off",
                     "start")
        try:
            _as_postgres(str(bin_dir / "createdb"), "-h", str(root), "-p", str(port), "ketnoi")
            yield f"postgresql+psycopg://postgres@/ketnoi?host={root}&port={port}"
        finally:
            _as_postgres(str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "fast", "stop")
    finally:
        shutil.rmtree(root, ignore_errors=True)


def init_postgres(env: dict[str, str], timeout: float) -> float:
    """`ketnoi init` into the PostgreSQL database of `env` (embeddings already cached)."""
    began = time.perf_counter()
    subprocess.run([*ketnoi_command(), "init"], env=env, check=True, timeout=timeout,
                   capture_output=True)
    return time.perf_counter() - began


@dataclass
class Write:
    """One write and how long until the workers had applied it."""

    kind: str  # create | patch
    seen_s: float  # the first fresh-connection poll that answered from a worker past it
    all_s: float  # the first of STREAK such polls in a row: every worker is past it


def outbox_top(engine: Engine) -> int:
    """The newest outbox id: the position a worker's index must reach to hold a write."""
    with Session(engine) as session:
        return latest(session)


def await_applied(url: str, position: int, timeout: float = 30) -> tuple[float, float]:
    """Seconds until a poll of `/health/ready` (each on a new connection, so the kernel hands
    it to either worker) answered from a worker whose index reached `position`, and until
    STREAK polls in a row did."""
    began, first, streak_start, row = time.perf_counter(), None, 0.0, 0
    while row < STREAK:
        at = time.perf_counter() - began
        if at > timeout:
            raise TimeoutError(f"outbox {position} not applied by every worker in {timeout} s")
        reached = httpx.get(f"{url}/health/ready", timeout=30).json()["outbox_position"]
        if reached >= position:
            first = at if first is None else first
            streak_start = at if row == 0 else streak_start
            row += 1
        else:
            row = 0
    return first or 0.0, streak_start


def shown_everywhere(url: str, key: str, query: str, dossier_id: int, present: bool) -> None:
    """Check that STREAK `/search`es on fresh connections agree that the dossier is (or is not)
    found: applying a write makes it visible to searches."""
    for _ in range(STREAK):
        found = httpx.get(f"{url}/search", params={"q": query, "limit": 5},
                          headers={"X-API-Key": key}, timeout=60).json()["data"]
        if (dossier_id in {d["id"] for d in found}) != present:
            raise AssertionError(f"dossier {dossier_id} applied but not "
                                 f"{'shown' if present else 'hidden'} by /search")


def bench_visibility(url: str, key: str, database_url: str, template: dict,
                     writes: int) -> list[Write]:
    """`writes` writes through one connection (one worker): in turn, POST a dossier with a
    unique word in its title, then PATCH it to `withdrawn` (out of the results). Each is timed
    until every worker's index holds it, then checked through `/search`."""
    out: list[Write] = []
    tag = int(time.time())
    engine = make_engine(database_url)
    with client_for(url, key) as writer:
        for n in range(writes // 2):
            word = f"qzv{tag}x{n}k"
            body = {**template, "ref": f"VIS-{tag}-{n}",
                    "title": f"Kestrel {word} coating for turbine blades"}
            created = writer.post("/dossiers", json=body)
            created.raise_for_status()
            dossier_id = created.json()["id"]
            out.append(Write("create", *await_applied(url, outbox_top(engine))))
            shown_everywhere(url, key, word, dossier_id, True)
            writer.patch(f"/dossiers/{dossier_id}", json={"status": "withdrawn"}
                         ).raise_for_status()
            out.append(Write("patch", *await_applied(url, outbox_top(engine))))
            shown_everywhere(url, key, word, dossier_id, False)
    engine.dispose()
    return out


def bench_workers(args: argparse.Namespace, pool: QueryPool, template: dict,
                  step: Callable[[str], None]) -> dict:
    """Search throughput with 2 workers against 1 (both on PostgreSQL), then the visibility
    delay of writes on the 2-worker server."""
    with tempfile.TemporaryDirectory(prefix="ketnoi-workers-") as tmp, \
            _database(args) as database_url:
        data_dir = Path(tmp) / "data"
        data_dir.mkdir(mode=0o700)
        shutil.copy(args.data_dir / "embeddings.sqlite", data_dir / "embeddings.sqlite")
        env = {**_env(data_dir, RATE_LIMIT), "KETNOI_DATABASE_URL": database_url}
        step("workers: ketnoi init on PostgreSQL")
        init_s = init_postgres(env, args.init_timeout)
        key = create_admin_key(env, "concurrency benchmark")
        with serving(env, key, Path(tmp) / "one.log", args.init_timeout, 1) as one, \
                serving(env, key, Path(tmp) / "two.log", args.init_timeout, 2) as two:
            for url in (one, two):
                wait_ready(url)
                load_for(url, key, 2, searcher(pool), 2)  # warm-up
            step(f"workers: 2 vs 1, {args.clients} clients, {args.repeats}× "
                 f"{args.duration:.0f} s each")
            per_s = alternate(args.repeats, {
                name: (lambda url=url: load_for(url, key, args.clients, searcher(pool),
                                                args.duration).per_s)
                for name, url in (("one", one), ("two", two))})
            step(f"workers: visibility of {args.writes} writes across 2 workers")
            writes = bench_visibility(two, key, database_url, template, args.writes)
    ratios = [b / a for a, b in zip(per_s["one"], per_s["two"], strict=True)]
    return {"init_s": init_s, "clients": args.clients, "one_per_s": per_s["one"],
            "two_per_s": per_s["two"], "ratios": ratios, "ratio": statistics.median(ratios),
            "visibility": _visibility_stats(writes)}


@contextmanager
def _database(args: argparse.Namespace) -> Iterator[str]:
    if args.database_url:
        yield args.database_url
        return
    with postgres_cluster(args.pg_bin, args.pg_port) as url:
        yield url


def _visibility_stats(writes: list[Write]) -> dict:
    stats = {}
    for kind in ("create", "patch", "all"):
        chosen = [w for w in writes if kind in ("all", w.kind)]
        stats[kind] = {"writes": len(chosen),
                       **{f"{name}_{q}_ms": percentile([getattr(w, f"{name}_s") * 1000
                                                         for w in chosen], q)
                          for name in ("seen", "all") for q in (50, 99)}}
    return stats


# -- report ------------------------------------------------------------------------------------

def table(data: dict) -> str:
    """One row per target: measured value, baseline, ratio, target, whether it is met."""
    rows = []

    def add(what: str, value: str, baseline: str, ratio: float, target: str, met: bool) -> None:
        rows.append([what, value, baseline, f"{ratio:.2f}×", target, "yes" if met else "no"])

    if s := data.get("scaling"):
        add(f"`/search` short queries, {s['clients']} clients vs 1 (req/s)",
            f"{statistics.median(s['many_per_s']):.1f} (p50 {s['many_p50_ms']:.0f} ms)",
            f"{statistics.median(s['one_per_s']):.1f} (p50 {s['one_p50_ms']:.0f} ms)",
            s["ratio"], "≥ 1.8×", s["ratio"] >= 1.8)
    if p := data.get("patch"):
        add(f"PATCH dossier `trl` under {p['clients']} search clients vs idle (p50 ms)",
            f"{statistics.median(p['loaded_p50_ms']):.1f}",
            f"{statistics.median(p['idle_p50_ms']):.1f}", p["ratio"], "≤ 3×", p["ratio"] <= 3)
    if lat := data.get("latency"):
        add("`/search` short query, one client vs embedding it alone (p50 ms)",
            f"{lat['search_p50_ms']:.1f}", f"{lat['embed_query_p50_ms']:.1f}",
            lat["search_ratio"], "≤ 1.3×", lat["search_ratio"] <= 1.3)
        add("`GET /needs/{id}/matches` vs embedding the need's text alone (p50 ms)",
            f"{lat['matches_p50_ms']:.1f}", f"{lat['embed_need_p50_ms']:.1f}",
            lat["matches_ratio"], "≤ 0.5×", lat["matches_ratio"] <= 0.5)
    if w := data.get("workers"):
        add(f"`/search`, {w['clients']} clients, `--workers 2` vs 1, PostgreSQL (req/s)",
            f"{statistics.median(w['two_per_s']):.1f}",
            f"{statistics.median(w['one_per_s']):.1f}", w["ratio"], "(none)", True)
    out = markdown_table(["measurement", "value", "baseline (same run)", "ratio", "target",
                          "met"], rows)
    if w := data.get("workers"):
        vis = w["visibility"]
        vis_rows = [[kind, v["writes"], f"{v['seen_50_ms']:.1f} / {v['seen_99_ms']:.1f}",
                     f"{v['all_50_ms']:.1f} / {v['all_99_ms']:.1f}"] for kind, v in vis.items()]
        out += ("\n\nA write through one of 2 workers (PostgreSQL), until the workers' indexes "
                "hold it (`/health/ready` outbox position, polled on new connections; then "
                "checked through `/search`):\n\n")
        out += markdown_table(["write", "count", "first poll past it, p50 / p99 ms",
                               f"{STREAK} polls in a row past it, p50 / p99 ms"], vis_rows)
    return out


# -- main --------------------------------------------------------------------------------------

def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--phases", nargs="*", choices=PHASES, default=list(PHASES))
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients (8)")
    parser.add_argument("--duration", type=float, default=20, help="seconds a phase (20)")
    parser.add_argument("--repeats", type=int, default=3, help="repeats of each phase (3)")
    parser.add_argument("--requests", type=int, default=40,
                        help="requests of each kind in the latency phase (40)")
    parser.add_argument("--writes", type=int, default=50, help="writes timed for visibility")
    parser.add_argument("--data-dir", type=Path, default=CACHE,
                        help="seeded data directory (built there if empty, then copied)")
    parser.add_argument("--database-url", help="PostgreSQL for the workers phase (default: a "
                        "throwaway cluster started here)")
    parser.add_argument("--pg-bin", type=Path, default=Path("/usr/lib/postgresql/15/bin"))
    parser.add_argument("--pg-port", type=int, default=55433)
    parser.add_argument("--init-timeout", type=float, default=3_600)
    return parser.parse_args(argv)


def run_sqlite_phases(args: argparse.Namespace, pool: QueryPool, data: dict,
                      step: Callable[[str], None]) -> None:
    """Phases 1–3 on one single-worker server over a copy of the seeded SQLite directory."""
    with tempfile.TemporaryDirectory(prefix="ketnoi-concurrency-") as tmp:
        data_dir = Path(tmp) / "data"
        shutil.copytree(args.data_dir, data_dir)
        env = _env(data_dir, RATE_LIMIT)
        key = create_admin_key(env, "concurrency benchmark")
        with serving(env, key, Path(tmp) / "serve.log", args.init_timeout) as url, \
                client_for(url, key) as client:
            wait_ready(url, in_a_row=1)
            need_ids = _all_need_ids(client)
            dossier_ids = [d["id"] for d in client.get("/dossiers", params={
                "limit": 50, "status": "active"}).json()["data"]]
            load_for(url, key, 2, searcher(pool), 2)  # warm-up
            if "scaling" in args.phases:
                step(f"scaling: {args.clients} clients vs 1, {args.repeats}× "
                     f"{args.duration:.0f} s each")
                data["scaling"] = bench_scaling(url, key, pool, args.clients, args.duration,
                                                args.repeats)
            if "patch" in args.phases:
                step(f"patch: idle vs under {args.clients} search clients")
                data["patch"] = bench_patch(url, key, pool, Patcher(dossier_ids), args.clients,
                                            args.duration, args.repeats)
            if "latency" in args.phases:
                step("latency: one client vs embedding alone")
                data["latency"] = bench_latency(url, key, pool, need_ids, args.requests)
        data["server_tracebacks"] = (Path(tmp) / "serve.log").read_text(
            errors="replace").count("Traceback")


def main(argv: list[str] | None = None) -> None:
    args = parse(argv)
    started = time.perf_counter()

    def step(label: str) -> None:
        print(f"[{time.perf_counter() - started:6.0f} s] {label} (load "
              f"{os.getloadavg()[0]:.1f})", flush=True)

    step(f"data directory {args.data_dir}")
    init_s = prepare_data_dir(args.data_dir, args.init_timeout)
    needs, dossiers = seed_texts()
    pool = QueryPool(short_queries([n["problem"] for n in needs]
                                   + [d["summary"] for d in dossiers]))
    data: dict = {"args": {k: str(v) for k, v in vars(args).items()}, "init_s": init_s,
                  "load_before": os.getloadavg()}
    if set(args.phases) & {"scaling", "patch", "latency"}:
        run_sqlite_phases(args, pool, data, step)
    if "workers" in args.phases:
        template = {k: v for k, v in dossiers[0].items() if k != "ref"}
        data["workers"] = bench_workers(args, pool, template, step)
    data["load_after"] = os.getloadavg()
    data["elapsed_s"] = time.perf_counter() - started
    result = table(data)
    note = (f"Load average {data['load_before'][0]:.1f} before, {data['load_after'][0]:.1f} "
            f"after; medians of {args.repeats} phases of {args.duration:.0f} s.")
    print(f"{result}\n\n{note}")
    write_result("concurrency", data, f"{result}\n\n{note}")


if __name__ == "__main__":
    main()
