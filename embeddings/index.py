"""FAISS vector index keyed by record id: add, update, delete, filtered search, atomic save/load."""

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

import faiss
import numpy as np

from embeddings.files import atomic_write, private_dir


@dataclass(frozen=True)
class Hit:
    """One search result: record id and inner-product (cosine) score."""

    id: int
    score: float


def _one_thread() -> None:
    """FAISS is asked one query at a time, which it computes on one thread anyway; waking its
    OpenMP team for it cost 10–22 ms a search on a busy 2-core machine (a flat index of 340
    vectors; under 0.5 ms on one thread). OpenMP keeps the setting per calling thread, so each
    search makes it in its own thread."""
    faiss.omp_set_num_threads(1)


class IndexMismatchError(RuntimeError):
    """A saved index cannot be used: built with another embedder or dimension than the one in
    use, or its two files do not belong together (a save cut short between them)."""


class VectorIndex:
    """Normalised vectors under integer record ids, searched by inner product.

    Exact (flat) up to `exact_max` vectors; above it `rebuild` trains an IVF index, which keeps
    supporting deletes. `hashes` remembers the content hash each vector was made from, so the
    index can be verified against the database.
    """

    def __init__(self, embedder_name: str, dimension: int, exact_max: int = 200_000,
                 nprobe: int = 32) -> None:
        self.embedder_name = embedder_name
        self.dimension = dimension
        self.exact_max = exact_max
        self.nprobe = nprobe
        self.hashes: dict[int, str] = {}
        self._index = self._flat()

    def _flat(self) -> faiss.Index:
        return faiss.IndexIDMap2(faiss.IndexFlatIP(self.dimension))

    @property
    def kind(self) -> str:
        """`flat` or `ivf`: what the index currently is."""
        return "ivf" if isinstance(faiss.downcast_index(self._index), faiss.IndexIVF) else "flat"

    def __len__(self) -> int:
        return int(self._index.ntotal)

    def __contains__(self, record_id: int) -> bool:
        return record_id in self.hashes

    def upsert(self, ids: list[int], vectors: np.ndarray, hashes: list[str]) -> None:
        """Add records, replacing any vector already stored under the same id."""
        if not ids:
            return
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        if vectors.shape != (len(ids), self.dimension):
            raise ValueError(f"expected {len(ids)}×{self.dimension} vectors, got {vectors.shape}")
        if len(set(ids)) != len(ids):
            raise ValueError("duplicate ids in one upsert")
        self.delete([i for i in ids if i in self.hashes])
        self._index.add_with_ids(vectors, np.asarray(ids, dtype=np.int64))
        self.hashes.update(zip(ids, hashes, strict=True))

    def delete(self, ids: list[int]) -> int:
        """Remove records; unknown ids are ignored. Returns how many were removed."""
        present = [i for i in ids if i in self.hashes]
        if present:
            self._index.remove_ids(np.asarray(present, dtype=np.int64))
            for i in present:
                del self.hashes[i]
        return len(present)

    def search(self, query: np.ndarray, k: int, allowed: set[int] | None = None) -> list[Hit]:
        """The k nearest records to one query vector, optionally only among `allowed` ids."""
        if len(self) == 0 or k <= 0:
            return []
        params = None
        if allowed is not None:
            if not allowed:
                return []
            selector = faiss.IDSelectorBatch(np.fromiter(allowed, dtype=np.int64))
            params = (faiss.SearchParametersIVF(sel=selector, nprobe=self.nprobe)
                      if self.kind == "ivf" else faiss.SearchParameters(sel=selector))
        elif self.kind == "ivf":
            params = faiss.SearchParametersIVF(nprobe=self.nprobe)
        k = min(k, len(self))
        query = np.ascontiguousarray(query.reshape(1, -1), dtype=np.float32)
        _one_thread()
        scores, ids = self._index.search(query, k, params=params)
        return [Hit(int(i), float(s)) for s, i in zip(scores[0], ids[0], strict=True) if i >= 0]

    def scores_for(self, query: np.ndarray, ids: list[int]) -> dict[int, float]:
        """Inner product of one query vector with the stored vectors of `ids` (known ids only)."""
        known = [i for i in ids if i in self.hashes]
        if not known:
            return {}
        stored = np.vstack([self._index.reconstruct(int(i)) for i in known])
        return dict(zip(known, (stored @ query.reshape(-1)).tolist(), strict=True))

    def vectors(self) -> tuple[np.ndarray, np.ndarray]:
        """All ids and their vectors (for rebuilds and brute-force checks)."""
        ids = np.fromiter(self.hashes.keys(), dtype=np.int64, count=len(self.hashes))
        if len(ids) == 0:
            return ids, np.zeros((0, self.dimension), dtype=np.float32)
        return ids, np.vstack([self._index.reconstruct(int(i)) for i in ids])

    def rebuild(self) -> None:
        """Re-create the index, choosing flat or IVF by the number of vectors (training on
        every core, whatever this thread searched with before)."""
        faiss.omp_set_num_threads(os.cpu_count() or 1)
        ids, vectors = self.vectors()
        hashes = dict(self.hashes)
        if len(ids) > self.exact_max:
            nlist = int(4 * np.sqrt(len(ids)))
            quantizer = faiss.IndexFlatIP(self.dimension)
            ivf = faiss.IndexIVFFlat(quantizer, self.dimension, nlist, faiss.METRIC_INNER_PRODUCT)
            ivf.train(vectors)
            ivf.set_direct_map_type(faiss.DirectMap.Hashtable)
            index: faiss.Index = ivf
        else:
            index = self._flat()
        index.add_with_ids(vectors, ids)
        self._index = index
        self.hashes = hashes

    def save(self, path: Path) -> None:
        """Write index and metadata, each atomically (temporary file, fsync, rename); the
        metadata holds the checksum of the index, so `load` refuses a pair from two saves.
        Both files are their owner's only (0600, as `mkstemp` makes them), in a directory
        created 0700."""
        private_dir(path.parent)
        data = faiss.serialize_index(self._index).tobytes()
        meta = {
            "embedder": self.embedder_name,
            "dimension": self.dimension,
            "sha256": hashlib.sha256(data).hexdigest(),
            "hashes": {str(k): v for k, v in self.hashes.items()},
        }
        atomic_write(path, data)
        atomic_write(path.with_suffix(".json"), json.dumps(meta).encode("utf-8"))

    @classmethod
    def load(cls, path: Path, embedder_name: str, dimension: int, exact_max: int = 200_000,
             nprobe: int = 32) -> "VectorIndex":
        """Read an index saved by `save`; refuse one built with another embedder, or whose
        metadata is missing or belongs to another save of the index."""
        try:
            meta = json.loads(path.with_suffix(".json").read_text("utf-8"))
        except (OSError, ValueError) as exc:
            message = f"metadata of the index at {path} is unreadable: {exc}"
            raise IndexMismatchError(message) from exc
        if meta["embedder"] != embedder_name or meta["dimension"] != dimension:
            raise IndexMismatchError(
                f"index at {path} was built with {meta['embedder']} ({meta['dimension']}-d), "
                f"not {embedder_name} ({dimension}-d): run `ketnoi index rebuild`"
            )
        data = path.read_bytes()
        if hashlib.sha256(data).hexdigest() != meta.get("sha256"):
            raise IndexMismatchError(f"index at {path} does not match its metadata "
                                     "(a save was cut short, or it predates checksums)")
        index = cls(embedder_name, dimension, exact_max, nprobe)
        index._index = faiss.deserialize_index(np.frombuffer(data, dtype=np.uint8))
        index.hashes = {int(k): v for k, v in meta["hashes"].items()}
        if len(index) != len(index.hashes):
            raise IndexMismatchError(f"index at {path} holds {len(index)} vectors but "
                                     f"{len(index.hashes)} ids in its metadata")
        return index

