"""Verdicts with their evidence: word-level edits for quotations, support, partial
support and contradiction for claims. Plain data and similarity arrays in, Units out.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from verify.align import TokenAlignment, align_tokens, lexical_candidates, top_indices
from verify.clauses import Clause, is_attribution, split_clauses
from verify.config import MAX_QUOTE_WORDS, Thresholds
from verify.conflicts import Conflict, find_conflicts
from verify.edits import COSMETIC_KINDS, classify_edit, homoglyph_detail
from verify.model import Document, Edit, Quote, Sentence, Span, Unit
from verify.normalize import Normalized, normalize
from verify.sources import Passage, SourceIndex, _joined
from verify.tokens import Token, stem, tokenize

__all__ = [  # the moved names stay importable from here
    "COSMETIC_KINDS", "Clause", "Conflict", "Passage", "SourceIndex", "_joined", "classify_edit",
    "find_conflicts", "homoglyph_detail", "is_attribution", "split_clauses",
]

_BRACKET = re.compile(r"\[[^\[\]]{0,200}\]")
_ELLIPSIS = re.compile(r"\.\s?\.\s?\.")


@dataclass
class QuoteInput:
    quote: Quote
    norm: Normalized
    tokens: tuple[Token, ...]  # without bracketed words
    gaps: frozenset[int]  # token positions after a bracket or an ellipsis
    ellipsis: bool
    brackets: tuple[str, ...]
    words: int = 0  # words in the quotation before the MAX_QUOTE_WORDS limit

    @property
    def truncated(self) -> bool:
        return self.words > len(self.tokens)

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(t.key for t in self.tokens)


def prepare_quote(doc: Document, quote: Quote) -> QuoteInput:
    norm = normalize(doc.text[quote.start:quote.end], quote.start)
    cuts = [(m.start(), m.end(), "bracket") for m in _BRACKET.finditer(norm.text)]
    cuts += [(m.start(), m.end(), "ellipsis") for m in _ELLIPSIS.finditer(norm.text)]
    cuts.sort()
    toks = [t for t in tokenize(norm.text) if not any(s <= t.start < e for s, e, _ in cuts)]
    words = len(toks)
    toks = toks[:MAX_QUOTE_WORDS]  # word alignment costs the product of both lengths
    gaps = set()
    for s, _e, _ in cuts:
        n_before = sum(1 for t in toks if t.start < s)
        if n_before < len(toks) or not words > len(toks):
            gaps.add(n_before)
    return QuoteInput(
        quote, norm, tuple(toks), frozenset(gaps), any(k == "ellipsis" for _, _, k in cuts),
        tuple(norm.text[s:e] for s, e, k in cuts if k == "bracket"), words,
    )


@dataclass
class LexicalMatch:
    passage: Passage
    alignment: TokenAlignment


def best_lexical(keys: Sequence[str], index: SourceIndex, k: int, gaps: frozenset[int] = frozenset(),
                 ellipsis: bool = False) -> LexicalMatch | None:
    """The passage whose words best match ``keys`` token by token."""
    passages = index.passages
    if not keys or not passages:
        return None
    best: tuple[tuple[float, int, int], LexicalMatch] | None = None
    for p_idx, _ in lexical_candidates(keys, index.passage_keys, k):
        p = passages[p_idx]
        al = align_tokens(keys, p.keys, gaps, ellipsis)
        rank = (al.similarity, -len(p.sentences), -p_idx)
        if best is None or rank > best[0]:
            best = (rank, LexicalMatch(p, al))
    return best[1] if best else None


def quote_edits(qi: QuoteInput, match: LexicalMatch) -> list[Edit]:
    """Every word-level difference between a quotation and its source window."""
    edits: list[Edit] = []
    p = match.passage
    for op in match.alignment.ops:
        art = qi.tokens[op.art_start:op.art_end]
        src = p.tokens[op.src_start:op.src_end]
        if op.tag == "equal":
            for a, s in zip(art, src, strict=True):
                if a.text != s.text:
                    edits.append(Edit("replace", a.text, s.text, False, "case", None,
                                      *qi.norm.original_span(a.start, a.end)))
            continue
        a_text = _span_text(qi.norm, art)
        s_text = _span_text(p.norm, src)
        kind, detail = classify_edit([t.text for t in art], [t.text for t in src])
        edits.append(Edit(op.tag, a_text, s_text, kind not in COSMETIC_KINDS, kind, detail,
                          *_article_span(qi, op.art_start, op.art_end)))
    return edits


def _article_span(qi: QuoteInput, first: int, last: int) -> tuple[int, int]:
    """Article offsets of quote tokens [first, last); empty where words were dropped."""
    toks = qi.tokens
    if last > first:
        return qi.norm.original_span(toks[first].start, toks[last - 1].end)
    if first < len(toks):
        pos = qi.norm.original_span(toks[first].start, toks[first].start + 1)[0]
    elif toks:
        pos = qi.norm.original_span(toks[-1].start, toks[-1].end)[1]
    else:
        pos = qi.quote.start
    return pos, pos


def _span_text(norm: Normalized, toks: Sequence[Token]) -> str:
    if not toks:
        return ""
    return norm.text[toks[0].start:toks[-1].end]


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


def prepare_claim(doc: Document, sentence: Sentence, quotes: Sequence[Quote], th: Thresholds) -> ClaimInput | None:
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


def judge_claim(uid: str, ci: ClaimInput, index: SourceIndex, sims: ClaimSims, th: Thresholds) -> Unit:
    """Verdict for one claim: contradicted, copied, supported, partial or unsupported."""
    s = ci.sentence
    base: dict[str, Any] = dict(id=uid, kind="claim", text=s.text, start=s.start, end=s.end, line=s.line, compared=ci.compared)
    keys = ci.keys
    n_sent = len(index.sentences)
    if n_sent == 0 or sims.claim.size == 0:
        return Unit(**base, verdict="unsupported", score=0.0, reason="no source text to compare with")

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
        ok = sim >= th.support_min or (claim_sim >= th.support_min and lex >= th.lexical_support_min)
        if ok and sim < th.support_min:
            j, sim = lex_j, float(row[lex_j])
        cv = ClauseVerdict(clause, ok, j, sim, lex)
        for cand in best:
            if float(row[cand]) >= th.contradiction_context_min:
                found = find_conflicts(clause.tokens, index.tokens[cand])
                if found:
                    cv.conflicts, cv.sentence, cv.similarity = found, cand, float(row[cand])
                    break
        verdicts.append(cv)

    # contradiction first: a near-copy that flips a number or a negation is not "copied"
    conflicts = [c for v in verdicts for c in v.conflicts]
    if not conflicts and claim_sim >= th.contradiction_context_min:
        conflicts = find_conflicts(ci.tokens, index.tokens[claim_best[0]])
        if conflicts:
            verdicts[0].conflicts, verdicts[0].sentence, verdicts[0].similarity = conflicts, claim_best[0], claim_sim
    if conflicts:
        v = next(v for v in verdicts if v.conflicts)
        assert v.sentence is not None
        ev = index.evidence(v.sentence, v.similarity)
        edits = tuple(Edit("replace", c.article, c.source, True, c.kind) for c in v.conflicts)
        what = "; ".join(f"{c.article!r} vs {c.source!r}" for c in v.conflicts)
        return Unit(**base, verdict="contradicted", score=v.similarity, evidence=(ev,), edits=edits,
                    reason=f"the closest source passage ({v.similarity:.2f}) conflicts: {what}")

    # copied: the sentence repeats a source passage nearly word for word
    lex_match = best_lexical(keys, index, th.candidates)
    if lex_match and lex_match.alignment.similarity >= th.claim_copied_min and len(keys) >= th.min_clause_words:
        al = lex_match.alignment
        ev = index.passage_evidence(lex_match.passage, al.similarity, al.window_start, al.window_end)
        return Unit(**base, verdict="copied", score=al.similarity, evidence=(ev,),
                    reason=f"repeats a source passage nearly word for word ({al.similarity:.0%} of words) "
                           "without quotation marks")

    if len(verdicts) == 1:  # one clause: the claim's own similarity decides
        verdicts[0].supported = claim_sim >= th.support_min or verdicts[0].similarity >= th.support_min
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
        return Unit(**base, verdict="supported", score=score, evidence=evidence,
                    reason=f"said in other words by {how} (similarity {score:.2f}, "
                           f"threshold {th.support_min:.2f})")
    if supported:
        spans = tuple(Span(v.clause.start, v.clause.end, _orig(index, ci, v.clause)) for v in verdicts if not v.supported)
        share = sum(len(v.clause.content) for v in supported) / max(1, sum(len(v.clause.content) for v in verdicts))
        return Unit(**base, verdict="partial", score=share, evidence=evidence, unsupported_spans=spans,
                    reason=f"{len(supported)} of {len(verdicts)} parts are in the sources; "
                           f"the highlighted parts are not")
    nearest, near_sim = claim_best[0], claim_sim
    if len(verdicts) > 1:  # the parts decided: report the nearest part
        nearest, near_sim = max(((v.sentence, v.similarity) for v in verdicts if v.sentence is not None),
                                key=lambda t: (t[1], -t[0]), default=(nearest, near_sim))
    part = "any part of it" if len(verdicts) > 1 else "it"
    return Unit(**base, verdict="unsupported", score=near_sim, evidence=(index.evidence(nearest, near_sim),),
                reason=f"no source passage says {part}; the nearest scores {near_sim:.2f}, "
                       f"below the support threshold {th.support_min:.2f}")


def _orig(index: SourceIndex, ci: ClaimInput, clause: Clause) -> str:
    return ci.sentence.text[clause.start - ci.sentence.start:clause.end - ci.sentence.start]


def judge_quote_lexical(uid: str, qi: QuoteInput, index: SourceIndex, th: Thresholds) -> tuple[Unit | None, LexicalMatch | None]:
    """Verbatim or altered when a source has the quotation's words; None when it does not."""
    q = qi.quote
    match = best_lexical(qi.keys, index, th.candidates, qi.gaps, qi.ellipsis)
    if match is None or match.alignment.similarity < th.quote_match_min:
        return None, match
    al = match.alignment
    edits = quote_edits(qi, match)
    ev = index.passage_evidence(match.passage, al.similarity, al.window_start, al.window_end)
    meaningful = [e for e in edits if e.meaningful]
    base: dict[str, Any] = dict(id=uid, kind="quote", text=q.text, start=q.start, end=q.end, line=q.line, speaker=q.speaker,
                compared=qi.norm.text, evidence=(ev,), edits=tuple(edits))
    where = f"{ev.source}" + (f", {ev.section}" if ev.section else "")
    if not meaningful:
        extra = f" ({len(edits)} cosmetic difference{'s' if len(edits) != 1 else ''})" if edits else ""
        notes = " Editorial marks ([…], …) were taken as such." if qi.gaps else ""
        return Unit(**base, verdict="verbatim", score=al.similarity,
                    reason=f"the quoted words stand in the source ({where}){extra}.{notes}"), match
    listed = "; ".join(f"{e.source or '∅'!r} → {e.article or '∅'!r}" for e in meaningful[:6])
    return Unit(**base, verdict="altered", score=al.similarity,
                reason=f"a source ({where}) has nearly these words ({al.similarity:.0%}), but "
                       f"{len(meaningful)} meaningful edit{'s' if len(meaningful) != 1 else ''}: {listed}"), match


def judge_quote_semantic(uid: str, qi: QuoteInput, index: SourceIndex, sims: np.ndarray,
                         lexical: LexicalMatch | None, th: Thresholds) -> Unit:
    """Paraphrased or not found, for a quotation whose words no source has."""
    q = qi.quote
    base: dict[str, Any] = dict(id=uid, kind="quote", text=q.text, start=q.start, end=q.end, line=q.line, speaker=q.speaker,
                compared=qi.norm.text)
    best = top_indices(sims, 1)
    sim = float(sims[best[0]]) if best else 0.0
    lex_sim = lexical.alignment.similarity if lexical else 0.0
    if best and sim >= th.quote_paraphrase_min:
        return Unit(**base, verdict="paraphrased", score=sim, evidence=(index.evidence(best[0], sim),),
                    reason=f"no source has these words ({lex_sim:.0%} word overlap), but a source sentence says "
                           f"the same in other words (similarity {sim:.2f}): quotation marks around words nobody said")
    evidence = (index.evidence(best[0], sim),) if best else ()
    return Unit(**base, verdict="not_found", score=sim, evidence=evidence,
                reason=f"no source passage is close: best word overlap {lex_sim:.0%} "
                       f"(needs {th.quote_match_min:.0%}), best meaning similarity {sim:.2f} "
                       f"(needs {th.quote_paraphrase_min:.2f})")
