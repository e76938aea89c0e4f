"""Vietnamese text utilities: diacritic stripping, syllable checks, tokenizing and folding."""

import re
import unicodedata
from functools import lru_cache

# Combining marks for the five tones (huyền, sắc, hỏi, ngã, nặng), after NFD.
_TONE_MARKS = frozenset("\u0300\u0301\u0309\u0303\u0323")
_VOWELS = frozenset("aăâeêioôơuưy")
_MARKED_VOWELS = frozenset("ăâêôơư")
_TOKEN_RE = re.compile(r"[^\W_]+")

_ONSETS = (
    "", "b", "c", "ch", "d", "g", "gh", "gi", "h", "k", "kh", "l", "m", "n", "ng", "ngh",
    "nh", "p", "ph", "qu", "r", "s", "t", "th", "tr", "v", "x",
)  # fmt: skip
# Every Vietnamese rhyme, written without diacritics (ă/â → a, ê → e, ô/ơ → o, ư → u).
_RHYMES = frozenset(
    """
    a ac ach ai am an ang anh ao ap at au ay e ec ech em en eng enh eo ep et eu
    i ia ich iec iem ien ieng iep iet ieu im in inh ip it iu
    o oa oac oach oai oam oan oang oanh oao oap oat oay oc oe oem oen oeo oet oi om on ong
    ooc oong op ot
    u ua uan uang uat uay uc ue uech uenh ui um un ung uo uoc uoi uom uon uong uop uot uou
    up ut uu uy uya uych uyen uyet uyn uynh uyt uyu
    y yem yen yeng yet yeu
    """.split()
)
_FRONT = ("e", "i", "y")


def _onset_fits(onset: str, rhyme: str) -> bool:
    """Apply the c/k, g/gh and ng/ngh spelling rules (k, gh, ngh only before e, i, y)."""
    if onset in ("k", "gh", "ngh"):
        return rhyme.startswith(_FRONT)
    if onset in ("c", "ng"):
        return not rhyme.startswith(_FRONT)
    if onset == "qu":
        return not rhyme.startswith("u")
    return True


_SYLLABLES = frozenset(o + r for o in _ONSETS for r in _RHYMES if _onset_fits(o, r))


def strip_diacritics(text: str) -> str:
    """Remove tone and vowel marks and turn đ/Đ into d/D, keeping case: 'Đường' → 'Duong'."""
    decomposed = unicodedata.normalize("NFD", text)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return unicodedata.normalize("NFC", bare.replace("đ", "d").replace("Đ", "D"))


def has_diacritics(text: str) -> bool:
    """Whether any character carries a diacritic (or is đ/Đ)."""
    return strip_diacritics(text) != unicodedata.normalize("NFC", text)


def is_syllable(token: str) -> bool:
    """Whether the token, accents ignored, is a well-formed Vietnamese syllable ('nghieng')."""
    return strip_diacritics(token).lower() in _SYLLABLES


def tokenize(text: str) -> list[str]:
    """Lowercase syllable tokens (letters and digits), punctuation and spacing dropped."""
    return _TOKEN_RE.findall(unicodedata.normalize("NFC", text).lower())


def fold(text: str) -> str:
    """Accent- and case-insensitive key for search: 'Xử lý, nước thải!' → 'xu ly nuoc thai'."""
    return " ".join(strip_diacritics(token) for token in tokenize(text))


def looks_unaccented(text: str, min_ratio: float = 0.7) -> bool:
    """Whether the text looks like Vietnamese typed without diacritics.

    True when no character carries a diacritic and at least ``min_ratio`` of the words
    (acronyms such as 'PLC' and tokens with digits such as 'CO2' left out) are valid
    Vietnamese syllables. English has too many words like 'with', 'is', 'from' to pass: at
    0.7, 0.03% of NASA T2 English sentences pass and 0.05% of unaccented seed-need and
    domain-corpus texts fail.
    """
    if has_diacritics(text):
        return False
    words = [w for w in _TOKEN_RE.findall(text) if w.isalpha() and not (w.isupper() and len(w) > 1)]
    if not words:
        return False
    valid = sum(w.lower() in _SYLLABLES for w in words)
    return valid / len(words) >= min_ratio


@lru_cache(maxsize=65536)
def _place_tone(syllable: str) -> str:
    """Put the tone mark of one lowercase NFC syllable where the traditional style puts it
    (cached: a query's lexicon lookup places the tone of every syllable it reads)."""
    letters = []
    tone = ""
    for ch in syllable:
        parts = unicodedata.normalize("NFD", ch)
        marks = "".join(m for m in parts if m in _TONE_MARKS)
        if marks:
            if tone or len(marks) > 1:
                return syllable
            tone = marks
        letters.append(
            unicodedata.normalize("NFC", "".join(m for m in parts if m not in _TONE_MARKS))
        )
    if not tone:
        return syllable
    start = 2 if len(letters) > 2 and "".join(letters[:2]) in ("qu", "gi") else 0
    positions = [i for i in range(start, len(letters)) if letters[i] in _VOWELS]
    if not positions or positions != list(range(positions[0], positions[-1] + 1)):
        return syllable
    marked = [i for i in positions if letters[i] in _MARKED_VOWELS]
    if marked:
        target = marked[-1]
    elif positions[-1] < len(letters) - 1:
        target = positions[-1]  # closed syllable: 'hoàn', 'toán'
    elif len(positions) == 3:
        target = positions[1]  # 'ngoài', 'khuỷu'
    else:
        target = positions[0]  # open syllable: 'hòa', 'thủy', 'mùa'
    letters[target] = unicodedata.normalize("NFC", letters[target] + tone)
    return "".join(letters)


def normalize_tones(text: str) -> str:
    """NFC text, tone marks in the traditional place: 'hoà' → 'hòa', 'thuỷ' → 'thủy'."""
    text = unicodedata.normalize("NFC", text)

    def _replace(match: re.Match[str]) -> str:
        word = match.group(0)
        placed = _place_tone(word.lower())
        if placed == word.lower():
            return word
        return "".join(p.upper() if o.isupper() else p for o, p in zip(word, placed, strict=True))

    return _TOKEN_RE.sub(_replace, text)
