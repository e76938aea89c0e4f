"""Loads `seed_data/` into the database; idempotent (records are keyed, loading twice changes
nothing)."""

import json
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sqlmodel import Session

from matcher.importer import import_records
from matcher.models import Jurisdiction, Sector
from matcher.tabular import read_rows


@dataclass
class SeedReport:
    counts: dict[str, int] = field(default_factory=dict)

    def __str__(self) -> str:
        return ", ".join(f"{n} {kind}" for kind, n in self.counts.items())


def load_sectors(session: Session, path: Path) -> int:
    """Upsert the jurisdictions and sector taxonomies of `sectors.json`."""
    data = json.loads(path.read_text("utf-8"))
    for item in data["jurisdictions"]:
        session.merge(Jurisdiction.model_validate(item))
    session.flush()
    for item in data["sectors"]:
        values = dict(item)
        for key in ("valid_from", "valid_to"):
            if values.get(key):
                values[key] = date.fromisoformat(values[key])
        session.merge(Sector.model_validate(values))
    session.flush()
    return len(data["sectors"])


def load_seed(session: Session, seed_dir: Path) -> SeedReport:
    """Load sectors, enterprises, dossiers and needs; the caller commits."""
    report = SeedReport()
    report.counts["sectors"] = load_sectors(session, seed_dir / "sectors.json")
    files = {
        "enterprises": [seed_dir / "enterprises.jsonl"],
        "dossiers": sorted((seed_dir / "dossiers").glob("*.jsonl")),
        "needs": [seed_dir / "needs.jsonl"],
    }
    for kind, paths in files.items():
        total = 0
        for path in paths:
            if path.exists():
                result = import_records(session, kind, read_rows(path), upsert=True)
                total += len(result.created) + len(result.updated)
        report.counts[kind] = total
    return report
