"""Verdicts with their evidence: word-level edits for quotations, support, partial
support and contradiction for claims. Plain data and similarity arrays in, Units out.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np

from verify.align import TokenAlignment, align_tokens, lexical_candidates, top_indices
from verify.config import MAX_QUOTE_WORDS, Thresholds
from verify.model import Document, Edit, Evidence, Quote, Sentence, Span, Unit
from verify.normalize import Normalized, describe_char, has_invisible, normalize, strip_invisible
from verify.tokens import (
    MONTHS,
    WEEKDAYS,
    Token,
    is_content,
    is_name,
    is_negation,
    is_pronoun,
    number_value,
    stem,
    tokenize,
)

COSMETIC_KINDS = frozenset({"case", "punctuation", "spelling"})


# ---------------------------------------------------------------- source side


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

    @classmethod
    def build(cls, docs: Sequence[Document], sentences: Sequence[Sentence], min_clause_words: int) -> SourceIndex:
        by_id = {d.id: d for d in docs}
        sents = tuple(s for s in sentences if s.role in ("body", "heading"))
        norms = tuple(normalize(s.text, s.start) for s in sents)
        toks = tuple(tuple(tokenize(n.text)) for n in norms)
        passages: list[Passage] = []
        for i, s in enumerate(sents):
            passages.append(Passage(len(passages), s.doc, s.section, s.start, s.end, s.line, s.text,
                                    norms[i], toks[i], (i,)))
        for i in range(len(sents) - 1):
            a, b = sents[i], sents[i + 1]
            if a.doc != b.doc or a.role != "body" or b.role != "body":
                continue
            doc = by_id[a.doc]
            text = doc.text[a.start:b.end]
            n, t = _joined(norms[i], toks[i], norms[i + 1], toks[i + 1], text, a.start, b.start)
            passages.append(Passage(len(passages), a.doc, a.section, a.start, b.end, a.line, text, n, t, (i, i + 1)))
        clauses: list[Clause] = []
        owner: list[int] = []
        for i, n in enumerate(norms):
            for c in split_clauses(n, [(0, len(n.text))], min_clause_words):
                clauses.append(c)
                owner.append(i)
        stems = tuple(frozenset(stem(t.key) for t in ts if is_content(t.key)) for ts in toks)
        return cls(by_id, sents, norms, toks, tuple(passages), tuple(clauses), tuple(owner), stems)

    @cached_property
    def passage_keys(self) -> tuple[tuple[str, ...], ...]:
        """Every passage's word keys, for lexical candidates (computed once per index)."""
        return tuple(p.keys for p in self.passages)

    def evidence(self, i: int, similarity: float) -> Evidence:
        s = self.sentences[i]
        return Evidence(s.doc, s.section, s.text, s.start, s.end, s.line, float(similarity))

    def passage_evidence(self, p: Passage, similarity: float, tok_start: int | None = None,
                         tok_end: int | None = None) -> Evidence:
        start, end, text = p.start, p.end, p.text
        if tok_start is not None and tok_end is not None and tok_end > tok_start:
            start, end = p.norm.original_span(p.tokens[tok_start].start, p.tokens[tok_end - 1].end)
            doc = self.docs[p.doc]
            text = doc.text[start:end]
        line = self.docs[p.doc].line(start)
        return Evidence(p.doc, p.section, text, start, end, line, float(similarity))


def _joined(na: Normalized, ta: tuple[Token, ...], nb: Normalized, tb: tuple[Token, ...], text: str,
            a_start: int, b_start: int) -> tuple[Normalized, tuple[Token, ...]]:
    """normalize() and tokenize() of two adjacent sentences' span ``text``, built from
    theirs: the same result when only white space lies between them (checked in the
    tests); computed afresh otherwise."""
    shift = b_start - a_start
    if na.text and nb.text:
        space_end = shift + nb.starts[0]
        gap = text[na.ends[-1]:space_end]
        if gap and gap.isspace():
            n = Normalized(na.text + " " + nb.text,
                           (*na.starts, na.ends[-1], *tuple(x + shift for x in nb.starts)),
                           (*na.ends, space_end, *tuple(x + shift for x in nb.ends)), a_start)
            moved = len(na.text) + 1
            return n, ta + tuple(Token(t.text, t.key, t.start + moved, t.end + moved) for t in tb)
    n = normalize(text, a_start)
    return n, tuple(tokenize(n.text))


# ---------------------------------------------------------------- clauses

_CLAUSE_BREAK = re.compile(
    r"[,;:()\[\]\"]|\s-\s|\s(?=(?:and|but|while|whereas|including|which|who|because|although|though|"
    r"after|before|since|amid|despite|as well as|according to)\b)",
    re.IGNORECASE,
)
_ATTRIBUTION_VERBS = (
    r"said|says|stated|states|read|reads|added|adds|told|tells|wrote|writes|noted|notes|asked|"
    r"declared|announced|explained|continued|insisted|remarked|tweeted|replied|responded|argued|"
    r"claimed|warned|acknowledged|confirmed|stressed|urged|adding|saying|noting|telling|stating"
)
_ATTRIBUTION = re.compile(
    rf"^(?:according to\b.*|(?:[\w'.-]+\s+){{0,7}}(?:{_ATTRIBUTION_VERBS})(?:\s+that)?|"
    rf"(?:{_ATTRIBUTION_VERBS})(?:\s+[\w'.-]+){{0,6}}|(?:and|but|so|that)?\s*(?:he|she|it|they|we|i)\s+(?:{_ATTRIBUTION_VERBS}))$",
    re.IGNORECASE,
)
_REPORTED_THAT = re.compile(
    r"\b(?:told|said|stated|announced|noted|added|confirmed|claimed|warned|argued|insisted|reported|"
    r"wrote|explained|acknowledged|suggested)\b(?:\s+[\w'.-]+){0,4}?(\s)that\b",
    re.IGNORECASE,
)
_LEADING_LINK = re.compile(r"^(?:and|but|or|so|while|whereas|including|which|who)\s+", re.IGNORECASE)


def is_attribution(text: str) -> bool:
    """"the White House statement read", "according to officials", "he added"."""
    return bool(_ATTRIBUTION.match(text.strip(" ,.;:!?\"'")))


def split_clauses(norm: Normalized, segments: Sequence[tuple[int, int]], min_words: int,
                  drop_attribution: bool = False) -> list[Clause]:
    """Clauses of the normalised text within ``segments`` (normalised offsets)."""
    pieces: list[tuple[int, int]] = []
    for seg_start, seg_end in segments:
        pos = seg_start
        breaks = [(m.start(), m.end() if m.group().strip() else m.start() + 1)
                  for m in _CLAUSE_BREAK.finditer(norm.text, seg_start, seg_end)]
        # "Psaki told a press conference | that ...": the reporting is a claim of its own
        breaks += [(m.start(1), m.start(1) + 1) for m in _REPORTED_THAT.finditer(norm.text, seg_start, seg_end)]
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
        while e > s and norm.text[e - 1] in ".'" and "." not in norm.text[s:e - 1].split(" ")[-1]:
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
        if merged and (len(c.content) < min_words or len(merged[-1].content) < min_words) \
                and seg_of(merged[-1]) == seg_of(c):
            prev = merged.pop()
            c = _clause(norm, prev.norm_start, c.norm_end, tuple(tokenize(norm.text, prev.norm_start, c.norm_end)))
        merged.append(c)
    return merged


def _clause(norm: Normalized, s: int, e: int, toks: tuple[Token, ...]) -> Clause:
    o_start, o_end = norm.original_span(s, e)
    return Clause(s, e, o_start, o_end, norm.text[s:e], toks)


# ---------------------------------------------------------------- quotations

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


_US_UK = (("our", "or"), ("ise", "ize"), ("yse", "yze"), ("isation", "ization"), ("ence", "ense"),
          ("tre", "ter"), ("ogue", "og"), ("lled", "led"), ("lling", "ling"))


def _spelling_key(word: str) -> str:
    w = re.sub(r"['.\-\s]", "", strip_invisible(word).casefold())
    for uk, us in _US_UK:
        if w.endswith(uk):
            w = w[: -len(uk)] + us
        w = w.replace(uk + "s", us + "s") if uk in ("ise", "yse") else w
    return w


def homoglyph_detail(article: str, source: str) -> str | None:
    """How ``article`` differs from ``source`` by confusable characters, if it does only that."""
    a, s = strip_invisible(article), strip_invisible(source)
    if len(a) != len(s) or a == s:
        return None
    from confusable_homoglyphs import confusables

    notes = []
    for ca, cs in zip(a, s, strict=True):
        if ca == cs:
            continue
        if ca.casefold() == cs.casefold():
            continue
        found = confusables.is_confusable(ca, greedy=True) or []
        alts = {h["c"] for item in found for h in item.get("homoglyphs", [])}
        found_s = confusables.is_confusable(cs, greedy=True) or []
        alts_s = {h["c"] for item in found_s for h in item.get("homoglyphs", [])}
        if cs not in alts and ca not in alts_s:
            return None
        notes.append(f"{describe_char(ca)} in place of {describe_char(cs)}")
    return "; ".join(notes) if notes else None


def classify_edit(article: Sequence[str], source: Sequence[str]) -> tuple[str, str | None]:
    """The kind of a word-level edit, and a detail for invisible and homoglyph edits."""
    a, s = " ".join(article), " ".join(source)
    if has_invisible(a):
        chars = sorted({c for c in a if strip_invisible(c) == ""})
        detail = ", ".join(describe_char(c) for c in chars)
        return "invisible", detail
    if article and source:
        hg = homoglyph_detail(a, s)
        if hg:
            return "homoglyph", hg
        if a.casefold() == s.casefold():
            return "case", None
        if _spelling_key(a) == _spelling_key(s):
            return "spelling", None
    words = [*article, *source]
    if any(is_negation(w) for w in words):
        return "negation", None
    if any(any(c.isdigit() for c in w) for w in words) or (
        any(number_value(w) is not None for w in article) and any(number_value(w) is not None for w in source)
    ):
        return "number", None
    if any(w.casefold() in MONTHS and w[:1].isupper() for w in words) or any(w.casefold() in WEEKDAYS for w in words):
        return "number", None
    if any(is_pronoun(w) for w in words):
        return "pronoun", None
    if any(is_name(w) for w in words):
        return "name", None
    return "word", None


# ---------------------------------------------------------------- claims


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
class Conflict:
    article: str
    source: str
    kind: str


def _numbers(tokens: Sequence[Token]) -> list[tuple[float, str | None, int]]:
    """(value, the content word after it, position) of every number token."""
    out = []
    for i, t in enumerate(tokens):
        v = number_value(t.key)
        if v is None or t.key in ("one", "first", "second", "half", "double"):
            continue
        nxt = next((stem(u.key) for u in tokens[i + 1:i + 3] if is_content(u.key) and number_value(u.key) is None), None)
        out.append((v, nxt, i))
    return out


def _dates(tokens: Sequence[Token]) -> set[tuple[int, int | None]]:
    out: set[tuple[int, int | None]] = set()
    for i, t in enumerate(tokens):
        m = MONTHS.get(t.key.rstrip("."))
        if m is None or not t.text[:1].isupper():
            continue
        day = None
        if i + 1 < len(tokens) and tokens[i + 1].key.isdigit() and 1 <= int(tokens[i + 1].key) <= 31:
            day = int(tokens[i + 1].key)
        out.add((m, day))
    return out


def find_conflicts(claim: Sequence[Token], source: Sequence[Token]) -> list[Conflict]:
    """Deterministic disagreements between a claim and a passage about the same thing:
    a number with the same unit, a date, a weekday, or negation."""
    conflicts: list[Conflict] = []
    src_values = {v for v, _, _ in _numbers(source)}
    for v, unit, i in _numbers(claim):
        if v in src_values or unit is None:
            continue
        for sv, sunit, j in _numbers(source):
            if sunit == unit and sv != v:
                conflicts.append(Conflict(claim[i].text, source[j].text, "number"))
                break
    cd, sd = _dates(claim), _dates(source)
    for m, d in cd:
        if (m, d) in sd or (d is None and any(sm == m for sm, _ in sd)):
            continue
        other = [x for x in sd if d is not None and x[1] is not None]
        if other:
            month_names = {v: k.capitalize() for k, v in MONTHS.items() if len(k) > 3 or k == "may"}
            conflicts.append(Conflict(f"{month_names[m]} {d}", f"{month_names[other[0][0]]} {other[0][1]}", "number"))
    cw = {t.key for t in claim if t.key in WEEKDAYS}
    sw = {t.key for t in source if t.key in WEEKDAYS}
    if cw and sw and not (cw & sw):
        conflicts.append(Conflict(sorted(cw)[0].capitalize(), sorted(sw)[0].capitalize(), "number"))
    c_neg = [t for t in claim if is_negation(t.key)]
    s_neg = [t for t in source if is_negation(t.key)]
    if bool(c_neg) != bool(s_neg):
        c_stems = {stem(t.key) for t in claim if is_content(t.key)}
        s_stems = {stem(t.key) for t in source if is_content(t.key)}
        if c_stems and len(c_stems & s_stems) / len(c_stems) >= 0.5:
            conflicts.append(Conflict(c_neg[0].text if c_neg else "(no negation)",
                                      s_neg[0].text if s_neg else "(no negation)", "negation"))
    return conflicts


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
