"""The seam between embeddings and the judge: a scorer answers "how close is each of these
texts to each source sentence" as arrays. The judge never sees a model.

``EmbeddingScorer`` encodes the source sentences and their clauses once, and scores a text
against a sentence as the best of (the whole sentence, any clause of it). ``EmptyScorer``
stands in where there is nothing to compare with (no source sentence): every row is empty.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import numpy as np

from verify.align import cosine_matrix
from verify.sources import SourceIndex
from verify.stores import SourceEmbedder


class Scorer(Protocol):
    """Similarity of texts to the source sentences of one index."""

    def sentence_scores(self, groups: Sequence[Sequence[str]]) -> list[np.ndarray]:
        """For each group of texts, an array (len(group), n_sentences); one model call for
        all groups, so a batch is encoded together."""
        ...


def best_of_sentence_and_clauses(
    vectors: np.ndarray, sentences: np.ndarray, clauses: np.ndarray, owner: np.ndarray
) -> np.ndarray:
    """Cosine of each row to each sentence: the best of (vs the sentence, vs any clause of it)."""
    direct = cosine_matrix(vectors, sentences)
    if len(owner):
        by_clause = cosine_matrix(vectors, clauses)
        best = np.full_like(direct, -1.0)
        np.maximum.at(best.T, owner, by_clause.T)
        direct = np.maximum(direct, best)
    return direct


class EmbeddingScorer:
    """Scores by sentence embeddings (see the module docstring)."""

    def __init__(self, index: SourceIndex, embedder: SourceEmbedder) -> None:
        self.index = index
        self.embedder = embedder

    def sentence_scores(self, groups: Sequence[Sequence[str]]) -> list[np.ndarray]:
        index = self.index
        n_s = len(index.norms)
        texts = [t for g in groups for t in g]
        article_vectors = self.embedder.encode(texts)
        source_vectors = self.embedder.encode_sources(
            [n.text for n in index.norms] + [c.text for c in index.clauses]
        )
        src_emb, clause_emb = source_vectors[:n_s], source_vectors[n_s:]
        owner = np.asarray(index.clause_sentence, dtype=np.int64)
        out: list[np.ndarray] = []
        pos = 0
        for g in groups:
            rows = article_vectors[pos : pos + len(g)]
            pos += len(g)
            out.append(
                best_of_sentence_and_clauses(rows, src_emb, clause_emb, owner)
                if len(g)
                else np.zeros((0, n_s))
            )
        return out


class EmptyScorer:
    """Nothing to compare with: every text gets an empty row."""

    def sentence_scores(self, groups: Sequence[Sequence[str]]) -> list[np.ndarray]:
        return [np.zeros((len(g), 0)) for g in groups]
