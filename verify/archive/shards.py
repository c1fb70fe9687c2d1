"""Sharded archives: a folder of archive files (shards) and a manifest, queried together.

    verify index DIR --out ARCHIVE/ --shards 4 [--engine ray --workers 8 --address HOST:PORT]

Each document goes to the shard its path hashes to (the same shard on every re-index, so an
update touches only the shards whose documents changed; each shard is updated incrementally as
one archive is). ``--against ARCHIVE/`` opens every shard and merges their candidates as one
archive would rank them (verify.archive.select). The manifest (``verify-shards.json``) names the
shards, the model and the schema; a missing or foreign shard is an error naming it.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from verify.archive.build import IndexStats
from verify.archive.store import SCHEMA, Archive, is_archive_file
from verify.config import Settings
from verify.errors import ConfigError, InputError

MANIFEST = "verify-shards.json"
SHARDS_SCHEMA = "verify-shards/1"


def is_sharded(path: str) -> bool:
    """Whether ``path`` is a folder holding a sharded archive's manifest."""
    return os.path.isdir(path) and os.path.isfile(os.path.join(path, MANIFEST))


def shard_of(rel: str, shards: int) -> int:
    """The shard a document path belongs to (stable across runs and machines)."""
    return int(hashlib.sha256(rel.encode("utf-8", "surrogatepass")).hexdigest()[:8], 16) % shards


def shard_name(n: int) -> str:
    return f"shard-{n:04d}.verify"


@dataclass(frozen=True)
class Manifest:
    schema: str
    model: str
    shards: tuple[str, ...]
    documents: tuple[int, ...]

    def to_json(self) -> str:
        return (
            json.dumps(
                {
                    "schema": self.schema,
                    "model": self.model,
                    "archive_schema": SCHEMA,
                    "shards": [
                        {"file": f, "documents": d}
                        for f, d in zip(self.shards, self.documents, strict=True)
                    ],
                },
                indent=2,
            )
            + "\n"
        )


def read_manifest(folder: str) -> Manifest:
    path = os.path.join(folder, MANIFEST)
    try:
        with open(path, encoding="utf-8") as fh:
            data = json.load(fh)
        if data.get("schema") != SHARDS_SCHEMA or data.get("archive_schema") != SCHEMA:
            raise InputError(
                f"{path}: not a {SHARDS_SCHEMA} manifest of {SCHEMA} shards; "
                "rebuild it with verify index"
            )
        shards = tuple(str(s["file"]) for s in data["shards"])
        counts = tuple(int(s["documents"]) for s in data["shards"])
        model = str(data["model"])
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise InputError(
            f"{path}: damaged manifest ({type(exc).__name__}); rebuild it with verify index"
        ) from None
    for name in shards:
        if os.path.basename(name) != name:
            raise InputError(f"{path}: shard {name!r} is not a file name inside the folder")
    return Manifest(SHARDS_SCHEMA, model, shards, counts)


def open_shards(folder: str) -> list[Archive]:
    """Every shard of a sharded archive, checked against the manifest."""
    manifest = read_manifest(folder)
    out: list[Archive] = []
    try:
        for name in manifest.shards:
            path = os.path.join(folder, name)
            if not os.path.isfile(path):
                raise InputError(f"{folder}: shard {name} is missing; rebuild with verify index")
            if not is_archive_file(path):
                raise InputError(
                    f"{folder}: shard {name} is not a {SCHEMA} archive (foreign or "
                    "damaged); rebuild with verify index"
                )
            shard = Archive(path)
            out.append(shard)
            if shard.model != manifest.model:
                raise InputError(
                    f"{folder}: shard {name} was built with another model "
                    f"({shard.model}, the manifest says {manifest.model})"
                )
    except BaseException:
        for shard in out:
            shard.close()
        raise
    return out


@dataclass
class ShardedStats(IndexStats):
    """IndexStats summed over the shards, and how many shards there are."""

    shards: int = 1


def build_sharded(
    folder: str,
    out: str,
    shards: int,
    settings: Settings,
    model_key: str,
    build_shard: Callable[[list[tuple[str, list[str]]]], list[Any]],
) -> ShardedStats:
    """Create or update the sharded archive ``out`` (a folder) from ``folder``: assign each
    document to its shard, build the shards with ``build_shard`` (the in-process loop or Ray
    tasks: a list of (shard path, its files) in, their IndexStats out, in order) and write the
    manifest last."""
    import time

    from verify.read import DOCUMENT_SUFFIXES, walk_documents

    t0 = time.perf_counter()
    _check_target(folder, out, shards, model_key)
    files, skipped = walk_documents(folder)
    if not files:
        raise InputError(f"{folder}: no documents ({', '.join(DOCUMENT_SUFFIXES)})")
    groups: list[list[str]] = [[] for _ in range(shards)]
    for f in files:
        groups[shard_of(os.path.relpath(f, folder).replace(os.sep, "/"), shards)].append(f)
    os.makedirs(out, exist_ok=True)
    plan = [(os.path.join(out, shard_name(n)), groups[n]) for n in range(shards)]
    stats = build_shard(plan)
    manifest = Manifest(
        SHARDS_SCHEMA,
        model_key,
        tuple(shard_name(n) for n in range(shards)),
        tuple(s.documents for s in stats),
    )
    tmp = os.path.join(out, MANIFEST + ".tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write(manifest.to_json())
    os.replace(tmp, os.path.join(out, MANIFEST))
    return ShardedStats(
        sum(s.documents for s in stats),
        sum(s.added for s in stats),
        sum(s.updated for s in stats),
        sum(s.removed for s in stats),
        sum(s.unchanged for s in stats),
        skipped,
        sum(s.sentences for s in stats),
        sum(s.encoded for s in stats),
        time.perf_counter() - t0,
        sum(os.path.getsize(p) for p, _ in plan),
        shards=shards,
    )


def _check_target(folder: str, out: str, shards: int, model_key: str) -> None:
    """The folder to write is new, empty, or a sharded archive of the same shape and model."""
    if shards < 1:
        raise ConfigError(f"--shards must be at least 1, not {shards}")
    if not os.path.isdir(folder):
        raise InputError(f"{folder}: not a folder")
    if os.path.exists(out) and not is_sharded(out):
        if not os.path.isdir(out) or os.listdir(out):
            raise InputError(
                f"{out}: exists and is not a sharded verify archive; refusing to write into it"
            )
    if is_sharded(out):
        old = read_manifest(out)
        if len(old.shards) != shards:
            raise ConfigError(
                f"{out}: has {len(old.shards)} shards, not {shards}; index into a "
                "new folder to change the number of shards"
            )
        if old.model != model_key:
            raise ConfigError(
                f"{out}: built with another model ({old.model}); index into a new folder"
            )


def build_in_process(
    folder: str,
    settings: Settings,
    embedder: Any,
    progress: Callable[[int, int, str], None] | None = None,
) -> Callable[[list[tuple[str, list[str]]]], list[Any]]:
    """Shards one after another in this process (the default engine)."""
    from verify.archive.build import build_index

    def run(plan: list[tuple[str, list[str]]]) -> list[Any]:
        return [
            build_index(folder, path, settings, embedder, progress, files=files)
            for path, files in plan
        ]

    return run


def shard_paths(folder: str, manifest: Manifest) -> Sequence[str]:
    return [os.path.join(folder, name) for name in manifest.shards]
