"""The bilingual domain lexicon: load, validate, and translate Vietnamese text into English terms.

Entries live in `seed_data/lexicon/*.tsv` (`vi`, `en`, `sector`, `kind`). Lookup is by longest
match over syllables. A syllable typed without diacritics matches any accented spelling, so
"nuoc thai chan nuoi" finds the entry "nước thải chăn nuôi"; a syllable typed with them matches
only its own spelling, so "đạt yêu cầu" (meets the requirements) never becomes "đất yếu" (soft
soil).
"""

import csv
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from matcher.text.vietnamese import has_diacritics, normalize_tones, strip_diacritics, tokenize

COLUMNS = ("vi", "en", "sector", "kind")
MAX_PHRASE = 8


@dataclass(frozen=True)
class Entry:
    """One lexicon line: a Vietnamese term and its English renderings."""

    vi: str
    en: tuple[str, ...]
    sector: str
    kind: str
    source: str


@dataclass(frozen=True)
class Translation:
    """A stretch of the input text recognised in the lexicon, with its English terms."""

    vi: str
    en: tuple[str, ...]
    kind: str = ""  # the entry's kind: `induced` for entries grown from data


class LexiconError(ValueError):
    """A lexicon file is malformed; the message names the file and line."""


def _key(text: str) -> tuple[str, ...]:
    return tuple(strip_diacritics(tok) for tok in tokenize(text))


def _spelling(text: str) -> tuple[str, ...]:
    """The syllables as spelt, lower-case, tone marks placed one way ("hoà" = "hòa")."""
    return tuple(normalize_tones(tok) for tok in tokenize(text))


def _fits(typed: tuple[str, ...], spelt: tuple[str, ...]) -> bool:
    """Whether syllables typed by a user fit an entry's spelling (their folded forms already
    agree): each typed syllable is spelt the same, or was typed without diacritics."""
    return all(t == s or not has_diacritics(t) for t, s in zip(typed, spelt, strict=True))


def read_entries(directory: Path) -> list[Entry]:
    """All entries of every `*.tsv` file in `directory`, raising LexiconError on a bad line."""
    entries: list[Entry] = []
    for path in sorted(directory.glob("*.tsv")):
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
            header = next(reader, None)
            if header is None or tuple(h.strip() for h in header) != COLUMNS:
                raise LexiconError(f"{path.name}: header must be {' '.join(COLUMNS)}")
            for line_no, row in enumerate(reader, start=2):
                if not row or not "".join(row).strip():
                    continue
                if len(row) != len(COLUMNS):
                    raise LexiconError(f"{path.name}:{line_no}: expected 4 columns, got {len(row)}")
                vi, en, sector, kind = (cell.strip() for cell in row)
                renderings = tuple(e.strip() for e in en.split("|") if e.strip())
                entries.append(Entry(vi, renderings, sector, kind, f"{path.name}:{line_no}"))
    return entries


def validate(entries: list[Entry]) -> list[str]:
    """Problems found: empty sides, exact duplicates, and conflicts (same term, other English)."""
    problems: list[str] = []
    seen: dict[str, Entry] = {}
    for entry in entries:
        if not entry.vi or not entry.en:
            problems.append(f"{entry.source}: empty side")
            continue
        key = entry.vi.lower()
        first = seen.get(key)
        if first is None:
            seen[key] = entry
        elif set(first.en) == set(entry.en):
            problems.append(f"{entry.source}: duplicate of {first.source} ('{entry.vi}')")
        elif not set(first.en) & set(entry.en):
            problems.append(
                f"{entry.source}: '{entry.vi}' conflicts with {first.source} "
                f"({' | '.join(entry.en)} vs {' | '.join(first.en)})"
            )
    return problems


class Lexicon:
    """Vietnamese → English lookup by longest syllable match (and English → Vietnamese)."""

    def __init__(self, entries: list[Entry]) -> None:
        self.entries = entries
        self._by_key: dict[tuple[str, ...], list[tuple[tuple[str, ...], Entry]]] = \
            defaultdict(list)
        self._by_english: dict[str, list[str]] = defaultdict(list)
        for entry in entries:
            key = _key(entry.vi)
            if key and entry.en:
                self._by_key[key].append((_spelling(entry.vi), entry))
                for rendering in entry.en:
                    self._by_english[rendering.lower()].append(entry.vi)
        self._longest = min(MAX_PHRASE, max((len(k) for k in self._by_key), default=1))

    @classmethod
    def load(cls, directory: Path) -> "Lexicon":
        """Read and index every file in `directory`."""
        return cls(read_entries(directory))

    def __len__(self) -> int:
        return len(self.entries)

    def translate(self, text: str) -> list[Translation]:
        """Vietnamese phrases recognised in `text`, left to right, the longest at each position
        whose spelling fits what was typed (an exact spelling first)."""
        tokens = [normalize_tones(t) for t in tokenize(text)]
        folded = [strip_diacritics(t) for t in tokens]
        found: list[Translation] = []
        position = 0
        while position < len(tokens):
            for size in range(min(self._longest, len(tokens) - position), 0, -1):
                entry = self._lookup(tuple(folded[position : position + size]),
                                     tuple(tokens[position : position + size]))
                if entry is not None:
                    found.append(Translation(entry.vi, entry.en, entry.kind))
                    position += size
                    break
            else:
                position += 1
        return found

    def _lookup(self, key: tuple[str, ...], typed: tuple[str, ...]) -> Entry | None:
        """The entry spelt exactly as typed, else the first whose spelling fits it."""
        fitting = [(spelt, e) for spelt, e in self._by_key.get(key, ()) if _fits(typed, spelt)]
        exact = next((e for spelt, e in fitting if spelt == typed), None)
        return exact or (fitting[0][1] if fitting else None)

    def vietnamese_terms(self, english_text: str) -> list[str]:
        """Vietnamese terms whose English rendering occurs in `english_text` (reverse lookup)."""
        lowered = f" {' '.join(english_text.lower().split())} "
        return [vi for en, terms in self._by_english.items()
                if f" {en} " in lowered for vi in terms]
