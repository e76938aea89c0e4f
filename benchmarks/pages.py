"""Page-load benchmark (issue 14): the web application's search results page in a real browser
(Debian's Chromium, headless, through Playwright) at the seed's size, against the JSON API's
`/search` for the same query, measured in the same run.

For each query (cut from the seed needs, half of them typed without diacritics; each query is
new, so every request embeds it) the benchmark loads `/web/search?q=…` as a logged-in broker
and reads the browser's navigation timing: `responseEnd` (the server's answer received) and
`loadEventEnd` (the page drawn, its stylesheet loaded); then it asks `GET /search` for another
new query of the same kind with an API key. The two alternate query by query; p50 and p90 are
reported with their ratio.

`python -m benchmarks.pages [--queries 60]` (`results/pages.json`).
"""

import argparse
import json
import shutil
import statistics
import subprocess
import tempfile
from pathlib import Path
from urllib.parse import urlencode

import httpx

from benchmarks.concurrency import short_queries
from benchmarks.load import CACHE, SEED, _env, percentile, prepare_data_dir
from benchmarks.report import markdown_table, write_result
from benchmarks.server import create_admin_key, ketnoi_command, serving
from matcher.text.vietnamese import strip_diacritics

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--disable-dev-shm-usage"]


def queries(count: int) -> list[str]:
    """`count` distinct short queries from the seed needs, every other one without
    diacritics."""
    texts = [json.loads(line)["problem"] for line in
             (SEED / "needs.jsonl").read_text("utf-8").splitlines() if line.strip()]
    found = short_queries(texts)[::7][:count]
    return [strip_diacritics(q) if i % 2 else q for i, q in enumerate(found)]


def create_broker(env: dict[str, str]) -> tuple[str, str]:
    """A broker of Bắc Giang who logs in to the pages; returns (e-mail, password)."""
    email = "benchmark-broker@ketnoi.local"
    done = subprocess.run([*ketnoi_command(), "users", "create", email, "--name", "Benchmark",
                           "--role", "intermediary", "--org", "benchmark",
                           "--jurisdiction", "BG"],
                          env=env, check=True, capture_output=True, text=True, timeout=600)
    return email, done.stdout.rsplit(":", 1)[1].strip()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--queries", type=int, default=60, help="pages loaded (as many API "
                        "calls besides)")
    parser.add_argument("--chromium", default=shutil.which("chromium") or "/usr/bin/chromium")
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    prepare_data_dir(CACHE / "load", timeout=7200)
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        shutil.copytree(CACHE / "load", data)
        env = _env(data, "1000000/minute")
        key = create_admin_key(env)
        email, password = create_broker(env)
        pool = queries(2 * args.queries)
        page_ms: dict[str, list[float]] = {"responseEnd": [], "loadEventEnd": []}
        api_ms: list[float] = []
        with serving(env, key, Path(tmp) / "server.log", timeout=600) as url, \
                sync_playwright() as playwright, httpx.Client(base_url=url, timeout=120,
                                                              headers={"X-API-Key": key}) as api:
            browser = playwright.chromium.launch(executable_path=args.chromium,
                                                 args=CHROMIUM_ARGS)
            page = browser.new_page(base_url=url)
            page.goto("/web/login")
            page.fill("#f-email", email)
            page.fill("#f-password", password)
            page.click("button[type=submit]")
            page.wait_for_url("**/web/")
            page.goto("/web/search?" + urlencode({"q": "máy sấy vải", "jurisdiction": "BG"}))
            api.get("/search", params={"q": "may say vai", "jurisdiction": "BG"})  # warm up
            for shown, asked in zip(pool[::2], pool[1::2], strict=False):
                page.goto("/web/search?" + urlencode({"q": shown, "jurisdiction": "BG"}))
                timing = page.evaluate(
                    "() => performance.getEntriesByType('navigation')[0].toJSON()")
                for mark in page_ms:
                    page_ms[mark].append(timing[mark] - timing["startTime"])
                answer = api.get("/search", params={"q": asked, "jurisdiction": "BG"})
                answer.raise_for_status()
                api_ms.append(answer.elapsed.total_seconds() * 1000)
            browser.close()
        summary = {
            "queries": len(api_ms),
            "page_response_ms": {"p50": statistics.median(page_ms["responseEnd"]),
                                 "p90": percentile(page_ms["responseEnd"], 90)},
            "page_load_ms": {"p50": statistics.median(page_ms["loadEventEnd"]),
                             "p90": percentile(page_ms["loadEventEnd"], 90)},
            "api_search_ms": {"p50": statistics.median(api_ms),
                              "p90": percentile(api_ms, 90)},
        }
        base = summary["api_search_ms"]["p50"]
        rows = [["GET /search (JSON API, baseline)", summary["api_search_ms"]["p50"],
                 summary["api_search_ms"]["p90"], 1.0],
                ["/web/search: answer received", summary["page_response_ms"]["p50"],
                 summary["page_response_ms"]["p90"], summary["page_response_ms"]["p50"] / base],
                ["/web/search: page loaded", summary["page_load_ms"]["p50"],
                 summary["page_load_ms"]["p90"], summary["page_load_ms"]["p50"] / base]]
        table = markdown_table(["request (ms)", "p50", "p90", "p50 ÷ API p50"], rows)
        write_result("pages", summary, table)
        print(table)


if __name__ == "__main__":
    main()
