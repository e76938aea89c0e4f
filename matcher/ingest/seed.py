"""Loads `seed_data/` into the database: creates the seed records that are missing and leaves
the ones that exist alone, so edits made since (through the API or otherwise) survive every
`ketnoi init`. Records are keyed: jurisdictions and sectors by `code`, enterprises by
`tax_code`, dossiers and needs by `ref`."""

import json
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sqlmodel import Session, SQLModel, select

from matcher.ingest.importer import import_records
from matcher.ingest.tabular import read_rows
from matcher.models import Jurisdiction, Sector


@dataclass
class Loaded:
    """How many seed records of one kind were created, and how many existed and were kept."""

    created: int = 0
    kept: int = 0


@dataclass
class SeedReport:
    """What one `load_seed` did, per kind of record."""

    counts: dict[str, Loaded] = field(default_factory=dict)

    def __str__(self) -> str:
        return ", ".join(f"{n.created} {kind} created, {n.kept} kept"
                         for kind, n in self.counts.items())


def _create_missing(session: Session, table: type[SQLModel],
                    items: list[dict[str, Any]]) -> Loaded:
    """Add the items whose `code` is not in `table` yet; existing rows are not touched."""
    known = set(session.exec(select(table.code)).all())  # type: ignore[attr-defined]
    loaded = Loaded()
    for item in items:
        if item["code"] in known:
            loaded.kept += 1
            continue
        session.add(table.model_validate(item))
        known.add(item["code"])
        loaded.created += 1
    session.flush()
    return loaded


def load_sectors(session: Session, path: Path) -> dict[str, Loaded]:
    """Create the jurisdictions and sectors of `sectors.json` that the database lacks."""
    data = json.loads(path.read_text("utf-8"))
    sectors = []
    for item in data["sectors"]:
        values = dict(item)
        for key in ("valid_from", "valid_to"):
            if values.get(key):
                values[key] = date.fromisoformat(values[key])
        sectors.append(values)
    return {"jurisdictions": _create_missing(session, Jurisdiction, data["jurisdictions"]),
            "sectors": _create_missing(session, Sector, sectors)}


def load_seed(session: Session, seed_dir: Path) -> SeedReport:
    """Create the missing sectors, enterprises, dossiers and needs; the caller commits.

    Each file is validated whole before anything of it is written (see `import_records`), so a
    bad seed file fails the load and the caller's rollback leaves the database as it was.
    """
    report = SeedReport(load_sectors(session, seed_dir / "sectors.json"))
    files = {
        "enterprises": [seed_dir / "enterprises.jsonl"],
        "dossiers": sorted((seed_dir / "dossiers").glob("*.jsonl")),
        "needs": [seed_dir / "needs.jsonl"],
    }
    for kind, paths in files.items():
        loaded = report.counts[kind] = Loaded()
        for path in paths:
            if path.exists():
                result = import_records(session, kind, read_rows(path), keep_existing=True)
                loaded.created += len(result.created)
                loaded.kept += len(result.kept)
    return report
