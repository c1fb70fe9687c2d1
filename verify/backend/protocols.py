"""What callers may use of each kind of model: every method they call is declared here."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol

import numpy as np


class Embedder(Protocol):
    """Anything that turns texts into unit-length vectors (one row per text). ``name`` is
    what reports show; ``key`` the identity of its weights (the same key, the same vectors:
    caches and archives are keyed on it)."""

    name: str
    key: str

    def encode(self, texts: Sequence[str]) -> np.ndarray: ...


class Prefetching(Protocol):
    """An embedder that can start loading in the background (the packaged runtimes)."""

    def prefetch(self) -> None: ...


class PairModel(Protocol):
    """Anything that scores (premise, hypothesis) pairs as rows of P(entailed), P(neutral),
    P(contradicted) (classifier.LABELS)."""

    name: str
    key: str

    def predict(self, pairs: Sequence[tuple[str, str]]) -> np.ndarray: ...


#: Scores (premise, hypothesis) pairs: rows of P(entailed), P(neutral), P(contradicted).
PairScorer = Callable[[Sequence[tuple[str, str]]], np.ndarray]
#: Rows of class probabilities (strength.STRENGTH_LABELS order), one per text.
StrengthScorer = Callable[[Sequence[str]], np.ndarray]
