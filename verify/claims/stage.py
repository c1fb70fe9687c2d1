"""The claim stage of the pipeline: every claim by the engine the settings name (registry),
then the post-passes in their order (passes.POST_PASSES)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from verify.backend.protocols import PairScorer
from verify.claims.base import ClaimSims, Engine
from verify.claims.passes import POST_PASSES, PassInput
from verify.claims.registry import get_engine
from verify.claimunit import ClaimInput
from verify.config import Thresholds
from verify.model import Unit
from verify.sources import SourceIndex


def engine_for(name: str, pairs: PairScorer | None) -> Engine:
    """The engine named ``name``; its fallback where it reads the verdict model and there is
    none (``pair_model="none"``, or nothing to compare with)."""
    engine = get_engine(name)
    return get_engine(engine.fallback) if engine.uses_pair_model and pairs is None else engine


def judge_claims(
    claims: Sequence[ClaimInput],
    index: SourceIndex,
    claim_sims: np.ndarray,
    clause_sims: np.ndarray,
    th: Thresholds,
    engine: Engine,
    pairs: PairScorer | None,
) -> list[Unit]:
    """Each claim by ``engine`` (``clause_sims``: the rows of every claim's clauses, in order)."""
    units: list[Unit] = []
    pos = 0
    for k, ci in enumerate(claims):
        n = len(ci.clauses)
        sims = ClaimSims(claim_sims[k], clause_sims[pos : pos + n])
        units.append(engine.judge(f"C{k + 1}", ci, index, sims, th, pairs))
        pos += n
    return units


def post_passes(units: list[Unit], given: PassInput) -> list[Unit]:
    """The units after every post-pass, in order."""
    for step in POST_PASSES:
        units = step(units, given)
    return units
