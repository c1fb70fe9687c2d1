"""The edit list of article words aligned to a source passage, one for quotations and for
claims that repeat a passage (near-copies): every replaced, added or dropped run of words, of
the kind edits.classify_edit gives it, placed where it stands in the article."""

from __future__ import annotations

from collections.abc import Sequence

from verify.align import Op
from verify.edits import COSMETIC_KINDS, classify_edit, notation_kind
from verify.model import Edit
from verify.normalize import Normalized
from verify.tokens import Token

#: Transcript notes between the words of a speech: never an edit when a quotation omits them.
STAGE_DIRECTIONS = frozenset(
    {
        "applause",
        "laughter",
        "cheers",
        "cheering",
        "booing",
        "boos",
        "crosstalk",
        "inaudible",
        "music",
        "silence",
        "pause",
        "audience",
        "laughs",
        "chanting",
    }
)


def aligned_edits(
    tokens: Sequence[Token],
    norm: Normalized,
    source: Sequence[Token],
    source_norm: Normalized,
    ops: Sequence[Op],
    fallback: int,
) -> list[tuple[Op, Edit]]:
    """Every word-level difference between article ``tokens`` (of ``norm``) and the passage
    ``source`` (of ``source_norm``) under the alignment ``ops``, each with the opcode it comes
    from; ``fallback``: the article offset of an edit with no article word to stand by."""
    edits: list[tuple[Op, Edit]] = []
    for op in ops:
        art = tokens[op.art_start : op.art_end]
        src = source[op.src_start : op.src_end]
        if op.tag == "equal":
            for a, s in zip(art, src, strict=True):
                if a.text != s.text:
                    edits.append(
                        (
                            op,
                            Edit(
                                "replace",
                                a.text,
                                s.text,
                                False,
                                "case",
                                None,
                                *norm.original_span(a.start, a.end),
                            ),
                        )
                    )
            continue
        a_text = span_text(norm, art)
        s_text = span_text(source_norm, src)
        if op.tag == "delete" and is_stage_direction(source_norm.text, src):
            continue  # "(Applause.)" in a transcript is not words the speaker said
        kind, detail = classify_edit([t.text for t in art], [t.text for t in src])
        if kind not in COSMETIC_KINDS and kind not in ("invisible", "homoglyph"):
            notation = notation_kind(a_text, s_text)  # "two"/"2", "Rev."/"Reverend": not an edit
            if notation is not None:
                kind, detail = notation, None
        edits.append(
            (
                op,
                Edit(
                    op.tag,
                    a_text,
                    s_text,
                    kind not in COSMETIC_KINDS,
                    kind,
                    detail,
                    *article_span(tokens, norm, op.art_start, op.art_end, fallback),
                ),
            )
        )
    return edits


def is_stage_direction(text: str, toks: Sequence[Token]) -> bool:
    """Tokens that are a parenthesised or bracketed transcript note: "(Applause.)"."""
    if not toks or len(toks) > 4:
        return False
    before = text[: toks[0].start].rstrip()[-1:]
    after = text[toks[-1].end :].lstrip(".").lstrip()[:1]
    return (
        before in "([" and after in ")]" and any(t.key.strip(".") in STAGE_DIRECTIONS for t in toks)
    )


def article_span(
    toks: Sequence[Token], norm: Normalized, first: int, last: int, fallback: int
) -> tuple[int, int]:
    """Article offsets of tokens [first, last); empty where words were dropped."""
    if last > first:
        return norm.original_span(toks[first].start, toks[last - 1].end)
    if first < len(toks):
        pos = norm.original_span(toks[first].start, toks[first].start + 1)[0]
    elif toks:
        pos = norm.original_span(toks[-1].start, toks[-1].end)[1]
    else:
        pos = fallback
    return pos, pos


def span_text(norm: Normalized, toks: Sequence[Token]) -> str:
    if not toks:
        return ""
    return norm.text[toks[0].start : toks[-1].end]
