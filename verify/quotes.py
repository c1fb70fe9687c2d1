"""Quotations in the copy: the words inside quotation marks, and who the copy says spoke them.

Marks: “…” „…“ ‟…” «…» 「…」 『…』 ❝…❞ 〝…〞 ``…'' ＂…＂ and straight "…" (double), ‹…›, ‘…’
and straight '…' (single, told from apostrophes by what stands around them). Nested
quotations are kept with depth 1. A quotation still open at the end of a paragraph is
closed there: when the next paragraph opens with a quotation mark it is the news convention of a
quotation running over paragraphs, otherwise it is reported as unclosed.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from verify.model import Document, Quote, Sentence, Warning_
from verify.segment import paragraphs

# “ „ ‟ « 「 『 ❝ 〝 open; ” » 」 』 ❞ 〞 〟 close; ＂ (full width) is read as a straight ".
#: An unclosed quotation runs to the end of its paragraph, but never further than this many
#: characters: a paragraph of stray opening marks would otherwise hold one copy of the rest of
#: the paragraph per mark (quadratic memory). The longest quotation in the real-world dev
#: articles is under 600 characters.
MAX_UNCLOSED_QUOTE_CHARS = 2000

DOUBLE_OPEN = "\u201c\u201e\u201f\u00ab\u300c\u300e\u275d\u301d"
DOUBLE_CLOSE = "\u201d\u00bb\u300d\u300f\u275e\u301e\u301f"
SINGLE_OPEN = "\u2018\u2039"
SINGLE_CLOSE = "\u2019\u203a"

ATTRIBUTION_VERBS = (
    "said says say stated states read reads added adds told tells wrote writes noted notes "
    "asked asks declared declares announced announces explained explains continued continues "
    "insisted insists remarked remarks tweeted tweets posted posts replied replies responded "
    "responds recalled recalls argued argues claimed claims warned warns acknowledged "
    "acknowledges conceded concedes confirmed confirms stressed stresses emphasized emphasizes "
    "emphasised emphasises urged urges predicted predicts observed observes admitted admits "
    "commented comments quipped joked shouted testified concluded concludes described describes "
    "reiterated reiterates pledged pledges vowed vows promised promises suggested suggests "
    "wrote"
).split()
PARTICIPLES = (
    "adding saying noting telling writing stating explaining arguing warning calling describing "
    "insisting stressing declaring announcing promising vowing"
).split()
PRONOUN_SPEAKERS = {"he", "she", "it", "they", "i", "we"}

_VERB = "|".join(sorted(set(ATTRIBUTION_VERBS), key=len, reverse=True))
_PART = "|".join(PARTICIPLES)
_WHO = r"(?P<who>[^\s,;:.!?\"\u201c\u201d\u2018][^,;:!?\"\u201c\u201d\u2018]{0,80}?)"
# after a quotation: ', the White House statement read.' / ', said Biden.' / ', it added.'
_AFTER_WHO_VERB = re.compile(rf"^[\s,]*{_WHO}\s+(?:{_VERB})\b", re.IGNORECASE)
_AFTER_VERB_WHO = re.compile(rf"^[\s,]*(?:{_VERB})\s+{_WHO}\s*(?:[.,;]|$)", re.IGNORECASE)
_ACCORDING = re.compile(rf"according to\s+{_WHO}\s*(?:[.,;]|$)", re.IGNORECASE)
# before a quotation: 'Biden said, ' / 'Psaki told reporters that ' / 'adding that '
_BEFORE_WHO_VERB = re.compile(
    rf"(?:^\s*|[,;:]\s*){_WHO}\s+(?:{_VERB})\b(?:\s+[\w\s'\u2019]{{0,40}}?)?(?:\s+that)?\s*[,:]?\s*$",
    re.IGNORECASE,
)
_BEFORE_PART = re.compile(rf"\b(?:{_PART})\b(?:\s+\w+)?(?:\s+that)?\s*[,:]?\s*$", re.IGNORECASE)
_SUBJECT_VERB = re.compile(rf"^(?:[^,]*,\s*)?{_WHO}\s+(?:{_VERB})\b", re.IGNORECASE)
_WORDS = re.compile(r"\w+")


@dataclass
class _Open:
    mark: str
    kind: str  # double | single
    pos: int  # offset of the mark
    straight: bool


def _is_word(ch: str) -> bool:
    return ch.isalnum()


def _scan_paragraph(
    text: str, start: int, end: int
) -> tuple[list[tuple[int, int, str, str | None, int]], list[int]]:
    """(open_pos, close_pos, open_mark, close_mark, depth) of quotations in one paragraph,
    and the positions of closing marks that closed nothing."""
    found: list[tuple[int, int, str, str | None, int]] = []
    stray: list[int] = []
    stack: list[_Open] = []

    def open_kinds() -> list[str]:
        return [o.kind for o in stack]

    def close(kind: str, pos: int, mark: str) -> bool:
        if kind not in open_kinds():
            return False
        while stack:
            o = stack.pop()
            if o.kind == kind:
                found.append((o.pos, pos, o.mark, mark, len(stack)))
                return True
            # an inner quotation left open: closed where its outer one closes
            if not o.straight:
                found.append((o.pos, pos, o.mark, None, len(stack)))
        return False

    for i in range(start, end):
        ch = text[i]
        prev = text[i - 1] if i > start else " "
        nxt = text[i + 1] if i + 1 < end else " "
        if ch == "`" and nxt == "`" and (i + 2 >= end or text[i + 2] != "`"):
            stack.append(_Open("``", "double", i + 1, False))  # ``TeX-style''
            continue
        if ch == "'" and nxt == "'" and any(o.mark == "``" for o in stack):
            close("double", i, "''")
            continue
        if ch == "'" and prev == "'" and found and found[-1][3] == "''" and found[-1][1] == i - 1:
            continue  # the second mark of ''
        if ch == "\uff02":
            ch = '"'
        if ch in DOUBLE_OPEN:
            stack.append(_Open(ch, "double", i, False))
        elif ch in DOUBLE_CLOSE:
            if not close("double", i, ch):
                stray.append(i)
        elif ch == '"':
            if "double" in open_kinds() and not (prev.isspace() and _is_word(nxt)):
                close("double", i, ch)
            else:
                stack.append(_Open(ch, "double", i, True))
        elif ch in SINGLE_OPEN:
            if ch == "\u2039" or not _is_word(prev):
                stack.append(_Open(ch, "single", i, False))
        elif ch in SINGLE_CLOSE or ch == "'":
            if _is_word(prev) and _is_word(nxt):
                continue  # apostrophe: Russia's, it's
            if "single" in open_kinds() and not _is_word(nxt) and not prev.isspace():
                close("single", i, ch)
            elif ch == "'" and not _is_word(prev) and _is_word(nxt):
                stack.append(_Open(ch, "single", i, True))
    # still open at the paragraph's end: straight singles were apostrophes; others run to the end
    for depth, o in enumerate(stack):
        if not (o.straight and o.kind == "single"):
            found.append((o.pos, end, o.mark, None, depth))
    return found, stray


def extract_quotes(
    doc: Document, sentences: tuple[Sentence, ...]
) -> tuple[tuple[Quote, ...], tuple[Warning_, ...]]:
    """Every quotation in ``doc`` in text order, with its speaker, and warnings."""
    text = doc.text
    raw: list[tuple[int, int, str, str | None, int]] = []
    warnings: list[Warning_] = []
    paras = list(paragraphs(text))
    for p_no, (p_start, p_end) in enumerate(paras):
        found, stray = _scan_paragraph(text, p_start, p_end)
        for pos in stray:
            warnings.append(
                Warning_(
                    doc.id,
                    "stray_quote_mark",
                    f"closing quotation mark {text[pos]!r} closes nothing",
                    pos,
                    pos + 1,
                    doc.line(pos),
                )
            )
        for item in found:
            o_pos, c_pos, o_mark, c_mark, depth = item
            if c_mark is None:
                continues = (
                    p_no + 1 < len(paras)
                    and text[paras[p_no + 1][0]] in DOUBLE_OPEN + SINGLE_OPEN + "\"'"
                )
                capped = c_pos - o_pos > MAX_UNCLOSED_QUOTE_CHARS
                if capped:  # each open mark would hold a copy of the rest of the paragraph
                    cut = text.rfind(" ", o_pos + 1, o_pos + MAX_UNCLOSED_QUOTE_CHARS)
                    c_pos = cut if cut > o_pos + 1 else o_pos + MAX_UNCLOSED_QUOTE_CHARS
                    item = (o_pos, c_pos, o_mark, c_mark, depth)
                if not continues:
                    where = (
                        f"taken to run {MAX_UNCLOSED_QUOTE_CHARS:,} characters at most (limit "
                        "MAX_UNCLOSED_QUOTE_CHARS)"
                        if capped
                        else "taken to run to the end of its paragraph"
                    )
                    warnings.append(
                        Warning_(
                            doc.id,
                            "unclosed_quote",
                            f"quotation opened with {o_mark!r} is never closed; {where}",
                            o_pos,
                            c_pos,
                            doc.line(o_pos),
                        )
                    )
            raw.append(item)
    raw.sort()
    sent_starts = [s.start for s in sentences]
    # top-level opening and closing marks, sorted: the speaker search looks up its neighbours
    # by bisection, not by a scan of every quotation (many quotations stay linear)
    opens0 = sorted(o for o, _, _, _, d in raw if d == 0)
    closes0 = sorted(c for _, c, _, _, d in raw if d == 0)
    quotes: list[Quote] = []
    last_speaker: str | None = None
    for o_pos, c_pos, o_mark, c_mark, depth in raw:
        q_start, q_end = o_pos + 1, c_pos
        while q_start < q_end and text[q_start].isspace():
            q_start += 1
        while q_end > q_start and text[q_end - 1].isspace():
            q_end -= 1
        if q_start >= q_end or not _WORDS.search(text[q_start:q_end]):
            continue
        if o_mark == "'" and not re.search(r"[^\W\d_]{2}", text[q_start:q_end]):
            continue  # rock 'n' roll
        s_idx = max(0, bisect.bisect_right(sent_starts, o_pos) - 1) if sentences else 0
        speaker = None
        if depth == 0 and sentences:
            speaker = _speaker(text, sentences, s_idx, o_pos, c_pos, (opens0, closes0))
            if speaker and speaker.casefold() in PRONOUN_SPEAKERS and last_speaker:
                speaker = last_speaker
            if speaker:
                last_speaker = speaker
        quotes.append(
            Quote(
                start=q_start,
                end=q_end,
                line=doc.line(q_start),
                text=text[q_start:q_end],
                speaker=speaker,
                sentence=s_idx,
                open_mark=o_mark,
                close_mark=c_mark,
                depth=depth,
            )
        )
    return tuple(quotes), tuple(warnings)


def _speaker(
    text: str,
    sentences: tuple[Sentence, ...],
    s_idx: int,
    o_pos: int,
    c_pos: int,
    marks: tuple[list[int], list[int]],
) -> str | None:
    sent = sentences[s_idx]
    # the sentence the quotation ends in bounds the text after it
    end_idx = s_idx
    while end_idx + 1 < len(sentences) and sentences[end_idx + 1].start <= c_pos:
        end_idx += 1
    sent_end = sentences[end_idx].end
    opens0, closes0 = marks
    i = bisect.bisect_right(opens0, c_pos)  # the next top-level quotation opening in the sentence
    after_end = opens0[i] if i < len(opens0) and opens0[i] < sent_end else sent_end
    after = text[c_pos + 1 : after_end]
    for pattern in (_AFTER_WHO_VERB, _AFTER_VERB_WHO):
        m = pattern.match(after)
        if m:
            return _clean_who(m.group("who"))
    m = _ACCORDING.search(after)
    if m:
        return _clean_who(m.group("who"))
    j = bisect.bisect_left(closes0, o_pos) - 1  # the last top-level close before it, same sentence
    before_start = closes0[j] + 1 if j >= 0 and closes0[j] >= sent.start else sent.start
    before = text[before_start:o_pos]
    m = _BEFORE_WHO_VERB.search(before)
    if m:
        return _clean_who(m.group("who"))
    if _BEFORE_PART.search(before):
        m = _SUBJECT_VERB.match(text[sent.start : o_pos])
        if m:
            return _clean_who(m.group("who"))
    m = _ACCORDING.search(before)
    if m:
        return _clean_who(m.group("who"))
    return None


def _clean_who(who: str) -> str | None:
    who = " ".join(who.split()).strip(" ,;:")
    words = _WORDS.findall(who)
    if not words or len(words) > 10:
        return None
    return who
