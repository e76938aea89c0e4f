"""Real corpora from `../shared/data/` as dossier records (dicts valid for `DossierCreate`).

NASA T2 (patents, software, spinoffs; 3,954) and US SBIR award abstracts (59,064) are read where
they lie, never copied into the repository. Fields are mapped as follows:

- ref / source_ref: `nasa:<id>` / `NASA T2 <kind> <id>`; `sbir:<award_id>` / sbir.gov URL.
- trl: NASA spinoff 9 (a product on the market); NASA patent 3 (T2 patents are offered at
  proof of concept or lab validation, TRL 3–4: the lower bound); NASA software unknown (a
  release says nothing of maturity). SBIR Phase I 3 (feasibility), Phase II 5 (prototype in a
  relevant environment, TRL 5–6: the lower bound).
- ipr_status: NASA patent `patent_pending` when its text says so, else `patent_granted`;
  software `copyright`; spinoff `none` (not stated). SBIR `know_how` (SBIR data rights; no
  patent is stated).
- transfer_modes: NASA patent and software `licence`, spinoff `commercial_agreement`;
  SBIR Phase I `rd_cooperation`, Phase II also `licence`.
- keywords: the NASA category (and a software's release type, e.g. "U.S. Release Only", which
  rules out a transfer abroad); the SBIR agency and sub-agency.
- sector_codes: the national code of the theme the sector classifier assigns.

Everything is English (`language` "en"), from the United States (`origin_country` "US"), with
`source` "other". `python -m benchmarks.adapters` evaluates the sector classifier (held-out split
and agreement with the NASA categories that name a theme) and writes
`benchmarks/results/sector_classifier.json`.
"""

import json
import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from benchmarks.devset import SHARED
from benchmarks.report import markdown_table, write_result
from benchmarks.sector_classifier import SectorClassifier, default_classifier, evaluate, scores
from matcher.models.validity import default_valid_until
from matcher.search.documents import Document, join_fields

NASA_PATH = Path("data") / "nasa-t2" / "nasa_t2.jsonl"
SBIR_PATH = Path("data") / "sbir" / "sbir_awards.parquet"

NASA_TRL = {"spinoff": 9, "patent": 3}
NASA_MODES = {"patent": ["licence"], "software": ["licence"], "spinoff": ["commercial_agreement"]}
SBIR_TRL = {"Phase I": 3, "Phase II": 5}
SBIR_MODES = {"Phase I": ["rd_cooperation"], "Phase II": ["licence", "rd_cooperation"]}
_PENDING = re.compile(r"patent[- ]pending|patent application", re.IGNORECASE)
_SENTENCE_END = re.compile(r"(?<=[a-z0-9)][.!?])\s+(?=[A-Z])")

# NASA categories that name one priority-sector theme; the others (aerospace, sensors,
# optics ...) cut across themes and are left out of the agreement check.
NASA_CATEGORY_THEMES = {
    "health medicine and biotechnology": "pharma_health",
    "health and medicine": "pharma_health",
    "environment": "environment",
    "environment and resource management": "environment",
    "information technology and software": "it_electronics",
    "electrical and electronics": "it_electronics",
    "communications": "it_electronics",
    "computer technology": "it_electronics",
    "data and image processing": "it_electronics",
    "manufacturing": "mechanical",
    "mechanical and fluid systems": "mechanical",
    "industrial productivity/manufacturing technology": "mechanical",
    "transportation": "construction_transport",
}


def split_summary(text: str, max_summary: int = 400) -> tuple[str, str]:
    """(first sentence, the rest) when the first sentence is a fair summary, else ("", text)."""
    text = text.strip()
    parts = _SENTENCE_END.split(text, maxsplit=1)
    if len(parts) == 2 and 40 <= len(parts[0]) <= max_summary:
        return parts[0], parts[1]
    return "", text


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _title(title: str, text: str) -> str:
    """The title; when it is a stub ('A.', a scraping artefact), the opening of the text."""
    title = title.strip()
    if len(title) >= 8 or len(title) >= 3 and not title.endswith("."):
        return _clip(title, 300)
    return _clip(" ".join(text.split()[:12]), 120)


def _with_sectors(records: list[dict], classifier: SectorClassifier | None) -> list[dict]:
    if classifier is not None and records:
        texts = [join_fields(r["title"], r["summary"], r["description"]) for r in records]
        for record, prediction in zip(records, classifier.predict(texts), strict=True):
            record["sector_codes"] = [prediction.code]
    return records


def nasa_record(row: dict) -> dict:
    """One NASA T2 row as a dossier record (without sector codes)."""
    kind = row["kind"]
    summary, description = split_summary(row.get("description") or "")
    keywords = [row["category"]] if row.get("category") else []
    if row.get("release_type"):
        keywords.append(f"release: {row['release_type']}")
    if kind == "patent":
        pending = _PENDING.search(row.get("description") or "")
        ipr = "patent_pending" if pending else "patent_granted"
    else:
        ipr = "copyright" if kind == "software" else "none"
    center = row.get("center") or ""
    return {
        "ref": f"nasa:{row['id']}",
        "title": _title(row["title"], row.get("description") or row["title"] + " ..."),
        "summary": _clip(summary, 2_000),
        "description": _clip(description, 20_000),
        "language": "en",
        "origin_country": "US",
        "supplier_org": f"NASA {center}".strip() if kind != "spinoff" else "",
        "source": "other",
        "source_ref": f"NASA T2 {kind} {row['id']}",
        "sector_codes": [],
        "keywords": keywords,
        "trl": NASA_TRL.get(kind),
        "ipr_status": ipr,
        "transfer_modes": NASA_MODES[kind],
    }


def sbir_record(row: dict) -> dict:
    """One SBIR award as a dossier record (without sector codes)."""
    summary, description = split_summary(row["abstract"])
    phase = row.get("phase") or ""
    keywords = [k for k in (row.get("agency"), row.get("sub_agency")) if k]
    return {
        "ref": f"sbir:{row['award_id']}",
        "title": _title(row["title"], row["abstract"]),
        "summary": _clip(summary, 2_000),
        "description": _clip(description, 20_000),
        "language": "en",
        "origin_country": "US",
        "supplier_org": _clip(row.get("firm") or "", 300),
        "source": "other",
        "source_ref": _clip(row.get("url") or f"SBIR award {row['award_id']}", 200),
        "sector_codes": [],
        "keywords": keywords,
        "trl": SBIR_TRL.get(phase),
        "ipr_status": "know_how",
        "transfer_modes": SBIR_MODES.get(phase, ["rd_cooperation"]),
    }


def nasa_rows(shared: Path = SHARED) -> Iterator[dict]:
    with (shared / NASA_PATH).open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)


def sbir_rows(shared: Path = SHARED, limit: int | None = None) -> list[dict]:
    """SBIR award rows in file order (the first `limit` of them)."""
    import pyarrow.parquet as pq

    columns = ["award_id", "url", "title", "abstract", "firm", "agency", "sub_agency", "phase"]
    if limit is None:
        return pq.read_table(shared / SBIR_PATH, columns=columns).to_pylist()
    rows: list[dict] = []
    for batch in pq.ParquetFile(shared / SBIR_PATH).iter_batches(batch_size=min(limit, 10_000),
                                                                 columns=columns):
        rows.extend(batch.to_pylist()[: limit - len(rows)])
        if len(rows) >= limit:
            break
    return rows


def load_nasa(shared: Path = SHARED, limit: int | None = None,
              classifier: SectorClassifier | None = None, classify: bool = True) -> list[dict]:
    """NASA T2 dossier records (file order), sector codes from the classifier."""
    records = []
    for row in nasa_rows(shared):
        if limit is not None and len(records) >= limit:
            break
        records.append(nasa_record(row))
    return _with_sectors(records, (classifier or default_classifier()) if classify else None)


def load_sbir(shared: Path = SHARED, limit: int | None = None,
              classifier: SectorClassifier | None = None, classify: bool = True) -> list[dict]:
    """SBIR dossier records (file order). Classifying all 59,064 takes a few minutes;
    `classify=False` leaves `sector_codes` empty."""
    records = [sbir_record(row) for row in sbir_rows(shared, limit)]
    return _with_sectors(records, (classifier or default_classifier()) if classify else None)


def as_document(record: dict, record_id: int) -> Document:
    """A record in its indexed form, as `matcher.search.documents.dossier_document` builds it
    for a dossier stored today (listed for the default validity period)."""
    return Document(
        id=record_id, title=record["title"],
        text=join_fields(record["title"], record["summary"], record["description"],
                         record.get("advantages", ""), ", ".join(record["keywords"])),
        language=record["language"], status="active",
        sector_codes=tuple(record["sector_codes"]), origin_country=record["origin_country"],
        trl=record["trl"], transfer_modes=tuple(record["transfer_modes"]),
        valid_until=default_valid_until())


def nasa_agreement(classifier: SectorClassifier, shared: Path = SHARED) -> dict:
    """How often the classifier's theme equals the theme a NASA category names."""
    rows = [r for r in nasa_rows(shared) if r.get("category") in NASA_CATEGORY_THEMES]
    texts = [join_fields(r["title"], r.get("description") or "") for r in rows]
    predicted = [p.theme for p in classifier.predict(texts)]
    truth = [NASA_CATEGORY_THEMES[r["category"]] for r in rows]
    return {**scores(truth, predicted),
            "themes": dict(Counter(truth)), "confusions": dict(Counter(
                f"{t}->{p}" for t, p in zip(truth, predicted, strict=True) if t != p
            ).most_common(8))}


def main() -> None:
    held_out = evaluate()
    agreement = nasa_agreement(default_classifier()) if (SHARED / NASA_PATH).exists() else None
    rows = [[name, held_out[name]["n"], held_out[name]["accuracy"], held_out[name]["macro_f1"]]
            for name in ("overall", "written", "seed_dossiers") if name in held_out]
    if agreement:
        rows.append(["NASA T2 categories naming a theme (external, not tuned on)",
                     agreement["n"], agreement["accuracy"], agreement["macro_f1"]])
    table = markdown_table(["sector classifier: held-out set", "n", "accuracy", "macro-F1"], rows)
    print(table)
    write_result("sector_classifier", {"held_out": held_out, "nasa_agreement": agreement}, table)


if __name__ == "__main__":
    main()
