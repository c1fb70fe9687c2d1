"""On-disk cache of source-sentence embeddings: SQLite in the user cache directory,
keyed by model and text hash, so a source is never encoded twice. Safe under concurrent
runs (SQLite locking, WAL journal, idempotent inserts); any trouble with the cache turns
it off for the run instead of failing it."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Sequence

import numpy as np

from verify.backend.embedder import cache_dir
from verify.sqlite import connect, rows_in
from verify.stores import text_key

CACHE_FILE = "embeddings-v2.sqlite3"
#: Seconds a run waits for another run's write lock before it gives up on the cache.
LOCK_TIMEOUT_S = 10.0


class EmbeddingCache:
    """(model key, text hash) → float32 vector."""

    def __init__(self, path: str | None = None) -> None:
        self.path = path or os.path.join(cache_dir(), CACHE_FILE)
        self._db: sqlite3.Connection | None = None
        self.disabled = False
        self.hits = 0
        self.misses = 0

    def _conn(self) -> sqlite3.Connection | None:
        if self.disabled:
            return None
        if self._db is None:
            try:
                os.makedirs(os.path.dirname(self.path), exist_ok=True)
                db = connect(self.path, LOCK_TIMEOUT_S, "synchronous=NORMAL")
                # a rowid table: vectors of 1.5 kB would overflow the pages of a WITHOUT ROWID one
                db.execute(
                    "CREATE TABLE IF NOT EXISTS vectors (id INTEGER PRIMARY KEY, model TEXT NOT "
                    "NULL, "
                    "key BLOB NOT NULL, dim INTEGER NOT NULL, vec BLOB NOT NULL, UNIQUE (model, "
                    "key))"
                )
                self._db = db
            except (sqlite3.Error, OSError):
                self.disabled = True
                return None
        return self._db

    def get(self, model: str, texts: Sequence[str]) -> dict[str, np.ndarray]:
        db = self._conn()
        if db is None or not texts:
            return {}
        keys = {text_key(t): t for t in texts}
        found: dict[str, np.ndarray] = {}
        try:
            rows = rows_in(
                db,
                "SELECT key, dim, vec FROM vectors WHERE model = ? AND key IN ({})",
                list(keys),
                [model],
            )
            for key, dim, vec in rows:
                arr = np.frombuffer(vec, dtype=np.float32)
                if arr.size == dim and np.isfinite(arr).all():  # a NaN or a short row is a miss
                    found[keys[key]] = arr
        except sqlite3.Error:
            self.disabled = True
            return {}
        self.hits += len(found)
        self.misses += len(set(texts)) - len(found)
        return found

    def put(self, model: str, texts: Sequence[str], vectors: np.ndarray) -> None:
        db = self._conn()
        if db is None or not len(texts):
            return
        rows = [
            (model, text_key(t), int(v.size), np.ascontiguousarray(v, dtype=np.float32).tobytes())
            for t, v in zip(texts, vectors, strict=True)
        ]
        try:
            db.execute("BEGIN IMMEDIATE")
            db.executemany(
                "INSERT OR IGNORE INTO vectors (model, key, dim, vec) VALUES (?, ?, ?, ?)", rows
            )
            db.execute("COMMIT")
        except sqlite3.Error:
            try:
                db.execute("ROLLBACK")
            except sqlite3.Error:
                pass
            self.disabled = True


class DiskStore:
    """The on-disk cache as a store of one model's vectors (see verify.stores)."""

    def __init__(self, cache: EmbeddingCache, model: str) -> None:
        self.cache = cache
        self.model = model

    def get(self, texts: Sequence[str]) -> dict[str, np.ndarray]:
        return self.cache.get(self.model, texts)

    def put(self, texts: Sequence[str], vectors: np.ndarray) -> None:
        self.cache.put(self.model, texts, vectors)
