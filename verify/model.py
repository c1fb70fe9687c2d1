"""The report model: frozen dataclasses with offsets, lines and one ``to_dict()``.

Offsets are ``str`` indices into a document's decoded original text, ``end``
exclusive. Lines are 1-based and counted by the rule in ``line_starts``. Every record of the
JSON contract sits beside its ``to_dict``, so the contract is read in one place.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from typing import Any

from verify.spans import Coverage
from verify.verdicts import VerdictName

SCHEMA = "verify-report/1"

# One documented rule for line numbers: every line break Python's str.splitlines()
# knows ends a line, and "\r\n" counts once.
LINE_BREAKS = "\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029"


def line_starts(text: str) -> tuple[int, ...]:
    """Offsets at which each line of ``text`` starts (the first is 0)."""
    starts = [0]
    i = 0
    n = len(text)
    while i < n:
        ch = text[i]
        if ch in LINE_BREAKS:
            if ch == "\r" and i + 1 < n and text[i + 1] == "\n":
                i += 1
            starts.append(i + 1)
        i += 1
    return tuple(starts)


@dataclass(frozen=True)
class Document:
    """One input text as decoded, with where it came from."""

    id: str  # "A" for the article, "S1", "S2", ... for sources
    path: str
    text: str
    sha256: str
    encoding: str
    format: str = "text"  # text | markdown | html | pdf
    notes: tuple[str, ...] = ()
    line_index: tuple[int, ...] = field(default=(), repr=False, compare=False)
    date: str | None = None  # ISO date of the document, where its name or opening says it

    def position(self, offset: int) -> tuple[int, int]:
        """1-based (line, column) of a character offset."""
        starts = self.line_index or line_starts(self.text)
        row = bisect.bisect_right(starts, offset) - 1
        return row + 1, offset - starts[row] + 1

    def line(self, offset: int) -> int:
        return self.position(offset)[0]


@dataclass(frozen=True)
class Sentence:
    """A sentence (or heading, dateline) of a document."""

    doc: str
    index: int
    start: int
    end: int
    line: int
    text: str
    role: str = "body"  # body | heading | dateline | byline
    section: str | None = None
    paragraph: int = 0
    split: bool = False  # a piece of an over-long sentence (see config.MAX_SENTENCE_CHARS)

    def to_dict(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "text": self.text,
            "start": self.start,
            "end": self.end,
            "line": self.line,
            "role": self.role,
            "section": self.section,
        }


@dataclass(frozen=True)
class Quote:
    """Words inside quotation marks in the article."""

    start: int  # first character inside the opening mark
    end: int  # the closing mark's offset (exclusive end of the words)
    line: int
    text: str
    speaker: str | None
    sentence: int  # index of the sentence it starts in
    open_mark: str
    close_mark: str | None  # None: never closed
    depth: int = 0  # 0: top level; 1: inside another quotation

    @property
    def unclosed(self) -> bool:
        return self.close_mark is None

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "start": self.start,
            "end": self.end,
            "line": self.line,
            "speaker": self.speaker,
            "depth": self.depth,
            "unclosed": self.unclosed,
        }


@dataclass(frozen=True)
class Evidence:
    source: str
    section: str | None
    text: str
    start: int
    end: int
    line: int
    similarity: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "section": self.section,
            "text": self.text,
            "start": self.start,
            "end": self.end,
            "line": self.line,
            "similarity": round(self.similarity, 4),
        }


@dataclass(frozen=True)
class Edit:
    """One word-level difference between a quotation and its source."""

    op: str  # replace | insert | delete  (insert: words only the article has)
    article: str
    source: str
    meaningful: bool
    kind: str
    detail: str | None = None  # e.g. "U+0430 CYRILLIC SMALL LETTER A"
    # Where the edit sits in the article (quotation edits): the article words' span, or
    # an empty span where source words were dropped. None for claim conflicts.
    start: int | None = None
    end: int | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "op": self.op,
            "article": self.article,
            "source": self.source,
            "meaningful": self.meaningful,
            "kind": self.kind,
        }
        if self.detail:
            out["detail"] = self.detail
        if self.start is not None:
            out["start"] = self.start
            out["end"] = self.end
        return out


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    text: str

    def to_dict(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "text": self.text}


@dataclass(frozen=True)
class StrengthShift:
    """A supported or partial claim stated more strongly (``overstated``) or more weakly
    (``understated``) than its evidence, with the words on each side that carry it. Strengths
    are on the scale of verify/strength.py (0 no relation … 3 direct or certain)."""

    direction: str  # overstated | understated
    claim: int
    evidence: int
    claim_words: tuple[str, ...]
    evidence_words: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "direction": self.direction,
            "claim_strength": self.claim,
            "evidence_strength": self.evidence,
            "claim_words": list(self.claim_words),
            "evidence_words": list(self.evidence_words),
        }

    def describe(self) -> str:
        """The words of the shift: "'may' → 'will'", "drops 'may'", "adds 'causes'"."""
        said = ", ".join(repr(w) for w in self.evidence_words)
        made = ", ".join(repr(w) for w in self.claim_words)
        if said and made:
            return f"{said} \u2192 {made}"
        return f"adds {made}" if made else f"drops {said}"


@dataclass(frozen=True)
class Unit:
    """A quotation or a claim with its verdict and the evidence for it."""

    id: str
    kind: str  # quote | claim
    text: str
    start: int
    end: int
    line: int
    verdict: VerdictName
    score: float
    reason: str
    speaker: str | None = None
    compared: str | None = None
    evidence: tuple[Evidence, ...] = ()
    edits: tuple[Edit, ...] = ()
    unsupported_spans: tuple[Span, ...] = ()
    speaker_in_source: bool | None = None  # quotes: does a source record the speaker speaking?
    strength: StrengthShift | None = None  # claims: stated more strongly or weakly than the source

    @property
    def flags(self) -> tuple[str, ...]:
        """Qualifiers of the verdict (``overstated`` / ``understated``) --fail-on can name."""
        return (self.strength.direction,) if self.strength is not None else ()

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": self.id,
            "kind": self.kind,
            "text": self.text,
            "start": self.start,
            "end": self.end,
            "line": self.line,
        }
        if self.kind == "quote":
            out["speaker"] = self.speaker
            out["speaker_in_source"] = self.speaker_in_source
        out["verdict"] = self.verdict
        out["score"] = round(self.score, 4)
        out["reason"] = self.reason
        if self.compared is not None:
            out["compared"] = self.compared
        out["evidence"] = [e.to_dict() for e in self.evidence]
        if self.kind == "quote":
            out["edits"] = [e.to_dict() for e in self.edits]
        else:
            if self.edits:  # a near-copy's edits, a contradiction's conflicting words
                out["edits"] = [e.to_dict() for e in self.edits]
            out["unsupported_spans"] = [s.to_dict() for s in self.unsupported_spans]
            out["strength"] = self.strength.to_dict() if self.strength is not None else None
        return out


@dataclass(frozen=True)
class Omitted:
    source: str
    section: str | None
    text: str
    start: int
    end: int
    line: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "section": self.section,
            "text": self.text,
            "start": self.start,
            "end": self.end,
            "line": self.line,
        }


@dataclass(frozen=True)
class NotJudged:
    """A line of the copy that gets no verdict, and why: a heading, a byline, a dateline, or a
    sentence with nothing outside its quotations but attribution ("he added,")."""

    text: str
    start: int
    end: int
    line: int
    why: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "start": self.start,
            "end": self.end,
            "line": self.line,
            "why": self.why,
        }


@dataclass(frozen=True)
class Warning_:
    """Something the reader should know that is not a verdict (an unclosed quote, an
    invisible character, a decoding choice)."""

    doc: str
    kind: str
    message: str
    start: int | None = None
    end: int | None = None
    line: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "document": self.doc,
            "kind": self.kind,
            "message": self.message,
            "start": self.start,
            "end": self.end,
            "line": self.line,
        }


@dataclass(frozen=True)
class Report:
    """Everything one run found; reporters render it, never recompute it."""

    article: Document
    sources: tuple[Document, ...]
    article_sentences: tuple[Sentence, ...]
    source_sentences: tuple[Sentence, ...]
    quotes: tuple[Quote, ...]
    units: tuple[Unit, ...]
    omitted: tuple[Omitted, ...]
    warnings: tuple[Warning_, ...]
    fail_on: tuple[str, ...]
    model: str  # the embedder's name
    version: str
    accepted: tuple[str, ...] = ()  # ids of findings a baseline accepts
    baseline_used: bool = False
    #: each model's name and key: embedder, pair (None: not read), strength (backend.models)
    models: dict[str, dict[str, str | None] | None] = field(default_factory=dict)

    def verdict_counts(self) -> dict[str, int]:
        from verify.verdicts import VERDICTS

        counts: dict[str, int] = {v: 0 for v in VERDICTS}
        for unit in self.units:
            counts[unit.verdict] += 1
        return counts

    def flag_counts(self) -> dict[str, int]:
        """Claims flagged overstated / understated."""
        from verify.verdicts import FLAGS

        return {f: sum(1 for u in self.units if f in u.flags) for f in FLAGS}

    def failing(self) -> tuple[Unit, ...]:
        """Findings at or above --fail-on that no baseline accepts."""
        return tuple(
            u
            for u in self.units
            if (u.verdict in self.fail_on or set(u.flags) & set(self.fail_on))
            and u.id not in self.accepted
        )

    @property
    def exit_code(self) -> int:
        return 1 if self.failing() else 0

    def not_judged(self) -> tuple[NotJudged, ...]:
        """Article sentences no unit covers: headings, bylines, datelines, attribution only."""
        out = []
        covered = Coverage([(u.start, u.end) for u in self.units])
        for s in self.article_sentences:
            if covered.overlaps(s.start, s.end):
                continue
            if not s.text.strip():
                continue
            why = (
                s.role
                if s.role != "body"
                else "nothing to check outside its quotations (attribution only, or too short)"
            )
            out.append(NotJudged(s.text, s.start, s.end, s.line, why))
        return tuple(out)

    def sections(self, doc_id: str) -> list[str]:
        seen: list[str] = []
        for s in self.source_sentences:
            if s.doc == doc_id and s.section and s.section not in seen:
                seen.append(s.section)
        return seen

    def to_dict(self) -> dict[str, Any]:
        def doc_dict(d: Document) -> dict[str, Any]:
            return {
                "id": d.id,
                "path": d.path,
                "sha256": d.sha256,
                "encoding": d.encoding,
                "format": d.format,
                "date": d.date,
                "notes": list(d.notes),
            }

        return {
            "schema": SCHEMA,
            "tool": {
                "name": "verify",
                "version": self.version,
                "model": self.model,
                "models": self.models,
            },
            "article": {
                **doc_dict(self.article),
                "sentences": [s.to_dict() for s in self.article_sentences],
                "quotes": [q.to_dict() for q in self.quotes],
            },
            "sources": [{**doc_dict(d), "sections": self.sections(d.id)} for d in self.sources],
            "units": [
                {**u.to_dict(), "accepted": True} if u.id in self.accepted else u.to_dict()
                for u in self.units
            ],
            "omitted": [o.to_dict() for o in self.omitted],
            "not_judged": [n.to_dict() for n in self.not_judged()],
            "warnings": [w.to_dict() for w in self.warnings],
            "summary": {
                "units": len(self.units),
                "verdicts": self.verdict_counts(),
                "flags": self.flag_counts(),
                "fail_on": list(self.fail_on),
                **({"accepted": len(self.accepted)} if self.baseline_used else {}),
                "exit_code": self.exit_code,
            },
        }
