"""``--engine ray``: archive shards built and backlogs of articles checked on Ray.

Ray is an optional extra (``pip install 'verify[ray]'``); nothing else in the package imports it.
Without ``--address`` Ray starts on this machine with ``--workers`` CPUs, so the same command runs
on a laptop and, with ``--address HOST:PORT`` (or ``auto``), on an existing cluster. Workers read
the documents and write the shard files themselves: on a cluster the input folder and the output
folder must be on storage every node sees (a shared file system).

Index: one Ray task per shard (``num_cpus=1``); each loads the ONNX embedder once with one
thread, segments and encodes its shard's documents and writes its shard file. Check: the articles
in contiguous chunks, one task per chunk, each an ``api.check_inputs`` over its chunk; the reports
come back in article order, so every output format is the same as in-process. The library
(verify/api.py) reaches this module; the CLI never does.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from verify.config import Settings
from verify.errors import ConfigError
from verify.model import Report

#: Chunks of articles per worker in a backlog run (smaller chunks even out the load).
CHUNKS_PER_WORKER = 2


def require_ray() -> Any:
    """The ray module, or a one-line error that says how to install it."""
    try:
        import ray
    except ImportError:
        raise ConfigError(
            "--engine ray needs Ray: pip install 'verify[ray]' (or pip install ray)"
        ) from None
    return ray


def start(workers: int | None, address: str | None) -> Any:
    """Join the cluster at ``address``, or start Ray here with ``workers`` CPUs."""
    ray = require_ray()
    if ray.is_initialized():
        return ray
    import logging

    # Ray's notices (token authentication on, the cluster's address) are not the user's output
    logging.getLogger("ray").setLevel(logging.ERROR)
    kwargs: dict[str, Any] = {
        "include_dashboard": False,
        "log_to_driver": False,
        "configure_logging": False,
    }
    try:
        if address:
            ray.init(address=address, **kwargs)
        else:
            ray.init(num_cpus=workers or os.cpu_count() or 1, **kwargs)
    except Exception as exc:  # a refused address, a port in use: one line
        raise ConfigError(f"cannot start Ray ({type(exc).__name__}: {exc})") from None
    return ray


def _shard_task(folder: str, path: str, files: list[str], settings: Settings) -> Any:
    """Build one shard in a Ray worker (the embedder loaded here, one thread)."""
    from verify.archive.build import build_index
    from verify.backend.embedder import load_embedder

    embedder = load_embedder(settings.model, settings.runtime, threads=1)
    return build_index(folder, path, settings, embedder, None, files=files)


def shard_builder(
    folder: str,
    settings: Settings,
    progress: Callable[[int, int, str], None] | None = None,
) -> Callable[[list[tuple[str, list[str]]]], list[Any]]:
    """The shard build of verify.archive.shards.build_sharded, one Ray task per shard."""

    def run(plan: list[tuple[str, list[str]]]) -> list[Any]:
        ray = start(settings.workers, settings.address)
        task = ray.remote(num_cpus=1)(_shard_task)
        refs = [task.remote(folder, path, files, settings) for path, files in plan]
        return _gather(ray, refs, progress, [os.path.basename(p) for p, _ in plan])

    return run


def _check_task(
    check: Callable[..., list[Report]], inputs: Any, settings: Settings
) -> list[Report]:
    return check(inputs, settings)


def check_many(
    check: Callable[..., list[Report]],
    inputs: Any,
    settings: Settings,
    progress: Callable[[int, int, str], None] | None = None,
) -> list[Report]:
    """Every article of ``inputs`` (an api.Inputs) on Ray (``check``: api.check_inputs, run in
    the workers on chunks of the articles); the reports in article order."""
    ray = start(settings.workers, settings.address)
    articles = inputs.articles
    n = max(1, int(ray.cluster_resources().get("CPU", 1)))
    size = max(1, -(-len(articles) // (n * CHUNKS_PER_WORKER)))
    chunks = [articles[i : i + size] for i in range(0, len(articles), size)]
    task = ray.remote(num_cpus=1)(_check_task)
    refs = [task.remote(check, replace(inputs, articles=chunk), settings) for chunk in chunks]
    names = [chunk[-1] for chunk in chunks]
    return [r for part in _gather(ray, refs, progress, names) for r in part]


def _gather(
    ray: Any, refs: list[Any], progress: Callable[[int, int, str], None] | None, names: list[str]
) -> list[Any]:
    """The results in the order of ``refs``, reporting progress as they finish; a task's
    error becomes the run's (a VerifyError keeps its message)."""
    from verify.errors import VerifyError

    pending = list(refs)
    done = 0
    while pending:
        ready, pending = ray.wait(pending, num_returns=1)
        done += len(ready)
        if progress:
            progress(done, len(refs), names[refs.index(ready[0])])
    try:
        return list(ray.get(refs))
    except Exception as exc:
        cause = getattr(exc, "cause", None)
        if isinstance(cause, VerifyError):
            raise cause from None
        raise
