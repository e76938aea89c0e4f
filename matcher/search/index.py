"""The search index: dossiers and needs as FAISS vectors plus BM25 channels, following the
database (the one truth) through the outbox, saved as snapshots beside it, verified and
repaired at start.

Searches read it at once under the shared side of a reader–writer lock; a change embeds its
text first (outside any lock, through the embedding cache) and then takes the exclusive side
only to swap vectors and metadata in.
"""

import json
import logging
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlmodel import Session, col, select

from embeddings.base import Embedder
from embeddings.cache import EmbeddingCache, content_hash
from embeddings.files import atomic_write, private_dir
from embeddings.index import IndexMismatchError, VectorIndex
from matcher.models import Dossier, Need
from matcher.platform.rwlock import ReadWriteLock
from matcher.search.documents import Document, dossier_document, need_document
from matcher.search.lexical import BM25Channel, english_tokens, vietnamese_tokens

log = logging.getLogger(__name__)

Progress = Callable[[int], None]
MODELS: dict[str, tuple[Any, Callable[[Any], Document]]] = {"dossiers": (Dossier, dossier_document),
                                            "needs": (Need, need_document)}


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
    """One searchable collection: vectors, lexical channels per language, filter metadata,
    and the outbox version each record was last applied at."""

    def __init__(self, name: str, vectors: VectorIndex) -> None:
        self.name = name
        self.vectors = vectors
        self.docs: dict[int, Document] = {}
        self.versions: dict[int, int] = {}
        self._tokens: dict[int, list[str]] = {}
        self._channels: dict[str, BM25Channel] | None = None
        self._building = threading.Lock()

    def upsert(self, docs: list[Document], vectors, hashes: list[str]) -> None:
        self.vectors.upsert([d.id for d in docs], vectors, hashes)
        for doc in docs:
            self.docs[doc.id] = doc
            self._tokens.pop(doc.id, None)
        self._channels = None

    def update_metadata(self, docs: list[Document]) -> None:
        """Replace documents whose text is unchanged (status, sectors...): no embedding, and
        the lexical channels stay as they are unless the language changed."""
        for doc in docs:
            old = self.docs.get(doc.id)
            if old is None or old.language != doc.language:
                self._channels = None
                self._tokens.pop(doc.id, None)
            self.docs[doc.id] = doc

    def delete(self, ids: Iterable[int]) -> None:
        ids = list(ids)
        self.vectors.delete(ids)
        for i in ids:
            self.docs.pop(i, None)
            self._tokens.pop(i, None)
        if ids:
            self._channels = None

    def channels(self) -> dict[str, BM25Channel]:
        """BM25 channels `vi` (Vietnamese documents) and `en` (all others), built when first
        needed after a change (one builder at a time; tokens of unchanged documents are kept)."""
        channels = self._channels
        if channels is not None:
            return channels
        with self._building:
            if self._channels is None:
                groups: dict[str, tuple[list[int], list[list[str]]]] = {"vi": ([], []),
                                                                        "en": ([], [])}
                for doc in self.docs.values():
                    lang = "vi" if doc.language == "vi" else "en"
                    tokens = self._tokens.get(doc.id)
                    if tokens is None:
                        tokens = (vietnamese_tokens if lang == "vi" else english_tokens)(doc.text)
                        self._tokens[doc.id] = tokens
                    groups[lang][0].append(doc.id)
                    groups[lang][1].append(tokens)
                self._channels = {lang: BM25Channel(*group) for lang, group in groups.items()}
            return self._channels


class SearchIndex:
    """Both collections, their embedder and cache, the lock that guards them, and snapshots
    under one directory."""

    def __init__(self, embedder: Embedder, cache: EmbeddingCache, directory: Path | None,
                 prepare: Callable[[Document], str], exact_max: int = 200_000,
                 nprobe: int = 32) -> None:
        self.embedder = embedder
        self.cache = cache
        self.directory = directory
        self.prepare = prepare  # the text actually embedded (e.g. with diacritics restored)
        self.lock = ReadWriteLock()
        # called with a collection's name and the documents just embedded (outside the lock)
        self.on_embedded: Callable[[str, list[Document]], None] | None = None
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

    def collection(self, name: str) -> Collection:
        """The collection called `dossiers` or `needs`."""
        return {"dossiers": self.dossiers, "needs": self.needs}[name]

    # -- following the database --------------------------------------------------------------

    def apply(self, name: str, states: dict[int, Document | None],
              versions: dict[int, int] | None = None, progress: Progress | None = None) -> int:
        """Make the collection hold `states` (a document, or None for a record gone), embedding
        only documents whose text changed. With `versions` (the outbox id each state is at least
        as new as), a state older than the one already applied is skipped, so two threads
        applying the same record in either order leave the newer. Returns how many records
        changed."""
        versions = versions or {}
        while True:
            collection = self.collection(name)

            def newer(i: int, collection: Collection = collection) -> bool:
                return not versions.get(i) or versions[i] > collection.versions.get(i, 0)

            fresh = [d for i, d in states.items() if d is not None and newer(i)
                     and collection.vectors.hashes.get(i) != content_hash(d.text)]
            vectors = self._embed(fresh, progress)
            if fresh and self.on_embedded is not None:
                self.on_embedded(name, fresh)
            with self.lock.writing():
                if self.collection(name) is not collection:
                    continue  # a snapshot was loaded meanwhile: decide again against it
                wanted = {i for i in states if newer(i)}
                # a snapshot loads documents from the database, so a record deleted since
                # then has its vector but no document: it is gone too
                gone = [i for i in wanted if states[i] is None
                        and (i in collection.docs or i in collection.vectors.hashes)]
                embedded = [j for j, d in enumerate(fresh) if d.id in wanted]
                relabelled = [d for i, d in states.items() if i in wanted and d is not None
                              and collection.docs.get(i) != d
                              and collection.vectors.hashes.get(i) == content_hash(d.text)]
                collection.delete(gone)
                if embedded:
                    collection.upsert([fresh[j] for j in embedded], vectors[embedded],
                                      [content_hash(fresh[j].text) for j in embedded])
                collection.update_metadata(relabelled)
                collection.versions.update({i: versions[i] for i in wanted if versions.get(i)})
                if len(collection.vectors) > self._exact_max \
                        and collection.vectors.kind == "flat":
                    collection.vectors.rebuild()
                return len(gone) + len(embedded) + len(relabelled)

    def _embed(self, docs: list[Document], progress: Progress | None = None):
        texts = [self.prepare(d) for d in docs]
        return self.cache.embed(self.embedder, texts, is_query=False, progress=progress)

    def embed_ahead(self, name: str, records: list, progress: Progress | None = None) -> None:
        """Embed into the cache, before they are written, records an import is about to
        create or change (unsaved table objects): the processes that follow the write then
        find every vector cached, and the write transaction stays short."""
        docs = [MODELS[name][1](record) for record in records]
        self._embed(docs, progress)
        if docs and self.on_embedded is not None:
            self.on_embedded(name, docs)

    def upsert_documents(self, collection: Collection, docs: list[Document],
                         progress: Progress | None = None) -> None:
        """Embed (through the cache) and index documents, replacing same-id ones."""
        self.apply(collection.name, {d.id: d for d in docs}, progress=progress)

    def load_states(self, session: Session, name: str, ids: Iterable[int]
                    ) -> dict[int, Document | None]:
        """The current documents of records `ids` (None for those no longer in the database)."""
        model, to_document = MODELS[name]
        wanted = sorted(set(ids))
        states: dict[int, Document | None] = dict.fromkeys(wanted)
        for start in range(0, len(wanted), 1000):
            chunk = wanted[start:start + 1000]
            for row in session.exec(select(model).where(col(model.id).in_(chunk))):
                states[row.id] = to_document(row)
        return states

    def verify(self, session: Session) -> dict[str, Drift]:
        """Compare both collections with the database by ids and content hashes."""
        with self.lock.reading():
            return {name: self._drift(self.collection(name), _documents(session, name))
                    for name in MODELS}

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
        for name, drift in drifts.items():
            if drift.clean:
                continue
            states = self.load_states(session, name, [*drift.extra, *drift.missing,
                                                      *drift.stale])
            self.apply(name, states, progress=progress)
            log.info("index %s repaired: %s", name, drift)
        return drifts

    def reset(self) -> None:
        """Drop both collections (in memory); `repair` then indexes the database anew."""
        with self.lock.writing():
            self.dossiers = self._new("dossiers")
            self.needs = self._new("needs")

    def pending(self, session: Session) -> int:
        """How many records a repair would embed or re-embed."""
        return sum(len(d.missing) + len(d.stale) for d in self.verify(session).values())

    def size(self) -> dict[str, int]:
        """How many records each collection holds."""
        return {name: len(self.collection(name).docs) for name in MODELS}

    # -- snapshots -----------------------------------------------------------------------------

    def save(self, cursor: dict | None = None) -> None:
        """Write both vector indexes atomically, then `snapshot.json` with the outbox position
        they are at least as new as (`cursor`), last: a snapshot cut short leaves the previous
        position, from which replaying the outbox is harmless. No-op in memory."""
        if self.directory is None:
            return
        private_dir(self.directory)
        with self.lock.reading():
            for name in MODELS:
                self.collection(name).vectors.save(self._path(name))
        if cursor is not None:
            atomic_write(self.directory / "snapshot.json", json.dumps(cursor).encode())

    def load(self, session: Session) -> bool:
        """Load saved vectors and documents; False when nothing usable was saved."""
        if self.directory is None:
            return False
        loaded = {}
        try:
            for name in MODELS:
                path = self._path(name)
                if not path.exists():
                    return False
                vectors = VectorIndex.load(path, self.embedder.name, self.embedder.dimension,
                                           self._exact_max, self._nprobe)
                collection = Collection(name, vectors)
                docs = _documents(session, name)
                collection.docs = {i: docs[i] for i in vectors.hashes if i in docs}
                loaded[name] = collection
        except IndexMismatchError as exc:
            log.warning("%s; rebuilding", exc)
            self.reset()
            return False
        with self.lock.writing():
            self.dossiers, self.needs = loaded["dossiers"], loaded["needs"]
        return True

    def saved_cursor(self) -> dict | None:
        """The outbox position of the last snapshot, if one was saved with it."""
        if self.directory is None:
            return None
        try:
            return json.loads((self.directory / "snapshot.json").read_text())
        except (OSError, ValueError):
            return None


def _documents(session: Session, name: str) -> dict[int, Document]:
    model, to_document = MODELS[name]
    return {row.id: to_document(row) for row in session.exec(select(model)).all()}
