"""The source side: source sentences indexed with their normalised forms, tokens,
clauses and passages (a sentence, or two adjacent ones), and evidence built from them."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

from verify.clauses import Clause, split_clauses
from verify.model import Document, Evidence, Sentence
from verify.normalize import Normalized, normalize
from verify.tokens import Token, is_content, stem, tokenize

if TYPE_CHECKING:
    from verify.align import Postings


@dataclass(frozen=True)
class Passage:
    """A source sentence, or two adjacent ones (a quotation may span them)."""

    index: int
    doc: str
    section: str | None
    start: int
    end: int
    line: int
    text: str
    norm: Normalized
    tokens: tuple[Token, ...]
    sentences: tuple[int, ...]  # indices into SourceIndex.sentences

    @cached_property
    def keys(self) -> tuple[str, ...]:
        return tuple(t.key for t in self.tokens)


@dataclass
class SourceIndex:
    """Source sentences with their normalised forms, tokens, clauses and passages."""

    docs: dict[str, Document]
    sentences: tuple[Sentence, ...]
    norms: tuple[Normalized, ...]
    tokens: tuple[tuple[Token, ...], ...]
    passages: tuple[Passage, ...]
    clauses: tuple[Clause, ...]
    clause_sentence: tuple[int, ...]  # sentence index of each clause
    stems: tuple[frozenset[str], ...]
    _runs: dict[tuple[int, int], Passage | None] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    @classmethod
    def build(
        cls, docs: Sequence[Document], sentences: Sequence[Sentence], min_clause_words: int
    ) -> SourceIndex:
        by_id = {d.id: d for d in docs}
        sents = tuple(s for s in sentences if s.role in ("body", "heading"))
        norms = tuple(normalize(s.text, s.start) for s in sents)
        toks = tuple(tuple(tokenize(n.text)) for n in norms)
        passages: list[Passage] = []
        for i, s in enumerate(sents):
            passages.append(
                Passage(
                    len(passages),
                    s.doc,
                    s.section,
                    s.start,
                    s.end,
                    s.line,
                    s.text,
                    norms[i],
                    toks[i],
                    (i,),
                )
            )
        for i in range(len(sents) - 1):
            a, b = sents[i], sents[i + 1]
            if a.doc != b.doc or a.role != "body" or b.role != "body":
                continue
            doc = by_id[a.doc]
            text = doc.text[a.start : b.end]
            n, t = _joined(norms[i], toks[i], norms[i + 1], toks[i + 1], text, a.start, b.start)
            passages.append(
                Passage(
                    len(passages), a.doc, a.section, a.start, b.end, a.line, text, n, t, (i, i + 1)
                )
            )
        clauses: list[Clause] = []
        owner: list[int] = []
        for i, n in enumerate(norms):
            for c in split_clauses(n, [(0, len(n.text))], min_clause_words):
                clauses.append(c)
                owner.append(i)
        stems = tuple(frozenset(stem(t.key) for t in ts if is_content(t.key)) for ts in toks)
        return cls(by_id, sents, norms, toks, tuple(passages), tuple(clauses), tuple(owner), stems)

    def run_passage(self, first: int, last: int) -> Passage | None:
        """The run of consecutive body sentences ``first..last`` of one document as one passage
        (a long quotation may span any number of them, across paragraph breaks); None where the
        run leaves the document or holds a heading."""
        if first < 0 or last >= len(self.sentences) or last < first:
            return None
        key = (first, last)
        runs = self._runs
        if key not in runs:
            a, b = self.sentences[first], self.sentences[last]
            run = self.sentences[first : last + 1]
            if any(s.doc != a.doc or s.role != "body" for s in run):
                runs[key] = None
            else:
                text = self.docs[a.doc].text[a.start : b.end]
                n = normalize(text, a.start)
                runs[key] = Passage(
                    -1,
                    a.doc,
                    a.section,
                    a.start,
                    b.end,
                    a.line,
                    text,
                    n,
                    tuple(tokenize(n.text)),
                    tuple(range(first, last + 1)),
                )
        return runs[key]

    @cached_property
    def speakers(self) -> tuple[frozenset[str], bool]:
        """(name words of the speakers the sources record, whether any label is generic):
        transcript labels such as "PRESIDENT TRUMP:" or "MS. PSAKI:" at the start of a line.
        A generic label ("THE PRESIDENT:", "Q:") names nobody in particular."""
        words: set[str] = set()
        generic = False
        for doc in self.docs.values():
            for m in _SPEAKER_LABEL.finditer(doc.text):
                label = [w.strip(".").casefold() for w in m.group(1).split()]
                names = [w for w in label if w and w not in _LABEL_TITLES]
                if names:
                    words.update(names)
                else:
                    generic = True
        return frozenset(words), generic

    def speaker_in_source(self, speaker: str | None) -> bool | None:
        """True when a transcript label names the speaker; False when the sources label
        their speakers, none generically, and none is this one; None when it cannot be told
        (no labels, a generic "THE PRESIDENT:", no speaker given)."""
        names, generic = self.speakers
        if not speaker or (not names and not generic):
            return None
        words = {w.strip(".,'’").casefold() for w in speaker.split() if w[:1].isupper()}
        words = {w.removesuffix("’s").removesuffix("'s") for w in words} - _LABEL_TITLES
        if words & names:
            return True
        return None if generic or not words else False

    @cached_property
    def passage_keys(self) -> tuple[tuple[str, ...], ...]:
        """Every passage's word keys, for lexical candidates (computed once per index)."""
        return tuple(p.keys for p in self.passages)

    @cached_property
    def passage_postings(self) -> Postings:
        """Where each word key stands among the passages (align.Postings; once per index)."""
        from verify.align import Postings

        return Postings(self.passage_keys)

    def evidence(self, i: int, similarity: float) -> Evidence:
        s = self.sentences[i]
        return Evidence(s.doc, s.section, s.text, s.start, s.end, s.line, float(similarity))

    def passage_evidence(
        self,
        p: Passage,
        similarity: float,
        tok_start: int | None = None,
        tok_end: int | None = None,
    ) -> Evidence:
        start, end, text = p.start, p.end, p.text
        if tok_start is not None and tok_end is not None and tok_end > tok_start:
            start, end = p.norm.original_span(p.tokens[tok_start].start, p.tokens[tok_end - 1].end)
            doc = self.docs[p.doc]
            text = doc.text[start:end]
        line = self.docs[p.doc].line(start)
        return Evidence(p.doc, p.section, text, start, end, line, float(similarity))

    def window_evidence(
        self, p: Passage, similarity: float, tok_start: int, tok_end: int
    ) -> tuple[Evidence, ...]:
        """``passage_evidence`` cut at sentence ends: one piece per source sentence the
        window touches (a claim that joins two sentences rests on both)."""
        whole = self.passage_evidence(p, similarity, tok_start, tok_end)
        if len(p.sentences) == 1:
            return (whole,)
        doc = self.docs[p.doc]
        out = []
        for i in p.sentences:
            s = self.sentences[i]
            a, b = max(whole.start, s.start), min(whole.end, s.end)
            text = doc.text[a:b]
            a, b = a + len(text) - len(text.lstrip()), b - len(text) + len(text.rstrip())
            if b > a:
                out.append(
                    Evidence(p.doc, s.section, doc.text[a:b], a, b, doc.line(a), float(similarity))
                )
        return tuple(out) or (whole,)


_SPEAKER_LABEL = re.compile(r"^[ \t]*([A-Z][A-Z.'’\- ]{0,40}[A-Z.]):", re.MULTILINE)
#: Words of a transcript label that are titles, not names.
_LABEL_TITLES = frozenset(
    {
        "the",
        "president",
        "vice",
        "mr",
        "mrs",
        "ms",
        "dr",
        "secretary",
        "senator",
        "sen",
        "governor",
        "gov",
        "q",
        "audience",
        "member",
        "moderator",
        "reporter",
        "acting",
        "under",
        "sir",
        "general",
        "ambassador",
        "admiral",
        "prime",
        "minister",
        "press",
        "spokesman",
        "spokeswoman",
        "white",
        "house",
        "official",
        "participant",
        "questioner",
    }
)


def _joined(
    na: Normalized,
    ta: tuple[Token, ...],
    nb: Normalized,
    tb: tuple[Token, ...],
    text: str,
    a_start: int,
    b_start: int,
) -> tuple[Normalized, tuple[Token, ...]]:
    """normalize() and tokenize() of two adjacent sentences' span ``text``, built from
    theirs: the same result when only white space lies between them (checked in the
    tests); computed afresh otherwise."""
    shift = b_start - a_start
    if na.text and nb.text:
        space_end = shift + nb.starts[0]
        gap = text[na.ends[-1] : space_end]
        if gap and gap.isspace():
            n = Normalized(
                na.text + " " + nb.text,
                (*na.starts, na.ends[-1], *tuple(x + shift for x in nb.starts)),
                (*na.ends, space_end, *tuple(x + shift for x in nb.ends)),
                a_start,
            )
            moved = len(na.text) + 1
            return n, ta + tuple(t._replace(start=t.start + moved, end=t.end + moved) for t in tb)
    n = normalize(text, a_start)
    return n, tuple(tokenize(n.text))
