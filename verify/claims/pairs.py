"""The ``pairs`` claim engine: claims judged by the pair (verdict) model.

Retrieval by embeddings picks candidate passages; the pair model (verify/pairmodel.py) decides
whether a passage entails the claim, contradicts it or says nothing of it. The rules run in
order (``CLAIM_RULES``) over immutable facts; the first that applies gives the verdict.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from verify.align import top_indices
from verify.backend.classifier import CONTRADICT, ENTAIL
from verify.backend.protocols import PairScorer
from verify.claims.base import ClaimSims, Engine
from verify.claimunit import ClaimInput, claim_unit, clause_text, nothing_to_compare
from verify.clauses import Clause, attributed_to
from verify.config import Thresholds
from verify.conflicts import Conflict, find_conflicts
from verify.copies import copy_judgement
from verify.model import Edit, Evidence, Span, Unit
from verify.sources import SourceIndex
from verify.tokens import Token


@dataclass(frozen=True)
class Candidate:
    """A passage the claim may rest on: one source sentence, a window of adjacent ones, or
    the best few sentences together (a claim may draw on several)."""

    sentences: tuple[int, ...]  # indices into SourceIndex.sentences, in source order
    text: str  # the premise given to the pair model
    cosine: float  # the claim's best cosine to any of its sentences (retrieval score)


@dataclass(frozen=True)
class Scored:
    candidate: Candidate
    probs: tuple[float, float, float]

    @property
    def entail(self) -> float:
        return self.probs[ENTAIL]

    @property
    def contradict(self) -> float:
        return self.probs[CONTRADICT]


def _scored(cands: Sequence[Candidate], probs: np.ndarray) -> list[Scored]:
    return [
        Scored(c, (float(p[0]), float(p[1]), float(p[2])))
        for c, p in zip(cands, probs, strict=True)
    ]


def score_candidates(
    ci: ClaimInput, index: SourceIndex, sims: ClaimSims, th: Thresholds, pairs: PairScorer
) -> tuple[Scored, ...]:
    """The whole claim against each of its candidate passages."""
    cands = claim_candidates(index, sims.claim, sims.clauses, th.pair_candidates)
    return tuple(_scored(cands, pairs([(c.text, ci.norm.text) for c in cands])))


@dataclass(frozen=True)
class ClauseResult:
    clause: Clause
    best: Scored | None  # the candidate that best entails the clause

    def entailed(self, th: Thresholds) -> bool:
        return self.best is not None and self.best.entail >= th.pair_clause_entail_min


@dataclass(frozen=True)
class ClaimFacts:
    """Everything the rules read about one claim."""

    uid: str
    ci: ClaimInput
    scored: tuple[Scored, ...]  # the claim against each candidate
    clauses: tuple[ClauseResult, ...]  # each clause (only when the claim has several)
    nearest: int  # the source sentence nearest the claim by cosine
    nearest_cosine: float


def _window_ok(index: SourceIndex, ids: Sequence[int]) -> bool:
    if not all(0 <= i < len(index.sentences) for i in ids):
        return False
    sents = [index.sentences[i] for i in ids]
    return len({s.doc for s in sents}) == 1 and all(s.role == "body" for s in sents)


def claim_candidates(
    index: SourceIndex, claim_row: np.ndarray, clause_rows: np.ndarray, k: int
) -> list[Candidate]:
    """Single sentences (the claim's k nearest, each clause's nearest), windows of two and
    three sentences around the nearest, and the nearest few together, in source order."""
    top = top_indices(claim_row, k)
    picked = list(top)
    for row in clause_rows:
        for j in top_indices(row, 1):
            if j not in picked:
                picked.append(j)
    groups: list[tuple[int, ...]] = [(j,) for j in picked]
    if top:
        b = top[0]
        for w in ((b - 1, b), (b, b + 1), (b - 1, b, b + 1)):
            if _window_ok(index, w):
                groups.append(w)
    best_few = sorted(picked[:3])
    if len(best_few) > 1:
        groups.append(tuple(best_few))
    out: list[Candidate] = []
    seen: set[tuple[int, ...]] = set()
    for g in groups:
        if g in seen:
            continue
        seen.add(g)
        text = " ".join(index.norms[i].text for i in g)
        out.append(Candidate(g, text, max(float(claim_row[i]) for i in g)))
    return out


def claim_facts(
    uid: str, ci: ClaimInput, index: SourceIndex, sims: ClaimSims, th: Thresholds, pairs: PairScorer
) -> ClaimFacts | None:
    """Score the claim (and, when it has several clauses, each clause) against its candidates."""
    if len(index.sentences) == 0 or sims.claim.size == 0:
        return None
    scored = score_candidates(ci, index, sims, th, pairs)
    clause_results: list[ClauseResult] = []
    if len(ci.clauses) > 1:
        best_claim = max(scored, key=lambda s: (s.entail, -s.candidate.sentences[0]))
        asks: list[tuple[int, Candidate]] = []
        for n in range(len(ci.clauses)):
            own = [
                Candidate((j,), index.norms[j].text, float(sims.claim[j]))
                for j in top_indices(sims.clauses[n], 2)
            ]
            for c in [*own, best_claim.candidate]:
                if all(c.sentences != a.sentences for m, a in asks if m == n):
                    asks.append((n, c))
        clause_scored = _scored(
            [c for _, c in asks], pairs([(c.text, ci.clauses[n].text) for n, c in asks])
        )
        for n, clause in enumerate(ci.clauses):
            mine = [s for (m, _), s in zip(asks, clause_scored, strict=True) if m == n]
            best = max(mine, key=lambda s: (s.entail, -s.candidate.sentences[0]), default=None)
            clause_results.append(ClauseResult(clause, best))
    nearest = top_indices(sims.claim, 1)[0]
    return ClaimFacts(uid, ci, scored, tuple(clause_results), nearest, float(sims.claim[nearest]))


def _evidence(
    index: SourceIndex, c: Candidate, claim_row_cos: Sequence[float] | None = None
) -> tuple[Evidence, ...]:
    return tuple(
        index.evidence(i, c.cosine if claim_row_cos is None else claim_row_cos[n])
        for n, i in enumerate(c.sentences)
    )


def _candidate_tokens(index: SourceIndex, c: Candidate) -> list[Token]:
    return [t for i in c.sentences for t in index.tokens[i]]


def rule_contradicted(f: ClaimFacts, index: SourceIndex, th: Thresholds) -> Unit | None:
    """A passage about the same thing that the model reads as incompatible; the checks on
    numbers, dates, weekdays and negation name the conflicting words where they find them
    (and lower the bar: a named conflict the model also leans to is enough)."""
    about = [s for s in f.scored if s.candidate.cosine >= th.pair_context_min]
    best: tuple[Scored, list[Conflict]] | None = None
    for s in sorted(about, key=lambda s: (-s.contradict, s.candidate.sentences)):
        if s.contradict <= s.entail:
            continue
        conflicts = find_conflicts(f.ci.tokens, _candidate_tokens(index, s.candidate))
        if s.contradict >= th.pair_contradiction_min or (
            conflicts and s.contradict >= th.pair_conflict_min
        ):
            best = (s, conflicts)
            break
    if best is None:
        return None
    s, conflicts = best
    edits = tuple(Edit("replace", c.article, c.source, True, c.kind) for c in conflicts)
    what = (
        ("; conflicting words: " + "; ".join(f"{c.article!r} vs {c.source!r}" for c in conflicts))
        if conflicts
        else ""
    )
    return claim_unit(
        f.uid,
        f.ci,
        verdict="contradicted",
        score=s.contradict,
        evidence=_evidence(index, s.candidate),
        edits=edits,
        reason=f"a source passage about the same thing (similarity {s.candidate.cosine:.2f}) "
        f"contradicts it (verdict model: P(contradiction) {s.contradict:.2f}){what}",
    )


def rule_copied(f: ClaimFacts, index: SourceIndex, th: Thresholds) -> Unit | None:
    """The sentence repeats a source passage nearly word for word: judged by its edits, by the
    copy rule every engine shares (copies.copy_judgement)."""
    return copy_judgement(f.uid, f.ci, index, th)


def rule_supported(f: ClaimFacts, index: SourceIndex, th: Thresholds) -> Unit | None:
    """One candidate passage entails the whole claim."""
    best = max(
        f.scored, key=lambda s: (s.entail, -len(s.candidate.sentences), -s.candidate.sentences[0])
    )
    if best.entail < th.pair_entail_min:
        return None
    how = "several source sentences" if len(best.candidate.sentences) > 1 else "a source sentence"
    return claim_unit(
        f.uid,
        f.ci,
        verdict="supported",
        score=best.entail,
        evidence=_evidence(index, best.candidate),
        reason=f"said by {how} (verdict model: P(entailed) {best.entail:.2f}, "
        f"threshold {th.pair_entail_min:.2f}; similarity {best.candidate.cosine:.2f})",
    )


def rule_parts(f: ClaimFacts, index: SourceIndex, th: Thresholds) -> Unit | None:
    """Several clauses: all entailed (by different passages) is supported; some is partial."""
    if not f.clauses:
        return None
    ok = [r for r in f.clauses if r.entailed(th)]
    if not ok:
        return None
    evidence: list[Evidence] = []
    for r in ok:
        assert r.best is not None
        for ev in _evidence(index, r.best.candidate):
            if all(ev.start != e.start or ev.source != e.source for e in evidence):
                evidence.append(ev)
    if len(ok) == len(f.clauses):
        score = min(r.best.entail for r in ok if r.best is not None)
        return claim_unit(
            f.uid,
            f.ci,
            verdict="supported",
            score=score,
            evidence=tuple(evidence),
            reason="each part is said by the sources (verdict model: every part P(entailed) ≥ "
            f"{score:.2f}; "
            f"threshold {th.pair_clause_entail_min:.2f})",
        )
    spans = tuple(
        Span(r.clause.start, r.clause.end, clause_text(f.ci, r.clause))
        for r in f.clauses
        if not r.entailed(th)
    )
    share = sum(len(r.clause.content) for r in ok) / max(
        1, sum(len(r.clause.content) for r in f.clauses)
    )
    return claim_unit(
        f.uid,
        f.ci,
        verdict="partial",
        score=share,
        evidence=tuple(evidence),
        unsupported_spans=spans,
        reason=f"{len(ok)} of {len(f.clauses)} parts are in the sources (verdict model); "
        "the highlighted parts are not",
    )


def rule_unsupported(f: ClaimFacts, index: SourceIndex, th: Thresholds) -> Unit:
    """Nothing in the sources says it: the nearest passage is shown with its scores; a claim
    the copy attributes to someone ("The White House said …") says that the sources checked
    do not bear the attribution out."""
    best = max(f.scored, key=lambda s: (s.entail, -s.candidate.sentences[0]))
    who = attributed_to(f.ci.sentence.text)
    said = (
        (
            f"the copy attributes this to {who}, but the sources checked "
            f"({', '.join(sorted(index.docs))}) do not say it; "
        )
        if who
        else ""
    )
    return claim_unit(
        f.uid,
        f.ci,
        verdict="unsupported",
        score=best.entail,
        evidence=(index.evidence(f.nearest, f.nearest_cosine),),
        reason=f"{said}no source passage says it: the nearest has similarity "
        f"{f.nearest_cosine:.2f}; "
        f"the best passage entails it with P {best.entail:.2f}, below {th.pair_entail_min:.2f}",
    )


#: The claim rules, in the order they apply: the first that gives a verdict wins.
CLAIM_RULES: tuple[Callable[[ClaimFacts, SourceIndex, Thresholds], Unit | None], ...] = (
    rule_copied,  # a near-copy is judged by its edits (a flipped number is no copy)
    rule_contradicted,
    rule_supported,
    rule_parts,
)


def judge_claim_with_pairs(
    uid: str,
    ci: ClaimInput,
    index: SourceIndex,
    sims: ClaimSims,
    th: Thresholds,
    pairs: PairScorer | None,
) -> Unit:
    """Verdict for one claim by the pair model over retrieved candidates (see CLAIM_RULES)."""
    assert pairs is not None  # the stage gives this engine's claims to its fallback without one
    facts = claim_facts(uid, ci, index, sims, th, pairs)
    if facts is None:
        return nothing_to_compare(uid, ci)
    for rule in CLAIM_RULES:
        unit = rule(facts, index, th)
        if unit is not None:
            return unit
    return rule_unsupported(facts, index, th)


ENGINE = Engine(
    "pairs",
    judge_claim_with_pairs,
    uses_pair_model=True,
    summary="the verdict model decides; cosine only retrieves the passages it reads",
)
