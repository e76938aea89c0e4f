"""The dev split of ../shared/eval: English offers as documents, Vietnamese needs as queries."""

import json
import os
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from matcher.platform.config import REPO_ROOT
from matcher.search.documents import Document, join_fields

# The shared corpora sit beside the repository; KETNOI_SHARED points elsewhere.
SHARED = Path(os.environ.get("KETNOI_SHARED", REPO_ROOT.parent / "shared"))


@dataclass(frozen=True)
class DevQuery:
    qid: str
    style: str  # full | short | no_diacritics
    sector: str
    text: str  # need_vi only: the engine never sees need_en


def load_corpus(shared: Path = SHARED) -> tuple[list[Document], list[str]]:
    """The 14,913 offers as documents (int ids in file order) and their string ids."""
    docs, names = [], []
    with (shared / "eval" / "corpus.jsonl").open(encoding="utf-8") as handle:
        for number, line in enumerate(handle):
            row = json.loads(line)
            names.append(row["id"])
            docs.append(Document(id=number, title=row["title"],
                                 text=join_fields(row["title"], row["text"]), language="en",
                                 status="active", sector_codes=()))
    return docs, names


def load_queries(shared: Path = SHARED, split: str = "dev") -> list[DevQuery]:
    path = shared / "eval" / split / "queries.jsonl"
    rows = [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]
    return [DevQuery(r["qid"], r["style"], r["sector"], r["need_vi"]) for r in rows]


def load_qrels(shared: Path = SHARED, split: str = "dev") -> dict[str, dict[str, int]]:
    qrels: dict[str, dict[str, int]] = defaultdict(dict)
    for line in (shared / "eval" / split / "qrels.tsv").read_text("utf-8").splitlines():
        if line.strip():
            qid, _, doc, grade = line.split("\t")
            qrels[qid][doc] = int(grade)
    return dict(qrels)
