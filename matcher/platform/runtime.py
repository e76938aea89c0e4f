"""Wires settings into the running parts: database engine, embedder, index and match service."""

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache

from sqlalchemy.engine import Engine
from sqlmodel import Session as SQLModelSession

from embeddings.base import Embedder
from embeddings.cache import EmbeddingCache
from embeddings.factory import make_embedder
from matcher.platform.config import Settings
from matcher.platform.db import Session, create_tables, make_engine
from matcher.platform.follower import IndexFollower
from matcher.platform.outbox import latest
from matcher.rules.feasibility import ExchangeRates
from matcher.search.documents import Document
from matcher.search.index import Progress, SearchIndex
from matcher.search.matches import MatchService
from matcher.search.query import QueryBuilder
from matcher.services.commit import commit
from matcher.text.lexicon import Lexicon
from matcher.text.vietnamese import has_diacritics, looks_unaccented

log = logging.getLogger(__name__)
IN_FLIGHT = 1_000  # outbox rows re-read after a full comparison: the cost of reading them is
# small, and their gaps are then awaited like any other


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
    """Everything a request or a CLI command needs, built once per process: the database,
    the search index and the follower that keeps it in step with the outbox."""

    settings: Settings
    engine: Engine
    index: SearchIndex
    matches: MatchService
    follower: IndexFollower
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def session(self) -> Session:
        return Session(self.engine)

    def commit(self, session: SQLModelSession, what: str) -> None:
        """End a unit of work: commit (a collision is a `Conflict` about `what`), then apply
        the changes to this process's index, so they are searchable when the caller answers.
        Other processes pick them up from the outbox."""
        commit(session, what)
        self.follower.apply_own(session)

    def load(self, progress: Progress | None = None) -> bool:
        """Load the last snapshot and replay the outbox from its position; False when there
        is no usable snapshot (the index is then empty)."""
        with self.session() as session:
            position = self.index.saved_cursor() if self.index.load(session) else None
        if position is None:
            return False
        self.follower.resume(position)
        self.follower.catch_up(progress)
        return True

    def sync(self, progress: Progress | None = None, fresh: bool = False) -> None:
        """Bring the index up to date at start: load the last snapshot and replay the outbox
        (unless `fresh`: build anew), compare the rest with the database (repairing any
        drift, e.g. records written before the outbox existed), and save a snapshot."""
        if fresh:
            self.index.reset()
        loaded = not fresh and self.load(progress)
        if not loaded:
            log.info("no usable saved index; building from the database")
        with self.session() as session:
            top = latest(session)
            self.index.repair(session, progress)
        if not loaded:  # rows just below `top` may belong to transactions still open
            self.follower.resume({"cursor": max(0, top - IN_FLIGHT)})
        self.follower.catch_up(progress)
        self.follower.ready.set()
        self.follower.snapshot()

    def start_following(self) -> None:
        """Sync, then follow the outbox in a background thread (serving from the snapshot
        meanwhile: `follower.ready` says when the index is current)."""

        def run() -> None:
            while not self._stop.is_set():
                try:
                    self.sync(progress=_log_progress())
                    break
                except Exception:  # the database down or busy at start: try again
                    log.exception("catching up with the database failed; trying again")
                    self._stop.wait(self.settings.index_poll_seconds * 20)
            self.follower.follow(self._stop, self.settings.index_poll_seconds,
                                 self.settings.index_snapshot_seconds)

        self._thread = threading.Thread(target=run, name="index-follower", daemon=True)
        self._thread.start()

    def stop_following(self) -> None:
        """Stop the background thread and save a snapshot."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=30)
        if self.follower.ready.is_set():
            self.follower.snapshot()


def _log_progress() -> Progress:
    done = 0

    def report(n: int) -> None:
        nonlocal done
        done += n
        if n:
            log.info("indexed %d records", done)

    return report


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
    index.on_embedded = matches.warm
    return Runtime(settings, engine, index, matches, IndexFollower(engine, index))
