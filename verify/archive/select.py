"""Choosing the archive documents an article draws on: each article sentence votes for the
documents of its nearest archive sentences, each quotation for those of its full-text hits."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Sequence

import numpy as np

from verify.archive.store import (
    ARCHIVE_DOCUMENTS,
    ARCHIVE_EXACT_MAX,
    ARCHIVE_FTS_CANDIDATES,
    ARCHIVE_FTS_HITS,
    ARCHIVE_NEIGHBOURS,
    Archive,
)
from verify.config import Settings
from verify.embed import Embedder
from verify.model import Document, Sentence
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
    and the hits of all shards are merged first, as one archive would rank them; full-text
    scores (bm25) weigh words by their rarity in each shard, the one place a shard can rank
    otherwise than the whole archive."""
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
    words, best first. Each shard proposes its ARCHIVE_FTS_CANDIDATES best sentences by bm25;
    they are ranked by how many of the quotation's words they hold, then the shorter sentence,
    then path and position: a ranking that does not depend on how the archive is cut (bm25
    weighs words by their rarity in each shard)."""
    # content words only: an OR over "the", "and" … would rank every sentence
    words = list(
        dict.fromkeys(
            w for w in re.findall(r"\w+", quote.casefold()) if len(w) > 2 and is_content(w)
        )
    )[:8]
    if len(words) < 2:
        return []
    hits: list[tuple[int, int, str, int, int, int]] = []
    for n, archive in enumerate(shards):
        try:
            rows = archive.db.execute(
                "SELECT s.doc_id, d.path, s.idx, s.text FROM sentences_fts "
                "JOIN sentences s ON s.id = sentences_fts.rowid "
                "JOIN documents d ON d.id = s.doc_id "
                "WHERE sentences_fts MATCH ? ORDER BY bm25(sentences_fts) LIMIT ?",
                (" OR ".join(f'"{w}"' for w in words), ARCHIVE_FTS_CANDIDATES),
            ).fetchall()
        except sqlite3.Error:
            continue
        for doc, path, idx, text in rows:
            held = set(re.findall(r"\w+", text.casefold()))
            hits.append((-sum(w in held for w in words), len(text), path, idx, n, int(doc)))
    return [(n, doc) for *_, n, doc in sorted(hits)[:ARCHIVE_FTS_HITS]]


def documents_for(
    shards: Sequence[Archive], article: Document, settings: Settings, embedder: Embedder
) -> list[tuple[Document, tuple[Sentence, ...]]]:
    """The archive documents ``article`` is judged against (an archive is one or more
    shards)."""
    from verify.normalize import normalize
    from verify.quotes import extract_quotes
    from verify.segment import segment

    sents = [s for s in segment(article) if s.role == "body"]
    quotes, _ = extract_quotes(article, tuple(segment(article)))
    texts = [normalize(s.text).text for s in sents]
    vectors = embedder.encode(texts) if texts else np.zeros((0, 0), np.float32)
    chosen = choose(shards, vectors, [q.text for q in quotes if q.depth == 0])
    return [shards[n].documents([doc])[0] for n, doc in chosen]
