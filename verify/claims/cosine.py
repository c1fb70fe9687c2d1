"""The ``cosine`` claim engine: claims judged by cosine thresholds (contradicted, copied,
supported, partial or unsupported) with their evidence. Plain data and similarity arrays in,
Units out; the rules are an ordered list (``COSINE_RULES``) over the facts of one claim."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from verify.align import top_indices
from verify.backend.protocols import PairScorer
from verify.claims.base import ClaimSims, Engine
from verify.claimunit import ClaimInput, claim_unit, clause_text, nothing_to_compare
from verify.clauses import Clause
from verify.config import Thresholds
from verify.conflicts import Conflict, find_conflicts
from verify.copies import copy_judgement
from verify.model import Edit, Span, Unit
from verify.sources import SourceIndex
from verify.tokens import stem


def lexical_support(clause_stems: Sequence[str], sentence_stems: frozenset[str]) -> float:
    if not clause_stems:
        return 0.0
    return sum(1 for s in clause_stems if s in sentence_stems) / len(clause_stems)


@dataclass
class ClauseVerdict:
    clause: Clause
    supported: bool
    sentence: int | None
    similarity: float
    lexical: float
    conflicts: list[Conflict] = field(default_factory=list)


@dataclass(frozen=True)
class CosineFacts:
    """What the cosine rules read about one claim: its input, the three nearest source
    sentences to the whole claim and the best similarity, and each clause's verdict."""

    uid: str
    ci: ClaimInput
    claim_best: list[int]
    claim_sim: float
    clauses: list[ClauseVerdict]
    checks: bool

    def unit(self, **fields: Any) -> Unit:
        return claim_unit(self.uid, self.ci, **fields)


def judge_claim(
    uid: str,
    ci: ClaimInput,
    index: SourceIndex,
    sims: ClaimSims,
    th: Thresholds,
    checks: bool = True,
) -> Unit:
    """Verdict for one claim by cosine thresholds: the first of ``COSINE_RULES`` that applies
    (contradicted, copied, supported or partial), else unsupported (``checks=False``: the
    number/date/negation checks do not contradict)."""
    if len(index.sentences) == 0 or sims.claim.size == 0:
        return nothing_to_compare(uid, ci)
    claim_best = top_indices(sims.claim, 3)
    claim_sim = float(sims.claim[claim_best[0]])
    verdicts = [
        _clause_verdict(ci, k, index, sims, th, claim_best, claim_sim, checks)
        for k in range(len(ci.clauses))
    ]
    facts = CosineFacts(uid, ci, claim_best, claim_sim, verdicts, checks)
    for rule in COSINE_RULES:
        unit = rule(facts, index, th)
        if unit is not None:
            return unit
    return cosine_unsupported(facts, index, th)


def _clause_verdict(
    ci: ClaimInput,
    k: int,
    index: SourceIndex,
    sims: ClaimSims,
    th: Thresholds,
    claim_best: list[int],
    claim_sim: float,
    checks: bool,
) -> ClauseVerdict:
    """One clause: supported by its nearest sentence (cosine) or by its words inside the
    passage the whole claim rests on; the first near passage whose numbers, dates or negation
    conflict with it, unless a nearer one holds its words without a conflict."""
    clause = ci.clauses[k]
    row = sims.clauses[k]
    best = top_indices(row, 3)
    j = best[0]
    sim = float(row[j])
    c_stems = [stem(key) for key in clause.content]
    lex_j, lex = j, lexical_support(c_stems, index.stems[j])
    for cand in claim_best:  # the clause's words inside the passage the whole claim rests on
        cov = lexical_support(c_stems, index.stems[cand])
        if cov > lex:
            lex_j, lex = cand, cov
    ok = sim >= th.support_min or (claim_sim >= th.support_min and lex >= th.lexical_support_min)
    if ok and sim < th.support_min:
        j, sim = lex_j, float(row[lex_j])
    cv = ClauseVerdict(clause, ok, j, sim, lex)
    for cand in best if checks else ():  # nearest first
        if float(row[cand]) >= th.contradiction_context_min:
            found = find_conflicts(clause.tokens, index.tokens[cand])
            if found:
                cv.conflicts, cv.sentence, cv.similarity = found, cand, float(row[cand])
                break
            if lexical_support(c_stems, index.stems[cand]) >= th.lexical_support_min:
                break  # a nearer passage says it without a conflict: farther ones do not count
    return cv


def cosine_contradicted(f: CosineFacts, index: SourceIndex, th: Thresholds) -> Unit | None:
    """First: a near passage conflicts in a number, date, weekday or negation (a near-copy
    that flips a number is not "copied")."""
    found = next(((v.sentence, v.similarity, v.conflicts) for v in f.clauses if v.conflicts), None)
    if found is None and f.checks and f.claim_sim >= th.contradiction_context_min:
        whole = find_conflicts(f.ci.tokens, index.tokens[f.claim_best[0]])
        if whole:
            found = (f.claim_best[0], f.claim_sim, whole)
    if found is None:
        return None
    sentence, similarity, conflicts = found
    assert sentence is not None
    edits = tuple(Edit("replace", c.article, c.source, True, c.kind) for c in conflicts)
    what = "; ".join(f"{c.article!r} vs {c.source!r}" for c in conflicts)
    return f.unit(
        verdict="contradicted",
        score=similarity,
        evidence=(index.evidence(sentence, similarity),),
        edits=edits,
        reason=f"the closest source passage ({similarity:.2f}) conflicts: {what}",
    )


def cosine_copied(f: CosineFacts, index: SourceIndex, th: Thresholds) -> Unit | None:
    """The sentence repeats a source passage nearly word for word: judged by its edits
    (copy_judgement)."""
    return copy_judgement(f.uid, f.ci, index, th, f.checks)


def cosine_supported(f: CosineFacts, index: SourceIndex, th: Thresholds) -> Unit | None:
    """Every part supported: "supported"; some: "partial", the rest highlighted."""
    verdicts = f.clauses
    if len(verdicts) == 1:  # one clause: the claim's own similarity decides
        only = verdicts[0]
        ok = f.claim_sim >= th.support_min or only.similarity >= th.support_min
        sentence, similarity = only.sentence, only.similarity
        if ok and only.similarity < f.claim_sim:
            sentence, similarity = f.claim_best[0], f.claim_sim
        verdicts = [replace(only, supported=ok, sentence=sentence, similarity=similarity)]
    supported = [v for v in verdicts if v.supported]
    if not supported:
        return None
    evidence_idx: list[tuple[int, float]] = []
    for v in supported:
        if v.sentence is not None and all(v.sentence != j for j, _ in evidence_idx):
            evidence_idx.append((v.sentence, v.similarity))
    evidence = tuple(index.evidence(j, sim) for j, sim in evidence_idx)
    if len(supported) == len(verdicts):
        score = max(f.claim_sim, min(v.similarity for v in verdicts))
        how = "several source sentences" if len(evidence) > 1 else "a source sentence"
        return f.unit(
            verdict="supported",
            score=score,
            evidence=evidence,
            reason=f"said in other words by {how} (similarity {score:.2f}, "
            f"threshold {th.support_min:.2f})",
        )
    spans = tuple(
        Span(v.clause.start, v.clause.end, clause_text(f.ci, v.clause))
        for v in verdicts
        if not v.supported
    )
    share = sum(len(v.clause.content) for v in supported) / max(
        1, sum(len(v.clause.content) for v in verdicts)
    )
    return f.unit(
        verdict="partial",
        score=share,
        evidence=evidence,
        unsupported_spans=spans,
        reason=f"{len(supported)} of {len(verdicts)} parts are in the sources; "
        "the highlighted parts are not",
    )


def cosine_unsupported(f: CosineFacts, index: SourceIndex, th: Thresholds) -> Unit:
    """Last: no part said; the evidence is the nearest passage (of the nearest part)."""
    nearest, near_sim = f.claim_best[0], f.claim_sim
    if len(f.clauses) > 1:  # the parts decided: report the nearest part
        nearest, near_sim = max(
            ((v.sentence, v.similarity) for v in f.clauses if v.sentence is not None),
            key=lambda t: (t[1], -t[0]),
            default=(nearest, near_sim),
        )
    part = "any part of it" if len(f.clauses) > 1 else "it"
    return f.unit(
        verdict="unsupported",
        score=near_sim,
        evidence=(index.evidence(nearest, near_sim),),
        reason=f"no source passage says {part}; the nearest scores {near_sim:.2f}, "
        f"below the support threshold {th.support_min:.2f}",
    )


#: The cosine rules in the order they apply; the first that returns a unit decides.
COSINE_RULES: tuple[Callable[[CosineFacts, SourceIndex, Thresholds], Unit | None], ...] = (
    cosine_contradicted,
    cosine_copied,
    cosine_supported,
)


def judge(
    uid: str,
    ci: ClaimInput,
    index: SourceIndex,
    sims: ClaimSims,
    th: Thresholds,
    pairs: PairScorer | None = None,
) -> Unit:
    """The engine's judge: the cosine rules (no verdict model)."""
    return judge_claim(uid, ci, index, sims, th)


ENGINE = Engine(
    "cosine",
    judge,
    uses_pair_model=False,
    summary="cosine thresholds and the conflict checks; no verdict model",
)
