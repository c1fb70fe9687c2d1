"""What every claim engine shares: the similarity arrays of one claim, the judge signature
and the engine record."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from verify.backend.protocols import PairScorer
from verify.claimunit import ClaimInput
from verify.config import Thresholds
from verify.model import Unit
from verify.sources import SourceIndex


@dataclass
class ClaimSims:
    """Similarity arrays for one claim: whole claim and each clause vs every source sentence."""

    claim: np.ndarray  # (n_sentences,)
    clauses: np.ndarray  # (n_clauses, n_sentences)


#: Judges one claim: (unit id, claim, source index, its similarities, thresholds, the verdict
#: model's scorer or None) -> its unit.
Judge = Callable[[str, ClaimInput, SourceIndex, ClaimSims, Thresholds, PairScorer | None], Unit]


@dataclass(frozen=True)
class Engine:
    """A claim engine: its name, its judge, whether it reads the verdict model (without one,
    ``pair_model="none"``, such an engine gives way to ``fallback``), and a line for the docs."""

    name: str
    judge: Judge
    uses_pair_model: bool
    summary: str
    fallback: str = "cosine"
