"""What runs on the claims after their engine has judged them, in order (``POST_PASSES``):
the strength check, then the credit a claim gets for the quotation it carries (after the
strength check: a claim borne out only by its quotation has no words of its own in the
sources to weigh against them)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from verify.backend.protocols import StrengthScorer
from verify.claimunit import ClaimInput, clause_text
from verify.config import Thresholds
from verify.model import Span, Unit
from verify.strength import shift
from verify.verdicts import FLAGGABLE, NEAREST_ONLY


@dataclass(frozen=True)
class PassInput:
    """What the post-passes read besides the units: the claims judged (in unit order), each
    quotation's unit and its words by the quotation's start, the thresholds, and the strength
    scorer (asked only when a claim needs it; None: no strength check)."""

    claims: Sequence[ClaimInput]
    quotes: dict[int, tuple[Unit, int]]
    th: Thresholds
    strength: Callable[[], StrengthScorer] | None


def strength_pass(units: list[Unit], given: PassInput) -> list[Unit]:
    """Claims stated more strongly (or weakly) than their evidence (qualify_strength)."""
    if given.strength is None or not any(u.verdict in FLAGGABLE for u in units):
        return units
    return qualify_strength(units, given.strength(), given.th)


def credit_pass(units: list[Unit], given: PassInput) -> list[Unit]:
    """Claims that carry a quotation found in the sources are borne out that far
    (credit_quotations)."""
    return [
        credit_quotations(
            u, ci, [given.quotes[q.start] for q in ci.quotes if q.start in given.quotes], given.th
        )
        for u, ci in zip(units, given.claims, strict=True)
    ]


def qualify_strength(units: list[Unit], strengths: StrengthScorer, th: Thresholds) -> list[Unit]:
    """Flag supported, partial and copied claims stated more strongly (or weakly) than their nearest
    evidence (verify/strength.py); the flag's words are added to the reason."""
    targets = [i for i, u in enumerate(units) if u.verdict in FLAGGABLE and u.evidence]
    if not targets:
        return units
    claims = [units[i].compared or units[i].text for i in targets]
    evidence = [units[i].evidence[0].text for i in targets]
    probs = strengths([*claims, *evidence])
    out = list(units)
    for k, i in enumerate(targets):
        found = shift(
            claims[k], evidence[k], probs[k], probs[len(targets) + k], th.strength_shift_min
        )
        if found is not None:
            out[i] = replace(
                units[i],
                strength=found,
                reason=f"{units[i].reason}; {found.direction}: {found.describe()}",
            )
    return out


def credit_quotations(
    unit: Unit, ci: ClaimInput, quotes: Sequence[tuple[Unit, int]], th: Thresholds
) -> Unit:
    """An unsupported claim that carries a quotation found in the sources, of at least
    ``quote_evidence_min_words`` words (``quotes``: each quotation's unit and its words, not
    counting [editorial] ones), is partial: the quotation is borne out (its own unit says how
    faithfully), the claim's own words are highlighted as not."""
    if unit.verdict != "unsupported":
        return unit
    kept = [
        (u, words)
        for u, words in quotes
        # found in a source: evidence that is more than the nearest passage (verdicts table)
        if u.verdict not in NEAREST_ONLY and u.evidence and words >= th.quote_evidence_min_words
    ]
    if not kept:
        return unit
    found = [u for u, _ in kept]
    quoted = sum(words for _, words in kept)
    own = sum(len(c.tokens) for c in ci.clauses)
    spans = tuple(Span(c.start, c.end, clause_text(ci, c)) for c in ci.clauses)
    ids = ", ".join(f"{u.id}: {u.verdict}" for u in found)
    return replace(
        unit,
        verdict="partial",
        score=quoted / max(1, quoted + own),
        evidence=tuple(e for u in found for e in u.evidence[:1]),
        unsupported_spans=spans,
        reason=f"what it quotes is in the sources ({ids}); the highlighted words around it are "
        f"not: their nearest passage scores {unit.score:.2f}, below the support threshold "
        f"{th.support_min:.2f}",
    )


#: The passes in the order they run over every engine's claims.
POST_PASSES: tuple[Callable[[list[Unit], PassInput], list[Unit]], ...] = (
    strength_pass,
    credit_pass,
)
