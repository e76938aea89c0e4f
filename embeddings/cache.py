"""Embedding cache keyed by content hash, so unchanged text is never embedded twice."""

import hashlib
import sqlite3
import threading
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from embeddings.base import Embedder
from embeddings.files import private_file


def content_hash(text: str) -> str:
    """SHA-256 of a text, the key of its embedding and of index drift checks."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class EmbeddingCache:
    """Vectors stored in a small SQLite file next to the index, keyed by model, kind and text hash.

    `path=None` keeps the cache in memory (tests). Thread-safe: the API embeds from worker threads.
    """

    def __init__(self, path: Path | None) -> None:
        if path is not None:
            private_file(path)  # its -wal and -shm files take its mode: owner only
        self._db = sqlite3.connect(str(path) if path else ":memory:", check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        # no fsync at each commit (WAL stays consistent; a power cut may lose the last vectors,
        # which are embedded again): every new query is stored, and that fsync, under the
        # cache's lock, cost 7 ms a search and made concurrent searches wait for each other
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS vectors (key TEXT PRIMARY KEY, vector BLOB NOT NULL)"
        )
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    @staticmethod
    def key(model: str, kind: str, text: str) -> str:
        """The cache key of a text embedded by `model` as a `query` or `passage`."""
        return content_hash(f"{model}\x00{kind}\x00{text}")

    def get_many(self, keys: Sequence[str]) -> dict[str, np.ndarray]:
        """Cached vectors for those keys that are present."""
        found: dict[str, np.ndarray] = {}
        with self._lock:
            for start in range(0, len(keys), 500):
                chunk = list(keys[start : start + 500])
                marks = ",".join("?" * len(chunk))
                rows = self._db.execute(
                    f"SELECT key, vector FROM vectors WHERE key IN ({marks})", chunk
                ).fetchall()
                for key, blob in rows:
                    found[key] = np.frombuffer(blob, dtype=np.float32)
        return found

    def put_many(self, items: dict[str, np.ndarray]) -> None:
        """Store vectors (float32) under their keys."""
        with self._lock, self._db:
            self._db.executemany(
                "INSERT OR REPLACE INTO vectors (key, vector) VALUES (?, ?)",
                [(k, np.asarray(v, dtype=np.float32).tobytes()) for k, v in items.items()],
            )

    def embed(
        self,
        embedder: Embedder,
        texts: Sequence[str],
        is_query: bool = False,
        batch_size: int = 32,
        progress: Callable[[int], None] | None = None,
    ) -> np.ndarray:
        """Vectors for `texts`, embedding only those not cached; `progress(n)` after each batch."""
        kind = "query" if is_query else "passage"
        keys = [self.key(embedder.name, kind, t) for t in texts]
        found = self.get_many(keys)
        self.hits += len(found)
        todo: list[int] = []
        pending: set[str] = set()
        for i, key in enumerate(keys):
            if key not in found and key not in pending:
                pending.add(key)
                todo.append(i)
        self.misses += len(todo)
        if progress:
            progress(len(texts) - len(todo))
        encode = embedder.embed_queries if is_query else embedder.embed_passages
        for start in range(0, len(todo), batch_size):
            batch = todo[start : start + batch_size]
            vectors = encode([texts[i] for i in batch])
            fresh = {keys[i]: v for i, v in zip(batch, vectors, strict=True)}
            self.put_many(fresh)
            found.update(fresh)
            if progress:
                progress(len(batch))
        out = np.zeros((len(texts), embedder.dimension), dtype=np.float32)
        for i, key in enumerate(keys):
            out[i] = found[key]
        return out
