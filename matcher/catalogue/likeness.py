"""How alike two dossier texts are: a dense cosine and a lexical overlap, combined into one
score that a measured threshold turns into "likely the same technology".

Pure functions over texts, tokens and numbers, shared by the detector and its benchmark
(benchmarks/duplicates.py), so the threshold measured there is the one applied here.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from matcher.search.lexical import english_tokens, vietnamese_tokens
from matcher.search.query import QueryBuilder

# Measured on benchmarks/data/duplicates.jsonl (benchmarks/README.md, duplicates): the
# weight of the dense part and the score above which two dossiers are likely duplicates.
DENSE_WEIGHT = 0.7
THRESHOLD = 0.7
# e5 cosines of unrelated dossiers rarely fall below this floor, and copies sit near 1: the
# dense part is the cosine mapped from [COSINE_FLOOR, 1] onto [0, 1].
COSINE_FLOOR = 0.75
# A short text (a title and a line) shares most of its few words with any neighbour in its
# topic: the overlap is divided by at least this many tokens.
MIN_TOKENS = 12


@dataclass(frozen=True)
class Likeness:
    """The evidence that two dossiers describe the same technology."""

    cosine: float
    lexical: float
    score: float


@dataclass(frozen=True)
class Tokens:
    """A text's tokens in the spaces it can be compared in: folded Vietnamese syllables (for
    Vietnamese texts) and stemmed English words with their bigrams (for English texts, and
    for Vietnamese ones through the lexicon's translation)."""

    language: str
    vi: frozenset[str]
    en: frozenset[str]


def with_bigrams(words: list[str]) -> frozenset[str]:
    """The words and each pair of adjacent words (`fish`, `sauc`, `fish_sauc`)."""
    pairs = (f"{a}_{b}" for a, b in zip(words, words[1:], strict=False))
    return frozenset([*words, *pairs])


def tokens_of(text: str, language: str, queries: QueryBuilder) -> Tokens:
    """The tokens of a dossier's text in `language`."""
    if language == "vi":
        query = queries.build(text, "vi")
        return Tokens("vi", frozenset(vietnamese_tokens(query.text)),
                      with_bigrams(query.en_tokens))
    return Tokens(language, frozenset(), with_bigrams(english_tokens(text)))


def overlap(a: Iterable[str], b: Iterable[str]) -> float:
    """Shared tokens over the smaller side (at least `MIN_TOKENS`): 1 when one text holds all
    of the other, as a truncated or shortened copy does."""
    first, second = set(a), set(b)
    smaller = max(min(len(first), len(second)), MIN_TOKENS)
    return len(first & second) / smaller


def lexical(a: Tokens, b: Tokens) -> float:
    """The overlap of two texts: in Vietnamese syllables when both are Vietnamese, else in
    English words (a Vietnamese text through the lexicon)."""
    if a.language == "vi" and b.language == "vi":
        return overlap(a.vi, b.vi)
    return overlap(a.en, b.en)


def combine(cosine: float, lexical_score: float, dense_weight: float = DENSE_WEIGHT
            ) -> Likeness:
    """One score in [0, 1] from a cosine and a lexical overlap."""
    dense = min(max((cosine - COSINE_FLOOR) / (1 - COSINE_FLOOR), 0.0), 1.0)
    score = dense_weight * dense + (1 - dense_weight) * min(lexical_score, 1.0)
    return Likeness(round(cosine, 4), round(lexical_score, 4), round(score, 4))
