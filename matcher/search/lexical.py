"""Lexical retrieval: BM25 over diacritic-folded Vietnamese syllables or stemmed English words.

Vietnamese is written in syllables, so a Vietnamese document is indexed as folded syllables and
syllable bigrams ("nuoc", "thai", "nuoc_thai"); folding makes search work with or without
diacritics. Other documents are indexed as stemmed English words. Each language is its own BM25
channel: a Vietnamese query never scores an English document on syllables that happen to be
English words ("can", "than").
"""

import re
from collections.abc import Iterable, Mapping

import bm25s
import numpy as np
import Stemmer
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from matcher.text.vietnamese import strip_diacritics, tokenize

_WORD = re.compile(r"[a-z0-9]+(?:[-.][a-z0-9]+)*")
_STEMMER = Stemmer.Stemmer("english")

# Function words of Vietnamese needs, folded; they carry no topic.
VI_STOPWORDS = frozenset(
    """chung toi cong ty cua va cac co duoc cho la voi trong nay nhung mot de khi thi ma
    nhu tu den ra vao ve hien dang can muon mong se da bi rat nhieu it hon cung nen vi
    neu hay hoac nhung tai theo tren duoi sau truoc o khong chua moi tung nao gi""".split()
)


def english_tokens(text: str) -> list[str]:
    """Lower-cased, stop-word-free, stemmed English words."""
    words = _WORD.findall(strip_diacritics(text).lower())
    words = [w for w in words if w not in ENGLISH_STOP_WORDS]
    return _STEMMER.stemWords(words)


def vietnamese_tokens(text: str) -> list[str]:
    """Folded syllables without stop words, plus bigrams of adjacent syllables."""
    syllables = [strip_diacritics(tok) for tok in tokenize(text)]
    unigrams = [s for s in syllables if s not in VI_STOPWORDS]
    bigrams = [
        f"{a}_{b}"
        for a, b in zip(syllables, syllables[1:], strict=False)
        if a not in VI_STOPWORDS and b not in VI_STOPWORDS
    ]
    return unigrams + bigrams


class BM25Channel:
    """A BM25 index over one language's documents, keyed by record id."""

    def __init__(self, ids: list[int], token_lists: list[list[str]]) -> None:
        self.ids = np.asarray(ids, dtype=np.int64)
        self._empty = not ids
        if not self._empty:
            self._bm25 = bm25s.BM25()
            self._bm25.index([t or ["\x00"] for t in token_lists], show_progress=False)
            self._vocab = set(self._bm25.vocab_dict)

    def scores(self, query_tokens: Iterable[str] | Mapping[str, float],
               limit: int | None = None, allowed: set[int] | None = None) -> dict[int, float]:
        """BM25 score of every document with a positive score (of those whose id is in
        `allowed`, when given); with `limit`, only the `limit` best, ties broken by id. A
        mapping of tokens to weights counts each token's score that many times (a list counts
        a repeated token again).

        The cut is made on the score array: building and sorting a dict of every match cost
        seconds a query at 1M documents (benchmarks/README.md, speed).
        """
        if self._empty:
            return {}
        if isinstance(query_tokens, Mapping):
            weights = {t: w for t, w in query_tokens.items() if w and t in self._vocab}
            if not weights:
                return {}
            raw = self._weighted(weights)
        else:
            tokens = [t for t in query_tokens if t in self._vocab]
            if not tokens:
                return {}
            raw = self._bm25.get_scores(tokens)
        positive = raw > 0
        if allowed is not None:
            positive &= np.isin(self.ids, np.fromiter(allowed, dtype=np.int64, count=len(allowed)))
        hits = np.nonzero(positive)[0]
        if limit is not None and len(hits) > limit:
            hits = self._best(hits, raw[hits], limit)
        return {int(self.ids[i]): float(raw[i]) for i in hits}

    def _weighted(self, weights: Mapping[str, float]) -> np.ndarray:
        """Every document's score for weighted tokens: the weighted sum of the tokens' columns
        of bm25s's precomputed sparse score matrix (what `get_scores` sums with weight 1; bm25s
        has no query weights of its own)."""
        matrix = self._bm25.scores
        vocab = self._bm25.vocab_dict
        out = np.zeros(matrix["num_docs"], dtype=np.float64)
        for token, weight in weights.items():
            start, end = matrix["indptr"][vocab[token]], matrix["indptr"][vocab[token] + 1]
            out[matrix["indices"][start:end]] += weight * matrix["data"][start:end]
        return out

    def _best(self, hits: np.ndarray, scores: np.ndarray, limit: int) -> np.ndarray:
        """The `limit` hits of highest score; among equal scores at the cut, lowest id first
        (the order `matcher.search.fusion.top_k` gives)."""
        cut = np.partition(scores, len(scores) - limit)[len(scores) - limit]
        above = hits[scores > cut]
        tied = hits[scores == cut]
        tied = tied[np.argsort(self.ids[tied], kind="stable")][: limit - len(above)]
        return np.concatenate([above, tied])
