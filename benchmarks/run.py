"""`make bench`: every benchmark in turn, each writing its table and JSON under results/."""

import importlib
import subprocess
import sys

# (module, arguments): quality first, it is what matching is judged on. `--pool 150` embeds the
# 4,775 offers that can rank (about 30 min the first time); drop it for the full corpus (1 h+).
BENCHMARKS = [
    ("benchmarks.quality", ["--pool", "150"]),
    ("benchmarks.tune_weights", ["--pool", "150"]),
    ("benchmarks.calibration", []),
    ("benchmarks.diacritics_accuracy", []),
    ("benchmarks.ann_recall", []),
    ("benchmarks.speed", []),
    ("benchmarks.load", []),
    ("benchmarks.events_benchmark", []),
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
