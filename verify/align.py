"""Candidate source passages for a unit: lexical (rapidfuzz over word tokens) and
semantic (cosine over embedding arrays). Plain data and arrays in, plain data out;
no model is loaded here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein


def cosine_matrix(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Cosine similarities of unit-length rows: shape (len(a), len(b))."""
    if a.size == 0 or b.size == 0:
        return np.zeros((a.shape[0] if a.ndim == 2 else 0, b.shape[0] if b.ndim == 2 else 0), dtype=np.float32)
    return np.clip(a @ b.T, -1.0, 1.0)


def top_indices(scores: np.ndarray, k: int) -> list[int]:
    """Indices of the ``k`` highest scores, best first, ties by lower index (deterministic)."""
    if scores.size == 0:
        return []
    order = np.lexsort((np.arange(scores.size), -scores))
    return [int(i) for i in order[:k]]


def lexical_candidates(query: Sequence[str], passages: Sequence[Sequence[str]], k: int) -> list[tuple[int, float]]:
    """(passage index, partial-ratio score 0..1) of the ``k`` passages whose tokens best
    contain the query's tokens, best first."""
    if not query or not passages:
        return []
    found = process.extract(list(query), passages, scorer=fuzz.partial_ratio, processor=None, limit=None)
    ranked = sorted(((idx, score / 100.0) for _, score, idx in found), key=lambda t: (-t[1], t[0]))
    return ranked[:k]


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


def align_tokens(article: Sequence[str], source: Sequence[str], gaps: frozenset[int] = frozenset(),
                 free_gap: bool = False) -> TokenAlignment:
    """Align article tokens to the best window of source tokens.

    ``gaps``: article token positions before which an editorial gap stands (``[…]``
    or ``…``); source words dropped there are absorbed, not counted as edits.
    ``free_gap``: an ellipsis is present, so the whole source is the window.
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
    raw = Levenshtein.opcodes(list(source[ws:we]), list(article))
    ops = [Op(o.tag, o.src_start + ws, o.src_end + ws, o.dest_start, o.dest_end) for o in raw]
    # a quotation is a fragment: source words before its first or after its last word are not edits
    while ops and ops[0].tag == "delete":
        ops.pop(0)
    while ops and ops[-1].tag == "delete":
        ops.pop()
    if not ops:
        return TokenAlignment(ws, ws, (), 0, 0.0)
    ws, we = ops[0].src_start, ops[-1].src_end
    kept: list[Op] = []
    absorbed = 0
    for op in ops:
        if op.tag == "delete" and op.art_start in gaps:
            absorbed += op.src_end - op.src_start
            continue
        kept.append(op)
    merged = _merge(kept)
    matched = sum(o.art_end - o.art_start for o in merged if o.tag == "equal")
    window = (we - ws) - absorbed
    similarity = 2.0 * matched / (n + window) if n + window else 0.0
    return TokenAlignment(ws, we, tuple(merged), matched, similarity)


def _merge(ops: list[Op]) -> list[Op]:
    """Adjacent non-equal opcodes become one (``They`` → ``Two leaders``, not two edits)."""
    out: list[Op] = []
    for op in ops:
        if out and op.tag != "equal" and out[-1].tag != "equal" and out[-1].src_end == op.src_start \
                and out[-1].art_end == op.art_start:
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
