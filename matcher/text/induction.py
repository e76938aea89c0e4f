"""Growing the bilingual lexicon from data: candidate phrases of each language, nearest
neighbours across languages with a hubness correction (CSLS), and Dice alignment of parallel text.

The pieces are pure functions over texts and vectors; `benchmarks.induce_lexicon` runs them over
the shipped and shared corpora and measures what they add.
"""

import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher

import numpy as np
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from matcher.search.lexical import VI_STOPWORDS
from matcher.text.vietnamese import has_diacritics, is_syllable, strip_diacritics, tokenize

# Phrases never span punctuation, quotes or line breaks.
_BREAK = re.compile(r"[.,;:!?()\[\]{}\"“”‘’'/\\|…•–—\n\r\t*#=<>+&%@]+")
_EN_WORD = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*")


def segments(text: str) -> list[str]:
    """The stretches of a text between punctuation marks."""
    return [s for s in _BREAK.split(text) if s.strip()]


def _is_vi_stopword(syllable: str) -> bool:
    return strip_diacritics(syllable) in VI_STOPWORDS


def untranslated_runs(syllables: Sequence[str], known: set[tuple[str, ...]],
                      longest: int = 8) -> list[list[str]]:
    """The runs of syllables a lexicon leaves untranslated: greedy longest match, left to right,
    of folded syllables against `known` (the folded keys of its entries), as
    `Lexicon.translate` matches."""
    folded = [strip_diacritics(s) for s in syllables]
    runs: list[list[str]] = [[]]
    position = 0
    while position < len(syllables):
        for size in range(min(longest, len(syllables) - position), 0, -1):
            if tuple(folded[position : position + size]) in known:
                position += size
                if runs[-1]:
                    runs.append([])
                break
        else:
            runs[-1].append(syllables[position])
            position += 1
    return [run for run in runs if run]


def vietnamese_ngrams(texts: Iterable[str], known: set[tuple[str, ...]] | None = None,
                      max_n: int = 4) -> Counter[str]:
    """Occurrences of every Vietnamese syllable n-gram (1..max_n, lower case, accents kept)
    that lies within one segment and within a run the lexicon of `known` keys leaves
    untranslated, is made of well-formed syllables only, and neither starts nor ends with a
    function word ("của", "và", "được"...)."""
    counts: Counter[str] = Counter()
    for text in texts:
        for segment in segments(text):
            for run in untranslated_runs(tokenize(segment), known or set()):
                for start in range(len(run)):
                    for size in range(1, max_n + 1):
                        gram = run[start : start + size]
                        if len(gram) < size or not is_syllable(gram[-1]):
                            break
                        if _is_vi_stopword(gram[0]):
                            break
                        if not _is_vi_stopword(gram[-1]):
                            counts[" ".join(gram)] += 1
    return counts


def fragments(counts: Counter[str], share: float = 0.5) -> set[str]:
    """N-grams seen mostly inside one longer n-gram of `counts` ("lực thi hành" inside "hiệu
    lực thi hành"): at least `share` of their occurrences are of one extension by a syllable
    on the left or the right. Such a piece of a compound is no term of its own."""
    widest: Counter[str] = Counter()
    for gram, n in counts.items():
        syllables = gram.split(" ")
        if len(syllables) > 1:
            for part in (" ".join(syllables[1:]), " ".join(syllables[:-1])):
                widest[part] = max(widest[part], n)
    return {gram for gram, n in counts.items() if widest[gram] >= share * n}


def english_phrases(texts: Iterable[str], max_n: int = 3) -> Counter[str]:
    """Document frequency of every English word n-gram (1..max_n, lower case) within one segment
    that neither starts nor ends with a stop word (so no stop-word-only phrase) and holds no
    token of digits only."""
    frequency: Counter[str] = Counter()
    for text in texts:
        seen: set[str] = set()
        for segment in segments(text.lower()):
            words = _EN_WORD.findall(segment)
            for start in range(len(words)):
                if words[start] in ENGLISH_STOP_WORDS or len(words[start]) < 2:
                    continue
                for size in range(1, max_n + 1):
                    gram = words[start : start + size]
                    if len(gram) < size:
                        break
                    if gram[-1] not in ENGLISH_STOP_WORDS and len(gram[-1]) >= 2:
                        seen.add(" ".join(gram))
        frequency.update(seen)
    return frequency


def look_alike(vi: str, en: str, ratio: float = 0.6) -> bool:
    """Whether an English phrase merely looks like the Vietnamese one, accents and spaces
    ignored ("lót" → "lot", "con" → "cone", "sót" → "soot", "trẻ em" → "em"): e5's sub-word
    pieces pull such
    false friends together, so spelling, not meaning, made them neighbours."""
    syllables = strip_diacritics(vi).lower().split()
    a = "".join(syllables)
    b = en.lower().replace(" ", "").replace("-", "")
    if a.startswith(b) or b.startswith(a) or b in syllables:  # "trẻ em" → "em"
        return True
    return SequenceMatcher(None, a, b).ratio() >= ratio


def plausible_vietnamese(gram: str) -> bool:
    """A candidate the model reads as Vietnamese: at least one syllable carries a diacritic
    (unaccented "ta", "cat", "bay" are English strings to e5)."""
    return has_diacritics(gram)


@dataclass(frozen=True)
class Neighbour:
    """The best target of one source vector: its index, raw cosine, CSLS score, and whether
    the source is also the target's best source (mutual nearest neighbours under CSLS)."""

    target: int
    cosine: float
    csls: float
    mutual: bool


def mean_top_k(sources: np.ndarray, targets: np.ndarray, k: int, chunk: int = 1024) -> np.ndarray:
    """For each source row, the mean cosine of its k nearest targets (rows L2-normalised)."""
    k = min(k, len(targets))
    out = np.empty(len(sources), dtype=np.float32)
    for start in range(0, len(sources), chunk):
        sims = sources[start : start + chunk] @ targets.T
        top = np.partition(sims, sims.shape[1] - k, axis=1)[:, sims.shape[1] - k :]
        out[start : start + chunk] = top.mean(axis=1)
    return out


def csls_neighbours(sources: np.ndarray, targets: np.ndarray, k: int = 10,
                    chunk: int = 1024) -> list[Neighbour]:
    """Nearest target of each source by CSLS (Conneau et al. 2018):
    2·cos(s, t) − r_T(s) − r_S(t), where r is the mean cosine to the k nearest neighbours in
    the other language; it demotes "hub" targets that are near everything. Ties go to the
    lower index, so the result is deterministic."""
    if len(sources) == 0 or len(targets) == 0:
        return []
    r_src = mean_top_k(sources, targets, k, chunk)  # how crowded each source's neighbourhood is
    r_tgt = mean_top_k(targets, sources, k, chunk)
    best = np.empty(len(sources), dtype=np.int64)
    best_csls = np.empty(len(sources), dtype=np.float32)
    best_cos = np.empty(len(sources), dtype=np.float32)
    back = np.full(len(targets), -1, dtype=np.int64)  # each target's best source
    back_score = np.full(len(targets), -np.inf, dtype=np.float32)
    for start in range(0, len(sources), chunk):
        sims = sources[start : start + chunk] @ targets.T
        scores = 2 * sims - r_src[start : start + chunk, None] - r_tgt[None, :]
        rows = np.arange(len(scores))
        best[start : start + chunk] = cols = scores.argmax(axis=1)
        best_csls[start : start + chunk] = scores[rows, cols]
        best_cos[start : start + chunk] = sims[rows, cols]
        column_best = scores.argmax(axis=0)
        column_score = scores[column_best, np.arange(scores.shape[1])]
        better = column_score > back_score
        back[better] = column_best[better] + start
        back_score[better] = column_score[better]
    return [Neighbour(int(t), float(c), float(s), bool(back[t] == i))
            for i, (t, c, s) in enumerate(zip(best, best_cos, best_csls, strict=True))]


def dice_alignment(pairs: Sequence[tuple[str, str]], vi_units: Callable[[str], set[str]],
                   en_units: Callable[[str], set[str]], min_count: int = 3
                   ) -> dict[str, tuple[str, float, int]]:
    """For each Vietnamese unit seen in at least `min_count` sentence pairs, the English unit
    with the highest Dice coefficient 2·c(v, e) / (c(v) + c(e)) over co-occurrence in pairs,
    with that coefficient and the joint count (ties: the alphabetically first English unit)."""
    vi_count: Counter[str] = Counter()
    en_count: Counter[str] = Counter()
    joint: Counter[tuple[str, str]] = Counter()
    for vi, en in pairs:
        v_units, e_units = vi_units(vi), en_units(en)
        vi_count.update(v_units)
        en_count.update(e_units)
        joint.update((v, e) for v in v_units for e in e_units)
    best: dict[str, tuple[str, float, int]] = {}
    for (v, e), both in joint.items():
        if vi_count[v] < min_count or both < min_count:
            continue
        dice = 2 * both / (vi_count[v] + en_count[e])
        held = best.get(v)
        if held is None or dice > held[1] or (dice == held[1] and e < held[0]):
            best[v] = (e, dice, both)
    return best
