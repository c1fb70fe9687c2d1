"""Split a document into paragraphs and sentences with offsets, lines, roles, sections.

Sentences come from syntok (measured the most accurate on news prose: "Joseph R.
Biden, Jr. spoke", "the U.S. will", "Feb. 5", quotations ending in ``,” he said.``).
Around it: paragraphs (a blank line, or a line break after sentence-final
punctuation or after a heading line), headings (Markdown ``#`` lines and short
lines without final punctuation), datelines and bylines at the top of the copy,
and, in sources, section labels ("With Russia: ...") and headings that open sections.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace

from verify.config import MAX_SENTENCE_CHARS
from verify.model import Document, Sentence

#: A line with at most this many words and no sentence-final punctuation is a heading.
HEADING_MAX_WORDS = 12
#: A "Label:" opening a source paragraph names a section when it has at most this many words.
SECTION_LABEL_MAX_WORDS = 6
#: A dateline or byline is looked for in at most this many characters at the top of a
#: paragraph (the longest in the real-world corpus is under 60): the patterns backtrack, so a
#: paragraph that is one long run of capitals and dashes must not reach them whole.
DATELINE_MAX_CHARS = 160
#: Only this many characters before a sentence break are read for a title ("Rep.", "Gov.").
TITLE_WINDOW_CHARS = 16

_TERMINAL = ".!?:;\"'\u201d\u2019)]\u2026"
_BLANK_LINE = re.compile(
    r"(?:\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029])[ "
    r"\t]*(?:\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029])\s*"
)
_LINE_BREAK = re.compile(r"\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]")
_MD_HEADING = re.compile(r"#{1,6}[ \t]+(?=\S)")
_SECTION_LABEL = re.compile(r"(?P<label>[A-Z][^\n:.!?;\"\u201c\u201d]{0,60}?):[ \t]+(?=\S)")
_BYLINE = re.compile(r"By\s+[A-Z][\w.'\u2019-]*(?:\s+(?:[A-Z][\w.'\u2019-]*|and|de|van|von))*\s*$")
_MONTHS = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
DATELINE_PATTERNS = (
    re.compile(r"date\s+\d{4}-\d{2}-\d{2}\s+"),
    re.compile(r"\d{4}-\d{2}-\d{2}(?:[ T]\d{2}:\d{2}(?::\d{2})?)?\s*(?:[-\u2013\u2014:|]\s*)?"),
    re.compile(_MONTHS + r"\s+\d{1,2},?\s+\d{4}\s*[-\u2013\u2014:|]\s*"),
    re.compile(
        r"[A-Z][A-Z.'\u2019-]+(?:\s+[A-Z][A-Z.'\u2019-]+){0,3}"
        r"(?:,\s*(?:[A-Z][a-z]+\.?|[A-Z]{2,})(?:\s+\d{1,2})?(?:,\s*\d{4})?)?"
        r"\s*(?:\([A-Za-z .&]+\)\s*)?[-\u2013\u2014]+\s+"
    ),
)
_WORD = re.compile(r"\w+")


def paragraphs(text: str) -> Iterator[tuple[int, int]]:
    """(start, end) of each paragraph, white space trimmed."""
    for block in _blocks(text):
        yield from block


def _blocks(text: str) -> Iterator[list[tuple[int, int]]]:
    """The paragraphs of each block of text between blank lines."""
    pos = 0
    for m in _BLANK_LINE.finditer(text):
        yield list(_split_lines(text, pos, m.start()))
        pos = m.end()
    yield list(_split_lines(text, pos, len(text)))


def _listed(text: str, block: list[tuple[int, int]]) -> set[int]:
    """Starts of the short unpunctuated lines of a block that stand with others like them
    (no blank line between): a list of statements, each a sentence, never headings (a heading
    stands alone, or alone above its paragraph). Bylines and Markdown headings do not count."""
    lines = {s for s, e in block if _is_listed_line(text[s:e])}
    return lines if len(lines) >= 2 else set()


def _is_listed_line(line: str) -> bool:
    return (
        "\n" not in line
        and "\r" not in line
        and _is_heading_line(line)
        and not _MD_HEADING.match(line)
        and not (len(line) <= DATELINE_MAX_CHARS and _BYLINE.match(line))
    )


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _is_heading_line(line: str) -> bool:
    stripped = line.strip()
    if not stripped:
        return False
    if _MD_HEADING.match(stripped):
        return True
    words = _WORD.findall(stripped)
    return 0 < len(words) <= HEADING_MAX_WORDS and stripped[-1] not in _TERMINAL + ","


_NON_SPACE = re.compile(r"\S")


def _split_lines(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """Break a block at line breaks that end a sentence or a heading; others are wraps. One
    pass: each line is looked at once (hard-wrapped text without punctuation stays linear)."""
    start, end = _trim(text, start, end)
    if start >= end:
        return
    para_start = start
    line_start = start
    last_line = ""  # the latest line with text since para_start, right-stripped
    for m in _LINE_BREAK.finditer(text, start, end):
        line = text[line_start : m.start()].rstrip()
        if line:
            last_line = line
        line_start = m.end()
        nxt = _NON_SPACE.search(text, m.end(), end)
        first = text[nxt.start()] if nxt else ""
        next_opens = bool(first) and (
            first.isupper() or first.isdigit() or first in "#\"\u201c\u2018'*-"
        )
        if last_line and (
            last_line[-1] in _TERMINAL or (_is_heading_line(last_line) and next_opens)
        ):
            s, e = _trim(text, para_start, m.start())
            if s < e:
                yield s, e
            para_start = m.end()
            last_line = ""
    s, e = _trim(text, para_start, end)
    if s < e:
        yield s, e


def _syntok_sentences(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    from syntok import segmenter

    chunk = text[start:end]
    for para in segmenter.analyze(chunk):
        for sent in para:
            if not sent:
                continue
            s = sent[0].offset
            last = sent[-1]
            e = last.offset + len(last.value)
            s, e = max(0, s), min(len(chunk), e)
            # syntok may leave a closing quotation mark after the final stop outside
            while e < len(chunk) and chunk[e] in "\"'\u201d\u2019)":
                e += 1
            if s < e:
                yield start + s, start + e


_SENTENCE_END = re.compile(r"[.!?\u2026\u3002\uff01\uff0e\uff1f]")


def _sentences_in(text: str, start: int, end: int) -> list[tuple[int, int]]:
    if end - start > MAX_SENTENCE_CHARS and not _SENTENCE_END.search(text, start, end):
        return [_trim(text, start, end)]  # one over-long "sentence": the limit cuts it, not syntok
    spans = list(_syntok_sentences(text, start, end))
    if not spans:
        return [(start, end)]
    # cover the whole paragraph: nothing syntok skipped is lost
    fixed: list[tuple[int, int]] = []
    prev_end = start
    for s, e in spans:
        s = max(s, prev_end)
        if s >= e:
            continue
        gap = text[prev_end:s]
        if gap.strip() and fixed:
            fixed[-1] = (fixed[-1][0], s)
        elif gap.strip():
            s = prev_end
        fixed.append((s, e))
        prev_end = e
    if text[prev_end:end].strip():
        if fixed:
            fixed[-1] = (fixed[-1][0], end)
        else:
            fixed.append((start, end))
    return [_trim(text, s, e) for s, e in _join_titles(text, fixed)]


#: Titles written with a stop before a name ("Rep. Terri Sewell", "Lt. Gov. Dan Patrick"):
#: a sentence never ends on one of them when a capitalised word follows.
TITLE_ABBREVIATIONS = frozenset(
    {
        "rep",
        "reps",
        "gov",
        "govs",
        "sen",
        "sens",
        "rev",
        "lt",
        "gen",
        "col",
        "sgt",
        "capt",
        "maj",
        "adm",
        "cmdr",
        "pres",
        "amb",
        "atty",
        "supt",
        "hon",
        "gov't",
        "mt",
        "ft",
        "msgr",
        "fr",
        "sr",
        "jr",
        "cpl",
        "pvt",
        "brig",
        "insp",
        "det",
    }
)
_LAST_WORD = re.compile(r"([A-Za-z']+)\.\s*$")


def _is_word_char(ch: str) -> bool:
    return ch.isascii() and (ch.isalpha() or ch == "'")


def _join_titles(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Join a sentence that ends on a title abbreviation to the next one (syntok splits
    "said Rep." / "Terri Sewell")."""
    out: list[tuple[int, int]] = []
    for s, e in spans:
        if out:
            ps, pe = out[-1]
            m = _LAST_WORD.search(text, max(ps, pe - TITLE_WINDOW_CHARS), pe)
            whole = m is not None and (m.start(1) == ps or not _is_word_char(text[m.start(1) - 1]))
            nxt = text[s:e].lstrip()[:1]
            if m and whole and m.group(1).casefold() in TITLE_ABBREVIATIONS and nxt.isupper():
                out[-1] = (out[-1][0], e)
                continue
        out.append((s, e))
    return out


def _pieces(text: str, start: int, end: int, limit: int) -> list[tuple[int, int]]:
    """[start, end) cut at white space into pieces of at most ``limit`` characters (a
    hard cut where a piece has no white space), each trimmed."""
    out = []
    pos = start
    while pos < end:
        while pos < end and text[pos].isspace():
            pos += 1
        if pos >= end:
            break
        stop = min(end, pos + limit)
        if stop < end:
            cut = stop
            while cut > pos and not text[cut].isspace():
                cut -= 1
            stop = cut if cut > pos else stop
        a, b = _trim(text, pos, stop)
        if b > a:
            out.append((a, b))
        pos = stop
    return out


def segment(doc: Document, is_source: bool = False) -> tuple[Sentence, ...]:
    """Sentences of ``doc`` in order. Sources get sections; the article gets datelines."""
    text = doc.text
    out: list[Sentence] = []
    section: str | None = None
    first_body = True

    def add(s: int, e: int, role: str, para: int) -> None:
        s, e = _trim(text, s, e)
        if s >= e:
            return
        if e - s > MAX_SENTENCE_CHARS:
            for a, b in _pieces(text, s, e, MAX_SENTENCE_CHARS):
                out.append(
                    Sentence(
                        doc=doc.id,
                        index=len(out),
                        start=a,
                        end=b,
                        line=doc.line(a),
                        text=text[a:b],
                        role=role,
                        section=section,
                        paragraph=para,
                        split=True,
                    )
                )
            return
        out.append(
            Sentence(
                doc=doc.id,
                index=len(out),
                start=s,
                end=e,
                line=doc.line(s),
                text=text[s:e],
                role=role,
                section=section,
                paragraph=para,
            )
        )

    paras: list[tuple[int, int]] = []
    listed: set[int] = set()
    for block in _blocks(text):
        paras += block
        listed |= set() if is_source else _listed(text, block)
    for para_no, (p_start, p_end) in enumerate(paras):
        para = text[p_start:p_end]
        md = _MD_HEADING.match(para)
        heading_like = "\n" not in para and "\r" not in para and _is_heading_line(para)
        if p_start not in listed and (md or heading_like):  # a listed line is a statement
            h_start = p_start + (md.end() if md else 0)
            if not is_source and len(para) <= DATELINE_MAX_CHARS and _BYLINE.match(para):
                add(p_start, p_end, "byline", para_no)
                continue
            if is_source:
                section = text[h_start:p_end].strip().rstrip(":").strip() or section
            add(h_start, p_end, "heading", para_no)
            continue
        body_start = p_start
        if is_source:
            label = _SECTION_LABEL.match(para)
            if label and len(_WORD.findall(label.group("label"))) <= SECTION_LABEL_MAX_WORDS:
                section = label.group("label").strip()
                body_start = p_start + label.end()
        elif first_body:
            for pattern in DATELINE_PATTERNS:
                m = pattern.match(para[:DATELINE_MAX_CHARS])
                if m and m.end() < len(para):
                    add(p_start, p_start + m.end(), "dateline", para_no)
                    body_start = p_start + m.end()
                    break
        first_body = False
        for s, e in _sentences_in(text, body_start, p_end):
            add(s, e, "body", para_no)
    if not is_source and not any(s.role == "body" for s in out):
        # copy that is only a headline is still a claim: never a silent pass on nothing
        out = [replace(s, role="body") if s.role == "heading" else s for s in out]
    return tuple(out)
