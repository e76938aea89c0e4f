"""Benchmark output: markdown tables and JSON results stamped with machine and date."""

import json
import os
import platform
from datetime import UTC, datetime
from pathlib import Path

from matcher.platform.config import REPO_ROOT

RESULTS = REPO_ROOT / "benchmarks" / "results"


def machine() -> dict[str, str | int]:
    return {"platform": platform.platform(), "python": platform.python_version(),
            "cpus": os.cpu_count() or 0, "processor": platform.processor()}


def markdown_table(header: list[str], rows: list[list]) -> str:
    """A GitHub table; floats to three decimals."""
    def cell(value) -> str:
        return f"{value:.3f}" if isinstance(value, float) else str(value)

    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def write_result(name: str, data: dict, table: str) -> Path:
    """Write benchmarks/results/<name>.json (with machine and date) and <name>.md."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamped = {"date": datetime.now(UTC).isoformat(timespec="seconds"), "machine": machine(),
               **data}
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps(stamped, indent=2, ensure_ascii=False), "utf-8")
    (RESULTS / f"{name}.md").write_text(
        f"{table}\n\n_{stamped['date']}, {stamped['machine']['cpus']} CPUs, "
        f"{stamped['machine']['platform']}_\n", "utf-8")
    return path
