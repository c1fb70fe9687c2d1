"""SQLite helpers shared by the embedding cache and the archive."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import Any

#: Values per "IN (?, ?, …)" query (SQLite allows at most 999 parameters by default).
IN_CHUNK = 500


def connect(path: str, timeout: float, *pragmas: str) -> sqlite3.Connection:
    """A connection in autocommit mode (transactions are explicit), pages of 8 kB (vectors of
    1.5 kB fit without overflow chains), a WAL journal, then ``pragmas``."""
    db = sqlite3.connect(path, timeout=timeout, isolation_level=None)
    for pragma in ("page_size=8192", "journal_mode=WAL", *pragmas):
        db.execute(f"PRAGMA {pragma}")
    return db


def connect_read_only(path: str) -> sqlite3.Connection:
    return sqlite3.connect(f"file:{path}?mode=ro", uri=True)


def rows_in(
    db: sqlite3.Connection, sql: str, values: Sequence[Any], before: Sequence[Any] = ()
) -> list[Any]:
    """Rows of ``sql`` (which ends in "IN ({})") for every value, in chunks that fit
    SQLite's parameter limit; ``before`` are parameters ahead of the IN list."""
    items = list(dict.fromkeys(values))
    rows: list[Any] = []
    for i in range(0, len(items), IN_CHUNK):
        chunk = items[i : i + IN_CHUNK]
        rows += db.execute(sql.format(",".join("?" * len(chunk))), [*before, *chunk]).fetchall()
    return rows
