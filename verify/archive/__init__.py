"""An archive of official documents in one SQLite file: documents (with their text and
date), sentences, the embeddings the judge needs for them, a full-text index (FTS5) for
lexical candidates and an approximate-nearest-neighbour index (usearch, HNSW) over the
sentence embeddings.

``verify index DIR --out archive.verify`` builds or updates it (only new or changed
files are read and encoded); ``--against archive.verify`` picks the documents an article
draws on (nearest sentences and full-text hits) and judges the article against them,
with the stored embeddings, exactly as against those files. ``--shards N`` makes a folder of
shards instead (verify/archive/shards.py), built in this process or on Ray.
"""

from __future__ import annotations

from verify.archive.build import IndexStats, build_index
from verify.archive.select import choose, documents_for
from verify.archive.shards import build_sharded, is_sharded, open_shards
from verify.archive.store import SCHEMA, Archive, ArchiveStore, check_model, is_archive_file

__all__ = [
    "SCHEMA",
    "Archive",
    "ArchiveStore",
    "IndexStats",
    "build_index",
    "build_sharded",
    "check_model",
    "choose",
    "documents_for",
    "is_archive",
    "is_archive_file",
    "is_sharded",
    "open_archive",
    "open_shards",
]


def is_archive(path: str) -> bool:
    """Whether ``path`` is a verify archive: one file, or a folder of shards with a manifest."""
    return is_archive_file(path) or is_sharded(path)


def open_archive(path: str) -> list[Archive]:
    """The shards of the archive at ``path`` (one for an archive file)."""
    return open_shards(path) if is_sharded(path) else [Archive(path)]
