"""`make bench`: every benchmark in turn, each writing its table and JSON under results/."""

import importlib
import subprocess
import sys

# (module, arguments): quality first, it is what matching is judged on. The first run embeds
# the 14,913 dev-corpus offers (about an hour on two idle cores; cached in benchmarks/.cache,
# so later runs take minutes). `python -m benchmarks.quality --pool 150` is the cheaper
# set-up that embeds only the offers that can rank.
BENCHMARKS = [
    ("benchmarks.quality", []),
    ("benchmarks.tune_weights", []),
    ("benchmarks.rerank", []),  # issue 15: a re-ranker, cross-validated by need (not shipped)
    ("benchmarks.feedback", []),  # issue 15: RM3 and Rocchio feedback (not shipped)
    ("benchmarks.confidence_model", []),  # issue 15: "no confident match" models vs cosine
    ("benchmarks.calibration", []),
    ("benchmarks.adapters", []),  # the sector classifier's held-out accuracy
    ("benchmarks.completeness", []),
    ("benchmarks.diacritics_accuracy", []),
    ("benchmarks.duplicates", []),  # ~550 dossier texts embedded on the first run
    ("benchmarks.ann_recall", []),
    ("benchmarks.speed", ["--docs", "100"]),  # 100 abstracts embedded twice: ~3 min
    ("benchmarks.load", []),
    ("benchmarks.concurrency", []),  # issue 13's ratios; starts a throwaway PostgreSQL cluster
    ("benchmarks.events_benchmark", []),
    ("benchmarks.pairing_threshold", []),  # issue 16: the default minimum score of a meeting
    ("benchmarks.pages", []),  # issue 14: the search page in Chromium vs the JSON API
    ("benchmarks.alerts", []),  # issue 16: which labelled pairs the alerts job notifies
]


def main() -> None:
    failed = []
    for module, args in BENCHMARKS:
        try:
            importlib.import_module(module)
        except ImportError as exc:
            print(f"skipping {module}: {exc}")
            continue
        print(f"\n=== {module} ===", flush=True)
        if subprocess.call([sys.executable, "-m", module, *args]) != 0:
            failed.append(module)
    if failed:
        sys.exit(f"failed: {', '.join(failed)}")


if __name__ == "__main__":
    main()
