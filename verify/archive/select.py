"""Choosing the archive documents an article draws on: each article sentence votes for the
documents of its nearest archive sentences, each quotation for those of its full-text hits."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Sequence

import numpy as np

from verify.archive.store import ARCHIVE_DOCUMENTS, ARCHIVE_FTS_HITS, ARCHIVE_NEIGHBOURS, Archive
from verify.config import Settings
from verify.embed import Embedder
from verify.model import Document, Sentence
from verify.tokens import is_content


def choose(
    archive: Archive, vectors: np.ndarray, quotes: Sequence[str], k_docs: int = ARCHIVE_DOCUMENTS
) -> list[int]:
    """Document ids an article draws on: each article sentence votes for the documents
    of its nearest archive sentences (by similarity), each quotation for those of its
    full-text hits; the best ``k_docs``, best first (ties by id)."""
    score: dict[int, float] = {}
    index = archive.ann()
    if index is not None and len(vectors):
        found = index.search(vectors, ARCHIVE_NEIGHBOURS)
        keys = np.atleast_2d(found.keys)
        dists = np.atleast_2d(found.distances)
        ids = sorted({int(k) for k in keys.ravel() if int(k) >= 0})
        doc_of = archive.doc_of(ids)
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
        words = list(
            dict.fromkeys(
                w for w in re.findall(r"\w+", q.casefold()) if len(w) > 2 and is_content(w)
            )
        )[:8]
        if len(words) < 2:
            continue
        try:
            rows = archive.db.execute(
                "SELECT s.doc_id, bm25(sentences_fts) FROM sentences_fts JOIN sentences s ON s.id "
                "= sentences_fts.rowid "
                "WHERE sentences_fts MATCH ? ORDER BY bm25(sentences_fts) LIMIT ?",
                (" OR ".join(f'"{w}"' for w in words), ARCHIVE_FTS_HITS),
            ).fetchall()
        except sqlite3.Error:
            continue
        for rank, (doc, _) in enumerate(rows):
            score[doc] = score.get(doc, 0.0) + 1.0 / (1 + rank)
    ranked = sorted(score.items(), key=lambda t: (-t[1], t[0]))
    return [doc for doc, _ in ranked[:k_docs]]


def documents_for(
    archive: Archive, article: Document, settings: Settings, embedder: Embedder
) -> list[tuple[Document, tuple[Sentence, ...]]]:
    """The archive documents ``article`` is judged against."""
    from verify.normalize import normalize
    from verify.quotes import extract_quotes
    from verify.segment import segment

    sents = [s for s in segment(article) if s.role == "body"]
    quotes, _ = extract_quotes(article, tuple(segment(article)))
    texts = [normalize(s.text).text for s in sents]
    vectors = embedder.encode(texts) if texts else np.zeros((0, 0), np.float32)
    chosen = choose(archive, vectors, [q.text for q in quotes if q.depth == 0])
    return archive.documents(chosen)
