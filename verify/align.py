"""Candidate source passages for a unit: lexical (rapidfuzz over word tokens) and
semantic (cosine over embedding arrays). Plain data and arrays in, plain data out;
no model is loaded here.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
from rapidfuzz import fuzz, process
from rapidfuzz.distance import Indel, Levenshtein

from verify.tokens import changes_meaning


def cosine_matrix(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Cosine similarities of unit-length rows: shape (len(a), len(b))."""
    if a.size == 0 or b.size == 0:
        return np.zeros(
            (a.shape[0] if a.ndim == 2 else 0, b.shape[0] if b.ndim == 2 else 0), dtype=np.float32
        )
    return np.clip(a @ b.T, -1.0, 1.0)


#: Scores are ranked at the precision a report shows them (JSON: 4 decimals): two passages
#: that score the same there are a tie, broken by source order. Below it, float noise (the
#: same text encoded in another batch, in another process) would pick either.
RANK_DECIMALS = 4


def top_indices(scores: np.ndarray, k: int) -> list[int]:
    """Indices of the ``k`` highest scores, best first, ties (at ``RANK_DECIMALS``) by lower
    index (deterministic)."""
    if scores.size == 0:
        return []
    order = np.lexsort((np.arange(scores.size), -np.round(scores, RANK_DECIMALS)))
    return [int(i) for i in order[:k]]


#: Passages scored per call while the postings bound is read (a few calls per query).
LEXICAL_CHUNK = 64


class Postings:
    """Where each word key stands among a list of passages (passage ids and counts), to bound
    a query's partial ratio with each passage before computing it."""

    def __init__(self, passages: Sequence[Sequence[str]]) -> None:
        rows: dict[str, dict[int, int]] = {}
        for i, keys in enumerate(passages):
            for key in keys:
                counts = rows.setdefault(key, {})
                counts[i] = counts.get(i, 0) + 1
        self.size = len(passages)
        self.lengths = np.asarray([len(k) for k in passages], dtype=np.float64)
        self.rows = {
            key: (np.fromiter(c, np.int64, len(c)), np.fromiter(c.values(), np.int64, len(c)))
            for key, c in rows.items()
        }

    def shared(self, query: Sequence[str]) -> np.ndarray:
        """For each passage, how many of the query's tokens it holds (as a multiset)."""
        out = np.zeros(self.size, dtype=np.float64)
        for key, n in Counter(query).items():
            if key in self.rows:
                ids, counts = self.rows[key]
                out[ids] += np.minimum(counts, n)
        return out


def lexical_candidates(
    query: Sequence[str],
    passages: Sequence[Sequence[str]],
    k: int,
    postings: Postings | None = None,
) -> list[tuple[int, float]]:
    """(passage index, partial-ratio score 0..1) of the ``k`` passages whose tokens best
    contain the query's tokens, best first (ties by index). With ``postings`` the same
    answer without scoring every passage: with ``s`` the shorter sequence's length and ``I``
    the tokens the two share (as multisets), every window partial_ratio compares scores at
    most ``2I / (s + I)`` (the window of I tokens all matched), so passages are scored in the
    order of that bound until it falls below the k-th best score."""
    if not query or not passages:
        return []
    if postings is None:
        found = process.extract(
            list(query), passages, scorer=fuzz.partial_ratio, processor=None, limit=None
        )
        ranked = sorted(
            ((idx, score / 100.0) for _, score, idx in found), key=lambda t: (-t[1], t[0])
        )
        return ranked[:k]
    shorter = np.minimum(postings.lengths, len(query))
    shared = np.minimum(postings.shared(query), shorter)
    bound = np.where(shared > 0, 200.0 * shared / np.maximum(shorter + shared, 1), 0.0)
    order = [int(i) for i in np.lexsort((np.arange(len(bound)), -bound))]
    q = list(query)
    best: list[tuple[float, int]] = []  # (-score, index) of the k best so far, sorted
    for start in range(0, len(order), LEXICAL_CHUNK):
        chunk = order[start : start + LEXICAL_CHUNK]
        if len(best) >= k:
            floor = -best[-1][0] - 1e-9  # the k-th best score so far
            chunk = [i for i in chunk if bound[i] >= floor]
            if not chunk:
                break  # in bound order: no passage left can reach the k best
        # one call per chunk (no score_cutoff: it changes the last digits of a score)
        for _, score, j in process.extract(
            q, [passages[i] for i in chunk], scorer=fuzz.partial_ratio, processor=None, limit=None
        ):
            best.append((-score, chunk[j]))
        best = sorted(best)[:k]
    return [(i, -neg / 100.0) for neg, i in best]


@dataclass(frozen=True)
class Op:
    """One opcode between source tokens and article tokens (rapidfuzz orientation:
    ``insert`` = words only the article has, ``delete`` = source words the article dropped)."""

    tag: str
    src_start: int
    src_end: int
    art_start: int
    art_end: int


@dataclass(frozen=True)
class TokenAlignment:
    window_start: int  # source token window used, [start, end)
    window_end: int
    ops: tuple[Op, ...]
    matched: int  # article tokens equal to a source token
    similarity: float  # Indel-style: 2 * matched / (article tokens + window tokens)


def align_tokens(
    article: Sequence[str],
    source: Sequence[str],
    gaps: frozenset[int] = frozenset(),
    free_gap: bool = False,
    whole_edges: bool = False,
) -> TokenAlignment:
    """Align article tokens to the best window of source tokens.

    ``gaps``: article token positions before which an editorial gap stands (``[…]``
    or ``…``); source words dropped there are absorbed, not counted as edits, unless they
    change what the quotation says (a negation, a number, a condition, a modal:
    tokens.changes_meaning), which stay a deletion.
    ``free_gap``: an ellipsis is present, so the whole source is the window.
    ``whole_edges``: words the article has instead of the source's at its first or last word
    replace as many source words as they are (a claim's "an instrument" for "a guitar"); else
    the one source word nearest the match (a quotation is a fragment: "Two leaders" for "They").
    """
    n, m = len(article), len(source)
    if n == 0 or m == 0:
        return TokenAlignment(0, 0, (), 0, 0.0)
    if n >= m or free_gap:
        ws, we = 0, m
    else:
        al = fuzz.partial_ratio_alignment(list(article), list(source), processor=None)
        if al is None or al.src_start != 0 or al.src_end != n:  # rapidfuzz swapped the roles
            ws, we = 0, m
        else:
            # rapidfuzz may return a window shorter than the quotation (a partial prefix
            # or suffix match): widen it to hold the whole quotation with some slack
            slack = n // 2 + 2
            ws, we = max(0, al.dest_end - n - slack), min(m, al.dest_start + n + slack)
    # Indel (insertions and deletions only): the alignment that keeps the most words in
    # common, so edits are the words a person would name ("the three children" -> "three of
    # his children" keeps "three" and "children"); adjacent ones merge into a replacement
    raw = Indel.opcodes(list(source[ws:we]), list(article))
    ops = [Op(o.tag, o.src_start + ws, o.src_end + ws, o.dest_start, o.dest_end) for o in raw]
    # a quotation is a fragment: source words before its first or after its last word are not
    # edits, except the one source word next to words the quotation has instead ("They" ->
    # "Two leaders" at the start; "sayHello" -> "sayНello" at the end)
    ops = _trim_edges(ops, article, source, whole_edges)
    ops = _drop_chance_edges(ops, article)
    if not ops:
        return TokenAlignment(ws, ws, (), 0, 0.0)
    ws, we = ops[0].src_start, ops[-1].src_end
    kept: list[Op] = []
    absorbed = 0
    for op in ops:
        if (
            op.tag == "delete"
            and op.art_start in gaps
            and not any(changes_meaning(k) for k in source[op.src_start : op.src_end])
        ):
            absorbed += op.src_end - op.src_start
            continue
        kept.append(op)
    matched = sum(o.art_end - o.art_start for o in kept if o.tag == "equal")
    merged = _merge(kept)
    window = (we - ws) - absorbed
    similarity = 2.0 * matched / (n + window) if n + window else 0.0
    return TokenAlignment(ws, we, tuple(merged), matched, similarity)


def _trim_edges(
    ops: list[Op], article: Sequence[str], source: Sequence[str], whole: bool = False
) -> list[Op]:
    from verify.edits import notation_kind

    head: list[Op] = []
    i = 0
    while i < len(ops) and ops[i].tag != "equal":
        head.append(ops[i])
        i += 1
    j = len(ops)
    while j > i and ops[j - 1].tag != "equal":
        j -= 1
    tail = ops[j:]
    middle = ops[i:j]

    def keep(run: list[Op], at_start: bool) -> list[Op]:
        inserts = [o for o in run if o.tag == "insert"]
        deletes = [o for o in run if o.tag == "delete"]
        if not inserts:
            return []
        if not deletes:
            return inserts
        # the source word nearest the matched words pairs with the added words (or the
        # nearest two or three, where they are the same words in another notation: "He has"
        # for "He's")
        d = deletes[-1] if at_start else deletes[0]
        a0, a1 = min(o.art_start for o in inserts), max(o.art_end for o in inserts)
        width = _edge_width(article[a0:a1], source, d, at_start) if whole else 1
        for k in (2, 3):
            if k > d.src_end - d.src_start:
                break
            src = (
                source[d.src_end - k : d.src_end]
                if at_start
                else source[d.src_start : d.src_start + k]
            )
            if notation_kind(" ".join(article[a0:a1]), " ".join(src)):
                width = k
                break
        if at_start:
            return [Op("replace", d.src_end - width, d.src_end, a0, a1)]
        return [Op("replace", d.src_start, d.src_start + width, a0, a1)]

    if not middle:  # no word in common: nothing to anchor on
        return [o for o in ops if o.tag != "delete"]
    return [*keep(head, True), *middle, *keep(tail, False)]


def _edge_width(added: Sequence[str], source: Sequence[str], d: Op, at_start: bool) -> int:
    """How many of the dropped source words next to the match the added words stand for: from
    the match outwards, as many content words as they have (at least one), with the function
    words between ("fruit" for "a lemon", "an instrument" for "a guitar")."""
    from verify.tokens import is_content

    wanted = max(1, sum(1 for w in added if is_content(w)))
    words = source[d.src_start : d.src_end]
    order = range(len(words) - 1, -1, -1) if at_start else range(len(words))
    seen = 0
    for width, i in enumerate(order, 1):
        seen += is_content(words[i])
        if seen >= wanted:
            return width
    return len(words)


def _drop_chance_edges(ops: list[Op], article: Sequence[str]) -> list[Op]:
    """A lone function word matched at the very start or end of a quotation, cut off from
    the rest by added words, is chance ("all the way" against "… screaming. The compound"):
    it joins the added words instead of stretching the source window."""
    from verify.tokens import is_content

    equal = [i for i, o in enumerate(ops) if o.tag == "equal"]
    if len(equal) >= 2:
        last, prev = ops[equal[-1]], ops[equal[-2]]
        if (
            last.art_end - last.art_start == 1
            and not is_content(article[last.art_start])
            and _only_added(ops[equal[-2] + 1 : equal[-1]])
        ):
            ops = [
                *ops[: equal[-2] + 1],
                Op("insert", prev.src_end, prev.src_end, prev.art_end, len(article)),
            ]
    equal = [i for i, o in enumerate(ops) if o.tag == "equal"]
    if len(equal) >= 2:
        first, nxt = ops[equal[0]], ops[equal[1]]
        if (
            first.art_end - first.art_start == 1
            and not is_content(article[first.art_start])
            and _only_added(ops[equal[0] + 1 : equal[1]])
        ):
            ops = [Op("insert", nxt.src_start, nxt.src_start, 0, nxt.art_start), *ops[equal[1] :]]
    return ops


def _only_added(between: list[Op]) -> bool:
    """Words only the article has, and no source word dropped, between two matches."""
    return bool(between) and all(o.tag == "insert" for o in between)


def _merge(ops: list[Op]) -> list[Op]:
    """Adjacent non-equal opcodes become one (``They`` → ``Two leaders``, not two edits); a
    dropped word and an added one with a single word between them are one rewording too
    ("the three" → "three of his"), never a replacement beside a replacement ("USA or its" →
    "us or our" stays two edits)."""
    ops = _merge_adjacent(ops)
    out: list[Op] = []
    i = 0
    while i < len(ops):
        op = ops[i]
        if (
            i + 2 < len(ops)
            and ops[i + 1].tag == "equal"
            and ops[i + 1].art_end - ops[i + 1].art_start == 1
            and {op.tag, ops[i + 2].tag} == {"delete", "insert"}
        ):
            last = ops[i + 2]
            out.append(Op("replace", op.src_start, last.src_end, op.art_start, last.art_end))
            i += 3
            continue
        out.append(op)
        i += 1
    return _merge_adjacent(out)


def _merge_adjacent(ops: list[Op]) -> list[Op]:
    out: list[Op] = []
    for op in ops:
        if (
            out
            and op.tag != "equal"
            and out[-1].tag != "equal"
            and out[-1].src_end == op.src_start
            and out[-1].art_end == op.art_start
        ):
            prev = out.pop()
            src_len = op.src_end - prev.src_start
            art_len = op.art_end - prev.art_start
            tag = "replace" if src_len and art_len else ("insert" if art_len else "delete")
            out.append(Op(tag, prev.src_start, op.src_end, prev.art_start, op.art_end))
        else:
            out.append(op)
    return out


def token_similarity(a: Sequence[str], b: Sequence[str]) -> float:
    """Indel normalised similarity of two token sequences (0..1)."""
    if not a and not b:
        return 1.0
    return 1.0 - Levenshtein.normalized_distance(list(a), list(b), weights=(1, 1, 2))


class LexicalIndex(Protocol):
    """What best_lexical reads of a source index (sources.SourceIndex)."""

    @property
    def passages(self) -> Sequence[Any]: ...  # sources.Passage: .keys, .sentences

    @property
    def passage_keys(self) -> Sequence[Sequence[str]]: ...

    @property
    def passage_postings(self) -> Postings: ...


@dataclass
class LexicalMatch:
    passage: Any  # sources.Passage
    alignment: TokenAlignment


def best_lexical(
    keys: Sequence[str],
    index: LexicalIndex,
    k: int,
    gaps: frozenset[int] = frozenset(),
    ellipsis: bool = False,
    whole_edges: bool = False,
) -> LexicalMatch | None:
    """The passage whose words best match ``keys`` token by token (``whole_edges``: as in
    align.align_tokens)."""
    passages = index.passages
    if not keys or not passages:
        return None
    best: tuple[tuple[float, int, int], LexicalMatch] | None = None
    for p_idx, _ in lexical_candidates(keys, index.passage_keys, k, index.passage_postings):
        p = passages[p_idx]
        al = align_tokens(keys, p.keys, gaps, ellipsis, whole_edges)
        rank = (al.similarity, -len(p.sentences), -p_idx)
        if best is None or rank > best[0]:
            best = (rank, LexicalMatch(p, al))
    return best[1] if best else None
