"""The embedder contract every backend fulfils."""

from abc import ABC, abstractmethod
from collections.abc import Sequence

import numpy as np


class Embedder(ABC):
    """Turns text into L2-normalised float32 vectors.

    Queries and passages may be encoded differently (e5 prefixes `query: ` and `passage: `);
    callers say which they embed. `name` identifies model and version, so that an index built
    with one model is never searched with another.
    """

    name: str
    dimension: int

    @abstractmethod
    def _encode(self, texts: list[str], is_query: bool) -> np.ndarray:
        """Encode a non-empty batch; returns an (n, dimension) float32 array."""

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        """Vectors for search queries, shape (n, dimension)."""
        return self._checked(list(texts), is_query=True)

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        """Vectors for indexed documents, shape (n, dimension)."""
        return self._checked(list(texts), is_query=False)

    def _checked(self, texts: list[str], is_query: bool) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        vectors = np.asarray(self._encode(texts, is_query), dtype=np.float32)
        vectors = vectors.reshape(len(texts), self.dimension)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return vectors / np.maximum(norms, 1e-12)
