"""Builds an embedder from its configuration string (`e5`, `sbert:<model>`)."""

from embeddings.base import Embedder


def make_embedder(spec: str) -> Embedder:
    """`e5` → bundled multilingual-e5-small; `sbert:<name or path>` → sentence-transformers."""
    if spec == "e5":
        from embeddings.e5 import E5Embedder

        return E5Embedder()
    if spec.startswith("sbert:") and len(spec) > len("sbert:"):
        from embeddings.sbert import SentenceTransformerEmbedder

        return SentenceTransformerEmbedder(spec.removeprefix("sbert:"))
    raise ValueError(f"unknown embedder '{spec}': use 'e5' or 'sbert:<model name or path>'")
