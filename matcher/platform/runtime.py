"""Wires settings into the running parts: database engine, embedder, index and match service."""

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache

from sqlalchemy.engine import Engine

from embeddings.base import Embedder
from embeddings.cache import EmbeddingCache
from embeddings.factory import make_embedder
from matcher.models import Dossier, Need
from matcher.platform.config import Settings
from matcher.platform.db import Session, create_tables, make_engine
from matcher.rules.feasibility import ExchangeRates
from matcher.search.documents import Document
from matcher.search.index import Progress, SearchIndex
from matcher.search.matches import MatchService
from matcher.search.query import QueryBuilder
from matcher.text.lexicon import Lexicon
from matcher.text.vietnamese import has_diacritics, looks_unaccented

log = logging.getLogger(__name__)


@cache
def default_restorer() -> Callable[[str], str]:
    """The diacritic restorer trained on the text shipped in matcher/resources (loaded once)."""
    from matcher.text.diacritics import DiacriticRestorer

    return DiacriticRestorer.load().restore


def embedding_text(restore: Callable[[str], str] | None) -> Callable[[Document], str]:
    """What to embed for a document: its text, with diacritics restored when typed without."""

    def prepare(doc: Document) -> str:
        if restore and doc.language == "vi" and not has_diacritics(doc.text) \
                and looks_unaccented(doc.text):
            return restore(doc.text)
        return doc.text

    return prepare


@dataclass
class Runtime:
    """Everything a request or a CLI command needs, built once per process."""

    settings: Settings
    engine: Engine
    index: SearchIndex
    matches: MatchService
    lock: threading.RLock = field(default_factory=threading.RLock)

    def session(self) -> Session:
        return Session(self.engine)

    def index_dossiers(self, dossiers: list[Dossier], progress: Progress | None = None) -> None:
        """Reflect created or changed dossiers in the index (serialised with other writes)."""
        with self.lock:
            self.index.upsert_dossiers(dossiers, progress)

    def index_needs(self, needs: list[Need], progress: Progress | None = None) -> None:
        with self.lock:
            self.index.upsert_needs(needs, progress)

    def unindex(self, dossier_ids: list[int] = (), need_ids: list[int] = ()) -> None:  # type: ignore[assignment]
        with self.lock:
            self.index.dossiers.delete(dossier_ids)
            self.index.needs.delete(need_ids)

    def sync(self, progress: Progress | None = None) -> None:
        """Load the saved index, repair any drift from the database, and save it."""
        with self.lock, self.session() as session:
            if not self.index.load(session):
                log.info("no usable saved index; building from the database")
            self.index.repair(session, progress)
            self.index.save()


def build_runtime(settings: Settings, engine: Engine | None = None,
                  embedder: Embedder | None = None, persist: bool = True) -> Runtime:
    """Create the runtime; `persist=False` keeps index and cache in memory (tests)."""
    engine = engine or make_engine(settings.resolved_database_url, settings)
    create_tables(engine)
    embedder = embedder or make_embedder(settings.embedder)
    index_dir = settings.data_dir / "index" if persist else None
    cache_path = settings.data_dir / "embeddings.sqlite" if persist else None
    restore = default_restorer() if settings.restore_diacritics else None
    index = SearchIndex(embedder, EmbeddingCache(cache_path), index_dir, embedding_text(restore),
                        settings.exact_index_max, settings.ivf_nprobe)
    lexicon = Lexicon.load(settings.seed_dir / "lexicon")
    rates = ExchangeRates.load(settings.seed_dir / "exchange_rates.json")
    matches = MatchService(index, QueryBuilder(lexicon, restore), rates, settings.min_confidence)
    return Runtime(settings, engine, index, matches)
