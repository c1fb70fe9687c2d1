"""What every reporter shares: the one rule for characters a reader cannot see, and
the text helpers built on it. No format module imports another; they all import this."""

from __future__ import annotations

import unicodedata
from pathlib import PurePath

from verify.model import Document
from verify.normalize import describe_char


def is_hidden_char(ch: str) -> bool:
    """Characters a reader cannot see or that could change how the page reads: format
    (bidi, zero-width) and control characters other than tab and line breaks."""
    if ch in "\t\n\r":
        return False
    cat = unicodedata.category(ch)
    return cat in ("Cf", "Cc", "Cs", "Co") or cat == "Zl" or cat == "Zp"


def text_parts(text: str) -> list[tuple[str, str]]:
    """Split text into ("t", words) and ("c", "U+202E …") parts; hidden characters become
    their own parts so the template shows them as marks."""
    parts: list[tuple[str, str]] = []
    buf: list[str] = []
    for ch in text:
        if is_hidden_char(ch):
            if buf:
                parts.append(("t", "".join(buf)))
                buf = []
            parts.append(("c", describe_char(ch)))
            if ch in "\u2028\u2029\x85\x0b\x0c":
                parts.append(("t", "\n"))
        else:
            buf.append(ch)
    if buf:
        parts.append(("t", "".join(buf)))
    return parts


def one_line(text: str) -> str:
    """A message line for a terminal or a CI log: hidden and control characters as
    ⟨U+XXXX⟩, line breaks too (a file name holding a newline cannot start a ``::error``
    line), so the message stays one line whatever a file name or the copy holds."""
    return "".join(
        "\u27e8" + f"U+{ord(ch):04X}" + "\u27e9" if ch in "\n\r" else ch for ch in plain(text)
    )


def plain(text: str) -> str:
    """Text with hidden characters written as ⟨U+XXXX⟩ (for places that take no markup)."""
    return "".join(
        v if k == "t" else "\u27e8" + v.split(" ")[0] + "\u27e9" for k, v in text_parts(text)
    )


def artifact_uri(doc: Document) -> str:
    """The document's path as a relative URI where it is relative, else a file URI."""
    if doc.path == "-" or doc.path.startswith("<"):
        return "stdin" if doc.path == "-" else doc.path.strip("<>").replace(" ", "-")
    path = PurePath(doc.path)
    if path.is_absolute():
        try:
            return path.as_uri()
        except ValueError:
            return path.as_posix()
    return path.as_posix()
