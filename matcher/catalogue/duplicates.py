"""Near-duplicate dossiers (hồ sơ trùng lặp): the same technology arriving again from another
source, re-worded, shortened or in another language, found among the indexed dossiers.

Candidates are a dossier's nearest neighbours by its stored e5 vector and by BM25 in both
languages (a Vietnamese text also through the lexicon's English terms, an English one through
its Vietnamese terms); each is then scored by `matcher.catalogue.likeness` and kept above the
measured threshold. A warning for a broker to look at, never a refusal.
"""

from dataclasses import dataclass

from pydantic import BaseModel, Field
from sqlmodel import Session, col, select

from matcher.catalogue.likeness import (
    DENSE_WEIGHT,
    THRESHOLD,
    Likeness,
    combine,
    lexical,
    tokens_of,
)
from matcher.models import Dossier
from matcher.search.documents import Document, dossier_document
from matcher.search.index import SearchIndex
from matcher.search.query import QueryBuilder

CANDIDATES = 10  # neighbours each channel proposes before scoring
MERGED = "merged"  # the status of a dossier merged into another: never a candidate
MAX_CHECKED = 2_000  # rows of one import checked (about 20 ms a row on two busy cores)


class LikelyDuplicate(BaseModel):
    """An indexed dossier that likely describes the same technology as the one checked."""

    id: int
    title: str
    score: float = Field(description="Combined likeness 0–1; duplicates score at least the "
                                     "threshold.")
    cosine: float = Field(description="Cosine of the two dossiers' e5 embeddings.")
    lexical: float = Field(description="Share of the shorter text's words found in the other "
                                       "(across languages through the lexicon).")


class DuplicateDetector:
    """Finds likely duplicates of a dossier in the search index's dossier collection."""

    def __init__(self, index: SearchIndex, queries: QueryBuilder, threshold: float = THRESHOLD,
                 dense_weight: float = DENSE_WEIGHT, candidates: int = CANDIDATES) -> None:
        self.index = index
        self.queries = queries
        self.threshold = threshold
        self.dense_weight = dense_weight
        self.candidates = candidates

    def scored(self, doc: Document, exclude: frozenset[int] = frozenset()
               ) -> list[tuple[int, str, Likeness]]:
        """Every candidate neighbour of `doc` (id, title, likeness), whatever its score: the
        dossier itself, merged dossiers and `exclude` left out. `doc` may be unsaved (id 0);
        its vector comes from the embedding cache (embedded when indexed or imported)."""
        cache, embedder = self.index.cache, self.index.embedder
        vector = cache.embed(embedder, [self.index.prepare(doc)])[0]
        query = self.queries.build(doc.text, doc.language)
        mine = tokens_of(doc.text, doc.language, self.queries)
        skip = {doc.id, *exclude}
        k = self.candidates + len(skip)
        with self.index.lock.reading():
            collection = self.index.dossiers
            ids = {h.id for h in collection.vectors.search(vector, k)}
            channels = collection.channels()
            ids |= set(channels["en"].scores(query.en_tokens, k))
            ids |= set(channels["vi"].scores(query.vi_tokens, k))
            docs = {i: collection.docs[i] for i in ids if i in collection.docs
                    and i not in skip and collection.docs[i].status != MERGED}
            cosines = collection.vectors.scores_for(vector, list(docs))
        return [(i, other.title,
                 combine(cosines.get(i, 0.0),
                         lexical(mine, tokens_of(other.text, other.language, self.queries)),
                         self.dense_weight))
                for i, other in docs.items()]

    def find(self, doc: Document, exclude: frozenset[int] = frozenset(), limit: int = 5
             ) -> list[LikelyDuplicate]:
        """The likely duplicates of `doc`, best first: candidates scoring at least the
        threshold."""
        found = sorted((s for s in self.scored(doc, exclude) if s[2].score >= self.threshold),
                       key=lambda s: (-s[2].score, s[0]))
        return [LikelyDuplicate(id=i, title=title, score=like.score, cosine=like.cosine,
                                lexical=like.lexical)
                for i, title, like in found[:limit]]


@dataclass
class RowDuplicates:
    """The likely duplicates of the dossier an import's row wrote."""

    row: int
    id: int
    ref: str | None
    title: str
    duplicates: list[LikelyDuplicate]


def imported_duplicates(detector: DuplicateDetector, session: Session, rows: dict[int, int],
                        exclude: frozenset[int] = frozenset()) -> list[RowDuplicates]:
    """For an import's dossiers (record id → row, as `ImportReport.rows` gives them, after the
    commit indexed them), those with likely duplicates (never one of `exclude`: the dossiers
    the importer may not read), by row; the first `MAX_CHECKED` rows only. Two rows of one file
    that copy each other are each other's duplicates."""
    wanted = sorted(rows, key=rows.__getitem__)[:MAX_CHECKED]
    found = []
    for start in range(0, len(wanted), 500):
        chunk = wanted[start:start + 500]
        for dossier in session.exec(select(Dossier).where(col(Dossier.id).in_(chunk))):
            duplicates = detector.find(dossier_document(dossier), exclude)
            if duplicates:
                found.append(RowDuplicates(rows[dossier.id or 0], dossier.id or 0, dossier.ref,
                                           dossier.title, duplicates))
    return sorted(found, key=lambda r: r.row)
