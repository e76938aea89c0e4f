"""How complete dossiers are (`matcher.models.quality`): how many miss each item an EEN
reviewer checks, and how the 0–100 score is distributed, on the seed dossiers and, for
contrast, on real records as `benchmarks/adapters.py` maps them (NASA T2, the first 5,000 SBIR
awards: they state no price, advantages or receiver requirements).

`python -m benchmarks.completeness` reads `seed_data/dossiers/*.jsonl` and, when present, the
corpora in `../shared/data/` (no database, no model) and writes
`benchmarks/results/completeness.{json,md}`.
"""

from collections import Counter
from pathlib import Path

from benchmarks.adapters import NASA_PATH, SBIR_PATH, load_nasa, load_sbir
from benchmarks.devset import SHARED
from benchmarks.report import markdown_table, write_result
from matcher.ingest.tabular import read_rows
from matcher.models import Dossier, DossierCreate
from matcher.models.quality import CHECKS, assess_quality
from matcher.platform.config import REPO_ROOT

SEED_DOSSIERS = REPO_ROOT / "seed_data" / "dossiers"


def seed_dossiers(folder: Path = SEED_DOSSIERS) -> list[Dossier]:
    """The seed dossiers as unsaved records, validated as an import validates them."""
    return [Dossier.model_validate(DossierCreate.model_validate(row))
            for path in sorted(folder.glob("*.jsonl")) for row in read_rows(path)]


def corpus_dossiers(records: list[dict]) -> list[Dossier]:
    """Adapted corpus records as unsaved dossiers (their sectors are not needed here)."""
    return [Dossier.model_validate(DossierCreate.model_validate({**r, "sector_codes": []}))
            for r in records]


def measure(dossiers: list[Dossier]) -> dict:
    """Per item, how many dossiers miss it; per score, how many dossiers have it."""
    qualities = [assess_quality(d) for d in dossiers]
    missing = Counter(item.key for q in qualities for item in q.missing)
    scores = Counter(q.score for q in qualities)
    return {
        "dossiers": len(dossiers),
        "missing": {c.key: missing[c.key] for c in CHECKS},
        "scores": dict(sorted(scores.items(), reverse=True)),
        "mean_score": round(sum(q.score for q in qualities) / max(len(qualities), 1), 1),
    }


def tables(results: dict[str, dict]) -> str:
    """Dossiers missing each item, and the distribution of the score, one column per set."""
    names = list(results)
    items = markdown_table(
        ["item (EEN review)", "weight", *[f"missing: {n}" for n in names]],
        [[f"{c.label_en} / {c.label_vi}", c.weight,
          *[f"{r['missing'][c.key]} ({r['missing'][c.key] / r['dossiers']:.1%})"
            for r in results.values()]] for c in CHECKS])
    every = sorted({s for r in results.values() for s in r["scores"]}, reverse=True)
    scores = markdown_table(["score", *names],
                            [[s, *[r["scores"].get(s, 0) for r in results.values()]]
                             for s in every])
    means = markdown_table(["", *names], [
        ["dossiers", *[r["dossiers"] for r in results.values()]],
        ["mean score", *[r["mean_score"] for r in results.values()]]])
    return f"{items}\n\n{scores}\n\n{means}"


def main() -> None:
    results = {"seed": measure(seed_dossiers())}
    if (SHARED / NASA_PATH).exists():
        results["NASA T2"] = measure(corpus_dossiers(load_nasa(classify=False)))
    if (SHARED / SBIR_PATH).exists():
        results["SBIR (first 5,000)"] = measure(corpus_dossiers(load_sbir(limit=5000,
                                                                          classify=False)))
    table = tables(results)
    write_result("completeness", results, table)
    print(table)


if __name__ == "__main__":
    main()
