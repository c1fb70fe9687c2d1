"""One ONNX session and tokenizer loader for the embedder and every classifier: threads,
session options, the optimised copy kept beside a cached export, errors as one line."""

from __future__ import annotations

import os
from typing import Any


def _options(threads: int | None) -> Any:
    import onnxruntime as ort

    opts = ort.SessionOptions()
    opts.intra_op_num_threads = threads or min(4, os.cpu_count() or 1)
    opts.inter_op_num_threads = 1
    opts.log_severity_level = 3
    return opts


def _unlink(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


def open_session(source: str | bytes, threads: int | None, optimize_to: str | None = None) -> Any:
    """An onnxruntime CPU session on ``source`` (a file, or a model's bytes) with ``threads``
    intra-op threads (default: up to 4). ``optimize_to``: the graph is optimised once into that
    file and loaded from it, unoptimised, afterwards; where that file cannot be written (a full
    disk), the session runs without it and no partial file is left."""
    import onnxruntime as ort

    providers = ["CPUExecutionProvider"]
    opts = _options(threads)
    if isinstance(source, bytes) or optimize_to is None:
        return ort.InferenceSession(source, opts, providers=providers)
    if os.path.exists(optimize_to):  # optimised once, loaded as is afterwards
        opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL
        return ort.InferenceSession(optimize_to, opts, providers=providers)
    tmp = f"{optimize_to}.{os.getpid()}.tmp"
    opts.optimized_model_filepath = tmp
    try:
        session = ort.InferenceSession(source, opts, providers=providers)
    except Exception:
        _unlink(tmp)  # the optimised copy could not be written: run without keeping one
        return ort.InferenceSession(source, _options(threads), providers=providers)
    try:
        if os.path.exists(tmp):
            os.replace(tmp, optimize_to)
    except OSError:
        _unlink(tmp)
    return session


def optimized_path(onnx_path: str) -> str:
    """Where the optimised copy of a cached export is kept (per onnxruntime version)."""
    import onnxruntime as ort

    return onnx_path.replace(".onnx", f".ort-{ort.__version__}.optimized.onnx")


def load_tokenizer(folder: str, max_length: int) -> Any:
    """The folder's ``tokenizer.json``, truncating at ``max_length`` and padding to the longest
    text of a batch (never a fixed length)."""
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(os.path.join(folder, "tokenizer.json"))
    tok.enable_truncation(max_length=max_length)
    tok.enable_padding()
    return tok


#: Bytes read from each end of a weights file for its key.
KEY_BYTES = 1 << 20


def weights_key(path: str, *extra: str) -> str:
    """The identity of a weights file, the same on every machine it is installed on: its size
    and its first and last MiB (a retrained model changes all of them), with ``extra``."""
    import hashlib

    digest = hashlib.sha256()
    size = os.path.getsize(path)
    with open(path, "rb") as fh:
        digest.update(fh.read(KEY_BYTES))
        if size > KEY_BYTES:
            fh.seek(max(KEY_BYTES, size - KEY_BYTES))
            digest.update(fh.read())
    digest.update("|".join((str(size), *extra)).encode())
    return digest.hexdigest()[:16]
