"""Embedder backends (bundled e5, sentence-transformers), embedding cache, FAISS index."""

from embeddings.base import Embedder
from embeddings.factory import make_embedder

__all__ = ["Embedder", "make_embedder"]
