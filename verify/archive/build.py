"""Building and updating an archive (``verify index``): only new or changed files are read
and encoded; the ANN index is rebuilt whenever the documents changed."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from verify.archive.store import ANN_CONNECTIVITY, ANN_DTYPE, SCHEMA, TABLES, is_archive_file
from verify.backend.protocols import Embedder
from verify.config import Settings
from verify.errors import ConfigError, InputError
from verify.read import document_date
from verify.sqlite import connect, rows_in
from verify.stores import text_key


@dataclass
class IndexStats:
    documents: int
    added: int
    updated: int
    removed: int
    unchanged: int
    skipped: list[str]
    sentences: int
    encoded: int
    seconds: float
    size_bytes: int


def build_index(
    folder: str,
    out: str,
    settings: Settings,
    embedder: Embedder,
    progress: Callable[[int, int, str], None] | None = None,
    files: list[str] | None = None,
) -> IndexStats:
    """Create or update the archive ``out`` from the documents under ``folder`` (``files``:
    only these documents under it, one shard's; none is allowed then)."""
    from verify.read import DOCUMENT_SUFFIXES, walk_documents

    t0 = time.perf_counter()
    if not os.path.isdir(folder):
        raise InputError(f"{folder}: not a folder")
    if os.path.exists(out) and not is_archive_file(out):
        raise InputError(f"{out}: exists and is not a verify archive; refusing to overwrite it")
    explicit = files is not None
    if files is None:
        files, skipped = walk_documents(folder)
    else:
        skipped = []
    if not files and not explicit:
        raise InputError(f"{folder}: no documents ({', '.join(DOCUMENT_SUFFIXES)})")
    db = connect(out, 30.0, "foreign_keys=ON")
    try:
        _prepare(db, out, folder, settings, embedder.key)
        known = {
            row[0]: row[1:]
            for row in db.execute("SELECT path, id, size, mtime_ns, sha256 FROM documents")
        }
        rels = {os.path.relpath(f, folder).replace(os.sep, "/"): f for f in files}
        for gone in sorted(set(known) - set(rels)):
            db.execute("DELETE FROM documents WHERE id = ?", (known[gone][0],))
        counts = {"added": 0, "updated": 0, "unchanged": 0, "encoded": 0}
        for n, (rel, full) in enumerate(sorted(rels.items())):
            outcome, encoded = _index_file(db, rel, full, known.get(rel), settings, embedder)
            counts[outcome] += 1
            counts["encoded"] += encoded
            if progress:
                progress(n + 1, len(rels), rel)
        _refresh_ann(db)
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        n_docs = db.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
        n_sents = db.execute("SELECT COUNT(*) FROM sentences").fetchone()[0]
    finally:
        db.close()
    return IndexStats(
        n_docs,
        counts["added"],
        counts["updated"],
        len(set(known) - set(rels)),
        counts["unchanged"],
        skipped,
        n_sents,
        counts["encoded"],
        time.perf_counter() - t0,
        os.path.getsize(out),
    )


def _prepare(db: sqlite3.Connection, out: str, folder: str, settings: Settings, model: str) -> None:
    """The tables, and the archive's settings; an archive of another model is refused."""
    db.executescript(TABLES)
    meta = dict(db.execute("SELECT key, value FROM meta").fetchall())
    if meta.get("model") not in (None, model):
        raise ConfigError(
            f"{out}: built with another model ({meta['model']}); index into a new file"
        )
    db.execute("BEGIN")
    db.executemany(
        "INSERT OR REPLACE INTO meta VALUES (?, ?)",
        [
            ("schema", SCHEMA),
            ("model", model),
            ("min_clause_words", str(settings.thresholds.min_clause_words)),
            ("root", os.path.abspath(folder)),
        ],
    )
    db.execute("COMMIT")


def _index_file(
    db: sqlite3.Connection,
    rel: str,
    full: str,
    old: tuple[int, int, int, str] | None,
    settings: Settings,
    embedder: Embedder,
) -> tuple[str, int]:
    """Add, replace or keep one file (``old``: its row id, size, mtime and hash if indexed);
    the outcome ("added", "updated", "unchanged") and how many texts were encoded."""
    from verify.read import file_sha256, read_document
    from verify.segment import segment
    from verify.sources import SourceIndex

    st = os.stat(full)
    if old is not None and (old[1], old[2]) == (st.st_size, st.st_mtime_ns):
        # size and mtime can stay while the text changes (a corrected file, mtime kept):
        # the content hash decides
        if file_sha256(full) == old[3]:
            return "unchanged", 0
    doc = read_document(full, "S1", settings.encoding)
    if old is not None and old[3] == doc.sha256:
        db.execute("UPDATE documents SET mtime_ns = ? WHERE id = ?", (st.st_mtime_ns, old[0]))
        return "unchanged", 0
    sents = segment(doc, is_source=True)
    idx = SourceIndex.build([doc], sents, settings.thresholds.min_clause_words)
    texts = [x.text for x in idx.norms] + [c.text for c in idx.clauses]
    keys = [text_key(t) for t in texts]
    have = _existing(db, keys)
    todo = [t for t, k in dict(zip(texts, keys, strict=True)).items() if k not in have]
    vectors = embedder.encode(todo) if todo else np.zeros((0, 0), np.float32)
    db.execute("BEGIN")
    if old is not None:
        db.execute("DELETE FROM documents WHERE id = ?", (old[0],))
    cur = db.execute(
        "INSERT INTO documents (path, size, mtime_ns, sha256, encoding, format, date, notes, text) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            rel,
            st.st_size,
            st.st_mtime_ns,
            doc.sha256,
            doc.encoding,
            doc.format,
            document_date(rel, doc.text),
            "\n".join(doc.notes),
            doc.text,
        ),
    )
    norm_of = {s.start: idx.norms[i].text for i, s in enumerate(idx.sentences)}
    db.executemany(
        "INSERT INTO sentences (doc_id, idx, start, end, line, role, section, paragraph, text, "
        "key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                cur.lastrowid,
                s.index,
                s.start,
                s.end,
                s.line,
                s.role,
                s.section,
                s.paragraph,
                s.text,
                text_key(norm_of[s.start]) if s.start in norm_of else b"",
            )
            for s in sents
        ],
    )
    db.executemany(
        "INSERT OR IGNORE INTO vectors (key, vec) VALUES (?, ?)",
        [
            (text_key(t), np.ascontiguousarray(v, dtype=np.float32).tobytes())
            for t, v in zip(todo, vectors, strict=True)
        ],
    )
    db.execute("COMMIT")
    return ("updated" if old is not None else "added"), len(todo)


def _refresh_ann(db: sqlite3.Connection) -> None:
    """Rebuild the ANN index whenever the documents differ from those it was built over: an
    interrupted run that committed documents but not the index leaves it stale only until the
    next."""
    state = _documents_state(db)
    built = db.execute("SELECT value FROM meta WHERE key = 'ann_state'").fetchone()
    empty = db.execute("SELECT COUNT(*) FROM ann").fetchone()[0] == 0
    if built is None or built[0] != state or empty:
        _build_ann(db)
        db.execute("INSERT OR REPLACE INTO meta VALUES ('ann_state', ?)", (state,))


def _existing(db: sqlite3.Connection, keys: Sequence[bytes]) -> set[bytes]:
    return {r[0] for r in rows_in(db, "SELECT key FROM vectors WHERE key IN ({})", keys)}


def _documents_state(db: sqlite3.Connection) -> str:
    """A digest of the documents (path and content hash) the archive holds now."""
    digest = hashlib.sha256()
    for path, sha in db.execute("SELECT path, sha256 FROM documents ORDER BY path"):
        digest.update(f"{path}\0{sha}\n".encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def _build_ann(db: sqlite3.Connection) -> None:
    """Rebuild the ANN index over every judged sentence's vector (label: sentence id)."""
    from usearch.index import Index

    rows = db.execute(
        "SELECT s.id, v.vec FROM sentences s JOIN vectors v ON v.key = s.key "
        "WHERE s.role IN ('body', 'heading') ORDER BY s.id"
    ).fetchall()
    db.execute("BEGIN")
    db.execute("DELETE FROM ann")
    if rows:
        labels = np.fromiter((r[0] for r in rows), dtype=np.uint64, count=len(rows))
        vecs = np.stack([np.frombuffer(r[1], dtype=np.float32) for r in rows])
        index = Index(
            ndim=vecs.shape[1], metric="cos", dtype=ANN_DTYPE, connectivity=ANN_CONNECTIVITY
        )
        index.add(labels, vecs, threads=1)  # one thread: the same graph every build
        data = index.save()
        assert data is not None
        db.execute("INSERT INTO ann (id, data) VALUES (1, ?)", (bytes(data),))
    db.execute("COMMIT")
