"""Removes an enterprise's identity from text shown anonymised (to organisers): its names, typed
with or without diacritics, with or without legal-form words ("Công ty TNHH") or opening
industry words ("Cơ khí"), with spaces or hyphens between words; its tax codes in any spacing;
and any e-mail address or Vietnamese phone number.

Matching works on a folded copy of the text (NFC, diacritics stripped char by char, đ → d,
lowercased, any decimal digit as its ASCII digit) that has the same length as the NFC text, so
each span found in the folded copy is cut from the NFC text at the same offsets.
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
    "tong cong ty", "cong ty co phan", "cong ty", "cty", "ctcp", "chi nhanh", "tap doan",
    "doanh nghiep tu nhan", "dntn", "doanh nghiep", "hop tac xa", "htx", "trach nhiem huu han",
    "tnhh", "hai thanh vien tro len", "hai thanh vien", "mot thanh vien", "mtv", "co phan", "cp",
)  # fmt: skip
_LEGAL_TAIL = (
    "co., ltd", "co.,ltd", "co ltd", "co.", "ltd", "limited", "jsc", "joint stock company",
    "company", "corporation", "corp", "inc", "llc", "group", "one member",
)  # fmt: skip
# Name-side only: "co" without a dot ends English names ("... Agricultural Co"), but in text
# it is the folded Vietnamese "có"/"cơ", so text never absorbs it.
_NAME_ONLY_TAIL = ("co",)
# Trade and industry words that often open a name's core ("Cơ khí Hải Đăng Phát"), folded. The
# core without them is removed too, and text absorbs them between a legal form and the name.
_INDUSTRY = (
    "thuong mai", "dich vu", "san xuat", "dau tu", "xay dung", "co khi", "cong nghe",
    "ky thuat", "ki thuat", "phat trien", "xuat nhap khau", "xuat khau", "nhap khau", "tu van",
    "thiet ke", "giai phap", "kinh doanh", "tong hop", "chuyen giao", "van tai", "tm", "dv",
    "sx", "xd", "xnk", "tmdv", "dvtm", "sxtm", "tmsx", "dtxd",
    # trades that open many names ("Phần mềm Xương Giang", "Linh kiện Điện tử Vân Trung")
    "phan mem", "linh kien", "dien tu", "dien lanh", "co dien", "thiet bi", "dong tau",
    "duoc pham", "thuc pham", "nong san", "thuy san", "nong nghiep", "che bien", "may mac",
    "det may", "hoa chat", "vat lieu", "moi truong", "tu dong hoa", "cong nghiep", "bao bi",
    "phan bon", "chinh xac",
)  # fmt: skip
# Places and like words, folded: a name without its industry words that ends in one of them
# ("Chính xác Hà Nội", "Phát triển Việt Nam") reads as ordinary text, so it is not removed alone.
_PLACES = (
    "an giang", "ba ria vung tau", "vung tau", "bac lieu", "bac giang", "bac kan", "bac ninh",
    "ben tre", "binh duong", "binh dinh", "binh phuoc", "binh thuan", "ca mau", "cao bang",
    "can tho", "da nang", "dak lak", "dak nong", "dien bien", "dong nai", "dong thap", "gia lai",
    "ha giang", "ha nam", "ha noi", "ha tinh", "hai duong", "hai phong", "hau giang", "hoa binh",
    "hung yen", "khanh hoa", "kien giang", "kon tum", "lai chau", "lang son", "lao cai",
    "lam dong", "long an", "nam dinh", "nghe an", "ninh binh", "ninh thuan", "phu tho", "phu yen",
    "quang binh", "quang nam", "quang ngai", "quang ninh", "quang tri", "soc trang", "son la",
    "tay ninh", "thai binh", "thai nguyen", "thanh hoa", "thua thien hue", "hue", "tien giang",
    "ho chi minh", "hcm", "tphcm", "sai gon", "tra vinh", "tuyen quang", "vinh long",
    "vinh phuc", "yen bai", "viet nam", "vietnam", "hanoi", "saigon", "mien bac", "mien trung",
    "mien nam", "tay nguyen", "dong nam a", "chau a", "quoc te", "toan cau",
)  # fmt: skip
_TAX_LABELS = ("mst", "msdn", "ma so thue", "ma so doanh nghiep", "tax code", "tax id")

_SPACE = r"[\s\u200b-\u200d\u2060\ufeff]"  # whitespace or a zero-width space or joiner
# What may stand between two digits of a tax code: up to 3 chars of spaces (any kind) with at
# most one . - – / _ or , among them. A branch's 3 digits are not split off by ",", which would
# take "2400123456, 200 người" for a branch code.
_SEP = rf"(?:(?=\D{{1,3}}\d){_SPACE}*(?:[.\-–/_,]{_SPACE}*)?)?"
_BRANCH_SEP = rf"(?:(?=\D{{1,3}}\d){_SPACE}*(?:[.\-–/_]{_SPACE}*)?)?"
_BRANCH = rf"(?:{_BRANCH_SEP}\d(?:{_SEP}\d){{2}})?"
_EMAIL = re.compile(r"[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+")
_LABELLED_TAX_CODE = re.compile(
    r"(?<!\w)(?:" + "|".join(p.replace(" ", r"\s+") for p in _TAX_LABELS) + r")(?!\w)"
    rf"(?:{_SPACE}|[:()])*(?:la\s+|is\s+)?"
    rf"(?P<code>\d(?:{_SEP}\d){{9}}{_BRANCH})(?!\d)"
)
# Between two digits of a phone number: spaces mixed with . - –, or else only / or only _
# (each with a space either side at most); ")" closes an area code.
_PHONE_SEPS = (
    rf"(?:(?=\D{{1,3}}\d){_SPACE}*(?:[.\-–]{_SPACE}*)?|\)\s?)?",
    rf"(?:{_SPACE}?/{_SPACE}?)?",
    rf"(?:{_SPACE}?_{_SPACE}?)?",
)
_PHONE_BODY = "|".join(rf"[1-9](?:{sep}\d){{8,9}}" for sep in _PHONE_SEPS)
# A date opening with 0 ("01.02.2026 10 giờ") is no phone number.
_DATE = r"(?:0[1-9]|[12]\d|3[01])[./\-](?:0?[1-9]|1[0-2])[./\-](?:19|20)\d\d"
# +84 / 0084 / (+84), optionally "(0)", then 9–10 digits; or 0 / (0 then 9–10 digits: 10–11
# digits with the leading 0; or 84 without "+" then a space or dash and a mobile's 9 digits,
# unless a currency follows ("84 500 000 000 đồng").
_PHONE = re.compile(
    rf"(?:(?:(?<![\w+])(?:\+84|0084|\(\+84\))(?:{_SPACE}|[.\-–])*"
    rf"(?:\(0\)(?:{_SPACE}|[.\-–])*)?|(?<![\w.,/+\-])(?!{_DATE})\(?0)"
    rf"(?:{_PHONE_BODY})"
    rf"|(?<![\w.,/+\-])84(?=\D)(?:{_PHONE_SEPS[0]})[35789](?:{_PHONE_SEPS[0]}\d){{8}}"
    rf"(?!{_SPACE}*(?:₫|d|dong|vnd|usd|ty|trieu)(?!\w)))"
    r"(?![\w/]|[.,]\d)"
)
# Between two words of a name in text: spaces, or one hyphen, underscore or dot ("Cơ-khí").
_WORD_GAP = rf"(?:{_SPACE}+|[-–_.])"
_WORD_SPLIT = re.compile(rf"{_SPACE}+|(?<=\w)[-–_.](?=\w)")
# A single Vietnamese syllable (folded), which as a one-word core would be an ordinary word.
_SYLLABLE = re.compile(
    r"(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdghklmnprstvx])?[aeiouy]{1,3}(?:ch|ng|nh|[cmnpt])?"
)
# Legal-form or industry words absorbed after the first one before a name ("Công ty TNHH Thương
# mại Dịch vụ"); a bound, so that text repeating them is not scanned again from every word.
_MAX_PREFIX = 6
_MIN_ONE_WORD_CORE = 5  # letters that a one-word core needs to be removed on its own


@lru_cache(maxsize=8192)
def _fold_char(ch: str) -> str:
    """One NFC character without diacritics, lowercased, any decimal digit as its ASCII digit
    ('２' → '2'); itself when that would not be one character (a Hangul syllable decomposes
    into several letters, 'İ' lowercases into two)."""
    if ch in "đĐÐ":
        return "d"
    digit = unicodedata.decimal(ch, None)
    if digit is not None:
        return str(digit)
    base = "".join(c for c in unicodedata.normalize("NFD", ch) if not unicodedata.combining(c))
    if len(base) != 1:
        base = ch
    low = base.lower()
    return low if len(low) == 1 else base


def fold(text: str) -> str:
    """The NFC text folded for matching, char by char so that offsets are kept:
    'Nông sản Lục Ngạn' → 'nong san luc ngan'."""
    return "".join(_fold_char(ch) for ch in text)


def _words(text: str) -> list[str]:
    """The folded words of a name or phrase, split at spaces and at a hyphen, underscore or dot
    between two letters ('Hải-Đăng' → 'hai', 'dang')."""
    return [w for w in _WORD_SPLIT.split(fold(unicodedata.normalize("NFC", text))) if w]


def _phrase(words: str) -> str:
    return _WORD_GAP.join(re.escape(w) for w in _words(words))


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


def _strip_industry(core: list[str]) -> list[str]:
    """A core without the trade and industry words it opens with ('co khi hai dang phat' →
    'hai dang phat')."""
    industry = sorted((p.split() for p in _INDUSTRY), key=len, reverse=True)
    start, changed = 0, True
    while changed:
        changed = False
        for words in industry:
            if core[start : start + len(words)] == words:
                start, changed = start + len(words), True
                break
    return core[start:]


def _ends_in_place(tokens: list[str]) -> bool:
    """Whether folded words end in a place (or like word) of `_PLACES`."""
    return any(tokens[-len(place) :] == place for place in (p.split() for p in _PLACES))


# Words of the marks: a one-word core among them would be found again in scrubbed text.
_MARK_WORDS = frozenset(re.findall(r"\w+", fold(NAME_MARK + TAX_CODE_MARK + EMAIL_MARK
                                                   + PHONE_MARK)))


def _distinctive(word: str) -> bool:
    """Whether one word is enough to tell the enterprise: ≥ 5 letters, no single Vietnamese
    syllable ('phuong', 'thanh'), no place and no word of the marks ('email')."""
    return (sum(c.isalpha() for c in word) >= _MIN_ONE_WORD_CORE
            and not _SYLLABLE.fullmatch(word) and not _ends_in_place([word])
            and word not in _MARK_WORDS)


def _name_pattern(names: Iterable[str]) -> re.Pattern[str] | None:
    """One regex (on folded text) for every name, its core (without legal-form words) and that
    core without its opening industry words, with any legal-form words around them in the text
    (and industry words after a legal form). A core is used when it has ≥ 2 words or one
    distinctive word; a core without industry words not when it ends in a place name."""
    forms: set[str] = set()
    for name in names:
        tokens = _words(name)
        if not tokens:
            continue
        forms.add(" ".join(tokens))
        core = _strip_legal(tokens)
        bare = _strip_industry(core)
        for part, guarded in ((core, False), (bare, True)):
            if guarded and _ends_in_place(part):
                continue
            if len(part) >= 2 or (len(part) == 1 and _distinctive(part[0])):
                forms.add(" ".join(part))
    if not forms:
        return None
    ordered = sorted(forms, key=lambda f: (-len(f), f))
    head = "|".join(_phrase(p) for p in sorted(_LEGAL_HEAD, key=len, reverse=True))
    trade = "|".join(_phrase(p) for p in sorted(_INDUSTRY, key=len, reverse=True))
    tail = "|".join(_phrase(p) for p in sorted(_LEGAL_TAIL, key=len, reverse=True))
    return re.compile(
        rf"(?<!\w)(?:(?:{head}){_WORD_GAP}(?:(?:{head}|{trade}){_WORD_GAP}){{0,{_MAX_PREFIX}}})?"
        rf"(?:{'|'.join(_phrase(f) for f in ordered)})"
        rf"(?:,?{_SPACE}+(?:{tail})(?!\w))*(?!\w)"
    )


def _tax_code_pattern(tax_codes: Iterable[str]) -> re.Pattern[str] | None:
    """One regex for the given tax codes in any spacing; a 10-digit code also matches its
    branches (10 + 3 digits), a branch code also its head office (the first 10)."""
    digits = (re.sub(r"\D", "", fold(unicodedata.normalize("NFC", c))) for c in tax_codes)
    heads = sorted({d[:10] for d in digits if d})
    if not heads:
        return None
    alternatives = "|".join(_SEP.join(head) for head in heads)
    return re.compile(rf"(?<!\d)(?:{alternatives}){_BRANCH}(?!\d)")


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
