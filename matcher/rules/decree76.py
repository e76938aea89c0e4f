"""Decree 76/2018/NĐ-CP: technologies encouraged (Annex I), restricted (Annex II) and
prohibited (Annex III) for transfer, matched against a dossier's text in both languages.

The annexes are data (`seed_data/screening/decree76.tsv`), versioned by `valid_from` and
`valid_to`, so an amended list is a new row, never new code. Each item has match phrases in
Vietnamese and English (`|` between alternatives, `&` between phrases that must all occur).
Phrases match whole words in order: "lò đứng" matches "lò đứng" and "lo dung" typed without
diacritics, never "lò đứng" inside other words, and an accented "lọ dùng" does not match it
either (a token typed with diacritics must match them). A phrase in a sentence that presents
the dossier as an alternative ("replaces", "phased out", "CFC-free", "thay thế", "không dùng")
does not count.
"""

import csv
import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

from matcher.models import Dossier
from matcher.models.enums import Severity
from matcher.rules.screening import Finding
from matcher.text.vietnamese import strip_diacritics, tokenize

DEFAULT_PATH = Path(__file__).resolve().parents[2] / "seed_data" / "screening" / "decree76.tsv"
# Words that, in the sentence of a phrase, say the technology is an alternative to what the
# phrase names ("replaces hexavalent chromium", "HCFCs are being phased out", "CFC-free"): a
# dossier that mentions a restricted technology to displace it is not offering it.
CONTRASTS = tuple(tuple(tokenize(c)) for c in (
    "replace replaces replacing replaced substitute substitutes substituting alternative "
    "alternatives instead unlike without phased eliminate eliminates eliminating avoid avoids "
    "free ban banned").split()) + tuple(tuple(tokenize(c)) for c in (
    "thay thế", "thay cho", "thay vì", "loại bỏ", "không dùng", "không sử dụng", "không chứa"))
_bare = lru_cache(maxsize=65_536)(strip_diacritics)  # words repeat across dossiers
SENTENCE_END = re.compile(r"[.!?;\n]+")

ANNEXES: dict[str, tuple[Severity, str, str]] = {
    "I": (Severity.info, "khuyến khích chuyển giao", "encouraged for transfer"),
    "II": (Severity.warning, "hạn chế chuyển giao", "restricted for transfer"),
    "III": (Severity.prohibited, "cấm chuyển giao", "prohibited for transfer"),
}

Phrase = tuple[str, ...]


@dataclass(frozen=True)
class AnnexItem:
    """One item of an annex, with its match phrases and the period it is in force."""

    annex: str
    item: str
    wording_vi: str
    wording_en: str
    phrases: tuple[tuple[Phrase, ...], ...]  # alternatives, each all of its phrases
    valid_from: date
    valid_to: date | None
    source: str

    def in_force(self, today: date) -> bool:
        return self.valid_from <= today and (self.valid_to is None or today <= self.valid_to)


def _alternatives(vi: str, en: str) -> tuple[tuple[Phrase, ...], ...]:
    found = []
    for text in (vi, en):
        for alternative in text.split("|"):
            parts = tuple(tuple(tokenize(p)) for p in alternative.split("&"))
            if parts and all(parts):
                found.append(parts)
    return tuple(found)


def load_annexes(path: Path = DEFAULT_PATH) -> list[AnnexItem]:
    """The annex items of the data file, in its order; a row with an unknown annex is an
    error (a typo would otherwise silently screen nothing)."""
    items = []
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            if row["annex"] not in ANNEXES:
                raise ValueError(f"{path.name}: unknown annex '{row['annex']}'")
            items.append(AnnexItem(
                annex=row["annex"], item=row["item"], wording_vi=row["wording_vi"],
                wording_en=row["wording_en"],
                phrases=_alternatives(row["keywords_vi"], row["keywords_en"]),
                valid_from=date.fromisoformat(row["valid_from"]),
                valid_to=date.fromisoformat(row["valid_to"]) if row["valid_to"] else None,
                source=row["source"]))
    return items


class Text:
    """A dossier's text as tokens, each also without diacritics, sentence by sentence, for
    phrase matching."""

    def __init__(self, text: str) -> None:
        self.tokens: list[str] = []
        self.sentence: list[int] = []  # the sentence of each token
        for number, part in enumerate(SENTENCE_END.split(text)):
            words = tokenize(part)
            self.tokens += words
            self.sentence += [number] * len(words)
        self.bare = [_bare(t) for t in self.tokens]
        self.positions: dict[str, list[int]] = {}
        for i, token in enumerate(self.bare):
            self.positions.setdefault(token, []).append(i)
        self.contrasted = {self.sentence[i] for phrase in CONTRASTS
                           for i in self._starts(phrase)}

    def _token_fits(self, i: int, wanted: str) -> bool:
        token = self.tokens[i]
        if token == wanted or token in (wanted + "s", wanted + "es"):
            return True
        return self.bare[i] == token and token == _bare(wanted)  # typed bare

    def _starts(self, phrase: Phrase) -> list[int]:
        first = _bare(phrase[0])
        found = []
        for start in self.positions.get(first, []) + self.positions.get(first + "s", []):
            end = start + len(phrase)
            if end <= len(self.tokens) and self.sentence[end - 1] == self.sentence[start] \
                    and all(self._token_fits(start + k, w) for k, w in enumerate(phrase)):
                found.append(start)
        return found

    def find(self, phrase: Phrase) -> bool:
        """Whether `phrase` occurs as whole words in a sentence that does not contrast it."""
        return any(self.sentence[start] not in self.contrasted for start in self._starts(phrase))


def dossier_words(dossier: Dossier) -> str:
    """The dossier's own words that screening reads: title, summary, description, advantages,
    keywords."""
    return "\n".join([dossier.title, dossier.summary, dossier.description, dossier.advantages,
                      ", ".join(dossier.keywords)])


class Decree76Rule:
    """Findings for the annex items in force whose phrases occur in the dossier."""

    name = "decree76"

    def __init__(self, items: list[AnnexItem] | None = None) -> None:
        self.items = items if items is not None else load_annexes()

    def check(self, dossier: Dossier, today: date) -> list[Finding]:
        text = Text(dossier_words(dossier))
        found = []
        for item in self.items:
            if not item.in_force(today):
                continue
            hit = next((alt for alt in item.phrases if all(text.find(p) for p in alt)), None)
            if hit is not None:
                found.append(_finding(item, " + ".join(" ".join(p) for p in hit)))
        return found


def _finding(item: AnnexItem, evidence: str) -> Finding:
    severity, verdict_vi, verdict_en = ANNEXES[item.annex]
    return Finding(
        rule=Decree76Rule.name, severity=severity, annex=item.annex, item=item.item,
        message_vi=f"{verdict_vi} theo Phụ lục {item.annex}, Nghị định 76/2018 "
                   f"(mục {item.item}: {item.wording_vi})"[:500],
        message_en=f"{verdict_en} under Annex {item.annex}, Decree 76/2018 "
                   f"(item {item.item}: {item.wording_en})"[:500],
        evidence=evidence[:300])
