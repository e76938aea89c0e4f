"""Seed dossiers for the duplicate tests: a stored one, a re-worded copy of it from another
source, its topic neighbour, and the seed's genuine pair of one technology from two sources."""

import json
from typing import Any

from tests.conftest import SEED

ORIGINAL = "D-0154"  # wood pellets from sawdust and plantation residues (Shanghai exchange)
NEIGHBOUR = "D-0258"  # fuel pellets from rice straw: the same topic, another technology
GENUINE = ("D-0029", "D-0339")  # RFID self-service library, from KISTI and from Techmart


def seed_dossier(ref: str) -> dict[str, Any]:
    """The seed dossier with this ref, as a `POST /dossiers` body."""
    for path in sorted((SEED / "dossiers").glob("*.jsonl")):
        for line in path.read_text("utf-8").splitlines():
            row = json.loads(line)
            if row["ref"] == ref:
                return row
    raise KeyError(ref)


def reworded_copy(ref: str, new_ref: str) -> dict[str, Any]:
    """The dossier as another source sends it: a new ref and source, the title said another
    way, the summary dropped and the description's sentences in reverse order."""
    row = seed_dossier(ref)
    sentences = row["description"].split(". ")
    return {**row, "ref": new_ref, "source": "techmart", "source_ref": f"TM-{new_ref}",
            "title": f"Công nghệ: {row['title']}", "summary": "",
            "description": ". ".join(reversed(sentences))}
