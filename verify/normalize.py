"""The comparison form of a text, with a map from every normalised character back
to the original characters it came from.

Rules (applied per grapheme cluster, a base character and its combining marks):
Unicode NFKC; curly and other quotation marks to ``'`` and ``"``; dashes and
minus signs to ``-``; every run of white space to one space. Invisible format
characters (category Cf: zero-width space, bidi controls, soft hyphen) are KEPT,
so that a quotation containing one never compares equal to one without it; they
and mixed-script words are reported by ``flags()``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

SINGLE_QUOTES = "\u2018\u2019\u201a\u201b\u2032\u2035\u02bc\u00b4\u2039\u203a"
DOUBLE_QUOTES = (
    "\u201c\u201d\u201e\u201f\u2033\u2036\u00ab\u00bb\u300c\u300d\u300e\u300f"
    "\u275d\u275e\u301d\u301e\u301f\uff02"
)
DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"

#: Dashes that separate words even without spaces (em dash, horizontal bar): written between
#: two words they read as " - ", so the words stay two ("connection—whether").
SEPARATING_DASHES = "\u2014\u2015"

_TRANSLATE = {ord(c): "'" for c in SINGLE_QUOTES}
_TRANSLATE.update({ord(c): '"' for c in DOUBLE_QUOTES})
_TRANSLATE.update({ord(c): "-" for c in DASHES})

#: Every format character (Unicode category Cf), as a regex character class body.
CF_CHARS = "".join(
    chr(cp)
    for block in (range(0x20000), range(0xE0000, 0xE1000))
    for cp in block
    if unicodedata.category(chr(cp)) == "Cf"
)
CF_CLASS = "".join(f"\\U{ord(c):08x}" for c in CF_CHARS)
_CF_RE = re.compile(f"[{CF_CLASS}]")
#: One format (invisible) character.
FORMAT_CHAR = _CF_RE

BIDI_CONTROLS = frozenset(
    "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
)


@dataclass(frozen=True)
class Normalized:
    """Normalised text; ``starts[i]:ends[i]`` is the original span of character i."""

    text: str
    starts: tuple[int, ...]
    ends: tuple[int, ...]
    offset: int = 0  # where the normalised piece began in its document

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """Original (document) span of the normalised span ``[start, end)``."""
        if end <= start:
            pos = (
                self.starts[start]
                if start < len(self.starts)
                else (self.ends[-1] if self.ends else 0)
            )
            return pos + self.offset, pos + self.offset
        return self.starts[start] + self.offset, self.ends[end - 1] + self.offset


def _is_mark(ch: str) -> bool:
    return unicodedata.category(ch).startswith("M")


_RUNS = re.compile(r"[!-~]+|\s+|.", re.DOTALL)


def normalize(text: str, offset: int = 0) -> Normalized:
    """Normalise ``text`` (a slice of a document starting at ``offset``)."""
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    n = len(text)
    pending_space = -1  # original start of a run of white space not yet written
    pos = 0
    while pos < n:
        m = _RUNS.match(text, pos)
        assert m is not None
        i, j = m.start(), m.end()
        ch = text[i]
        if ch.isspace():
            if pending_space < 0:
                pending_space = i
            pos = j
            continue
        if pending_space >= 0:
            if out:
                out.append(" ")
                starts.append(pending_space)
                ends.append(i)
            pending_space = -1
        if "!" <= ch <= "~":
            # printable ASCII maps to itself, unless a combining mark follows the last one
            if j < n and _is_mark(text[j]):
                j -= 1
            if j > i:
                out.append(text[i:j])
                starts.extend(range(i, j))
                ends.extend(range(i + 1, j + 1))
                pos = j
                continue
        j = i + 1
        while j < n and _is_mark(text[j]):
            j += 1
        if ch in SEPARATING_DASHES and i and text[i - 1].isalnum() and j < n and text[j].isalnum():
            # "connection—whether": a dash between words, never a hyphen inside one
            out.extend(" - ")
            starts.extend((i, i, i))
            ends.extend((j, j, j))
            pos = j
            continue
        cluster = unicodedata.normalize("NFKC", text[i:j]).translate(_TRANSLATE)
        if not cluster:
            cluster = text[i:j]
        for c in cluster:
            out.append(" " if c.isspace() else c)
            starts.append(i)
            ends.append(j)
        pos = j
    return Normalized("".join(out), tuple(starts), tuple(ends), offset)


def strip_invisible(text: str) -> str:
    """``text`` without format (Cf) characters."""
    return _CF_RE.sub("", text)


def has_invisible(text: str) -> bool:
    return bool(_CF_RE.search(text))


def describe_char(ch: str) -> str:
    """``U+200B ZERO WIDTH SPACE``."""
    return f"U+{ord(ch):04X} {unicodedata.name(ch, 'UNNAMED')}"


def invisible_chars(text: str) -> list[tuple[int, str]]:
    """(offset, character) of every format character in ``text``."""
    return [(m.start(), m.group()) for m in _CF_RE.finditer(text)]


def visible(text: str) -> str:
    """``text`` with every format character shown as ``⟨U+XXXX⟩``; safe to print."""
    return _CF_RE.sub(lambda m: f"\u27e8U+{ord(m.group()):04X}\u27e9", text)
