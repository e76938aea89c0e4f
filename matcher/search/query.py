"""Turns a text (a need, a dossier, a search box) into what each retrieval channel searches with.

A Vietnamese text typed without accents gets its diacritics restored before it is embedded;
Vietnamese phrases found in the lexicon become English terms for the English lexical channel;
an English text gets Vietnamese terms from the same lexicon for the Vietnamese channel.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from matcher.search.lexical import english_tokens, vietnamese_tokens
from matcher.text.lexicon import Lexicon, Translation
from matcher.text.vietnamese import (
    has_diacritics,
    is_syllable,
    looks_unaccented,
    normalize_tones,
    strip_diacritics,
    tokenize,
)

_WORD = re.compile(r"[^\W_]+(?:-[^\W_]+)*")


@dataclass
class Query:
    """A text prepared for every channel."""

    original: str
    language: str
    text: str  # what is embedded: the original, or with its diacritics restored
    restored: bool
    vi_tokens: list[str]
    en_tokens: list[str]
    translations: list[Translation] = field(default_factory=list)
    en_text: str = ""  # an English rendering of a Vietnamese text, from the lexicon
    en_weights: dict[str, float] = field(default_factory=dict)  # en_tokens, weighted


# How much an English token of the lexicon's translation counts in the BM25 query (tuned on the
# dev split, benchmarks/README.md "The bridge grown from data"): an entry's first rendering 1,
# its later alternatives less (they are often looser), an entry induced from data less again.
ALTERNATIVE_WEIGHT = 0.5
INDUCED_WEIGHT = 0.5


def english_weights(translations: list[Translation], foreign: list[str]) -> dict[str, float]:
    """The weight of each English token of a Vietnamese text's translation: within an entry a
    token takes the weight of its best rendering (1 for the first, ALTERNATIVE_WEIGHT after),
    times INDUCED_WEIGHT for an induced entry; entries add up; words typed in the text that are
    not Vietnamese (PLC, biogas) count 1 each."""
    weights: dict[str, float] = {}
    for tr in translations:
        scale = INDUCED_WEIGHT if tr.kind == "induced" else 1.0
        within: dict[str, float] = {}
        for rank, rendering in enumerate(tr.en):
            for token in english_tokens(rendering):
                within[token] = max(within.get(token, 0.0), 1.0 if rank == 0
                                    else ALTERNATIVE_WEIGHT)
        for token, weight in within.items():
            weights[token] = weights.get(token, 0.0) + scale * weight
    for token in english_tokens(" ".join(foreign)):
        weights[token] = weights.get(token, 0.0) + 1.0
    return weights


def has_words(text: str) -> bool:
    """Whether the text holds a word at all (a letter or digit of any script); punctuation,
    spaces, emoji and invisible characters like U+200B are not words."""
    return _WORD.search(text) is not None


# Vietnamese words that say nothing of a topic on their own: pronouns, particles, greetings and
# the verbs of asking ("chúng tôi cần", "xin chào", "tìm giúp"). Matched as spelt; a word typed
# without diacritics is matched folded.
VI_FUNCTION_WORDS = frozenset(normalize_tones(w) for w in """
    chúng tôi ta mình bạn anh chị em họ công ty doanh nghiệp của và các có được cho là với
    trong này đó kia những một để khi thì mà như từ đến ra vào về hiện đang cần muốn mong sẽ
    đã bị rất nhiều ít hơn cũng nên vì nếu hãy hoặc tại theo trên dưới sau trước ở không chưa
    mỗi từng nào gì ai xin chào cảm ơn giúp tìm kiếm hỏi vui lòng làm sao thế ạ nhé ơi à ừ
    vâng dạ tốt hay cái việc điều""".split())
_VI_FUNCTION_FOLDED = frozenset(strip_diacritics(w) for w in VI_FUNCTION_WORDS)


def has_content(text: str) -> bool:
    """Whether the text holds a word that can name a topic: not only punctuation and invisible
    characters (`has_words`), not only function words of Vietnamese or English ("chúng tôi
    cần", "chung toi can", "the and of"), single letters or bare numbers."""
    for word in _WORD.findall(text.lower()):
        if word.isdigit() or (len(word) < 2 and word.isascii()):
            continue
        if word in ENGLISH_STOP_WORDS:
            continue
        spelt = normalize_tones(word)
        if spelt in VI_FUNCTION_WORDS or (not has_diacritics(word)
                                          and word in _VI_FUNCTION_FOLDED):
            continue
        return True
    return False


def detect_language(text: str) -> str:
    """`vi` for Vietnamese with or without accents, `en` otherwise (other scripts embed as-is)."""
    return "vi" if has_diacritics(text) or looks_unaccented(text) else "en"


def _foreign_words(text: str) -> list[str]:
    """Words in Vietnamese text that are not Vietnamese syllables (PLC, lithium, biogas)."""
    return [w for w in _WORD.findall(text)
            if w.isascii() and w[0].isalpha() and not is_syllable(w.lower())]


class QueryBuilder:
    """Prepares queries with a lexicon and an optional diacritic restorer."""

    def __init__(self, lexicon: Lexicon, restore: Callable[[str], str] | None = None) -> None:
        self.lexicon = lexicon
        self.restore = restore

    def build(self, text: str, language: str | None = None) -> Query:
        """Analyse `text`; `language` overrides detection (a dossier's declared language)."""
        language = language or detect_language(text)
        if language != "vi":
            vi_terms = self.lexicon.vietnamese_terms(text)
            return Query(text, language, text, False,
                         vietnamese_tokens(" . ".join(vi_terms)), english_tokens(text))
        restored = False
        prepared = text
        if self.restore is not None and not has_diacritics(text) and looks_unaccented(text):
            prepared = self.restore(text)
            restored = prepared != text
        translations = self.lexicon.translate(prepared)
        foreign = _foreign_words(text)
        english = " . ".join(term for tr in translations for term in tr.en)
        en_text = ", ".join(dict.fromkeys([tr.en[0] for tr in translations] + foreign))
        return Query(text, "vi", prepared, restored, vietnamese_tokens(prepared),
                     english_tokens(f"{english} {' '.join(foreign)}"), translations, en_text,
                     english_weights(translations, foreign))


def syllable_count(text: str) -> int:
    """Number of syllable tokens, used to scale lexical evidence by query length."""
    return len(tokenize(text))
