"""Removes an enterprise's identity from text shown anonymised (to organisers): its names, typed
with or without diacritics and with or without legal-form words ("Công ty TNHH"), its tax
codes in any spacing, and any e-mail address or Vietnamese phone number.

Matching works on a folded copy of the text (NFC, diacritics stripped char by char, đ → d,
lowercased) that has the same length as the NFC text, so each span found in the folded copy is
cut from the NFC text at the same offsets.
"""

import re
import unicodedata
from collections.abc import Callable, Iterable
from enum import Enum
from functools import lru_cache
from typing import Any

from pydantic import BaseModel

NAME_MARK = "[doanh nghiệp]"
TAX_CODE_MARK = "[mã số thuế]"
EMAIL_MARK = "[email]"
PHONE_MARK = "[số điện thoại]"

# Legal-form words of enterprise names, folded. Stripped from either end of a name to get its
# distinctive core, and absorbed around that core in text ("Cty CP" + core → one mark).
_LEGAL_HEAD = (
    "tong cong ty", "cong ty", "cty", "chi nhanh", "tap doan", "doanh nghiep tu nhan", "dntn",
    "doanh nghiep", "hop tac xa", "htx", "trach nhiem huu han", "tnhh", "hai thanh vien tro len",
    "hai thanh vien", "mot thanh vien", "mtv", "co phan", "cp",
)  # fmt: skip
_LEGAL_TAIL = (
    "co., ltd", "co ltd", "co.", "ltd", "limited", "jsc", "joint stock company", "company",
    "corporation", "corp", "inc", "llc", "group", "one member",
)  # fmt: skip
# Name-side only: "co" without a dot ends English names ("... Agricultural Co"), but in text
# it is the folded Vietnamese "có"/"cơ", so text never absorbs it.
_NAME_ONLY_TAIL = ("co",)
_TAX_LABELS = ("mst", "msdn", "ma so thue", "ma so doanh nghiep", "tax code", "tax id")

_SEP = r"(?:\s*[.\-–]\s*|\s+)?"  # what may stand between two digits of a tax code
_EMAIL = re.compile(r"[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+")
_LABELLED_TAX_CODE = re.compile(
    r"(?<!\w)(?:" + "|".join(p.replace(" ", r"\s+") for p in _TAX_LABELS) + r")(?!\w)"
    r"[\s:()]*(?:la\s+|is\s+)?"
    rf"(?P<code>\d(?:{_SEP}\d){{9}}(?:{_SEP}\d(?:{_SEP}\d){{2}})?)(?!\d)"
)
# +84 / 0084 / (+84), optionally "(0)", then 9–10 digits; or 0 / (0 then 9–10 digits: 10–11
# digits with the leading 0. Digits may be split by one space, dot or dash, or by ")".
_PHONE = re.compile(
    r"(?:(?<![\w+])(?:\+84|0084|\(\+84\))[\s.\-]*(?:\(0\)[\s.\-]*)?|(?<![\w.,/+\-])\(?0)"
    r"[1-9](?:(?:[\s.\-]|\)\s?)?\d){8,9}(?![\w/]|[.,]\d)"
)


@lru_cache(maxsize=8192)
def _fold_char(ch: str) -> str:
    """One NFC character without diacritics, lowercased; itself when that would not be one
    character (a Hangul syllable decomposes into several letters, 'İ' lowercases into two)."""
    if ch in "đĐÐ":
        return "d"
    base = "".join(c for c in unicodedata.normalize("NFD", ch) if not unicodedata.combining(c))
    if len(base) != 1:
        base = ch
    low = base.lower()
    return low if len(low) == 1 else base


def fold(text: str) -> str:
    """The NFC text folded for matching, char by char so that offsets are kept:
    'Nông sản Lục Ngạn' → 'nong san luc ngan'."""
    return "".join(_fold_char(ch) for ch in text)


def _phrase(words: str) -> str:
    return r"\s+".join(re.escape(w) for w in words.split())


def _legal_key(token: str) -> str:
    return token.strip(".,;:()&-")


def _strip_legal(tokens: list[str]) -> list[str]:
    """The tokens of a folded name without legal-form words (or lone punctuation) at either
    end; English forms only at the end, where "co" cannot be the Vietnamese "cơ" of "Cơ khí"."""
    heads = sorted((p.split() for p in _LEGAL_HEAD), key=len, reverse=True)
    tails = sorted((p.split() for p in _LEGAL_HEAD + _LEGAL_TAIL + _NAME_ONLY_TAIL),
                   key=len, reverse=True)
    keys = [_legal_key(t) for t in tokens]
    start, stop = 0, len(keys)
    changed = True
    while changed and start < stop:
        changed = False
        if not keys[start]:
            start, changed = start + 1, True
        elif not keys[stop - 1]:
            stop, changed = stop - 1, True
        for words in heads:
            if keys[start : start + len(words)] == [_legal_key(w) for w in words]:
                start, changed = start + len(words), True
                break
        for words in tails:
            if stop - len(words) >= start and \
                    keys[stop - len(words) : stop] == [_legal_key(w) for w in words]:
                stop, changed = stop - len(words), True
                break
    return tokens[start:stop]


def _name_pattern(names: Iterable[str]) -> re.Pattern[str] | None:
    """One regex (on folded text) for every name and every distinctive core of ≥ 2 words, with
    any legal-form words around them in the text."""
    forms: set[str] = set()
    for name in names:
        tokens = fold(unicodedata.normalize("NFC", name)).split()
        if not tokens:
            continue
        forms.add(" ".join(tokens))
        core = _strip_legal(tokens)
        if len(core) >= 2:
            forms.add(" ".join(core))
    if not forms:
        return None
    ordered = sorted(forms, key=lambda f: (-len(f), f))
    head = "|".join(_phrase(p) for p in sorted(_LEGAL_HEAD, key=len, reverse=True))
    tail = "|".join(_phrase(p) for p in sorted(_LEGAL_TAIL, key=len, reverse=True))
    return re.compile(
        rf"(?<!\w)(?:(?:{head})\s+)*(?:{'|'.join(_phrase(f) for f in ordered)})"
        rf"(?:,?\s+(?:{tail})(?!\w))*(?!\w)"
    )


def _tax_code_pattern(tax_codes: Iterable[str]) -> re.Pattern[str] | None:
    """One regex for the given tax codes in any spacing; a 10-digit code also matches its
    branches (10 + 3 digits), a branch code also its head office (the first 10)."""
    heads = sorted({d[:10] for d in (re.sub(r"\D", "", c) for c in tax_codes) if d})
    if not heads:
        return None
    alternatives = "|".join(_SEP.join(head) for head in heads)
    return re.compile(rf"(?<!\d)(?:{alternatives})(?:{_SEP}\d(?:{_SEP}\d){{2}})?(?!\d)")


def _cut(text: str, pattern: re.Pattern[str] | None, mark: str, group: int | str = 0) -> str:
    """`text` (NFC) with every match of `pattern` in its folded copy replaced by `mark`."""
    if pattern is None:
        return text
    pieces: list[str] = []
    end = 0
    for match in pattern.finditer(fold(text)):
        start, stop = match.span(group)
        pieces += [text[end:start], mark]
        end = stop
    if not pieces:
        return text
    pieces.append(text[end:])
    return "".join(pieces)


class Scrubber:
    """Removes one enterprise's identity (and any e-mail or phone number) from text."""

    def __init__(self, names: Iterable[str], tax_codes: Iterable[str] = ()) -> None:
        """`names`: the enterprise's names (legal name, short or English name); `tax_codes`: its
        tax codes in any format. Blank ones are ignored."""
        self._names = _name_pattern(n for n in names if n and n.strip())
        self._tax_codes = _tax_code_pattern(c for c in tax_codes if c and c.strip())

    def text(self, value: str) -> str:
        """The text with names, tax codes, e-mails and phone numbers replaced by marks; the very
        same string when there is nothing to remove."""
        nfc = unicodedata.normalize("NFC", value)
        out = _cut(nfc, _EMAIL, EMAIL_MARK)
        out = _cut(out, _LABELLED_TAX_CODE, TAX_CODE_MARK, "code")
        out = _cut(out, self._tax_codes, TAX_CODE_MARK)
        out = _cut(out, _PHONE, PHONE_MARK)
        out = _cut(out, self._names, NAME_MARK)
        return value if out == nfc else out

    def deep(self, value: Any) -> Any:
        """A copy of `value` with every string inside it scrubbed (see `walk`)."""
        return self.walk(value, self.text)

    @staticmethod
    def walk(value: Any, text: Callable[[str], str]) -> Any:
        """A copy of `value` with `text` applied to every string in it: the string itself, the
        values (not the keys) of dicts, the items of lists, tuples and sets, the fields of
        pydantic models (same model type; a SQLModel table row becomes a new, unsaved row).
        Enum members and other values are kept as they are."""
        if isinstance(value, Enum):
            return value
        if isinstance(value, str):
            return text(value)
        if isinstance(value, dict):
            return {k: Scrubber.walk(v, text) for k, v in value.items()}
        if isinstance(value, list | set | frozenset):
            return type(value)(Scrubber.walk(v, text) for v in value)
        if isinstance(value, tuple):
            items = [Scrubber.walk(v, text) for v in value]
            return type(value)(*items) if hasattr(value, "_fields") else type(value)(items)
        if isinstance(value, BaseModel):
            fields = {name: Scrubber.walk(getattr(value, name), text)
                      for name in type(value).model_fields}
            for name, extra in (value.model_extra or {}).items():
                fields[name] = Scrubber.walk(extra, text)
            if getattr(type(value), "__table__", None) is not None:
                # A table row's constructor does not validate (a mark is no valid tax code)
                # and gives the copy its own SQLAlchemy state, which model_copy would share.
                return type(value)(**fields)
            return value.model_copy(update=fields)
        return value
