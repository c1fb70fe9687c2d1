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

from verify.archive.build import IndexStats, build_index
from verify.archive.select import choose, documents_for
from verify.archive.store import SCHEMA, Archive, ArchiveStore, check_model, is_archive

__all__ = [
    "SCHEMA",
    "Archive",
    "ArchiveStore",
    "IndexStats",
    "build_index",
    "check_model",
    "choose",
    "documents_for",
    "is_archive",
]
