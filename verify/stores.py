"""Source embeddings through stores: the run's memo, the on-disk cache, an archive.

One wrapper, ``SourceEmbedder``, does "look up, encode what is missing, keep it": the copy
itself (``encode``) never touches a store, so unpublished copy is not stored; the sources
(``encode_sources``) are looked up in each store in turn, the rest encoded once and put into
every store that keeps vectors.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Protocol

import numpy as np

from verify.backend.protocols import Embedder


def text_key(text: str) -> bytes:
    """The key of a text in every store: 16 bytes of its SHA-256."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).digest()[:16]


class VectorStore(Protocol):
    """Vectors kept for texts: ``get`` returns those it holds; ``put`` keeps new ones (a
    read-only store ignores it)."""

    def get(self, texts: Sequence[str]) -> dict[str, np.ndarray]: ...

    def put(self, texts: Sequence[str], vectors: np.ndarray) -> None: ...


class MemoStore:
    """Vectors kept for the life of the process (sources shared by many articles)."""

    def __init__(self) -> None:
        self._memo: dict[str, np.ndarray] = {}

    def get(self, texts: Sequence[str]) -> dict[str, np.ndarray]:
        return {t: self._memo[t] for t in texts if t in self._memo}

    def put(self, texts: Sequence[str], vectors: np.ndarray) -> None:
        for t, v in zip(texts, vectors, strict=True):
            self._memo[t] = v


class SourceEmbedder:
    """An embedder whose source texts go through ``stores`` (first found wins)."""

    def __init__(self, inner: Embedder, stores: Sequence[VectorStore] = ()) -> None:
        self.inner = inner
        self.name = inner.name
        self.key = inner.key
        self.stores = tuple(stores)
        self._dim: int | None = None

    def with_stores(self, *stores: VectorStore) -> SourceEmbedder:
        """The same embedder, ``stores`` looked up before its own."""
        return SourceEmbedder(self.inner, (*stores, *self.stores))

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        return self.inner.encode(texts)

    def encode_sources(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, 0), dtype=np.float32)
        found: dict[str, np.ndarray] = {}
        missing = list(dict.fromkeys(texts))
        for n, store in enumerate(self.stores):
            if not missing:
                break
            got = store.get(missing)
            if got:
                for earlier in self.stores[:n]:  # the memo keeps what the disk cache had
                    earlier.put(list(got), np.stack(list(got.values())))
                found.update(got)
                missing = [t for t in missing if t not in got]
        if missing:
            vectors = self.inner.encode(missing)
            for store in self.stores:
                store.put(missing, vectors)
            found.update(zip(missing, vectors, strict=True))
            self._dim = int(vectors.shape[1])
        wrong = [t for t, v in found.items() if v.size != self._dimension()]
        if wrong:  # a store holding vectors of another size (another model, damage): re-encode
            found.update(zip(wrong, self.inner.encode(wrong), strict=True))
        return np.stack([found[t] for t in texts]).astype(np.float32, copy=False)

    def _dimension(self) -> int:
        """The size of this model's vectors (one short text encoded, once, if need be)."""
        if self._dim is None:
            self._dim = int(self.inner.encode(["dimension"]).shape[1])
        return self._dim


def source_embedder(embedder: Embedder | SourceEmbedder) -> SourceEmbedder:
    """``embedder`` as a SourceEmbedder (with no store if it had none)."""
    return embedder if isinstance(embedder, SourceEmbedder) else SourceEmbedder(embedder)
