"""The archive file: its schema, opening it, reading documents, sentences and vectors back,
and serving the vectors as a store (verify.stores)."""

from __future__ import annotations

import functools
import os
import sqlite3
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import numpy as np

from verify.backend.protocols import Embedder
from verify.errors import ConfigError, InputError, first_line
from verify.model import Document, Sentence, line_starts
from verify.sqlite import connect_read_only, rows_in
from verify.stores import text_key

SCHEMA = "verify-archive/2"
#: How many nearest archive sentences each article sentence votes with.
ARCHIVE_NEIGHBOURS = 10
#: How many full-text hits each quotation votes with.
ARCHIVE_FTS_HITS = 10
#: How many archive documents an article is judged against (the best-voted ones).
ARCHIVE_DOCUMENTS = 5
#: usearch storage type of the ANN index: "i8" (1 byte per dimension) keeps the index
#: small enough to load in milliseconds; candidates are re-judged with the exact float32
#: vectors, so the quantisation only affects which documents are considered.
ANN_DTYPE = "i8"
ANN_CONNECTIVITY = 16
#: An ANN index of at most this many sentence vectors is searched exactly (brute force, a few
#: milliseconds per article sentence at this size): the same neighbours whether the archive
#: is one file or shards. Above it, HNSW's approximate search.
ARCHIVE_EXACT_MAX = 200_000


def is_archive_file(path: str) -> bool:
    """Whether ``path`` is a verify archive file (an SQLite file with our schema)."""
    if not os.path.isfile(path):
        return False
    try:
        with open(path, "rb") as fh:
            if fh.read(16) != b"SQLite format 3\x00":
                return False
        db = connect_read_only(path)
        try:
            row = db.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
        finally:
            db.close()
        return bool(row) and row[0] == SCHEMA
    except (sqlite3.Error, OSError):  # unreadable: reading it as a document says why
        return False


TABLES = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS documents (
    id INTEGER PRIMARY KEY, path TEXT NOT NULL UNIQUE, size INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL, sha256 TEXT NOT NULL, encoding TEXT NOT NULL, format TEXT NOT NULL,
    date TEXT, notes TEXT NOT NULL, text TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS sentences (
    id INTEGER PRIMARY KEY, doc_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    idx INTEGER NOT NULL, start INTEGER NOT NULL, end INTEGER NOT NULL, line INTEGER NOT NULL,
    role TEXT NOT NULL, section TEXT, paragraph INTEGER NOT NULL, text TEXT NOT NULL,
    key BLOB NOT NULL);
CREATE INDEX IF NOT EXISTS sentences_doc ON sentences(doc_id);
CREATE TABLE IF NOT EXISTS vectors (
    id INTEGER PRIMARY KEY, key BLOB NOT NULL UNIQUE, vec BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS ann (
    id INTEGER PRIMARY KEY CHECK (id = 1), data BLOB NOT NULL);
CREATE VIRTUAL TABLE IF NOT EXISTS sentences_fts USING fts5(
    text, content='sentences', content_rowid='id', tokenize='unicode61 remove_diacritics 2');
CREATE TRIGGER IF NOT EXISTS sentences_ai AFTER INSERT ON sentences BEGIN
    INSERT INTO sentences_fts(rowid, text) VALUES (new.id, new.text); END;
CREATE TRIGGER IF NOT EXISTS sentences_ad AFTER DELETE ON sentences BEGIN
    INSERT INTO sentences_fts(sentences_fts, rowid, text) VALUES ('delete', old.id, old.text); END;
"""


T = TypeVar("T")


def _damage_said(method: Callable[..., T]) -> Callable[..., T]:
    """An archive method whose failure on a damaged file (a missing table, a truncated index, a
    vector of an odd byte length) is one InputError naming the archive."""

    @functools.wraps(method)
    def checked(self: Archive, *args: Any, **kwargs: Any) -> T:
        try:
            return method(self, *args, **kwargs)
        except (sqlite3.DatabaseError, ValueError, RuntimeError, TypeError, IndexError) as exc:
            raise InputError(
                f"{self.path}: damaged archive ({type(exc).__name__}: {first_line(exc)}); "
                "rebuild it with verify index"
            ) from None

    return checked


class Archive:
    """An open archive: picks the documents an article draws on and serves their stored
    embeddings (a damaged file: one InputError naming it, _damage_said)."""

    def __init__(self, path: str) -> None:
        self.path = path
        if not is_archive_file(path):
            raise InputError(
                f"{path}: not a verify archive (build one with: verify index DIR --out {path})"
            )
        self.db = connect_read_only(path)
        self._ann: Any = None
        self._same_file: dict[str, bool] = {}  # file path -> holds the indexed text (once a run)
        self.model, self.root = self._meta()

    @_damage_said
    def _meta(self) -> tuple[str, str]:
        meta = dict(self.db.execute("SELECT key, value FROM meta").fetchall())
        return str(meta.get("model", "")), str(meta.get("root", ""))

    def close(self) -> None:
        self.db.close()

    @_damage_said
    def ann(self) -> Any:
        if self._ann is None:
            from usearch.index import Index

            row = self.db.execute("SELECT data FROM ann WHERE id = 1").fetchone()
            self._ann = Index.restore(bytearray(row[0])) if row else None
        return self._ann

    @_damage_said
    def paths(self, doc_ids: Sequence[int]) -> dict[int, str]:
        """Each document's path inside the archive."""
        return dict(rows_in(self.db, "SELECT id, path FROM documents WHERE id IN ({})", doc_ids))

    @_damage_said
    def sentence_places(self, sentence_ids: Sequence[int]) -> dict[int, tuple[int, str, int]]:
        """Sentence id -> (document id, document path, sentence number in the document)."""
        rows = rows_in(
            self.db,
            "SELECT s.id, s.doc_id, d.path, s.idx FROM sentences s JOIN documents d "
            "ON d.id = s.doc_id WHERE s.id IN ({})",
            sentence_ids,
        )
        return {sid: (doc, path, idx) for sid, doc, path, idx in rows}

    @_damage_said
    def doc_of(self, sentence_ids: Sequence[int]) -> dict[int, int]:
        return dict(
            rows_in(self.db, "SELECT id, doc_id FROM sentences WHERE id IN ({})", sentence_ids)
        )

    @_damage_said
    def documents(self, doc_ids: Sequence[int]) -> list[tuple[Document, tuple[Sentence, ...]]]:
        """The stored documents, as Documents S1, S2, … in the order given, with their
        stored sentences (segmented once, at index time)."""
        out = []
        for n, doc_id in enumerate(doc_ids):
            row = self.db.execute(
                "SELECT path, sha256, encoding, format, date, notes, text FROM documents WHERE id "
                "= ?",
                (doc_id,),
            ).fetchone()
            path, sha, enc, fmt, date, notes, text = row
            shown, differs = self._shown(path, sha)
            if differs:
                notes = "\n".join(x for x in (notes, differs) if x)
            doc = Document(
                id=f"S{n + 1}",
                path=shown,
                text=text,
                sha256=sha,
                encoding=enc,
                format=fmt,
                notes=tuple(x for x in notes.split("\n") if x),
                line_index=line_starts(text),
                date=date,
            )
            sents = tuple(
                Sentence(doc.id, idx, start, end, line, txt, role, section, paragraph)
                for idx, start, end, line, role, section, paragraph, txt in self.db.execute(
                    "SELECT idx, start, end, line, role, section, paragraph, text FROM sentences "
                    "WHERE doc_id = ? ORDER BY idx",
                    (doc_id,),
                )
            )
            out.append((doc, sents))
        return out

    def _shown(self, path: str, sha: str) -> tuple[str, str]:
        """How a report names a stored document: the file on disk where it holds the stored
        text (the same sha256), else the archive's copy ("a.verify:readout.txt"), with a
        note when a file by that name differs."""
        from verify.read import file_sha256

        original = os.path.join(self.root, path)
        copy = f"{self.path}:{path}"
        if not os.path.isfile(original):
            return copy, ""
        if original not in self._same_file:  # each file hashed once, however many articles
            try:
                self._same_file[original] = file_sha256(original) == sha
            except OSError:
                self._same_file[original] = False
        if not self._same_file[original]:
            return copy, f"the file {original} differs from the archive's copy (indexed earlier)"
        try:
            return os.path.relpath(original), ""
        except ValueError:
            return original, ""

    @_damage_said
    def vectors(self, texts: Sequence[str]) -> dict[str, np.ndarray]:
        keys = {text_key(t): t for t in texts}
        out = {
            keys[key]: np.frombuffer(vec, dtype=np.float32)  # an odd length: ValueError
            for key, vec in rows_in(
                self.db, "SELECT key, vec FROM vectors WHERE key IN ({})", list(keys)
            )
        }
        sizes = {v.size for v in out.values()}
        if len(sizes) > 1 or not all(np.isfinite(v).all() for v in out.values()):
            raise InputError(
                f"{self.path}: the archive holds vectors that are not finite or not all of one "
                "size "
                "(damaged or tampered); rebuild it with verify index"
            )
        return out


class ArchiveStore:
    """The archive's vectors as a read-only store: what it lacks is encoded, never written."""

    def __init__(self, archive: Archive) -> None:
        self.archive = archive

    def get(self, texts: Sequence[str]) -> dict[str, np.ndarray]:
        return self.archive.vectors(texts)

    def put(self, texts: Sequence[str], vectors: np.ndarray) -> None:
        """Read-only: vectors enter an archive through ``verify index`` alone."""


def check_model(archive: Archive, embedder: Embedder) -> None:
    if archive.model and archive.model != embedder.key:
        raise ConfigError(
            f"{archive.path}: built with another model ({archive.model}); rebuild it with verify "
            "index"
        )
