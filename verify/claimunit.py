"""The claim side of a sentence: the part judged (outside quotation marks, cut into clauses)
and the unit its verdict goes in, for every claim engine."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from verify.clauses import Clause, split_clauses
from verify.config import Thresholds
from verify.model import Document, Quote, Sentence, Unit
from verify.normalize import Normalized, normalize
from verify.tokens import Token


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


def clause_text(ci: ClaimInput, clause: Clause) -> str:
    """The clause as the copy writes it."""
    return ci.sentence.text[clause.start - ci.sentence.start : clause.end - ci.sentence.start]
