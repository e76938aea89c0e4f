"""sentence-transformers backend: any model by name or local path, loaded without network."""

import numpy as np

from embeddings.base import Embedder


class SentenceTransformerEmbedder(Embedder):
    """A sentence-transformers model; e5-family models get their query/passage prefixes."""

    def __init__(self, model: str, device: str = "cpu") -> None:
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:
            raise ImportError(
                "install sentence-transformers (after `pip install torch==2.13.0`) "
                "to use an `sbert:` embedder"
            ) from exc
        self._model = SentenceTransformer(model, device=device, local_files_only=True)
        dimension = self._model.get_embedding_dimension()
        if dimension is None:
            raise ValueError(f"sbert:{model} does not state its embedding dimension")
        self.dimension = int(dimension)
        self.name = f"sbert:{model}"
        self._prefixed = "e5" in model.lower()

    def _encode(self, texts: list[str], is_query: bool) -> np.ndarray:
        if self._prefixed:
            prefix = "query: " if is_query else "passage: "
            texts = [prefix + text for text in texts]
        return self._model.encode(texts, convert_to_numpy=True, normalize_embeddings=True)
