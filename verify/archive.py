"""An archive of official documents in one SQLite file: documents (with their text and
date), sentences, the embeddings the judge needs for them, a full-text index (FTS5) for
lexical candidates and an approximate-nearest-neighbour index (usearch, HNSW) over the
sentence embeddings.

``verify index DIR --out archive.verify`` builds or updates it (only new or changed
files are read and encoded); ``--against archive.verify`` picks the documents an article
draws on (nearest sentences and full-text hits) and judges the article against them,
with the stored embeddings, exactly as against those files.
"""

from __future__ import annotations

import hashlib
import os
import re
import sqlite3
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from verify.cache import rows_in, text_key
from verify.config import Settings
from verify.embed import Embedder
from verify.errors import ConfigError, InputError
from verify.model import Document, Sentence, line_starts
from verify.read import document_date
from verify.tokens import is_content

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

def is_archive(path: str) -> bool:
    """Whether ``path`` is a verify archive (an SQLite file with our schema)."""
    if not os.path.isfile(path):
        return False
    try:
        with open(path, "rb") as fh:
            if fh.read(16) != b"SQLite format 3\x00":
                return False
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            row = db.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
        finally:
            db.close()
        return bool(row) and row[0] == SCHEMA
    except (sqlite3.Error, OSError):  # unreadable: reading it as a document says why
        return False


def _connect(path: str) -> sqlite3.Connection:
    db = sqlite3.connect(path, timeout=30.0, isolation_level=None)
    db.execute("PRAGMA page_size=8192")  # 1.5 kB vectors: few per page, no overflow chains
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA foreign_keys=ON")
    return db


_TABLES = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS documents (
    id INTEGER PRIMARY KEY, path TEXT NOT NULL UNIQUE, size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL,
    sha256 TEXT NOT NULL, encoding TEXT NOT NULL, format TEXT NOT NULL, date TEXT, notes TEXT NOT NULL,
    text TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS sentences (
    id INTEGER PRIMARY KEY, doc_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    idx INTEGER NOT NULL, start INTEGER NOT NULL, end INTEGER NOT NULL, line INTEGER NOT NULL,
    role TEXT NOT NULL, section TEXT, paragraph INTEGER NOT NULL, text TEXT NOT NULL, key BLOB NOT NULL);
CREATE INDEX IF NOT EXISTS sentences_doc ON sentences(doc_id);
CREATE TABLE IF NOT EXISTS vectors (id INTEGER PRIMARY KEY, key BLOB NOT NULL UNIQUE, vec BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS ann (id INTEGER PRIMARY KEY CHECK (id = 1), data BLOB NOT NULL);
CREATE VIRTUAL TABLE IF NOT EXISTS sentences_fts USING fts5(
    text, content='sentences', content_rowid='id', tokenize='unicode61 remove_diacritics 2');
CREATE TRIGGER IF NOT EXISTS sentences_ai AFTER INSERT ON sentences BEGIN
    INSERT INTO sentences_fts(rowid, text) VALUES (new.id, new.text); END;
CREATE TRIGGER IF NOT EXISTS sentences_ad AFTER DELETE ON sentences BEGIN
    INSERT INTO sentences_fts(sentences_fts, rowid, text) VALUES ('delete', old.id, old.text); END;
"""


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


def _model_key(embedder: Embedder) -> str:
    inner = getattr(embedder, "inner", embedder)
    while hasattr(inner, "inner"):
        inner = inner.inner
    return str(getattr(inner, "key", None) or inner.name)


def build_index(folder: str, out: str, settings: Settings, embedder: Embedder,
                progress: Callable[[int, int, str], None] | None = None) -> IndexStats:
    """Create or update the archive ``out`` from the documents under ``folder``."""
    from verify.judge import SourceIndex
    from verify.read import DOCUMENT_SUFFIXES, file_sha256, read_document, walk_documents
    from verify.segment import segment

    t0 = time.perf_counter()
    if not os.path.isdir(folder):
        raise InputError(f"{folder}: not a folder")
    if os.path.exists(out) and not is_archive(out):
        raise InputError(f"{out}: exists and is not a verify archive; refusing to overwrite it")
    files, skipped = walk_documents(folder)
    if not files:
        raise InputError(f"{folder}: no documents ({', '.join(DOCUMENT_SUFFIXES)})")
    db = _connect(out)
    try:
        db.executescript(_TABLES)
        model = _model_key(embedder)
        meta = dict(db.execute("SELECT key, value FROM meta").fetchall())
        if meta.get("model") not in (None, model):
            raise ConfigError(f"{out}: built with another model ({meta['model']}); index into a new file")
        db.execute("BEGIN")
        db.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)",
                       [("schema", SCHEMA), ("model", model), ("min_clause_words", str(settings.thresholds.min_clause_words)),
                        ("root", os.path.abspath(folder))])
        db.execute("COMMIT")
        known = {row[0]: row[1:] for row in db.execute("SELECT path, id, size, mtime_ns, sha256 FROM documents")}
        rels = {os.path.relpath(f, folder).replace(os.sep, "/"): f for f in files}
        added = updated = unchanged = encoded = 0
        for gone in sorted(set(known) - set(rels)):
            db.execute("DELETE FROM documents WHERE id = ?", (known[gone][0],))
        removed = len(set(known) - set(rels))
        for n, (rel, full) in enumerate(sorted(rels.items())):
            st = os.stat(full)
            old = known.get(rel)
            if old is not None and old[1] == st.st_size and old[2] == st.st_mtime_ns and file_sha256(full) == old[3]:
                # size and mtime can stay while the text changes (a corrected file, mtime kept):
                # the content hash decides
                unchanged += 1
                if progress:
                    progress(n + 1, len(rels), rel)
                continue
            doc = read_document(full, "S1", settings.encoding)
            if old is not None and old[3] == doc.sha256:
                db.execute("UPDATE documents SET mtime_ns = ? WHERE id = ?", (st.st_mtime_ns, old[0]))
                unchanged += 1
                if progress:
                    progress(n + 1, len(rels), rel)
                continue
            sents = segment(doc, is_source=True)
            idx = SourceIndex.build([doc], sents, settings.thresholds.min_clause_words)
            texts = [x.text for x in idx.norms] + [c.text for c in idx.clauses]
            keys = [text_key(t) for t in texts]
            have = _existing(db, keys)
            todo = [t for t, k in dict(zip(texts, keys, strict=True)).items() if k not in have]
            vectors = embedder.encode(todo) if todo else np.zeros((0, 0), np.float32)
            encoded += len(todo)
            db.execute("BEGIN")
            if old is not None:
                db.execute("DELETE FROM documents WHERE id = ?", (old[0],))
                updated += 1
            else:
                added += 1
            cur = db.execute(
                "INSERT INTO documents (path, size, mtime_ns, sha256, encoding, format, date, notes, text) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (rel, st.st_size, st.st_mtime_ns, doc.sha256, doc.encoding, doc.format, document_date(rel, doc.text),
                 "\n".join(doc.notes), doc.text))
            doc_id = cur.lastrowid
            norm_of = {s.start: idx.norms[i].text for i, s in enumerate(idx.sentences)}
            db.executemany(
                "INSERT INTO sentences (doc_id, idx, start, end, line, role, section, paragraph, text, key) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [(doc_id, s.index, s.start, s.end, s.line, s.role, s.section, s.paragraph, s.text,
                  text_key(norm_of[s.start]) if s.start in norm_of else b"") for s in sents])
            db.executemany("INSERT OR IGNORE INTO vectors (key, vec) VALUES (?, ?)",
                           [(text_key(t), np.ascontiguousarray(v, dtype=np.float32).tobytes())
                            for t, v in zip(todo, vectors, strict=True)])
            db.execute("COMMIT")
            if progress:
                progress(n + 1, len(rels), rel)
        state = _documents_state(db)
        built = db.execute("SELECT value FROM meta WHERE key = 'ann_state'").fetchone()
        if built is None or built[0] != state or db.execute("SELECT COUNT(*) FROM ann").fetchone()[0] == 0:
            # whenever the documents differ from those the index was built over: an interrupted
            # run that committed documents but not the index leaves it stale only until the next
            _build_ann(db)
            db.execute("INSERT OR REPLACE INTO meta VALUES ('ann_state', ?)", (state,))
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        n_docs = db.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
        n_sents = db.execute("SELECT COUNT(*) FROM sentences").fetchone()[0]
    finally:
        db.close()
    return IndexStats(n_docs, added, updated, removed, unchanged, skipped, n_sents, encoded,
                      time.perf_counter() - t0, os.path.getsize(out))


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

    rows = db.execute("SELECT s.id, v.vec FROM sentences s JOIN vectors v ON v.key = s.key "
                      "WHERE s.role IN ('body', 'heading') ORDER BY s.id").fetchall()
    db.execute("BEGIN")
    db.execute("DELETE FROM ann")
    if rows:
        labels = np.fromiter((r[0] for r in rows), dtype=np.uint64, count=len(rows))
        vecs = np.stack([np.frombuffer(r[1], dtype=np.float32) for r in rows])
        index = Index(ndim=vecs.shape[1], metric="cos", dtype=ANN_DTYPE, connectivity=ANN_CONNECTIVITY)
        index.add(labels, vecs, threads=1)  # one thread: the same graph every build
        data = index.save()
        assert data is not None
        db.execute("INSERT INTO ann (id, data) VALUES (1, ?)", (bytes(data),))
    db.execute("COMMIT")


class Archive:
    """An open archive: picks the documents an article draws on and serves their stored
    embeddings."""

    def __init__(self, path: str) -> None:
        if not is_archive(path):
            raise InputError(f"{path}: not a verify archive (build one with: verify index DIR --out {path})")
        self.path = path
        self.db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        meta = dict(self.db.execute("SELECT key, value FROM meta").fetchall())
        self.model = meta.get("model", "")
        self.root = meta.get("root", "")
        self._ann: Any = None

    def close(self) -> None:
        self.db.close()

    def ann(self) -> Any:
        if self._ann is None:
            from usearch.index import Index

            row = self.db.execute("SELECT data FROM ann WHERE id = 1").fetchone()
            self._ann = Index.restore(bytearray(row[0])) if row else None
        return self._ann

    def choose(self, vectors: np.ndarray, quotes: Sequence[str], k_docs: int = ARCHIVE_DOCUMENTS) -> list[int]:
        """Document ids an article draws on: each article sentence votes for the documents
        of its nearest archive sentences (by similarity), each quotation for those of its
        full-text hits; the best ``k_docs``, best first (ties by id)."""
        score: dict[int, float] = {}
        index = self.ann()
        if index is not None and len(vectors):
            found = index.search(vectors, ARCHIVE_NEIGHBOURS)
            keys = np.atleast_2d(found.keys)
            dists = np.atleast_2d(found.distances)
            ids = sorted({int(k) for k in keys.ravel() if int(k) >= 0})
            doc_of = self._doc_of(ids)
            for row_k, row_d in zip(keys, dists, strict=True):
                best: dict[int, float] = {}
                for k, d in zip(row_k, row_d, strict=True):
                    doc = doc_of.get(int(k))
                    if doc is not None:
                        best[doc] = max(best.get(doc, 0.0), 1.0 - float(d))
                for doc, sim in best.items():
                    score[doc] = score.get(doc, 0.0) + sim
        for q in quotes:
            # content words only: an OR over "the", "and" … would rank every sentence
            words = list(dict.fromkeys(w for w in re.findall(r"\w+", q.casefold()) if len(w) > 2 and is_content(w)))[:8]
            if len(words) < 2:
                continue
            try:
                rows = self.db.execute(
                    "SELECT s.doc_id, bm25(sentences_fts) FROM sentences_fts JOIN sentences s ON s.id = sentences_fts.rowid "
                    "WHERE sentences_fts MATCH ? ORDER BY bm25(sentences_fts) LIMIT ?",
                    (" OR ".join(f'"{w}"' for w in words), ARCHIVE_FTS_HITS)).fetchall()
            except sqlite3.Error:
                continue
            for rank, (doc, _) in enumerate(rows):
                score[doc] = score.get(doc, 0.0) + 1.0 / (1 + rank)
        ranked = sorted(score.items(), key=lambda t: (-t[1], t[0]))
        return [doc for doc, _ in ranked[:k_docs]]

    def _doc_of(self, sentence_ids: Sequence[int]) -> dict[int, int]:
        return dict(rows_in(self.db, "SELECT id, doc_id FROM sentences WHERE id IN ({})", sentence_ids))

    def documents(self, doc_ids: Sequence[int]) -> list[tuple[Document, tuple[Sentence, ...]]]:
        """The stored documents, as Documents S1, S2, … in the order given, with their
        stored sentences (segmented once, at index time)."""
        out = []
        for n, doc_id in enumerate(doc_ids):
            row = self.db.execute("SELECT path, sha256, encoding, format, date, notes, text FROM documents WHERE id = ?",
                                  (doc_id,)).fetchone()
            path, sha, enc, fmt, date, notes, text = row
            original = os.path.join(self.root, path)
            try:
                shown = os.path.relpath(original) if os.path.isfile(original) else f"{self.path}:{path}"
            except ValueError:
                shown = original
            doc = Document(id=f"S{n + 1}", path=shown, text=text, sha256=sha, encoding=enc, format=fmt,
                           notes=tuple(x for x in notes.split("\n") if x), line_index=line_starts(text), date=date)
            sents = tuple(Sentence(doc.id, idx, start, end, line, txt, role, section, paragraph)
                          for idx, start, end, line, role, section, paragraph, txt in self.db.execute(
                              "SELECT idx, start, end, line, role, section, paragraph, text FROM sentences "
                              "WHERE doc_id = ? ORDER BY idx", (doc_id,)))
            out.append((doc, sents))
        return out

    def vectors(self, texts: Sequence[str]) -> dict[str, np.ndarray]:
        keys = {text_key(t): t for t in texts}
        out = {keys[key]: np.frombuffer(vec, dtype=np.float32)
               for key, vec in rows_in(self.db, "SELECT key, vec FROM vectors WHERE key IN ({})", list(keys))}
        sizes = {v.size for v in out.values()}
        if len(sizes) > 1 or not all(np.isfinite(v).all() for v in out.values()):
            raise InputError(f"{self.path}: the archive holds vectors that are not finite or not all of one size "
                             "(damaged or tampered); rebuild it with verify index")
        return out


class ArchiveEmbedder:
    """Source embeddings from the archive; anything it lacks from the inner embedder."""

    def __init__(self, inner: Embedder, archive: Archive) -> None:
        self.inner = inner
        self.name = inner.name
        self.archive = archive

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        return self.inner.encode(texts)

    def encode_sources(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, 0), dtype=np.float32)
        found = self.archive.vectors(texts)
        missing = list(dict.fromkeys(t for t in texts if t not in found))
        if missing:
            enc = getattr(self.inner, "encode_sources", self.inner.encode)
            found.update(zip(missing, enc(missing), strict=True))
        return np.stack([found[t] for t in texts]).astype(np.float32, copy=False)


def documents_for(archive: Archive, article: Document, settings: Settings,
                  embedder: Embedder) -> list[tuple[Document, tuple[Sentence, ...]]]:
    """The archive documents ``article`` is judged against."""
    from verify.normalize import normalize
    from verify.quotes import extract_quotes
    from verify.segment import segment

    sents = [s for s in segment(article) if s.role == "body"]
    quotes, _ = extract_quotes(article, tuple(segment(article)))
    texts = [normalize(s.text).text for s in sents]
    vectors = embedder.encode(texts) if texts else np.zeros((0, 0), np.float32)
    chosen = archive.choose(vectors, [q.text for q in quotes if q.depth == 0])
    return archive.documents(chosen)


def check_model(archive: Archive, embedder: Embedder) -> None:
    if archive.model and archive.model != _model_key(embedder):
        raise ConfigError(f"{archive.path}: built with another model ({archive.model}); rebuild it with verify index")
