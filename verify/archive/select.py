"""Choosing the archive documents an article draws on: each article sentence votes for the
documents of its nearest archive sentences, each quotation for those of its full-text hits."""

from __future__ import annotations

import re
import sqlite3
from collections import Counter
from collections.abc import Sequence

import numpy as np

from verify.archive.store import (
    ARCHIVE_DOCUMENTS,
    ARCHIVE_EXACT_MAX,
    ARCHIVE_FTS_HITS,
    ARCHIVE_NEIGHBOURS,
    Archive,
)
from verify.backend.protocols import Embedder
from verify.model import Document, Quote, Sentence
from verify.sqlite import rows_in
from verify.tokens import is_content

#: A document of a (possibly sharded) archive: (shard number, document id in that shard).
DocKey = tuple[int, int]


def choose(
    shards: Sequence[Archive],
    vectors: np.ndarray,
    quotes: Sequence[str],
    k_docs: int = ARCHIVE_DOCUMENTS,
) -> list[DocKey]:
    """Documents an article draws on: each article sentence votes for the documents of its
    nearest archive sentences (by similarity), each quotation for those of its full-text hits;
    the best ``k_docs``, best first (ties by path). Over several shards the nearest sentences
    and the hits of all shards are merged first, as one archive would rank them."""
    score: dict[DocKey, float] = {}
    for best in _nearest_by_sentence(shards, vectors):
        for doc, sim in best.items():
            score[doc] = score.get(doc, 0.0) + sim
    for q in quotes:
        for rank, doc in enumerate(_full_text_hits(shards, q)):
            score[doc] = score.get(doc, 0.0) + 1.0 / (1 + rank)
    path: dict[DocKey, str] = {}
    for n, archive in enumerate(shards):
        ids = [doc for m, doc in score if m == n]
        path |= {(n, i): p for i, p in archive.paths(ids).items()}
    ranked = sorted(score.items(), key=lambda t: (-round(t[1], 9), path.get(t[0], ""), t[0]))
    return [doc for doc, _ in ranked[:k_docs]]


def _nearest_by_sentence(
    shards: Sequence[Archive], vectors: np.ndarray
) -> list[dict[DocKey, float]]:
    """For each article sentence, each document's best similarity among the
    ARCHIVE_NEIGHBOURS nearest archive sentences (over every shard; ties by document path and
    sentence number, so one archive and its shards agree)."""
    if not len(vectors):
        return []
    rows: list[list[tuple[float, str, int, int, int]]] = [[] for _ in range(len(vectors))]
    for n, archive in enumerate(shards):
        index = archive.ann()
        if index is None:
            continue
        # exact below ARCHIVE_EXACT_MAX vectors: the same neighbours however the archive is cut;
        # twice the neighbours, so ties at the edge are broken the same way everywhere
        found = index.search(
            vectors, 2 * ARCHIVE_NEIGHBOURS, threads=1, exact=len(index) <= ARCHIVE_EXACT_MAX
        )
        keys = np.atleast_2d(found.keys)
        dists = np.atleast_2d(found.distances)
        ids = sorted({int(k) for k in keys.ravel() if int(k) >= 0})
        where = archive.sentence_places(ids)  # sentence id -> (doc id, path, idx)
        for r, (row_k, row_d) in enumerate(zip(keys, dists, strict=True)):
            for k, d in zip(row_k, row_d, strict=True):
                if int(k) in where:
                    doc, path, idx = where[int(k)]
                    rows[r].append((round(float(d), 6), path, idx, n, doc))
    out = []
    for row in rows:
        best: dict[DocKey, float] = {}
        for d, _, _, n, doc in sorted(row)[:ARCHIVE_NEIGHBOURS]:
            best[(n, doc)] = max(best.get((n, doc), 0.0), 1.0 - d)
        out.append(best)
    return out


def _full_text_hits(shards: Sequence[Archive], quote: str) -> list[DocKey]:
    """The documents of the ARCHIVE_FTS_HITS best full-text hits of a quotation's content
    words, best first: most of the words held, then the shorter sentence, then path and
    position. Each shard proposes its best by that same key (never by bm25, which weighs words
    by their rarity in each shard), so the merged hits are those of one archive."""
    # content words only: an OR over "the", "and" … would rank every sentence
    words = list(
        dict.fromkeys(
            w for w in re.findall(r"\w+", quote.casefold()) if len(w) > 2 and is_content(w)
        )
    )[:8]
    if len(words) < 2:
        return []
    hits = [hit for n, archive in enumerate(shards) for hit in _shard_hits(archive, words, n)]
    return [(n, doc) for *_, n, doc in sorted(hits)[:ARCHIVE_FTS_HITS]]


def _shard_hits(
    archive: Archive, words: Sequence[str], n: int
) -> list[tuple[int, int, str, int, int, int]]:
    """One shard's ARCHIVE_FTS_HITS best sentences for ``words``, as (-words held, length,
    path, position, shard, document): each word's full-text postings counted per sentence (as
    much work as bm25's ranking of the same OR query)."""
    held: Counter[int] = Counter()
    try:
        for w in words:
            held.update(
                r[0]
                for r in archive.db.execute(
                    "SELECT rowid FROM sentences_fts WHERE sentences_fts MATCH ?", (f'"{w}"',)
                )
            )
    except sqlite3.Error:
        return []
    by_count: dict[int, list[int]] = {}
    for sid, count in held.items():
        by_count.setdefault(count, []).append(sid)
    out: list[tuple[int, int, str, int, int, int]] = []
    for count in sorted(by_count, reverse=True):  # details only for the levels needed
        rows = rows_in(
            archive.db,
            "SELECT s.doc_id, d.path, s.idx, length(s.text) FROM sentences s "
            "JOIN documents d ON d.id = s.doc_id WHERE s.id IN ({})",
            by_count[count],
        )
        out += [(-count, length, path, idx, n, int(doc)) for doc, path, idx, length in rows]
        if len(out) >= ARCHIVE_FTS_HITS:
            break
    return sorted(out)[:ARCHIVE_FTS_HITS]


def documents_for(
    shards: Sequence[Archive],
    sentences: Sequence[Sentence],
    quotes: Sequence[Quote],
    embedder: Embedder,
) -> list[tuple[Document, tuple[Sentence, ...]]]:
    """The archive documents an article is judged against, chosen by its ``sentences`` and
    ``quotes`` as the pipeline prepared them (an archive is one or more shards)."""
    from verify.normalize import normalize

    texts = [normalize(s.text).text for s in sentences if s.role == "body"]
    vectors = embedder.encode(texts) if texts else np.zeros((0, 0), np.float32)
    return [
        shards[n].documents([doc])[0]
        for n, doc in choose(shards, vectors, [q.text for q in quotes if q.depth == 0])
    ]
