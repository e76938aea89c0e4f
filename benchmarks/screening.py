"""Compliance screening on labelled dossiers: precision and recall of each rule.

The 340 seed dossiers and 26 extra ones written for this benchmark
(`benchmarks/data/screening_extra.jsonl`: restricted and prohibited technologies, tricky
negatives that mention one to replace it, second-hand equipment, inflated prices) are screened
with the product's rules, as of the labelling date, against `benchmarks/data/screening_labels.tsv`
(labelled by reading the dossiers). Counted per dossier and rule: a dossier is a positive of a
rule when its label names a finding of that rule (for `decree76`, of Annexes II or III: Annex I
is informational and not labelled). For `decree76` the item found is also checked. The price
rule is also measured at neighbouring thresholds, to show how its threshold sits.

    python -m benchmarks.screening
"""

import json
from datetime import date
from pathlib import Path

from benchmarks.report import markdown_table, write_result
from matcher.models import Dossier, Sector
from matcher.models.sector_catalog import SectorCatalog
from matcher.platform.config import REPO_ROOT
from matcher.rules.decree76 import Decree76Rule
from matcher.rules.feasibility import ExchangeRates
from matcher.rules.price_outlier import THRESHOLD, PriceOutlierRule, PricePoint, price_of
from matcher.rules.screening import Finding, ScreeningRule
from matcher.rules.second_hand import SecondHandAgeRule

DATA = REPO_ROOT / "benchmarks" / "data"
SEED = REPO_ROOT / "seed_data"
LABELLED_ON = date(2026, 12, 7)
RULES = ("decree76", "second_hand_age", "price_outlier")


def load_dossiers() -> list[Dossier]:
    """Seed and extra dossiers, numbered in file order."""
    paths = sorted((SEED / "dossiers").glob("*.jsonl")) + [DATA / "screening_extra.jsonl"]
    rows = [json.loads(line) for path in paths for line in path.read_text("utf-8").splitlines()
            if line.strip()]
    dossiers = []
    for number, row in enumerate(rows, 1):
        dossier = Dossier.model_validate(row)
        dossier.id = number
        dossiers.append(dossier)
    return dossiers


def load_labels(path: Path = DATA / "screening_labels.tsv") -> dict[str, set[str]]:
    """ref → expected finding keys (`decree76:II.10`, `second_hand_age`, ...)."""
    labels = {}
    for line in path.read_text("utf-8").splitlines():
        if line.startswith("#") or line.startswith("ref\t") or not line.strip():
            continue
        ref, expected, _title = line.split("\t", 2)
        labels[ref] = set() if expected == "-" else set(expected.split())
    return labels


def _key(finding: Finding) -> str | None:
    if finding.rule == "decree76":
        return None if finding.annex == "I" else f"decree76:{finding.annex}.{finding.item}"
    return finding.rule


def build_rules(dossiers: list[Dossier], threshold: float = THRESHOLD) -> list[ScreeningRule]:
    sectors = json.loads((SEED / "sectors.json").read_text("utf-8"))["sectors"]
    catalog = SectorCatalog([Sector.model_validate(s) for s in sectors])
    rates = ExchangeRates.load(SEED / "exchange_rates.json")
    book = [PricePoint(d.id or 0, frozenset(catalog.themes(d.sector_codes)), price)
            for d in dossiers if (price := price_of(d, rates)) is not None]
    return [Decree76Rule(), SecondHandAgeRule(),
            PriceOutlierRule(book, catalog.themes, rates, threshold=threshold)]


def found_keys(dossiers: list[Dossier], rules: list[ScreeningRule]) -> dict[str, set[str]]:
    found = {}
    for dossier in dossiers:
        keys = {_key(f) for rule in rules for f in rule.check(dossier, LABELLED_ON)}
        found[dossier.ref or ""] = {k for k in keys if k}
    return found


def measure(labels: dict[str, set[str]], found: dict[str, set[str]], rule: str) -> dict:
    """Dossier-level counts, precision and recall of one rule, and the misses by name."""
    def has(keys: set[str]) -> bool:
        return any(k == rule or k.startswith(rule + ":") for k in keys)

    tp = [r for r in labels if has(labels[r]) and has(found[r])]
    fp = [r for r in labels if not has(labels[r]) and has(found[r])]
    fn = [r for r in labels if has(labels[r]) and not has(found[r])]
    exact = [r for r in tp if {k for k in found[r] if k.startswith(rule)}
             == {k for k in labels[r] if k.startswith(rule)}]
    return {"positives": len(tp) + len(fn), "flagged": len(tp) + len(fp), "tp": len(tp),
            "precision": len(tp) / (len(tp) + len(fp)) if tp or fp else 1.0,
            "recall": len(tp) / (len(tp) + len(fn)) if tp or fn else 1.0,
            "same_items": len(exact), "false_positives": fp, "missed": fn}


def main() -> None:
    dossiers = load_dossiers()
    labels = load_labels()
    missing = {d.ref for d in dossiers} ^ set(labels)
    if missing:
        raise SystemExit(f"labels and dossiers differ: {sorted(missing)}")
    found = found_keys(dossiers, build_rules(dossiers))
    results = {rule: measure(labels, found, rule) for rule in RULES}
    rows = [[rule, r["positives"], r["flagged"], r["tp"], r["precision"], r["recall"],
             ", ".join(r["false_positives"]) or "—", ", ".join(r["missed"]) or "—"]
            for rule, r in results.items()]
    table = markdown_table(["rule", "labelled positives", "flagged", "true positives",
                            "precision", "recall", "false positives", "missed"], rows)
    sweep = []
    for threshold in (2.5, 3.0, 3.5, 4.0, 5.0):
        swept = measure(labels, found_keys(dossiers, build_rules(dossiers, threshold)[2:]),
                        "price_outlier")
        sweep.append([threshold, swept["flagged"], swept["tp"], swept["precision"],
                      swept["recall"]])
    sweep_table = markdown_table(["price threshold (modified z)", "flagged", "true positives",
                                  "precision", "recall"], sweep)
    decree = results["decree76"]
    note = (f"decree76: {decree['same_items']} of {decree['tp']} true positives name exactly "
            f"the labelled annex items. {len(dossiers)} dossiers "
            f"({len(labels) - 26} seed + 26 extra).")
    print(table, "\n\n", sweep_table, "\n\n", note, sep="")
    write_result("screening", {"rules": results, "price_sweep": sweep, "note": note},
                 f"{table}\n\n{sweep_table}\n\n{note}")


if __name__ == "__main__":
    main()
