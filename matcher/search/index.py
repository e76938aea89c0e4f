"""The search index: dossiers and needs as FAISS vectors plus BM25 channels, kept in step with the
database (the source of truth), saved atomically beside it, verified and repaired at start."""

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from sqlmodel import Session, select

from embeddings.base import Embedder
from embeddings.cache import EmbeddingCache, content_hash
from embeddings.index import IndexMismatchError, VectorIndex
from matcher.models import Dossier, Need
from matcher.search.documents import Document, dossier_document, need_document
from matcher.search.lexical import BM25Channel, english_tokens, vietnamese_tokens

log = logging.getLogger(__name__)

Progress = Callable[[int], None]


@dataclass
class Drift:
    """Differences between an index and the database."""

    missing: list[int] = field(default_factory=list)  # in the database, not in the index
    stale: list[int] = field(default_factory=list)  # content changed since it was indexed
    extra: list[int] = field(default_factory=list)  # in the index, gone from the database

    @property
    def clean(self) -> bool:
        return not (self.missing or self.stale or self.extra)

    def __str__(self) -> str:
        return f"{len(self.missing)} missing, {len(self.stale)} stale, {len(self.extra)} extra"


class Collection:
    """One searchable collection: vectors, lexical channels per language, filter metadata."""

    def __init__(self, name: str, vectors: VectorIndex) -> None:
        self.name = name
        self.vectors = vectors
        self.docs: dict[int, Document] = {}
        self._channels: dict[str, BM25Channel] | None = None

    def upsert(self, docs: list[Document], vectors, hashes: list[str]) -> None:
        self.vectors.upsert([d.id for d in docs], vectors, hashes)
        self.docs.update({d.id: d for d in docs})
        self._channels = None

    def delete(self, ids: Iterable[int]) -> None:
        ids = list(ids)
        self.vectors.delete(ids)
        for i in ids:
            self.docs.pop(i, None)
        self._channels = None

    def channels(self) -> dict[str, BM25Channel]:
        """BM25 channels `vi` (Vietnamese documents) and `en` (all others), built when needed."""
        if self._channels is None:
            groups: dict[str, tuple[list[int], list[list[str]]]] = {"vi": ([], []), "en": ([], [])}
            for doc in self.docs.values():
                if doc.language == "vi":
                    groups["vi"][0].append(doc.id)
                    groups["vi"][1].append(vietnamese_tokens(doc.text))
                else:
                    groups["en"][0].append(doc.id)
                    groups["en"][1].append(english_tokens(doc.text))
            self._channels = {lang: BM25Channel(*group) for lang, group in groups.items()}
        return self._channels


class SearchIndex:
    """Both collections, their embedder and cache, and persistence under one directory."""

    def __init__(self, embedder: Embedder, cache: EmbeddingCache, directory: Path | None,
                 prepare: Callable[[Document], str], exact_max: int = 200_000,
                 nprobe: int = 32) -> None:
        self.embedder = embedder
        self.cache = cache
        self.directory = directory
        self.prepare = prepare  # the text actually embedded (e.g. with diacritics restored)
        self._exact_max = exact_max
        self._nprobe = nprobe
        self.dossiers = self._new("dossiers")
        self.needs = self._new("needs")

    def _new(self, name: str) -> Collection:
        return Collection(name, VectorIndex(self.embedder.name, self.embedder.dimension,
                                            self._exact_max, self._nprobe))

    def _path(self, name: str) -> Path:
        assert self.directory is not None
        return self.directory / f"{name}.faiss"

    # -- keeping in step with the database -------------------------------------------------

    def upsert_documents(self, collection: Collection, docs: list[Document],
                         progress: Progress | None = None) -> None:
        """Embed (through the cache) and index documents, replacing same-id ones."""
        if not docs:
            return
        texts = [self.prepare(d) for d in docs]
        vectors = self.cache.embed(self.embedder, texts, is_query=False, progress=progress)
        collection.upsert(docs, vectors, [content_hash(d.text) for d in docs])
        if len(collection.vectors) > self._exact_max and collection.vectors.kind == "flat":
            collection.vectors.rebuild()

    def upsert_dossiers(self, dossiers: list[Dossier], progress: Progress | None = None) -> None:
        self.upsert_documents(self.dossiers, [dossier_document(d) for d in dossiers], progress)

    def upsert_needs(self, needs: list[Need], progress: Progress | None = None) -> None:
        self.upsert_documents(self.needs, [need_document(n) for n in needs], progress)

    def verify(self, session: Session) -> dict[str, Drift]:
        """Compare both collections with the database by ids and content hashes."""
        return {
            "dossiers": self._drift(self.dossiers, _documents(session, Dossier, dossier_document)),
            "needs": self._drift(self.needs, _documents(session, Need, need_document)),
        }

    @staticmethod
    def _drift(collection: Collection, docs: dict[int, Document]) -> Drift:
        hashes = collection.vectors.hashes
        drift = Drift(extra=sorted(set(hashes) - set(docs)))
        for i, doc in docs.items():
            if i not in hashes:
                drift.missing.append(i)
            elif hashes[i] != content_hash(doc.text) or collection.docs.get(i) != doc:
                drift.stale.append(i)
        return drift

    def repair(self, session: Session, progress: Progress | None = None) -> dict[str, Drift]:
        """Bring both collections in step with the database; returns what was repaired."""
        drifts = self.verify(session)
        for name, loader in (("dossiers", dossier_document), ("needs", need_document)):
            drift, collection = drifts[name], getattr(self, name)
            collection.delete(drift.extra)
            changed = set(drift.missing) | set(drift.stale)
            if changed:
                model = Dossier if name == "dossiers" else Need
                docs = _documents(session, model, loader)
                self.upsert_documents(collection, [docs[i] for i in sorted(changed)], progress)
            if not drift.clean:
                log.info("index %s repaired: %s", name, drift)
        return drifts

    def reset(self) -> None:
        """Drop both collections (in memory); `repair` then indexes the database anew."""
        self.dossiers = self._new("dossiers")
        self.needs = self._new("needs")

    def pending(self, session: Session) -> int:
        """How many records a repair would embed or re-embed."""
        return sum(len(d.missing) + len(d.stale) for d in self.verify(session).values())

    # -- persistence -----------------------------------------------------------------------

    def save(self) -> None:
        """Write both vector indexes atomically (no-op for an in-memory index)."""
        if self.directory is None:
            return
        for collection in (self.dossiers, self.needs):
            collection.vectors.save(self._path(collection.name))

    def load(self, session: Session) -> bool:
        """Load saved vectors and documents; False when nothing usable was saved."""
        if self.directory is None:
            return False
        try:
            for name, model, loader in (("dossiers", Dossier, dossier_document),
                                        ("needs", Need, need_document)):
                path = self._path(name)
                if not path.exists():
                    return False
                vectors = VectorIndex.load(path, self.embedder.name, self.embedder.dimension,
                                           self._exact_max, self._nprobe)
                collection = Collection(name, vectors)
                docs = _documents(session, model, loader)
                collection.docs = {i: docs[i] for i in vectors.hashes if i in docs}
                setattr(self, name, collection)
        except IndexMismatchError as exc:
            log.warning("%s; rebuilding", exc)
            self.reset()
            return False
        return True


def _documents(session: Session, model, to_document) -> dict[int, Document]:
    return {row.id: to_document(row) for row in session.exec(select(model)).all()}
