"""Quotation verdicts with their evidence: verbatim or altered (with the word-level edits) by
their words, paraphrased or not found by meaning. Plain data and similarity arrays in, Units
out; claims are judged in verify/claims/.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from verify.align import (
    LexicalMatch,
    TokenAlignment,
    align_tokens,
    best_lexical,
    top_indices,
)
from verify.clauses import Clause, is_attribution, split_clauses
from verify.config import MAX_QUOTE_WORDS, Thresholds
from verify.conflicts import Conflict, find_conflicts
from verify.edits import COSMETIC_KINDS, classify_edit, homoglyph_detail, notation_kind
from verify.model import Document, Edit, Quote, Unit
from verify.normalize import Normalized, normalize
from verify.sources import Passage, SourceIndex, _joined
from verify.tokens import Token, is_content, tokenize
from verify.wordedits import aligned_edits

__all__ = [  # the moved names stay importable from here
    "COSMETIC_KINDS",
    "Clause",
    "Conflict",
    "Passage",
    "SourceIndex",
    "_joined",
    "classify_edit",
    "find_conflicts",
    "homoglyph_detail",
    "is_attribution",
    "split_clauses",
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
    norm = normalize(doc.text[quote.start : quote.end], quote.start)
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
        quote,
        norm,
        tuple(toks),
        frozenset(gaps),
        any(k == "ellipsis" for _, _, k in cuts),
        tuple(norm.text[s:e] for s, e, k in cuts if k == "bracket"),
        words,
    )


#: The longest run of consecutive source sentences one quotation is aligned over.
MAX_RUN_SENTENCES = 12
#: A run grows when that aligns at least RUN_MIN_GAIN more quotation words at a cost of at
#: most RUN_MAX_LOSS in alignment similarity ("God bless America" reaches into "God bless
#: the United States of America!": 3 words more, 4 source words dropped). Set by hand on
#: the real-world dev pairs; not fitted.
RUN_MIN_GAIN = 2
RUN_MAX_LOSS = 0.05


def content_share(
    keys: Sequence[str],
    al: TokenAlignment,
    source: Sequence[str] = (),
    texts: tuple[Sequence[str], Sequence[str]] | None = None,
) -> float:
    """Share of the quotation's content words that the alignment matched, the same words in
    another notation ("two" for "2") counted as matched (1.0 when it has no content word)."""
    content = [i for i, k in enumerate(keys) if is_content(k)]
    if not content:
        return 1.0
    matched = _matched_positions(al)
    if source:
        for op in al.ops:
            if op.tag != "replace":
                continue
            a_words, s_words = (
                texts if texts is not None else (keys, source)
            )  # as written: case matters
            art, src = a_words[op.art_start : op.art_end], s_words[op.src_start : op.src_end]
            # the same word in another notation, or one that only looks different (a homoglyph,
            # an invisible character): matched for this test, still listed as an edit
            if notation_kind(" ".join(art), " ".join(src)) or classify_edit(list(art), list(src))[
                0
            ] in (*COSMETIC_KINDS, "homoglyph", "invisible"):
                matched.update(range(op.art_start, op.art_end))
    return sum(1 for i in content if i in matched) / len(content)


def _matched_positions(al: TokenAlignment) -> set[int]:
    return {i for op in al.ops if op.tag == "equal" for i in range(op.art_start, op.art_end)}


def extend_to_runs(
    keys: Sequence[str],
    index: SourceIndex,
    match: LexicalMatch,
    gaps: frozenset[int] = frozenset(),
    ellipsis: bool = False,
) -> LexicalMatch:
    """Grow the matched passage one sentence at a time, before or after, while that aligns
    more of the quotation (a quotation of several consecutive source sentences is one span,
    not a sentence plus "inserted" words that stand in the source)."""
    if not any(op.tag in ("insert", "replace") for op in match.alignment.ops):
        return match
    first, last = match.passage.sentences[0], match.passage.sentences[-1]
    best = match
    while last - first + 1 < MAX_RUN_SENTENCES:
        # one sentence at a time, or two to step over an interjection such as "(Applause.)"
        for f, l in ((first - 1, last), (first, last + 1), (first - 2, last), (first, last + 2)):  # noqa: E741
            p = index.run_passage(f, l)
            if p is None:
                continue
            al = align_tokens(keys, p.keys, gaps, ellipsis)
            old = best.alignment
            gained = _matched_positions(al) - _matched_positions(old)
            if not any(is_content(keys[i]) for i in gained):
                continue  # only function words ("the") matched in the next sentence: chance
            # more of the quotation aligned: better, unless it costs the alignment much
            if al.similarity > old.similarity + 1e-9 or (
                al.matched >= old.matched + RUN_MIN_GAIN
                and al.similarity >= old.similarity - RUN_MAX_LOSS
            ):
                best, first, last = LexicalMatch(p, al), f, l
                break
        else:
            return best
    return best


def quote_edits(qi: QuoteInput, match: LexicalMatch) -> list[Edit]:
    """Every word-level difference between a quotation and its source window; words dropped at
    an ellipsis are one only where they change what it says (align.align_tokens), and say so."""
    out = []
    for op, edit in aligned_edits(
        qi.tokens, qi.norm, match.passage.tokens, match.passage.norm, match.alignment.ops,
        qi.quote.start,
    ):  # fmt: skip
        if op.tag == "delete" and op.art_start in qi.gaps:
            edit = replace(
                edit, meaningful=True, detail="dropped at an ellipsis: changes what it says"
            )
        out.append(edit)
    return out


def judge_quote_lexical(
    uid: str, qi: QuoteInput, index: SourceIndex, th: Thresholds
) -> tuple[Unit | None, LexicalMatch | None]:
    """Verbatim or altered when a source has the quotation's words; None when it does not."""
    q = qi.quote
    match = best_lexical(qi.keys, index, th.candidates, qi.gaps, qi.ellipsis)
    if match is not None:
        match = extend_to_runs(qi.keys, index, match, qi.gaps, qi.ellipsis)
    share = (
        content_share(
            qi.keys,
            match.alignment,
            match.passage.keys,
            ([t.text for t in qi.tokens], [t.text for t in match.passage.tokens]),
        )
        if match
        else 0.0
    )
    short = len(qi.keys) <= th.quote_short_words
    if (
        match is None
        or match.alignment.similarity < th.quote_match_min
        or share < th.quote_content_match_min
        or (short and share < th.quote_short_content_min)
    ):
        return None, match
    speaks = index.speaker_in_source(q.speaker)
    if speaks is False and match.alignment.similarity < th.quote_other_speaker_min:
        return _other_speaker(uid, qi, index, match, th), match
    al = match.alignment
    edits = quote_edits(qi, match)
    ev = index.passage_evidence(match.passage, al.similarity, al.window_start, al.window_end)
    meaningful = [e for e in edits if e.meaningful]
    base = {**_quote_fields(uid, qi, speaks), "evidence": (ev,), "edits": tuple(edits)}
    where = f"{ev.source}" + (f", {ev.section}" if ev.section else "")
    if meaningful:
        moved = reordered_pieces(qi, index, th)
        if moved:
            listed = "; ".join(f"{e.detail}" for e in moved[:6])
            return Unit(
                **{**base, "edits": tuple(moved)},
                verdict="altered",
                score=al.similarity,
                reason=f"the quoted sentences stand in the source ({where}), but in another order: "
                f"{listed}",
            ), match
    if not meaningful:
        extra = (
            f" ({len(edits)} cosmetic difference{'s' if len(edits) != 1 else ''})" if edits else ""
        )
        notes = " Editorial marks ([…], …) were taken as such." if qi.gaps else ""
        return Unit(
            **base,
            verdict="verbatim",
            score=al.similarity,
            reason=f"the quoted words stand in the source ({where}){extra}.{notes}",
        ), match
    listed = "; ".join(f"{e.source or '∅'!r} → {e.article or '∅'!r}" for e in meaningful[:6])
    return Unit(
        **base,
        verdict="altered",
        score=al.similarity,
        reason=f"a source ({where}) has nearly these words ({al.similarity:.0%}), but "
        f"{len(meaningful)} meaningful edit{'s' if len(meaningful) != 1 else ''}: {listed}",
    ), match


#: A piece of a quotation counts as found at a source position when it aligns at least this
#: well on its own (the test of reordering: every piece found, in another order).
REORDER_PIECE_MIN = 0.8
_PIECE_END = re.compile(r"(?<=[.!?])\s+")


def reordered_pieces(qi: QuoteInput, index: SourceIndex, th: Thresholds) -> list[Edit]:
    """Edits of kind "reordered" when the quotation's sentences each stand in one source
    document, nearly word for word, but not in the source's order; [] otherwise."""
    text = qi.norm.text
    bounds, pos = [], 0
    for m in _PIECE_END.finditer(text):
        bounds.append((pos, m.start()))
        pos = m.end()
    bounds.append((pos, len(text)))
    pieces = [[t for t in qi.tokens if a <= t.start < b] for a, b in bounds]
    pieces = [p for p in pieces if len(p) >= th.min_clause_words]
    if len(pieces) < 2:
        return []
    found: list[tuple[int, str, int, LexicalMatch]] = []  # (source start, doc, piece number, match)
    for n, toks in enumerate(pieces):
        keys = tuple(t.key for t in toks)
        match = best_lexical(keys, index, th.candidates)
        if match is None or match.alignment.similarity < REORDER_PIECE_MIN:
            return []
        al = match.alignment
        start = (
            match.passage.tokens[al.window_start].start if al.window_end > al.window_start else 0
        )
        found.append((match.passage.start + start, match.passage.doc, n, match))
    if len({doc for _, doc, _, _ in found}) != 1:
        return []
    order = sorted(range(len(found)), key=lambda i: found[i][0])
    if order == list(range(len(found))):
        return []
    edits = []
    for rank, i in enumerate(order):
        if rank == i:
            continue
        toks = pieces[i]
        start, end = qi.norm.original_span(toks[0].start, toks[-1].end)
        match = found[i][3]
        ev = index.passage_evidence(
            match.passage,
            match.alignment.similarity,
            match.alignment.window_start,
            match.alignment.window_end,
        )
        edits.append(
            Edit(
                "replace",
                text[toks[0].start : toks[-1].end],
                ev.text,
                True,
                "reordered",
                f"quoted sentence {i + 1} is sentence {rank + 1} in the source's order (line "
                f"{ev.line})",
                start,
                end,
            )
        )
    return edits


def _quote_fields(uid: str, qi: QuoteInput, speaks: bool | None) -> dict[str, Any]:
    """The fields every quotation unit has: where it stands, who says it, what was compared."""
    q = qi.quote
    return dict(
        id=uid,
        kind="quote",
        text=q.text,
        start=q.start,
        end=q.end,
        line=q.line,
        speaker=q.speaker,
        compared=qi.norm.text,
        speaker_in_source=speaks,
    )


def _other_speaker(
    uid: str, qi: QuoteInput, index: SourceIndex, match: LexicalMatch, th: Thresholds
) -> Unit:
    q = qi.quote
    al = match.alignment
    ev = index.passage_evidence(match.passage, al.similarity, al.window_start, al.window_end)
    return Unit(
        **_quote_fields(uid, qi, False),
        evidence=(ev,),
        verdict="not_found",
        score=al.similarity,
        reason=f"attributed to {q.speaker}, who does not speak in the sources; the nearest passage "
        "shares "
        f"only {al.similarity:.0%} of the words (needs {th.quote_other_speaker_min:.0%} for "
        "another "
        "speaker's words to count as a source's)",
    )


def judge_quote_semantic(
    uid: str,
    qi: QuoteInput,
    index: SourceIndex,
    sims: np.ndarray,
    lexical: LexicalMatch | None,
    th: Thresholds,
) -> Unit:
    """Paraphrased or not found, for a quotation whose words no source has."""
    q = qi.quote
    speaks = index.speaker_in_source(q.speaker)
    base = _quote_fields(uid, qi, speaks)
    best = top_indices(sims, 1)
    sim = float(sims[best[0]]) if best else 0.0
    lex_sim = lexical.alignment.similarity if lexical else 0.0
    if best and sim >= th.quote_paraphrase_min and speaks is False:
        return Unit(
            **base,
            verdict="not_found",
            score=sim,
            evidence=(index.evidence(best[0], sim),),
            reason=f"attributed to {q.speaker}, who does not speak in the sources; a source "
            "sentence "
            f"says something close (similarity {sim:.2f}), but in another speaker's words",
        )
    if best and sim >= th.quote_paraphrase_min:
        return Unit(
            **base,
            verdict="paraphrased",
            score=sim,
            evidence=(index.evidence(best[0], sim),),
            reason=f"no source has these words ({lex_sim:.0%} word overlap), but a source sentence "
            "says "
            f"the same in other words (similarity {sim:.2f}): quotation marks around words nobody "
            "said",
        )
    evidence = (index.evidence(best[0], sim),) if best else ()
    who = (
        f"attributed to {q.speaker}, who does not speak in the sources; " if speaks is False else ""
    )
    return Unit(
        **base,
        verdict="not_found",
        score=sim,
        evidence=evidence,
        reason=f"{who}no source passage is close: best word overlap {lex_sim:.0%} "
        f"(needs {th.quote_match_min:.0%}), best meaning similarity {sim:.2f} "
        f"(needs {th.quote_paraphrase_min:.2f})",
    )
