"""Hybrid retrieval: dense (FAISS) and lexical (BM25 per language) channels, fused, filtered."""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np

from matcher.search.documents import Document
from matcher.search.fusion import normalize_max, normalize_minmax, top_k
from matcher.search.index import Collection, SearchIndex
from matcher.search.query import Query

# Channel weights tuned on the dev split over the whole dev corpus (benchmarks/tune_weights.py,
# benchmarks/README.md): the lexicon's English terms (lex_en) carry most of the signal across
# languages; e5 on their English rendering (dense_en) and on the Vietnamese text itself (dense)
# add meaning on top, in the middle of a plateau of near-equal cells. lex_vi only scores
# Vietnamese dossiers (none in the dev corpus): its weight is the one measured on the seed.
DEFAULT_WEIGHTS = {"dense": 0.2, "dense_en": 0.3, "lex_en": 1.0, "lex_vi": 0.5}
POOL = 200  # candidates each channel contributes before fusion
PER_LANGUAGE = ("dense_en",)  # channels normalised within each document language (`normalise`)


@dataclass
class Candidate:
    """A retrieved record with its raw and normalised channel scores and fused score."""

    id: int
    score: float
    cosine: float | None = None
    channels: dict[str, float] = field(default_factory=dict)
    doc: Document | None = None  # as indexed when it was retrieved


def confidence(candidates: list[Candidate]) -> float:
    """How sure the best suggestion is: the highest raw cosine among the top three.

    e5 cosines bunch together, so this is compared with a threshold calibrated on labelled needs
    rather than read as a probability.
    """
    return max((c.cosine or 0.0 for c in candidates[:3]), default=0.0)


@dataclass
class ChannelScores:
    """Raw scores of each channel for one query, before fusion (kept apart so fusion weights
    can be tuned without recomputing them)."""

    raw: dict[str, dict[int, float]]
    cosines: dict[int, float]
    vector: np.ndarray


def query_vectors(index: SearchIndex, query: Query, channels: Iterable[str]
                  ) -> dict[str, np.ndarray]:
    """The vectors the dense channels search with, embedded in one batch (through the cache):
    `dense` for the query text and, when asked for and there is one, `dense_en` for its English
    rendering."""
    texts = {"dense": query.text}
    if "dense_en" in channels and query.en_text:
        texts["dense_en"] = query.en_text
    vectors = index.cache.embed(index.embedder, list(texts.values()), is_query=True)
    return dict(zip(texts, vectors, strict=True))


def channel_scores(index: SearchIndex, collection: Collection, query: Query,
                   channels: Iterable[str], allowed_ids: set[int] | None = None,
                   pool: int = POOL, vectors: dict[str, np.ndarray] | None = None
                   ) -> ChannelScores:
    """Raw scores of the named channels: `dense` (the query text embedded), `dense_en` (its
    lexicon translation embedded), `lex_en` (BM25 over non-Vietnamese documents) and `lex_vi`
    (BM25 over Vietnamese ones), each its `pool` best, limited to `allowed_ids` when given;
    `vectors` as `query_vectors` gives them (embedded here when not given). The caller holds
    the index's read lock, or nothing changes the index meanwhile."""
    channels = set(channels)
    vectors = vectors if vectors is not None else query_vectors(index, query, channels)

    def dense(vector: np.ndarray) -> dict[int, float]:
        return {h.id: h.score for h in collection.vectors.search(vector, pool, allowed_ids)}

    cosines = dense(vectors["dense"])
    raw: dict[str, dict[int, float]] = {"dense": dict(cosines)}
    if "dense_en" in channels and "dense_en" in vectors:
        raw["dense_en"] = dense(vectors["dense_en"])
    lexical = collection.channels()
    if "lex_vi" in channels:
        raw["lex_vi"] = lexical["vi"].scores(query.vi_tokens, pool, allowed_ids)
    if "lex_en" in channels:
        raw["lex_en"] = lexical["en"].scores(query.en_weights or query.en_tokens, pool,
                                             allowed_ids)
    return ChannelScores(raw, cosines, vectors["dense"])


def document_weights(weights: dict[str, float], doc_language: str) -> dict[str, float]:
    """The weight of each channel for a document in `doc_language`, summing to 1, so the fused
    score is 0–1 in every language: a document is scored by both dense channels and the
    lexical channel of its own language only (`lex_vi` for Vietnamese, `lex_en` for the rest),
    and a Vietnamese dossier, which no English BM25 can score, once topped out at 1.0 against
    1.5 for an English one. (Moving the weight of `dense_en` to `dense` for a Vietnamese query
    and dossier put every Vietnamese dossier first for its own title, but cost the labelled
    seed needs 0.11 nDCG@10: benchmarks/README.md.)"""
    lexical = "lex_vi" if doc_language == "vi" else "lex_en"
    mine = {name: w for name, w in weights.items()
            if w and (name.startswith("dense") or name == lexical)}
    total = sum(mine.values()) or 1.0
    return {name: w / total for name, w in mine.items()}


def document_language(docs: Mapping[int, Document], i: int) -> str:
    """`vi` for a Vietnamese record, `en` for any other (and for one no longer indexed)."""
    doc = docs.get(i)
    return "vi" if doc is not None and doc.language == "vi" else "en"


def normalise(name: str, channel: dict[int, float], pool: int, languages: Mapping[int, str]
              ) -> dict[int, float]:
    """One channel's scores on 0–1: BM25 divided by its best (of the `pool` best), a dense
    channel min-max. `dense_en` is min-max within each document language: the lexicon's English
    sketch of a Vietnamese need fits any Vietnamese document worse than an English one, so over
    a mixed pool every Vietnamese document sat at the bottom of the channel (an exact fit at
    0.0) and lost to weaker English ones (benchmarks/README.md: 40 of 50 Vietnamese dossiers
    first for their own title, against 23)."""
    if not name.startswith("dense"):
        return normalize_max(dict(top_k(channel, pool)))
    if name not in PER_LANGUAGE:
        return normalize_minmax(channel)
    groups: dict[str, dict[int, float]] = {}
    for i, score in channel.items():
        groups.setdefault(languages[i], {})[i] = score
    return {i: v for group in groups.values() for i, v in normalize_minmax(group).items()}


def fuse(collection: Collection, scores: ChannelScores, weights: dict[str, float], k: int,
         pool: int = POOL) -> list[Candidate]:
    """The k best records by the weighted sum of normalised channel scores (`normalise`),
    weighted per document language (`document_weights`), each with its raw cosine and its
    document."""
    used = {name: channel for name, channel in scores.raw.items() if weights.get(name)}
    languages = {i: document_language(collection.docs, i)
                 for channel in used.values() for i in channel}
    normalised = {name: normalise(name, channel, pool, languages)
                  for name, channel in used.items()}
    per_language = {lang: document_weights(weights, lang) for lang in ("vi", "en")}
    fused: dict[int, float] = {}
    for name, channel in normalised.items():
        for i, score in channel.items():
            weight = per_language[languages[i]].get(name, 0.0)
            fused[i] = fused.get(i, 0.0) + weight * score
    best = top_k(fused, k)
    cosines = dict(scores.cosines)
    cosines.update(collection.vectors.scores_for(scores.vector,
                                                 [i for i, _ in best if i not in cosines]))
    return [
        Candidate(i, s, cosines.get(i), {name: ch.get(i, 0.0) for name, ch in normalised.items()},
                  collection.docs.get(i))
        for i, s in best
    ]


def retrieve(index: SearchIndex, collection: Collection | str, query: Query, k: int,
             allowed: Callable[[int], bool] | None = None,
             weights: dict[str, float] | None = None,
             vectors: dict[str, np.ndarray] | None = None) -> list[Candidate]:
    """The k best records of a collection (or its name) for `query`, among those `allowed`
    accepts; a channel with no weight is not computed. The query is embedded first (unless
    `vectors` are given), outside the index's lock; the index is then read under its shared
    lock, so searches run side by side and a change waits only for the reading itself."""
    weights = weights or DEFAULT_WEIGHTS
    channels = [c for c, w in weights.items() if w]
    vectors = vectors if vectors is not None else query_vectors(index, query, channels)
    pool = max(POOL, k)
    with index.lock.reading():
        if isinstance(collection, str):
            collection = index.collection(collection)
        allowed_ids = None
        if allowed is not None:
            allowed_ids = {i for i in collection.docs if allowed(i)}
            if not allowed_ids:
                return []
        scores = channel_scores(index, collection, query, channels, allowed_ids, pool, vectors)
        return fuse(collection, scores, weights, k, pool)
