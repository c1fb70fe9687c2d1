"""Clauses: the parts of a sentence that are judged on their own (the unit of partial
support), and the attribution patterns ("he added", "according to officials") that are
no claim of their own."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from verify.normalize import Normalized
from verify.tokens import Token, is_content, tokenize


@dataclass
class Clause:
    """A clause of a text: the unit of partial support."""

    norm_start: int
    norm_end: int
    start: int  # original offsets
    end: int
    text: str  # normalised text
    tokens: tuple[Token, ...]

    @property
    def content(self) -> list[str]:
        return [t.key for t in self.tokens if is_content(t.key)]


_CLAUSE_BREAK = re.compile(
    r"[;()\[\]\"]|(?<!\d)[,:]|[,:](?!\d)|\s-\s"  # not the comma of "12,000"
    r"|\s(?=(?:and|but|while|whereas|including|which|who|because|although|though|"
    r"after|before|since|amid|despite|as well as|according to)\b)",
    re.IGNORECASE,
)
_ATTRIBUTION_VERBS = (
    r"said|says|stated|states|read|reads|added|adds|told|tells|wrote|writes|noted|notes|asked|"
    r"declared|announced|explained|continued|insisted|remarked|tweeted|replied|responded|argued|"
    r"claimed|warned|acknowledged|confirmed|stressed|urged|adding|saying|noting|telling|stating"
)
# where or when it was said: "in its post-meeting statement", "in his speech", "on Tuesday"
_WHERE_SAID = (
    r"(?:\s+(?:in|on|at|during|after|before|from|via|through|to)\s+"
    r"(?:(?:a|an|the|his|her|its|their|our|this|that|tuesday's|monday's|[\w'’.-]+'s)\s+)?"
    r"(?:[\w'’.-]+\s+){0,4}?"
    r"(?:statement|speech|remarks|address|interview|conference|briefing|release|readout|call|letter|"
    r"post|tweet|message|testimony|hearing|report|announcement|session|meeting|"
    r"monday|tuesday|wednesday|thursday|friday|saturday|sunday|today|yesterday|tonight|morning|evening|"
    r"afternoon|night|week))?"
)
_ATTRIBUTION = re.compile(
    r"^(?:according "
    rf"to\b.*|(?:[\w'.-]+\s+){{0,7}}(?:{_ATTRIBUTION_VERBS})(?:\s+that)?{_WHERE_SAID}|"
    rf"(?:{_ATTRIBUTION_VERBS})(?:\s+[\w'.-]+){{0,6}}|(?:and|but|so|that)?\s*(?:he|she|it|they|we|i)\s+(?:{_ATTRIBUTION_VERBS}))$",
    re.IGNORECASE,
)
_REPORTED_THAT = re.compile(
    r"\b(?:told|said|stated|announced|noted|added|confirmed|claimed|warned|argued|insisted|reported|"
    r"wrote|explained|acknowledged|suggested)\b(?:\s+[\w'.-]+){0,4}?(\s)that\b",
    re.IGNORECASE,
)
_ATTRIBUTED = re.compile(
    r"^(?P<who>(?:the\s+)?[A-Z][\w'’.-]*(?:\s+[\w'’.-]+){0,5}?)\s+(?:said|says|announced|stated|told\s+\w+|"
    r"confirmed|claimed|reported|wrote|added|noted|insisted|acknowledged)\b(?:\s+(?:on|in)\s+\w+)?(?:\s+that)?\s+(?=\S)",
)


def reported_start(text: str) -> int:
    """Where the reported words begin in a sentence that opens with an attribution ("The Fed
    said on Wednesday | the banking system is sound"); 0 when it opens with none."""
    m = _ATTRIBUTED.match(text)
    return m.end() if m and attributed_to(text) else 0


def attributed_to(text: str) -> str | None:
    """Who the sentence says said it: "The White House said the leaders agreed ..." ->
    "The White House"; None when it does not open with an attribution."""
    m = _ATTRIBUTED.match(text.strip())
    if not m or m.group("who").casefold() in (
        "he",
        "she",
        "it",
        "they",
        "we",
        "i",
        "you",
        "this",
        "that",
    ):
        return None
    return m.group("who")


_LEADING_LINK = re.compile(
    r"^(?:and|but|or|so|while|whereas|including|which|who)\s+", re.IGNORECASE
)


def is_attribution(text: str) -> bool:
    """ "the White House statement read", "according to officials", "he added"; not a clause
    whose reporting word is a noun there ("all 50 states", "the people of the States")."""
    clause = text.strip(" ,.;:!?\"'")
    if not _ATTRIBUTION.match(clause):
        return False
    return not _noun_use(clause)


#: Attribution verbs that are also nouns ("the states", "his notes", "a good read").
_ALSO_NOUNS = frozenset({"states", "notes", "read", "reads"})
#: Words before a noun, never before a verb with its subject: a determiner, a preposition.
_BEFORE_NOUN = frozenset(
    """the a an all these those its their our his her my your of to in on at for from by with
    many several some both each every""".split()
)


def _noun_use(clause: str) -> bool:
    """Whether the clause's only reporting word is a noun by the words before it: after a
    determiner, a preposition or a number ("14 states"), or a name ("the United States")."""
    words = clause.split()
    found = [i for i, w in enumerate(words) if w.casefold().strip(".,") in _ALSO_NOUNS]
    others = [w for w in words if re.fullmatch(_ATTRIBUTION_VERBS, w.casefold().strip(".,"), re.I)]
    if not found or len(others) > len(found):
        return False  # another reporting word stands beside it ("the report notes, he said")
    for i in found:
        before = words[i - 1].casefold().strip(".,") if i else ""
        if not (
            before in _BEFORE_NOUN
            or before.replace(",", "").isdigit()
            or (i and words[i][:1].isupper())
        ):
            return False
    return True


def split_clauses(
    norm: Normalized,
    segments: Sequence[tuple[int, int]],
    min_words: int,
    drop_attribution: bool = False,
) -> list[Clause]:
    """Clauses of the normalised text within ``segments`` (normalised offsets)."""
    pieces: list[tuple[int, int]] = []
    for seg_start, seg_end in segments:
        pos = seg_start
        breaks = [
            (m.start(), m.end() if m.group().strip() else m.start() + 1)
            for m in _CLAUSE_BREAK.finditer(norm.text, seg_start, seg_end)
        ]
        # "Psaki told a press conference | that ...": the reporting is a claim of its own
        breaks += [
            (m.start(1), m.start(1) + 1)
            for m in _REPORTED_THAT.finditer(norm.text, seg_start, seg_end)
        ]
        for b_start, b_end in sorted(set(breaks)):
            if b_start < pos:
                continue
            pieces.append((pos, b_start))
            pos = b_end
        pieces.append((pos, seg_end))
    clauses: list[Clause] = []
    for s, e in pieces:
        while s < e and not norm.text[s].isalnum():
            s += 1
        while e > s and not (norm.text[e - 1].isalnum() or norm.text[e - 1] in ".'%"):
            e -= 1
        while e > s and norm.text[e - 1] in ".'" and "." not in norm.text[s : e - 1].split(" ")[-1]:
            e -= 1  # a sentence's final stop, not the one of "U.S."
        if s >= e:
            continue
        toks = tuple(tokenize(norm.text, s, e))
        if not toks:
            continue
        if drop_attribution and is_attribution(norm.text[s:e]):
            continue
        clauses.append(_clause(norm, s, e, toks))

    # merge clauses too short to stand alone into a neighbour in the same segment
    def seg_of(c: Clause) -> int:
        return next((i for i, (a, b) in enumerate(segments) if a <= c.norm_start < b), -1)

    merged: list[Clause] = []
    for c in clauses:
        if (
            merged
            and (len(c.content) < min_words or len(merged[-1].content) < min_words)
            and seg_of(merged[-1]) == seg_of(c)
        ):
            prev = merged.pop()
            c = _clause(
                norm,
                prev.norm_start,
                c.norm_end,
                tuple(tokenize(norm.text, prev.norm_start, c.norm_end)),
            )
        merged.append(c)
    return merged


def _clause(norm: Normalized, s: int, e: int, toks: tuple[Token, ...]) -> Clause:
    o_start, o_end = norm.original_span(s, e)
    return Clause(s, e, o_start, o_end, norm.text[s:e], toks)
