"""Near-copies: a claim that repeats a source passage nearly word for word, judged by its edits.

The claim is aligned to the passage with the edit listing quotations use (wordedits.py), and
each edit is read for what it does to the claim's meaning:

- ``cosmetic``: the same words written otherwise (case, spelling, notation, another inflection
  of the same word, a function word, a title for a title, a phrase moved or the sentence put in
  the passive, an attribution);
- ``implied``: the source says at least as much (a synonym, a more general word, another
  adjective of the cluster, another modal, words dropped that carry no negation, condition,
  modal or relation);
- ``added``: words the source does not say (inserted, a more specific word, a replacement
  WordNet does not relate, a dropped condition or modal, a possibility made certain, words
  dropped up to a preposition, the source's words exchanged around a verb);
- ``exclusive``: incompatible with the source there (another name or number, a negation on one
  side only, an antonym or a word of the opposite sense, another of the same kind).

``copied`` only when every edit is cosmetic; otherwise contradicted, partial or supported
(``copy_judgement``, the copy rule of every claim engine)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from verify.align import LexicalMatch, best_lexical
from verify.claimunit import ClaimInput, claim_unit
from verify.clauses import reported_start
from verify.config import Thresholds
from verify.conflicts import OPPOSITES, TITLE_WORDS, copy_conflicts
from verify.model import Edit, Span, Unit
from verify.normalize import Normalized
from verify.sources import SourceIndex
from verify.tokens import Token, is_content, is_negation, is_pronoun, stem
from verify.wordedits import aligned_edits
from verify.wordorder import (
    HEDGES,
    MODALS,
    POSSIBLE,
    meaning_word,
    moved_words,
    phrase_moved,
    stems,
)

if TYPE_CHECKING:
    from verify.lexicon import Lexicon

#: Prepositions: words dropped up to one ("in front of the hut" → "in the hut") put what
#: follows in another relation.
PREPOSITIONS = frozenset(
    """of to in on at by for with from into onto upon about over under after before behind
    between among against toward towards across through near""".split()
)
#: How an edit bears on what the claim says (see the module docstring), mildest first.
EFFECTS = ("cosmetic", "implied", "added", "exclusive")
#: The WordNet relations of a replaced word, and the effect each has.
RELATION_EFFECT = {
    "inflection": "cosmetic",
    "synonym": "implied",
    "similar": "implied",
    "broader": "implied",
    "narrower": "added",
    "antonym": "exclusive",
    "co-hyponym": "exclusive",
    "opposite": "exclusive",
}


@dataclass(frozen=True)
class CopyEdit:
    """One edit of a near-copy and its effect on the claim's meaning."""

    edit: Edit
    effect: str
    art: tuple[int, int]  # article token positions [start, end)


@dataclass(frozen=True)
class CopyReading:
    """A claim read against the passage it nearly repeats: every edit with its effect."""

    edits: tuple[CopyEdit, ...]

    @property
    def effect(self) -> str:
        """The strongest effect of any edit ("cosmetic" when there is none)."""
        return max((e.effect for e in self.edits), key=EFFECTS.index, default="cosmetic")

    def of(self, effect: str) -> list[CopyEdit]:
        return [e for e in self.edits if e.effect == effect]


def read_copy(tokens: Sequence[Token], norm: Normalized, match: LexicalMatch) -> CopyReading:
    """Every edit between the claim's ``tokens`` and the passage of ``match``, with its effect."""
    p, ops = match.passage, match.alignment.ops
    changed = {(c.article, c.source): c.kind for c in copy_conflicts(tokens, p.tokens, ops)}
    moved = moved_words(tokens, p.tokens, match.alignment)
    phrase = phrase_moved(moved, p.tokens, tokens)
    first = norm.original_span(tokens[0].start, tokens[0].end)[0] if tokens else -1
    out: list[CopyEdit] = []
    for op, e in aligned_edits(tokens, norm, p.tokens, p.norm, ops, norm.offset):
        art = tokens[op.art_start : op.art_end]
        src = p.tokens[op.src_start : op.src_end]
        if e.kind == "case" and (
            e.start == first or (op.src_start == 0 and e.source == src[0].text)
        ):
            continue  # a sentence's first word, capitalised on one side only
        effect, why, kind = _effect(e, art, src, changed.get((e.article, e.source)), moved, phrase)
        edit = replace(e, meaningful=effect != "cosmetic", kind=kind, detail=why or e.detail)
        out.append(CopyEdit(edit, effect, (op.art_start, op.art_end)))
    return CopyReading(tuple(out))


def _title(word: str) -> bool:
    return word.rstrip(".") in TITLE_WORDS


def _persons(toks: Sequence[Token]) -> set[str]:
    """The personal pronouns of the words ("this", "one" are not persons)."""
    return {t.key for t in toks if is_pronoun(t.key) and t.key not in _NOT_PERSONS}


_NOT_PERSONS = frozenset("one ones this that these those".split())


def _effect(
    e: Edit,
    art: Sequence[Token],
    src: Sequence[Token],
    conflict: str | None,
    moved: Counter[str],
    phrase: bool,
) -> tuple[str, str | None, str]:
    """(effect, what a reader is told, edit kind) of one edit of a near-copy (``moved``: the
    words it has in other places; ``phrase``: whether those are one phrase moved)."""
    if not e.meaningful:
        return "cosmetic", None, e.kind
    if conflict is not None:  # another name or number (conflicts.copy_conflicts)
        return "exclusive", f"another {conflict}", conflict
    if any(is_negation(t.key) for t in art) != any(is_negation(t.key) for t in src):
        return "exclusive", "a negation on one side only", "negation"
    a_stems, s_stems = stems(art), stems(src)
    if Counter(a_stems) == Counter(s_stems):  # only function words or inflections differ
        mine, theirs = _persons(art), _persons(src)
        if mine and theirs and mine != theirs:  # "she" for "he": another person
            return "added", "another pronoun", "pronoun"
        return "cosmetic", None, "inflection" if a_stems else "function-word"
    if a_stems and s_stems and all(_title(x) for x in (*a_stems, *s_stems)):
        return "cosmetic", "a title for a title", "title"  # "Mr." for "President"
    if all(moved[x] for x in (*a_stems, *s_stems)):
        if phrase:
            return "cosmetic", "the same words in another order", "word-order"
        return "added", "the source's words in other places: who does what may differ", "word-order"
    a_modal = {t.key for t in art if t.key in MODALS}
    s_modal = {t.key for t in src if t.key in MODALS}
    if a_modal and s_modal and all(t.key in MODALS for t in art if meaning_word(t)):
        if s_modal & POSSIBLE and not a_modal & POSSIBLE:
            return "added", "states as certain what the source allows", e.kind
        return "implied", "another modal", e.kind
    if not a_stems:  # the claim drops words
        hedges = [t.text for t in src if t.key in HEDGES and t.key not in {u.key for u in art}]
        if hedges:
            return "added", f"drops {hedges[0]!r}: states as fact what the source allows", e.kind
        if not art and src and src[-1].key in PREPOSITIONS:  # "in [front of] the hut"
            return "added", "drops words that tie what follows to what precedes", e.kind
        return "implied", "the copy says less than the source", e.kind
    if not s_stems:
        return "added", "words the source does not have", e.kind
    effect, why = _replacement(
        [t for t in art if meaning_word(t)], [t for t in src if meaning_word(t)]
    )
    return effect, why, "inflection" if why is None else e.kind


def _replacement(art: Sequence[Token], src: Sequence[Token]) -> tuple[str, str | None]:
    """Words put in place of the source's, each claim word read against the source words it
    may stand for (WordNet relations): implied when a source word implies it, exclusive when
    one excludes it, else added; the strongest effect over the claim's words wins (what a
    reader is told is None for inflections only)."""
    from verify.lexicon import load  # read on first use: most claims are no near-copy

    lex = load()
    a_keys, s_keys = {stem(t.key) for t in art}, {stem(t.key) for t in src}
    theirs = [s for s in src if stem(s.key) not in a_keys]
    effects: list[tuple[str, str | None]] = []
    for a in art:
        if stem(a.key) in s_keys:
            continue
        rels = [(s, rel) for s in theirs if (rel := _relation(lex, s.key, a.key)) is not None]
        for wanted in ("cosmetic", "implied", "exclusive"):
            found = [(s, r) for s, r in rels if RELATION_EFFECT[r] == wanted]
            if found:
                s, rel = found[0]
                where = "" if rel == "opposite" else " in WordNet"
                effects.append(
                    (wanted, None if rel == "inflection" else f"{rel} of {s.text!r}{where}")
                )
                break
        else:
            effects.append(("added", "a word the source does not have"))
    if not effects:  # every claim word stands in the source: it drops the others
        return "implied", "the copy says less than the source"
    return max(effects, key=lambda x: EFFECTS.index(x[0]))


def _relation(lex: Lexicon, source: str, claim: str) -> str | None:
    """WordNet's relation of the two words, or "opposite" for a pair of the opposites list
    (conflicts.OPPOSITES: "passed"/"failed", which WordNet does not record as antonyms)."""
    rel = lex.relation(source, claim)
    if (source, claim) in OPPOSITES and RELATION_EFFECT.get(rel or "") != "exclusive":
        return "opposite"
    return rel


def added_spans(
    edits: Sequence[CopyEdit], tokens: Sequence[Token], norm: Normalized
) -> list[tuple[int, int]]:
    """Article offsets of the words of ``edits`` (those the source does not say); a dropped
    hedge is shown on the claim's word that stands where it was."""
    spans: set[tuple[int, int]] = set()
    for ce in edits:
        a0, a1 = ce.art
        if a1 <= a0:
            if not tokens:
                continue
            a0 = min(a0, len(tokens) - 1)
            a1 = a0 + 1
        spans.add(norm.original_span(tokens[a0].start, tokens[a1 - 1].end))
    return sorted(spans)


def reported_words(ci: ClaimInput) -> list[Token]:
    """The claim's words after an opening attribution ("The Fed said on Wednesday …"): what a
    near-copy repeats."""
    start = reported_start(ci.norm.text)
    return [t for t in ci.tokens if t.start >= start]


def near_copy(tokens: Sequence[Token], index: SourceIndex, th: Thresholds) -> LexicalMatch | None:
    """The source passage that a claim's reported words (``reported_words``) repeat nearly word
    for word, with the alignment over them: the best-aligned passage (at least
    ``min_clause_words`` words) whose words the claim shares, in order (the alignment's
    similarity) or in any order (content words' Jaccard), at least ``claim_edit_min``; None
    when none."""
    match = best_lexical([t.key for t in tokens], index, th.candidates, whole_edges=True)
    if match is None or len(tokens) < th.min_clause_words:
        return None
    al = match.alignment
    if al.similarity >= th.claim_edit_min:
        return match
    mine = {stem(t.key) for t in tokens if is_content(t.key)}
    theirs = {stem(t.key) for t in match.passage.tokens if is_content(t.key)}
    shared = len(mine & theirs) / max(1, len(mine | theirs))
    return match if shared >= th.claim_edit_min else None


def copy_judgement(
    uid: str, ci: ClaimInput, index: SourceIndex, th: Thresholds, checks: bool = True
) -> Unit | None:
    """The copy rule, one for every engine: a claim that repeats a source passage nearly word
    for word (``near_copy``) is judged by its edits there (``read_copy``). Copied when every
    edit is cosmetic (and ``claim_copied_min`` of its words match); contradicted when one
    excludes the source's words (``checks=False``: such words count as added); partial when
    it adds words the source does not say, highlighted; supported when the source implies
    every edit. None when the claim repeats no passage."""
    tokens = reported_words(ci)
    match = near_copy(tokens, index, th)
    if match is None:
        return None
    reading = read_copy(tokens, ci.norm, match)
    al = match.alignment
    share = f"{al.similarity:.0%} of words"
    exclusive = reading.of("exclusive")
    added = [*exclusive, *reading.of("added")]
    fields: dict[str, Any]
    if exclusive and checks:
        fields = dict(
            verdict="contradicted",
            reason=f"repeats a source passage ({share}) but changes what it says: "
            f"{_edit_list(exclusive)}",
        )
    elif added:
        sent = ci.sentence
        fields = dict(
            verdict="partial",
            unsupported_spans=tuple(
                Span(a, b, sent.text[a - sent.start : b - sent.start])
                for a, b in added_spans(added, tokens, ci.norm)
            ),
            reason=f"repeats a source passage ({share}) but says what it does not: "
            f"{_edit_list(added)}; the highlighted words are not in the source",
        )
    elif reading.effect == "cosmetic" and al.similarity >= th.claim_copied_min:
        n = len(reading.edits)
        notes = f", {n} cosmetic edit{'s' if n != 1 else ''}" if n else ""
        fields = dict(
            verdict="copied",
            reason=f"repeats a source passage nearly word for word ({share}{notes}) without "
            "quotation marks",
        )
    else:
        fields = dict(
            verdict="supported",
            reason=f"repeats a source passage ({share}) with edits the source bears out: "
            f"{_edit_list(reading.of('implied')) or 'cosmetic edits only'}",
        )
    ws, we = _words_used(tokens, match.passage.tokens, al.window_start, al.window_end)
    ev = index.window_evidence(match.passage, al.similarity, ws, we)
    return claim_unit(
        uid,
        ci,
        score=al.similarity,
        evidence=ev,
        edits=tuple(ce.edit for ce in reading.edits),
        **fields,
    )


def _words_used(
    claim: Sequence[Token], source: Sequence[Token], start: int, end: int
) -> tuple[int, int]:
    """The passage's words the claim draws on: the aligned window [start, end), widened to hold
    the claim's words that stand elsewhere in the passage (a phrase moved)."""
    mine = set(stems(claim))
    at = [i for i, t in enumerate(source) if meaning_word(t) and stem(t.key) in mine]
    return min([start, *at]), max([end, *(i + 1 for i in at)])


def _edit_list(edits: Sequence[CopyEdit]) -> str:
    """ "'source' → 'claim' (why); …" for edits of a near-copy."""
    return "; ".join(_edit_words(ce.edit) for ce in edits)


def _edit_words(e: Edit) -> str:
    """ "'source' → 'claim' (why)" for one edit of a near-copy."""
    why = f" ({e.detail})" if e.detail else ""
    return f"{e.source or '∅'!r} → {e.article or '∅'!r}{why}"
