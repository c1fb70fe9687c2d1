"""The text of the formats that are not plain text: a PDF's pages (pypdf, within limits that
stop a compression bomb) and an HTML page's main article text (trafilatura, with the
characters it would drop kept)."""

from __future__ import annotations

import io
import re
from typing import Any

from verify.errors import InputError, first_line

#: The most a PDF's page contents may expand to, in bytes, all pages together (pypdf also stops
#: any one stream past 75 MB): a small compressed file must not become gigabytes of work.
MAX_PDF_EXPANDED_BYTES = 200_000_000


def _pdf_pages(reader: Any, name: str) -> list[str]:
    """The text of each page, refusing a page or a file that expands past the limits."""
    from pypdf.errors import LimitReachedError

    pages, total = [], 0
    for number, page in enumerate(reader.pages, 1):
        try:
            contents = page.get_contents()
            total += len(contents.get_data()) if contents is not None else 0
            if total > MAX_PDF_EXPANDED_BYTES:
                raise InputError(
                    f"{name}: the PDF's pages expand past {MAX_PDF_EXPANDED_BYTES // 1_000_000} MB "
                    f"by page {number} (limit MAX_PDF_EXPANDED_BYTES; a compression bomb?)"
                )
            pages.append((page.extract_text() or "").strip())
        except LimitReachedError:
            raise InputError(
                f"{name}: page {number} of the PDF expands past pypdf's decompression limit "
                "(a compression bomb?)"
            ) from None
    return pages


def pdf_text(data: bytes, name: str) -> str:
    try:
        import logging

        from pypdf import PdfReader

        logging.getLogger("pypdf").setLevel(logging.ERROR)  # its warnings are not our messages
    except ImportError:  # pragma: no cover
        raise InputError(f"{name}: reading PDF needs the pypdf package") from None
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise InputError(f"{name}: the PDF is encrypted; decrypt it first")
        pages = _pdf_pages(reader, name)
    except InputError:
        raise
    except MemoryError:
        raise InputError(f"{name}: the PDF expands beyond memory (a compression bomb?)") from None
    except Exception as exc:  # pypdf raises many kinds on damaged files: always one line naming it
        raise InputError(f"{name}: cannot read PDF ({first_line(exc)[:200]})") from None
    text = "\n\n".join(p for p in pages if p)
    bad = next(
        (i for i, ch in enumerate(text) if "\ud800" <= ch <= "\udfff" or ch == "\ufffd"), None
    )
    if bad is not None:
        raise InputError(
            f"{name}: the PDF's text holds an undecodable character at offset {bad} "
            f"({text[bad].encode('unicode_escape').decode()}); extract its text another way"
        )
    return text


#: Invisible (format) characters are written as this visible token around the HTML extraction,
#: which would strip them, and restored after it: HTML input keeps and flags them as text does.
_HIDDEN_TOKEN = "\u2983vfy{:04X}\u2984"
_HIDDEN_BACK = re.compile("\u2983vfy([0-9A-F]{4,6})\u2984")


def html_text(text: str, name: str) -> str:
    import trafilatura

    from verify.normalize import FORMAT_CHAR

    _refuse_deep_nesting(text, name)
    protected = FORMAT_CHAR.sub(
        lambda m: _HIDDEN_TOKEN.format(ord(m.group())), text.lstrip("\ufeff")
    )
    extracted = trafilatura.extract(
        protected,
        include_comments=False,
        include_tables=False,
        favor_recall=True,
        deduplicate=False,
    )
    if not extracted:
        raise InputError(f"{name}: no article text found in the HTML")
    extracted = _HIDDEN_BACK.sub(lambda m: chr(int(m.group(1), 16)), extracted)
    # trafilatura separates paragraphs with one newline; a blank line makes each a paragraph
    return "\n\n".join(line for line in extracted.split("\n") if line.strip())


def _refuse_deep_nesting(text: str, name: str) -> None:
    """HTML parsers stop at 256 nested elements and drop the text after them without a word:
    such a file is refused, never read in part."""
    if text.count("<") < 256:
        return
    from lxml import etree

    data = text.encode("utf-8", "surrogatepass")
    try:
        normal = etree.fromstring(data, etree.HTMLParser())
        deep = etree.fromstring(data, etree.HTMLParser(huge_tree=True))
    except (etree.LxmlError, ValueError):
        return  # the extractor says what is wrong with it
    if normal is None or deep is None:
        return
    if len("".join(deep.itertext())) > len("".join(normal.itertext())):
        raise InputError(
            f"{name}: the HTML nests elements more than 255 deep; the text after them would be "
            "lost: save the article as text or flatten the HTML"
        )
