"""Load benchmark: `ketnoi serve` on loopback driven by N concurrent clients for a bounded time
with a mix of search, match and writes; throughput, p50/p99 latency and errors per operation,
beside the single-client latency of the same operations measured in the same run.

The data directory with the seed loaded (`ketnoi init`: 511 records embedded, about 4 minutes on
two cores) is built once under benchmarks/.cache/load (or taken from `--data-dir`) and copied for
each run, so one run's writes never reach the next. The clients run in this process, on the same
CPU as the server: on a shared machine read the ratios, not the absolute times.

`python -m benchmarks.load [--clients 8] [--duration 60] [--mix search=5,match=3,create=1,patch=1]`
"""

import argparse
import itertools
import json
import math
import os
import random
import shutil
import subprocess
import tempfile
import threading
import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import httpx

from benchmarks.report import markdown_table, write_result
from benchmarks.server import create_admin_key, ketnoi_command, serving
from matcher.platform.config import REPO_ROOT

SEED = REPO_ROOT / "seed_data"
CACHE = REPO_ROOT / "benchmarks" / ".cache" / "load"
OPERATIONS = ("search", "match", "create", "patch")
DEFAULT_MIX = "search=5,match=3,create=1,patch=1"
MAX_QUERY_CHARS = 2_000  # the API's limit on `q`


# -- pure parts: the mix, percentiles, per-operation statistics ------------------------------

@dataclass(frozen=True)
class Sample:
    """One request as a client saw it."""

    op: str
    latency_ms: float
    status: int  # HTTP status; 0 when no response came back


@dataclass(frozen=True)
class OpStats:
    """One operation (or `all`) over a phase. Latencies are of the 2xx responses only, so that
    fast refusals do not flatter them; `errors` are non-2xx other than 429, and no response."""

    requests: int
    per_s: float
    p50_ms: float
    p99_ms: float
    errors: int
    limited: int  # 429: write rate limit reached


def parse_mix(text: str) -> dict[str, float]:
    """`search=5,match=3,create=1,patch=1` → weights per operation (those not named are 0)."""
    mix = dict.fromkeys(OPERATIONS, 0.0)
    for part in filter(None, (p.strip() for p in text.split(","))):
        name, _, weight = part.partition("=")
        if name not in mix:
            raise ValueError(f"unknown operation '{name}' (use {', '.join(OPERATIONS)})")
        try:
            mix[name] = float(weight)
        except ValueError:
            mix[name] = math.nan
        if not mix[name] >= 0 or not math.isfinite(mix[name]):
            raise ValueError(f"weight of '{name}' must be a number ≥ 0, got '{weight}'")
    if sum(mix.values()) <= 0:
        raise ValueError("the mix needs at least one operation with a positive weight")
    return mix


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0–100), linear between the closest ranks (numpy's default); NaN of
    nothing."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100
    low = math.floor(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def summarise(samples: Iterable[Sample], seconds: float) -> dict[str, OpStats]:
    """Statistics per operation and over `all` requests of a phase that lasted `seconds`."""
    groups: dict[str, list[Sample]] = defaultdict(list)
    for sample in samples:
        groups[sample.op].append(sample)
        groups["all"].append(sample)
    stats = {}
    for op, group in groups.items():
        ok = [s.latency_ms for s in group if 200 <= s.status < 300]
        limited = sum(s.status == 429 for s in group)
        stats[op] = OpStats(requests=len(group), per_s=len(group) / seconds,
                            p50_ms=percentile(ok, 50), p99_ms=percentile(ok, 99),
                            errors=len(group) - len(ok) - limited, limited=limited)
    return stats


def rows(concurrent: dict[str, OpStats], single: dict[str, OpStats]) -> list[list]:
    """Table rows, one per operation then `all`: the concurrent figures, the single-client p50
    and their ratio (none for `all`: one client ran each operation equally often)."""
    table = []
    for op in [*(o for o in OPERATIONS if o in concurrent), "all"]:
        c = concurrent[op]
        row = [op, c.requests, f"{c.per_s:.1f}", f"{c.p50_ms:.0f}", f"{c.p99_ms:.0f}",
               c.errors, c.limited]
        if op in single and op != "all":  # the single client's mix is not the concurrent one
            alone = single[op].p50_ms
            row += [f"{alone:.0f}", f"{c.p50_ms / alone:.2f}"]
        else:
            row += ["", ""]
        table.append(row)
    return table


HEADER = ["operation", "requests", "req/s", "p50 ms", "p99 ms", "errors", "429",
          "one client p50 ms", "p50 ratio"]


# -- the workload --------------------------------------------------------------------------

class Workload:
    """The requests clients make: seed need texts as queries, seed needs to match, new needs
    (a seed need's text, made new so that it is embedded) and PATCHes of `timeline_months`
    (no re-embedding) on the needs this run created. Shared by the client threads."""

    def __init__(self, seed_needs: list[dict], need_ids: list[int], tag: str) -> None:
        self.seed_needs = seed_needs
        self.queries = [n["problem"][:MAX_QUERY_CHARS] for n in seed_needs]
        self.need_ids = need_ids
        self.created: list[int] = []  # list.append is atomic: threads share it
        self.tag = tag
        self._serial = itertools.count(1)

    def request(self, client: httpx.Client, op: str, rng: random.Random) -> Sample:
        """Make one request of `op` and time it."""
        params, body = None, None
        if op == "search":
            method, url, params = "GET", "/search", {"q": rng.choice(self.queries)}
        elif op == "match":
            method, url = "GET", f"/needs/{rng.choice(self.need_ids)}/matches"
        elif op == "create":
            method, url, body = "POST", "/needs", self._new_need(rng)
        elif op == "patch":
            method, url = "PATCH", f"/needs/{rng.choice(self.created or self.need_ids)}"
            body = {"timeline_months": rng.randrange(1, 60)}
        else:
            raise ValueError(f"unknown operation '{op}'")
        began = time.perf_counter()
        try:
            response = client.request(method, url, params=params, json=body)
        except httpx.HTTPError:
            return Sample(op, (time.perf_counter() - began) * 1000, 0)
        latency = (time.perf_counter() - began) * 1000
        if op == "create" and response.status_code == 201:
            self.created.append(response.json()["id"])
        return Sample(op, latency, response.status_code)

    def _new_need(self, rng: random.Random) -> dict:
        seed = rng.choice(self.seed_needs)
        n = next(self._serial)
        return {"ref": f"load-{self.tag}-{n}", "enterprise_tax_code": seed["enterprise_tax_code"],
                "title": seed["title"], "problem": f"{seed['problem']} (lô {n})",
                "desired_result": seed.get("desired_result", ""),
                "sector_codes": seed["sector_codes"]}


def run_single(client: httpx.Client, workload: Workload, mix: dict[str, float],
               per_op: int) -> tuple[list[Sample], float]:
    """One client, one request at a time: `per_op` of each operation in the mix, taking turns
    (in alternating order) so that each sees the same load."""
    ops = [op for op in OPERATIONS if mix[op] > 0]
    rng = random.Random(0)
    samples = []
    began = time.perf_counter()
    for round_no in range(per_op):
        for op in ops if round_no % 2 == 0 else reversed(ops):
            samples.append(workload.request(client, op, rng))
    return samples, time.perf_counter() - began


def run_concurrent(base_url: str, key: str, workload: Workload, mix: dict[str, float],
                   clients: int, seconds: float) -> tuple[list[Sample], float]:
    """`clients` threads, each with its own connection, drawing operations from the mix until
    `seconds` have passed; the phase ends when the last request in flight has returned."""
    per_client: list[list[Sample]] = [[] for _ in range(clients)]
    ops, weights = list(mix), list(mix.values())
    deadline = time.perf_counter() + seconds

    def drive(number: int) -> None:
        rng = random.Random(number + 1)
        with httpx.Client(base_url=base_url, headers={"X-API-Key": key}, timeout=600) as client:
            while time.perf_counter() < deadline:
                op = rng.choices(ops, weights)[0]
                per_client[number].append(workload.request(client, op, rng))

    threads = [threading.Thread(target=drive, args=(n,)) for n in range(clients)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return [s for samples in per_client for s in samples], time.perf_counter() - began


# -- the server ----------------------------------------------------------------------------

def _env(data_dir: Path, rate_limit: str | None) -> dict[str, str]:
    env = {**os.environ, "KETNOI_DATA_DIR": str(data_dir), "KETNOI_SEED_DIR": str(SEED),
           "HF_HUB_OFFLINE": "1", "OMP_WAIT_POLICY": os.environ.get("OMP_WAIT_POLICY", "passive")}
    if rate_limit:
        env["KETNOI_WRITE_RATE_LIMIT"] = rate_limit
    return env


def prepare_data_dir(data_dir: Path, timeout: float) -> float:
    """Run `ketnoi init` in `data_dir` unless it already holds a database; seconds spent."""
    if (data_dir / "ketnoi.db").exists():
        return 0.0
    began = time.perf_counter()
    subprocess.run([*ketnoi_command(), "init"], env=_env(data_dir, None), check=True,
                   timeout=timeout)
    return time.perf_counter() - began


def _all_need_ids(client: httpx.Client) -> list[int]:
    ids: list[int] = []
    while True:
        page = client.get("/needs", params={"skip": len(ids), "limit": 100})
        page.raise_for_status()
        body = page.json()
        ids += [n["id"] for n in body["data"]]
        if not body["data"] or len(ids) >= body["count"]:
            return ids


def _stats_json(stats: dict[str, OpStats]) -> dict[str, dict]:
    return {op: {k: (None if isinstance(v, float) and math.isnan(v) else v)
                 for k, v in asdict(s).items()} for op, s in stats.items()}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients (8)")
    parser.add_argument("--duration", type=float, default=60, help="seconds of load (60)")
    parser.add_argument("--mix", default=DEFAULT_MIX,
                        help=f"weights of the operations ({DEFAULT_MIX})")
    parser.add_argument("--single", type=int, default=10,
                        help="requests of each operation by one client first, the baseline (10)")
    parser.add_argument("--data-dir", type=Path, default=CACHE,
                        help="data directory with the seed loaded; built there if empty, "
                             f"copied for the run (default {CACHE.relative_to(REPO_ROOT)})")
    parser.add_argument("--write-rate-limit",
                        help="KETNOI_WRITE_RATE_LIMIT for the server (default: its own)")
    parser.add_argument("--init-timeout", type=float, default=3_600,
                        help="seconds allowed for `ketnoi init` and server start-up")
    args = parser.parse_args(argv)
    mix = parse_mix(args.mix)
    load_before = os.getloadavg()
    started = time.perf_counter()

    def step(label: str) -> None:
        print(f"[{time.perf_counter() - started:6.0f} s] {label}", flush=True)

    step(f"data directory {args.data_dir}")
    init_s = prepare_data_dir(args.data_dir, args.init_timeout)
    seed_needs = [json.loads(line) for line in
                  (SEED / "needs.jsonl").read_text("utf-8").splitlines() if line.strip()]
    with tempfile.TemporaryDirectory(prefix="ketnoi-load-") as tmp:
        data_dir = Path(tmp) / "data"
        shutil.copytree(args.data_dir, data_dir)
        env = _env(data_dir, args.write_rate_limit)
        key = create_admin_key(env, "load benchmark")
        log_path = Path(tmp) / "serve.log"
        step("starting ketnoi serve")
        with serving(env, key, log_path, args.init_timeout) as url, \
                httpx.Client(base_url=url, headers={"X-API-Key": key}, timeout=600) as client:
            workload = Workload(seed_needs, _all_need_ids(client), tag=str(int(time.time())))
            rng = random.Random(0)
            for op in ("search", "match"):  # the first of each builds the BM25 channels
                workload.request(client, op, rng)
            step(f"one client: {args.single} requests of each operation")
            single, single_s = run_single(client, workload, mix, args.single)
            step(f"{args.clients} clients for {args.duration:.0f} s, mix {args.mix}")
            concurrent, concurrent_s = run_concurrent(url, key, workload, mix, args.clients,
                                                      args.duration)
        server_errors = sum("Traceback" in line for line in log_path.open(errors="replace"))
    single_stats = summarise(single, single_s)
    concurrent_stats = summarise(concurrent, concurrent_s)
    load_after = os.getloadavg()
    table = markdown_table(HEADER, rows(concurrent_stats, single_stats))
    overall = concurrent_stats["all"].per_s / single_stats["all"].per_s
    note = (f"{args.clients} clients for {concurrent_s:.0f} s, mix {args.mix}; one client "
            f"sequentially: {single_stats['all'].per_s:.1f} req/s, so {args.clients} clients "
            f"serve {overall:.2f}× its throughput. Server tracebacks: {server_errors}. Load "
            f"average {load_before[0]:.1f} before, {load_after[0]:.1f} after.")
    print(f"{table}\n\n{note}")
    data = {"clients": args.clients, "duration_s": args.duration, "mix": mix,
            "write_rate_limit": args.write_rate_limit, "init_s": init_s,
            "concurrent_s": concurrent_s, "single_s": single_s,
            "concurrent": _stats_json(concurrent_stats), "single": _stats_json(single_stats),
            "throughput_ratio": overall, "server_tracebacks": server_errors,
            "load_average": {"before": load_before, "after": load_after},
            "elapsed_s": time.perf_counter() - started}
    write_result("load", data, f"{table}\n\n{note}")


if __name__ == "__main__":
    main()
