"""The ``hybrid`` claim engine, the default: the cosine rules (verify/claims/cosine.py), with
the verdict model (verify/claims/pairs.py) as a second reader of the contradictions the checks
find."""

from __future__ import annotations

from dataclasses import replace

from verify.align import top_indices
from verify.backend.protocols import PairScorer
from verify.claims.base import ClaimSims, Engine
from verify.claims.cosine import judge_claim
from verify.claims.pairs import score_candidates
from verify.claimunit import ClaimInput
from verify.config import Thresholds
from verify.conflicts import find_conflicts
from verify.copies import copy_judgement
from verify.model import Unit
from verify.sources import SourceIndex

#: Conflicts the verdict model cannot be trusted to read (it was trained on words, not values):
#: where the rest of the claim repeats the passage they stand without its confirmation (so do
#: a near-copy's excluding edits and a word of the opposite sense: see judge_claim_hybrid).
UNREAD_CONFLICTS = frozenset({"number", "date", "weekday"})


def judge_claim_hybrid(
    uid: str,
    ci: ClaimInput,
    index: SourceIndex,
    sims: ClaimSims,
    th: Thresholds,
    pairs: PairScorer | None,
) -> Unit:
    """The cosine rules, with the verdict model as a second reader of contradictions: one the
    checks find stands only where the model leans that way (P(contradicted) at least
    ``pair_conflict_min`` and above P(entailed), on a passage about the same thing); else the
    claim is judged again without the checks. What the model cannot be trusted to read stands
    without it: a near-copy whose edit excludes the source's words (another name or number, a
    negation, an antonym; copies.copy_judgement), a changed number, date or weekday where the
    rest of the claim repeats the passage word for word, and a word of the opposite sense
    ("rose" for "fell"; conflicts.OPPOSITES). Letting the model also contradict and upgrade
    claims was measured and did worse on real copy (benchmarks/RESULTS.md)."""
    assert pairs is not None  # the stage gives this engine's claims to its fallback without one
    unit = judge_claim(uid, ci, index, sims, th)
    if unit.verdict != "contradicted":
        return unit  # nothing to confirm: the model is not even loaded
    copy = copy_judgement(uid, ci, index, th)
    if copy is not None and copy.verdict == "contradicted":
        return copy  # a near-copy whose edit excludes the source's words (copies.py)
    if any(e.kind in ("name", "word") for e in unit.edits):
        return unit  # a word of the opposite sense (conflicts.OPPOSITES)
    again = judge_claim(uid, ci, index, sims, th, checks=False)
    nearest = top_indices(sims.claim, 1)
    if (
        again.verdict == "copied"  # word for word but for the conflict: about the same thing
        and nearest
        and any(  # the whole claim, not a clause; a negation the model reads itself
            c.kind in UNREAD_CONFLICTS for c in find_conflicts(ci.tokens, index.tokens[nearest[0]])
        )
    ):
        return replace(unit, reason=f"{unit.reason}; the rest repeats the source word for word")
    about = [
        s
        for s in score_candidates(ci, index, sims, th, pairs)
        if s.candidate.cosine >= th.pair_context_min
    ]
    lean = max((s.contradict for s in about if s.contradict > s.entail), default=0.0)
    if lean >= th.pair_conflict_min:
        return replace(
            unit, reason=f"{unit.reason}; the verdict model agrees (P(contradiction) {lean:.2f})"
        )
    return again


ENGINE = Engine(
    "hybrid",
    judge_claim_hybrid,
    uses_pair_model=True,
    summary="the cosine rules; the verdict model confirms the contradictions the checks find",
)
