"""The on-disk cache of source embeddings: serves sources, never stores copy, safe to break and to share."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from tests.conftest import SEED, FakeEmbedder
from verify import verify_files
from verify.backend.embedder import load_embedder
from verify.cache import CACHE_FILE, DiskStore, EmbeddingCache
from verify.stores import SourceEmbedder

pytestmark = pytest.mark.model


def verdicts(report) -> list[tuple[str, str, tuple]]:
    return [(u.id, u.verdict, tuple((e.source, e.article) for e in u.edits)) for u in report.units]


def test_disk_cache_serves_sources_and_never_stores_copy(tmp_path: Path) -> None:
    cache = EmbeddingCache(str(tmp_path / "c.sqlite3"))
    inner = load_embedder(None, "onnx")
    emb = SourceEmbedder(inner, [DiskStore(cache, "test-model")])
    first = verify_files(SEED / "article.txt", [SEED / "official.txt"], embedder=emb)
    assert cache.hits == 0 and cache.misses > 0
    stored = sqlite3.connect(cache.path).execute("SELECT COUNT(*) FROM vectors").fetchone()[0]
    assert stored == cache.misses  # source texts only
    cache2 = EmbeddingCache(str(tmp_path / "c.sqlite3"))
    second = verify_files(
        SEED / "article.txt",
        [SEED / "official.txt"],
        embedder=SourceEmbedder(inner, [DiskStore(cache2, "test-model")]),
    )
    assert cache2.misses == 0 and cache2.hits == stored
    assert verdicts(first) == verdicts(second)
    assert [u.score for u in first.units] == pytest.approx(
        [u.score for u in second.units], abs=1e-6
    )


def test_broken_cache_file_is_ignored(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite3"
    path.write_bytes(b"this is not a database" * 10)
    cache = EmbeddingCache(str(path))
    report = verify_files(
        SEED / "article.txt",
        [SEED / "official.txt"],
        embedder=SourceEmbedder(FakeEmbedder(), [DiskStore(cache, "m")]),
    )
    assert cache.disabled and report.units


def test_two_concurrent_runs_share_the_cache(tmp_path: Path) -> None:
    env = {**os.environ, "VERIFY_CACHE_DIR": str(tmp_path / "cache")}
    load_embedder(None, "onnx").encode(["make sure the export exists"])
    shutil.copytree(
        os.environ["VERIFY_CACHE_DIR"] + "/models", tmp_path / "cache" / "models"
    )  # the ONNX export
    cmd = [
        sys.executable,
        "-m",
        "verify",
        str(SEED / "article.txt"),
        "-a",
        str(SEED / "official.txt"),
        "-f",
        "json",
    ]
    procs = [
        subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    outs = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [1, 1], [o[1] for o in outs]
    assert outs[0][0] == outs[1][0]
    third = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300)
    assert third.stdout == outs[0][0]
    rows = (
        sqlite3.connect(tmp_path / "cache" / CACHE_FILE)
        .execute("SELECT COUNT(*) FROM vectors")
        .fetchone()[0]
    )
    assert rows > 0
    nocache = subprocess.run(
        [*cmd, "--no-cache"],
        env={**env, "VERIFY_CACHE_DIR": str(tmp_path / "other")},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert nocache.stdout == outs[0][0]
    assert not (tmp_path / "other" / CACHE_FILE).exists()


def test_a_nan_vector_in_the_cache_is_a_miss_not_a_verdict(tmp_path: Path) -> None:
    cache = EmbeddingCache(tmp_path / "c.sqlite3")
    cache.put("m", ["good", "bad"], np.asarray([[0.6, 0.8], [np.nan, 0.0]], dtype=np.float32))
    found = cache.get("m", ["good", "bad"])
    assert list(found) == ["good"]


def test_a_full_disk_while_caching_turns_the_cache_off_for_the_run(tmp_path: Path) -> None:
    """SQLite's "database or disk is full" while writing vectors: the run finishes with the
    same verdicts, the cache is off for the rest of it."""
    cache = EmbeddingCache(str(tmp_path / "c.sqlite3"))
    db = cache._conn()
    assert db is not None
    db.execute("PRAGMA max_page_count = 3")  # the next pages cannot be had: SQLITE_FULL
    full = verify_files(
        SEED / "article.txt",
        [SEED / "official.txt"],
        embedder=SourceEmbedder(FakeEmbedder(), [DiskStore(cache, "m")]),
    )
    plain = verify_files(SEED / "article.txt", [SEED / "official.txt"], embedder=FakeEmbedder())
    assert cache.disabled
    assert verdicts(full) == verdicts(plain)
