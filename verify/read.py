"""Read input files (plain text, Markdown, HTML, PDF) or standard input into Documents.

Decoding, in order: a byte-order mark (UTF-8, UTF-16, UTF-32); strict UTF-8;
charset-normalizer, accepted only above a confidence floor. Binary input (NUL
bytes without a UTF-16/32 BOM, or bytes nothing decodes) and empty or
whitespace-only input are refused with an InputError naming the file. Nothing
is ever decoded with replacement characters.

Line endings are kept as they are; line numbers follow ``model.line_starts``.
For HTML and PDF the "original text" is the text extracted from the file (main
article text by trafilatura; page text by pypdf, verify/formats.py): offsets refer to that
text.
"""

from __future__ import annotations

import codecs
import hashlib
import os
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from verify.errors import ConfigError, InputError
from verify.formats import html_text, pdf_text
from verify.model import Document, line_starts

#: charset-normalizer "chaos" (mess ratio, 0..1) above which a detected decoding is
#: refused rather than trusted. Its own default accepts up to 0.2; we refuse earlier
#: because a wrong decoding silently changes the words we verify.
ENCODING_MAX_CHAOS = 0.1

#: Encodings preferred, in this order, when charset-normalizer rates several
#: candidates equally (short inputs): the web's default legacy encoding first.
ENCODING_TIE_PREFERENCE = ("cp1252", "iso8859_15", "latin_1")

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le", "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "utf-32"),
    (codecs.BOM_UTF8, "utf-8", "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "utf-16"),
)

#: The one table of document formats: a file name ending -> how it is read. A folder
#: given as an article or a source stands for every file with one of these endings; adding
#: an input format is one entry here (and its reader in ``document_from_bytes``).
FORMAT_BY_SUFFIX: dict[str, str] = {
    ".txt": "text",
    ".text": "text",
    ".md": "markdown",
    ".markdown": "markdown",
    ".mdown": "markdown",
    ".mkd": "markdown",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".pdf": "pdf",
}
DOCUMENT_SUFFIXES: tuple[str, ...] = tuple(FORMAT_BY_SUFFIX)
HTML_SUFFIXES = {s for s, f in FORMAT_BY_SUFFIX.items() if f == "html"}
MARKDOWN_SUFFIXES = {s for s, f in FORMAT_BY_SUFFIX.items() if f == "markdown"}
PDF_SUFFIXES = {s for s, f in FORMAT_BY_SUFFIX.items() if f == "pdf"}


def walk_documents(folder: str) -> tuple[list[str], list[str]]:
    """(documents, other files) under ``folder``: recursively, sorted, hidden files and
    folders skipped; documents are the files whose ending is in FORMAT_BY_SUFFIX. A folder
    stands for the documents under it: a document that links outside it (``zz.txt ->
    ../../private/token.txt``) is refused, naming it; a link inside the folder is fine."""
    found: list[str] = []
    skipped: list[str] = []
    base = os.path.realpath(folder)
    for root, dirs, names in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(names):
            if name.startswith("."):
                continue
            full = os.path.join(root, name)
            regular = os.path.isfile(full)  # a FIFO or a device named "x.txt" is never read
            document = regular and name.lower().endswith(DOCUMENT_SUFFIXES)
            if document and not _inside(os.path.realpath(full), base):
                raise InputError(
                    f"{full}: links outside the folder {folder} (to {os.path.realpath(full)}); "
                    "a folder stands for the documents under it: name that file itself, or "
                    "remove the link"
                )
            (found if document else skipped).append(full)
    return found, skipped


def _inside(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def collect_files(paths: Sequence[str | os.PathLike[str]], what: str = "source") -> list[str]:
    """Files named, and the documents inside folders named (see walk_documents); each
    file once, in the order given."""
    out: list[str] = []
    for raw in paths:
        p = os.fspath(raw)
        if p != "-" and os.path.isdir(p):
            found, _ = walk_documents(p)
            if not found:
                raise ConfigError(
                    f"{p}: folder holds no {what} files ({', '.join(DOCUMENT_SUFFIXES)})"
                )
            out += found
        else:
            out.append(p)
    return list(dict.fromkeys(out))


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str
    note: str | None = None


def display_name(path: str) -> str:
    return "<stdin>" if path == "-" else path


#: The largest input file read, in bytes: copy and official texts are far smaller; a
#: bigger file is refused, never read without end.
MAX_INPUT_BYTES = 50_000_000


def file_sha256(path: str | os.PathLike[str]) -> str:
    """The sha256 of a file's bytes, read in blocks."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_bytes(path: str) -> bytes:
    """The raw bytes of ``path`` ("-" is standard input)."""
    name = display_name(path)
    if path == "-":
        try:
            data = sys.stdin.buffer.read(MAX_INPUT_BYTES + 1)
            if len(data) > MAX_INPUT_BYTES:
                raise InputError(
                    f"standard input: larger than {MAX_INPUT_BYTES // 1_000_000} MB (limit "
                    "MAX_INPUT_BYTES)"
                )
            return data
        except InputError:
            raise
        except (OSError, AttributeError, ValueError) as exc:
            raise InputError(f"cannot read standard input: {exc}") from None
    p = Path(path)
    try:
        if p.is_dir():
            raise InputError(f"{name}: is a directory, not a file")
        if p.exists() and not p.is_file():
            raise InputError(
                f"{name}: not a regular file (a device, a pipe or a socket is never read)"
            )
        with open(p, "rb") as fh:
            data = fh.read(MAX_INPUT_BYTES + 1)
        if len(data) > MAX_INPUT_BYTES:
            raise InputError(
                f"{name}: larger than {MAX_INPUT_BYTES // 1_000_000} MB (limit MAX_INPUT_BYTES)"
            )
        return data
    except InputError:
        raise
    except FileNotFoundError:
        raise InputError(f"{name}: no such file") from None
    except PermissionError:
        raise InputError(f"{name}: permission denied") from None
    except OSError as exc:
        raise InputError(f"{name}: cannot read ({exc.strerror or exc})") from None


#: A well-formed multi-byte UTF-8 sequence: a file holding one is UTF-8, whatever else it holds.
_UTF8_MULTIBYTE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)


def _mostly_utf8(data: bytes) -> bool:
    """UTF-8 with a few bad bytes, not a legacy encoding whose bytes form UTF-8 sequences by
    chance: nearly every byte above 0x7F belongs to a well-formed UTF-8 sequence."""
    high = sum(1 for b in data if b > 0x7F)
    covered = sum(len(m.group()) for m in _UTF8_MULTIBYTE.finditer(data))
    return covered > 0 and high - covered <= max(3, high // 100)


#: A UTF-16 surrogate code point standing alone in decoded text.
_SURROGATE = re.compile("[\ud800-\udfff]")


def decode(data: bytes, name: str, encoding: str | None = None) -> Decoded:
    """Decode ``data`` by the module's rules; ``encoding`` forces one codec."""
    if encoding:
        try:
            info = codecs.lookup(encoding)
        except LookupError:
            raise InputError(f"unknown encoding {encoding!r} (for {name})") from None
        if not getattr(info, "_is_text_encoding", True):
            raise InputError(f"{encoding!r} is not a text encoding (for {name})")
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError as exc:
            bad = data[exc.start : exc.start + 1]
            raise InputError(f"{name}: not valid {encoding} (byte {exc.start}: {bad!r})") from None
        lone = _SURROGATE.search(text)
        if lone is not None:  # unicode_escape turns "\ud800" into a character no file can hold
            line = text.count("\n", 0, lone.start()) + 1
            raise InputError(
                f"{name}: decoded as {encoding}, line {line} holds a lone surrogate "
                f"(U+{ord(lone.group()):04X}), which is not text"
            )
        return Decoded(text, encoding, f"decoded as {encoding} (--encoding)")
    for bom, codec, label in _BOMS:
        if data.startswith(bom):
            try:
                return Decoded(data[len(bom) :].decode(codec), label, f"byte-order mark: {label}")
            except UnicodeDecodeError:
                raise InputError(
                    f"{name}: starts with a {label} byte-order mark but is not valid {label}"
                ) from None
    if b"\x00" in data:
        raise InputError(f"{name}: binary file (contains NUL bytes), not text")
    try:
        return Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError as exc:
        if _mostly_utf8(data):
            # UTF-8 text with a bad sequence: never read the whole file as a codepage for it
            raise InputError(
                f"{name}: not valid UTF-8 at byte {exc.start} "
                f"({data[exc.start : exc.start + 4]!r}), though the rest is UTF-8; "
                "fix the file or pass --encoding"
            ) from None
    return _detect(data, name)


def _detect(data: bytes, name: str) -> Decoded:
    from charset_normalizer import from_bytes

    results = [
        r
        for r in from_bytes(data)
        if not r.encoding.startswith(("utf_16", "utf_32"))  # never without a BOM
        and r.chaos <= ENCODING_MAX_CHAOS
    ]
    if not results:
        raise InputError(
            f"{name}: cannot tell its text encoding with confidence (not UTF-8, no BOM); "
            "pass --encoding"
        )
    best_chaos = min(r.chaos for r in results)
    tied = [r for r in results if r.chaos == best_chaos]
    chosen_codec = tied[0].encoding
    chaos = tied[0].chaos
    # on short input many single-byte codecs tie; where one of the tied readings is
    # exactly what a preferred codec reads, take the preferred codec
    for preferred in ENCODING_TIE_PREFERENCE:
        try:
            reading = data.decode(preferred)
        except UnicodeDecodeError:
            continue
        if any(str(r) == reading or r.encoding == preferred for r in tied):
            chosen_codec = preferred
            break
    codec = chosen_codec
    try:
        text = data.decode(codec)
    except UnicodeDecodeError:  # pragma: no cover - charset-normalizer checked it
        raise InputError(f"{name}: cannot decode as {codec}; pass --encoding") from None
    return Decoded(
        text,
        codec,
        f"not UTF-8; detected {codec} by charset-normalizer (chaos {chaos:.3f})",
    )


def _looks_binary(text: str) -> bool:
    """Text with many C0 control characters (besides tab and line breaks) is binary."""
    if not text:
        return False
    sample = text[:65536]
    controls = sum(1 for c in sample if ord(c) < 32 and c not in "\t\n\r\f\v\x1c\x1d\x1e")
    return controls > max(8, len(sample) // 100)


def sniff_format(path: str, data: bytes) -> str:
    suffix = Path(path).suffix.lower() if path != "-" else ""
    if suffix in PDF_SUFFIXES or data.startswith(b"%PDF-"):
        return "pdf"
    if suffix in HTML_SUFFIXES:
        return "html"
    if suffix in MARKDOWN_SUFFIXES:
        return "markdown"
    head = data[:512].lstrip().lower()
    if head.startswith((b"<!doctype html", b"<html")):
        return "html"
    return "text"


def document_from_bytes(
    data: bytes, path: str, doc_id: str, encoding: str | None = None, fmt: str | None = None
) -> Document:
    """Build a Document from raw bytes (the path is only for names and format)."""
    name = display_name(path)
    fmt = fmt or sniff_format(path, data)
    if not data:
        raise InputError(f"{name}: empty file")
    notes: list[str] = []
    if fmt == "pdf":
        text = pdf_text(data, name)
        enc = "pdf"
        notes.append("text extracted from PDF by pypdf; offsets refer to the extracted text")
    else:
        decoded = decode(data, name, encoding)
        text, enc = decoded.text, decoded.encoding
        if decoded.note:
            notes.append(decoded.note)
        if _looks_binary(text):
            raise InputError(f"{name}: binary file (control characters), not text")
        if fmt == "html":
            text = html_text(text, name)
            notes.append(
                "main text extracted from HTML by trafilatura; offsets refer to the extracted text"
            )
    if not text.strip():
        raise InputError(f"{name}: no text (empty or only white space)")
    return Document(
        id=doc_id,
        path=name,
        text=text,
        sha256=hashlib.sha256(data).hexdigest(),
        encoding=enc,
        format=fmt,
        notes=tuple(notes),
        line_index=line_starts(text),
        date=document_date(name, text),
    )


def read_document(
    path: str | os.PathLike[str], doc_id: str, encoding: str | None = None
) -> Document:
    """Read one file ("-" for standard input) into a Document."""
    p = os.fspath(path)
    return document_from_bytes(read_bytes(p), p, doc_id, encoding)


def document_from_text(text: str, path: str, doc_id: str) -> Document:
    """A Document from text already in memory (library use)."""
    if not text.strip():
        raise InputError(f"{path}: no text (empty or only white space)")
    return Document(
        id=doc_id,
        path=path,
        text=text,
        sha256=hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest(),
        encoding="str",
        format="text",
        line_index=line_starts(text),
    )


_DATE_IN_NAME = re.compile(r"(?<!\d)(1[6-9]\d\d|20\d\d)-(0[1-9]|1[0-2])-([0-2]\d|3[01])(?!\d)")
_MONTHS = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
_DATE_IN_TEXT = re.compile(
    r"\b(" + "|".join(m.capitalize() for m in _MONTHS) + r")\s+(\d{1,2}),\s+(\d{4})\b"
)


def document_date(path: str, text: str) -> str | None:
    """The document's date, ISO 8601: from a YYYY-MM-DD in its file name, else the first
    "Month D, YYYY" in its first 2,000 characters, else None."""
    m = _DATE_IN_NAME.search(os.path.basename(path))
    if m:
        return "-".join(m.groups())
    m = _DATE_IN_TEXT.search(text[:2000])
    if m:
        month = _MONTHS.index(m.group(1).lower()) + 1
        return f"{m.group(3)}-{month:02d}-{int(m.group(2)):02d}"
    return None
