"""Claim verdicts with their evidence: contradicted, copied, supported, partial or
unsupported. Plain data, similarity arrays and a pair-model callable in, Units out."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from verify.align import top_indices
from verify.clauses import Clause, attributed_to, split_clauses
from verify.config import Thresholds
from verify.conflicts import Conflict, find_conflicts
from verify.judge import best_lexical
from verify.model import Document, Edit, Evidence, Quote, Sentence, Span, Unit
from verify.normalize import Normalized, normalize
from verify.pairmodel import CONTRADICT, ENTAIL
from verify.sources import SourceIndex
from verify.tokens import Token, stem


@dataclass
class ClaimInput:
    sentence: Sentence
    norm: Normalized
    segments: list[tuple[int, int]]  # normalised spans outside quotations
    clauses: list[Clause]
    compared: str

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
    return ClaimInput(sentence, norm, segments, clauses, compared)


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


def judge_claim(
    uid: str,
    ci: ClaimInput,
    index: SourceIndex,
    sims: ClaimSims,
    th: Thresholds,
    checks: bool = True,
) -> Unit:
    """Verdict for one claim by cosine thresholds: contradicted, copied, supported, partial or
    unsupported (``checks=False``: the number/date/negation checks do not contradict)."""
    s = ci.sentence
    base: dict[str, Any] = dict(
        id=uid,
        kind="claim",
        text=s.text,
        start=s.start,
        end=s.end,
        line=s.line,
        compared=ci.compared,
    )
    keys = ci.keys
    n_sent = len(index.sentences)
    if n_sent == 0 or sims.claim.size == 0:
        return Unit(
            **base, verdict="unsupported", score=0.0, reason="no source text to compare with"
        )

    claim_best = top_indices(sims.claim, 3)
    claim_sim = float(sims.claim[claim_best[0]])
    verdicts: list[ClauseVerdict] = []
    for ci_idx, clause in enumerate(ci.clauses):
        row = sims.clauses[ci_idx]
        best = top_indices(row, 3)
        j = best[0]
        sim = float(row[j])
        c_stems = [stem(k) for k in clause.content]
        lex_j, lex = j, lexical_support(c_stems, index.stems[j])
        for cand in claim_best:  # the clause's words inside the passage the whole claim rests on
            cov = lexical_support(c_stems, index.stems[cand])
            if cov > lex:
                lex_j, lex = cand, cov
        ok = sim >= th.support_min or (
            claim_sim >= th.support_min and lex >= th.lexical_support_min
        )
        if ok and sim < th.support_min:
            j, sim = lex_j, float(row[lex_j])
        cv = ClauseVerdict(clause, ok, j, sim, lex)
        for cand in best if checks else ():
            if float(row[cand]) >= th.contradiction_context_min:
                found = find_conflicts(clause.tokens, index.tokens[cand])
                if found:
                    cv.conflicts, cv.sentence, cv.similarity = found, cand, float(row[cand])
                    break
        verdicts.append(cv)

    # contradiction first: a near-copy that flips a number or a negation is not "copied"
    conflicts = [c for v in verdicts for c in v.conflicts]
    if checks and not conflicts and claim_sim >= th.contradiction_context_min:
        conflicts = find_conflicts(ci.tokens, index.tokens[claim_best[0]])
        if conflicts:
            verdicts[0].conflicts, verdicts[0].sentence, verdicts[0].similarity = (
                conflicts,
                claim_best[0],
                claim_sim,
            )
    if conflicts:
        v = next(v for v in verdicts if v.conflicts)
        assert v.sentence is not None
        ev = index.evidence(v.sentence, v.similarity)
        edits = tuple(Edit("replace", c.article, c.source, True, c.kind) for c in v.conflicts)
        what = "; ".join(f"{c.article!r} vs {c.source!r}" for c in v.conflicts)
        return Unit(
            **base,
            verdict="contradicted",
            score=v.similarity,
            evidence=(ev,),
            edits=edits,
            reason=f"the closest source passage ({v.similarity:.2f}) conflicts: {what}",
        )

    # copied: the sentence repeats a source passage nearly word for word
    lex_match = best_lexical(keys, index, th.candidates)
    if (
        lex_match
        and lex_match.alignment.similarity >= th.claim_copied_min
        and len(keys) >= th.min_clause_words
    ):
        al = lex_match.alignment
        ev = index.passage_evidence(
            lex_match.passage, al.similarity, al.window_start, al.window_end
        )
        return Unit(
            **base,
            verdict="copied",
            score=al.similarity,
            evidence=(ev,),
            reason=f"repeats a source passage nearly word for word ({al.similarity:.0%} of words) "
            "without quotation marks",
        )

    if len(verdicts) == 1:  # one clause: the claim's own similarity decides
        verdicts[0].supported = (
            claim_sim >= th.support_min or verdicts[0].similarity >= th.support_min
        )
        if verdicts[0].supported and verdicts[0].similarity < claim_sim:
            verdicts[0].sentence, verdicts[0].similarity = claim_best[0], claim_sim
    supported = [v for v in verdicts if v.supported]
    evidence_idx: list[tuple[int, float]] = []
    for v in supported:
        if v.sentence is not None and all(v.sentence != j for j, _ in evidence_idx):
            evidence_idx.append((v.sentence, v.similarity))
    evidence = tuple(index.evidence(j, sim) for j, sim in evidence_idx)
    if supported and len(supported) == len(verdicts):
        score = max(claim_sim, min(v.similarity for v in verdicts))
        how = "several source sentences" if len(evidence) > 1 else "a source sentence"
        return Unit(
            **base,
            verdict="supported",
            score=score,
            evidence=evidence,
            reason=f"said in other words by {how} (similarity {score:.2f}, "
            f"threshold {th.support_min:.2f})",
        )
    if supported:
        spans = tuple(
            Span(v.clause.start, v.clause.end, _orig(index, ci, v.clause))
            for v in verdicts
            if not v.supported
        )
        share = sum(len(v.clause.content) for v in supported) / max(
            1, sum(len(v.clause.content) for v in verdicts)
        )
        return Unit(
            **base,
            verdict="partial",
            score=share,
            evidence=evidence,
            unsupported_spans=spans,
            reason=f"{len(supported)} of {len(verdicts)} parts are in the sources; "
            f"the highlighted parts are not",
        )
    nearest, near_sim = claim_best[0], claim_sim
    if len(verdicts) > 1:  # the parts decided: report the nearest part
        nearest, near_sim = max(
            ((v.sentence, v.similarity) for v in verdicts if v.sentence is not None),
            key=lambda t: (t[1], -t[0]),
            default=(nearest, near_sim),
        )
    part = "any part of it" if len(verdicts) > 1 else "it"
    return Unit(
        **base,
        verdict="unsupported",
        score=near_sim,
        evidence=(index.evidence(nearest, near_sim),),
        reason=f"no source passage says {part}; the nearest scores {near_sim:.2f}, "
        f"below the support threshold {th.support_min:.2f}",
    )


def _orig(index: SourceIndex, ci: ClaimInput, clause: Clause) -> str:
    return ci.sentence.text[clause.start - ci.sentence.start : clause.end - ci.sentence.start]


# ---------------------------------------------------------------- with the pair model
#
# Retrieval by embeddings picks candidate passages; the pair model (verify/pairmodel.py)
# decides whether a passage entails the claim, contradicts it or says nothing of it. The
# rules below run in order over immutable facts; the first that applies gives the verdict.

#: Scores (premise, hypothesis) pairs: rows of P(entailed), P(neutral), P(contradicted).
PairScorer = Callable[[Sequence[tuple[str, str]]], np.ndarray]


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


def _base(f: ClaimFacts) -> dict[str, Any]:
    s = f.ci.sentence
    return dict(
        id=f.uid,
        kind="claim",
        text=s.text,
        start=s.start,
        end=s.end,
        line=s.line,
        compared=f.ci.compared,
    )


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
    return Unit(
        **_base(f),
        verdict="contradicted",
        score=s.contradict,
        evidence=_evidence(index, s.candidate),
        edits=edits,
        reason=f"a source passage about the same thing (similarity {s.candidate.cosine:.2f}) "
        f"contradicts it (verdict model: P(contradiction) {s.contradict:.2f}){what}",
    )


def rule_copied(f: ClaimFacts, index: SourceIndex, th: Thresholds) -> Unit | None:
    """The sentence repeats a source passage nearly word for word, without quotation marks."""
    keys = f.ci.keys
    match = best_lexical(keys, index, th.candidates)
    if (
        match is None
        or match.alignment.similarity < th.claim_copied_min
        or len(keys) < th.min_clause_words
    ):
        return None
    al = match.alignment
    ev = index.passage_evidence(match.passage, al.similarity, al.window_start, al.window_end)
    return Unit(
        **_base(f),
        verdict="copied",
        score=al.similarity,
        evidence=(ev,),
        reason=f"repeats a source passage nearly word for word ({al.similarity:.0%} of words) "
        "without quotation marks",
    )


def rule_supported(f: ClaimFacts, index: SourceIndex, th: Thresholds) -> Unit | None:
    """One candidate passage entails the whole claim."""
    best = max(
        f.scored, key=lambda s: (s.entail, -len(s.candidate.sentences), -s.candidate.sentences[0])
    )
    if best.entail < th.pair_entail_min:
        return None
    how = "several source sentences" if len(best.candidate.sentences) > 1 else "a source sentence"
    return Unit(
        **_base(f),
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
        return Unit(
            **_base(f),
            verdict="supported",
            score=score,
            evidence=tuple(evidence),
            reason="each part is said by the sources (verdict model: every part P(entailed) ≥ "
            f"{score:.2f}; "
            f"threshold {th.pair_clause_entail_min:.2f})",
        )
    spans = tuple(
        Span(r.clause.start, r.clause.end, _orig(index, f.ci, r.clause))
        for r in f.clauses
        if not r.entailed(th)
    )
    share = sum(len(r.clause.content) for r in ok) / max(
        1, sum(len(r.clause.content) for r in f.clauses)
    )
    return Unit(
        **_base(f),
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
    return Unit(
        **_base(f),
        verdict="unsupported",
        score=best.entail,
        evidence=(index.evidence(f.nearest, f.nearest_cosine),),
        reason=f"{said}no source passage says it: the nearest has similarity "
        f"{f.nearest_cosine:.2f}; "
        f"the best passage entails it with P {best.entail:.2f}, below {th.pair_entail_min:.2f}",
    )


#: The claim rules, in the order they apply: the first that gives a verdict wins.
CLAIM_RULES: tuple[Callable[[ClaimFacts, SourceIndex, Thresholds], Unit | None], ...] = (
    rule_contradicted,  # a near-copy that flips a number is not "copied"
    rule_copied,
    rule_supported,
    rule_parts,
)


def judge_claim_with_pairs(
    uid: str, ci: ClaimInput, index: SourceIndex, sims: ClaimSims, th: Thresholds, pairs: PairScorer
) -> Unit:
    """Verdict for one claim by the pair model over retrieved candidates (see CLAIM_RULES)."""
    facts = claim_facts(uid, ci, index, sims, th, pairs)
    if facts is None:
        s = ci.sentence
        return Unit(
            id=uid,
            kind="claim",
            text=s.text,
            start=s.start,
            end=s.end,
            line=s.line,
            compared=ci.compared,
            verdict="unsupported",
            score=0.0,
            reason="no source text to compare with",
        )
    for rule in CLAIM_RULES:
        unit = rule(facts, index, th)
        if unit is not None:
            return unit
    return rule_unsupported(facts, index, th)


def judge_claim_hybrid(
    uid: str, ci: ClaimInput, index: SourceIndex, sims: ClaimSims, th: Thresholds, pairs: PairScorer
) -> Unit:
    """The cosine rules, with the verdict model as a second reader of contradictions: one the
    checks find stands only where the model leans that way (P(contradicted) at least
    ``pair_conflict_min`` and above P(entailed), on a passage about the same thing); else the
    claim is judged again without the checks. Letting the model also contradict and upgrade
    claims was measured and did worse on real copy (benchmarks/RESULTS.md)."""
    unit = judge_claim(uid, ci, index, sims, th)
    if unit.verdict != "contradicted":
        return unit  # nothing to confirm: the model is not even loaded
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
    return judge_claim(uid, ci, index, sims, th, checks=False)
