"""Word edits of a quotation: what kind each is (case, spelling, punctuation, homoglyph,
invisible; pronoun, name, number, negation, word) and whether it is cosmetic."""

from __future__ import annotations

import re
from collections.abc import Sequence

from verify.normalize import describe_char, has_invisible, strip_invisible
from verify.tokens import MONTHS, WEEKDAYS, is_name, is_negation, is_pronoun, number_value

COSMETIC_KINDS = frozenset({"case", "punctuation", "spelling"})


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
