"""Claims judged by cosine thresholds: contradicted, copied, supported, partial or unsupported,
with their evidence. Plain data and similarity arrays in, Units out; the rules are an ordered
list (``COSINE_RULES``) over the facts of one claim."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from verify.align import top_indices
from verify.clauses import Clause, split_clauses
from verify.config import Thresholds
from verify.conflicts import Conflict, copy_conflicts, find_conflicts
from verify.judge import LexicalMatch, best_lexical
from verify.model import Document, Edit, Quote, Sentence, Span, Unit
from verify.normalize import Normalized, normalize
from verify.sources import SourceIndex
from verify.tokens import Token, stem
from verify.verdicts import NEAREST_ONLY


@dataclass
class ClaimInput:
    sentence: Sentence
    norm: Normalized
    segments: list[tuple[int, int]]  # normalised spans outside quotations
    clauses: list[Clause]
    compared: str
    quotes: tuple[Quote, ...] = ()  # the quotations the sentence carries (judged on their own)

    @property
    def tokens(self) -> list[Token]:
        return [t for c in self.clauses for t in c.tokens]

    @property
    def keys(self) -> list[str]:
        return [t.key for t in self.tokens]


def prepare_claim(
    doc: Document, sentence: Sentence, quotes: Sequence[Quote], th: Thresholds
) -> ClaimInput | None:
    """The part of a sentence outside quotation marks, cut into clauses; None when
    nothing but attribution is left ("he added,")."""
    norm = normalize(sentence.text, sentence.start)
    # normalised spans covered by quotations (with their marks)
    masked: list[tuple[int, int]] = []
    for q in quotes:
        lo, hi = q.start - 1, q.end + 1
        if hi <= sentence.start or lo >= sentence.end:
            continue
        idx = [i for i in range(len(norm.text)) if lo <= norm.starts[i] + norm.offset < hi]
        if idx:
            masked.append((idx[0], idx[-1] + 1))
    segments: list[tuple[int, int]] = []
    pos = 0
    for s, e in sorted(masked):
        if s > pos:
            segments.append((pos, s))
        pos = max(pos, e)
    if pos < len(norm.text):
        segments.append((pos, len(norm.text)))
    clauses = split_clauses(norm, segments, th.min_clause_words, drop_attribution=True)
    content = sum(len(c.content) for c in clauses)
    if content < th.min_claim_words:
        return None
    compared = " \u2026 ".join(c.text for c in clauses)
    return ClaimInput(sentence, norm, segments, clauses, compared, tuple(quotes))


def lexical_support(clause_stems: Sequence[str], sentence_stems: frozenset[str]) -> float:
    if not clause_stems:
        return 0.0
    return sum(1 for s in clause_stems if s in sentence_stems) / len(clause_stems)


@dataclass
class ClaimSims:
    """Similarity arrays for one claim: whole claim and each clause vs every source sentence."""

    claim: np.ndarray  # (n_sentences,)
    clauses: np.ndarray  # (n_clauses, n_sentences)


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


def claim_unit(uid: str, ci: ClaimInput, **fields: Any) -> Unit:
    """The claim's unit, placed where its sentence stands, with the verdict ``fields``."""
    s = ci.sentence
    return Unit(
        id=uid,
        kind="claim",
        text=s.text,
        start=s.start,
        end=s.end,
        line=s.line,
        compared=ci.compared,
        **fields,
    )


def nothing_to_compare(uid: str, ci: ClaimInput) -> Unit:
    """The verdict where the sources hold no sentence to compare with."""
    return claim_unit(
        uid, ci, verdict="unsupported", score=0.0, reason="no source text to compare with"
    )


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
    """The sentence repeats a source passage nearly word for word, without quotation marks."""
    lex_match = near_copy(f.ci, index, th)
    if lex_match is None:
        return None
    al = lex_match.alignment
    ev = index.passage_evidence(lex_match.passage, al.similarity, al.window_start, al.window_end)
    changed = copy_conflicts(f.ci.tokens, lex_match.passage.tokens, al.ops) if f.checks else []
    if changed:  # word for word but for a name or a number: a plain contradiction
        what = "; ".join(f"{c.article!r} vs {c.source!r}" for c in changed)
        kinds = " and ".join(dict.fromkeys(f"another {c.kind}" for c in changed))
        return f.unit(
            verdict="contradicted",
            score=al.similarity,
            evidence=(ev,),
            edits=tuple(Edit("replace", c.article, c.source, True, c.kind) for c in changed),
            reason=f"repeats a source passage word for word ({al.similarity:.0%} of words) but "
            f"for {kinds}: {what}",
        )
    return f.unit(
        verdict="copied",
        score=al.similarity,
        evidence=(ev,),
        reason=f"repeats a source passage nearly word for word ({al.similarity:.0%} "
        "of words) without quotation marks",
    )


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


def clause_text(ci: ClaimInput, clause: Clause) -> str:
    """The clause as the copy writes it."""
    return ci.sentence.text[clause.start - ci.sentence.start : clause.end - ci.sentence.start]


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


def near_copy(ci: ClaimInput, index: SourceIndex, th: Thresholds) -> LexicalMatch | None:
    """The source passage the claim repeats nearly word for word (``claim_copied_min`` of its
    words, at least ``min_clause_words`` of them), with the alignment; None when none."""
    match = best_lexical(ci.keys, index, th.candidates)
    if (
        match is None
        or match.alignment.similarity < th.claim_copied_min
        or len(ci.keys) < th.min_clause_words
    ):
        return None
    return match


def copy_changes(ci: ClaimInput, index: SourceIndex, th: Thresholds) -> list[Conflict]:
    """The names and numbers a claim changes in the source passage it repeats nearly word for
    word (conflicts.copy_conflicts); empty when it repeats none."""
    match = near_copy(ci, index, th)
    if match is None:
        return []
    return copy_conflicts(ci.tokens, match.passage.tokens, match.alignment.ops)
