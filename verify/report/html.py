"""HTML: one self-contained page (inline CSS and JS, no network) with the article on the
left, the sources on the right, every unit coloured by verdict, word-level diffs for
quotations, unsupported spans for partial claims and the passages the copy left out.

Safe by construction: Jinja2 autoescaping for every text from the inputs; invisible and
control characters shown as visible marks; the data handed to the script is JSON with
``<``, ``>``, ``&`` (and U+2028/9) escaped; the script never writes markup; a
Content-Security-Policy allows only this page's own style and script (by hash).
"""

from __future__ import annotations

import base64
import hashlib
import itertools
import json
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

from verify.model import SCHEMA, Document, Report, Unit
from verify.report.view import is_hidden_char, plain, text_parts
from verify.strength import STRENGTH_NAMES
from verify.verdicts import DESCRIPTION, NEAREST_ONLY, TONE

__all__ = ["HtmlReporter", "plain", "text_parts"]


@dataclass
class Piece:
    """A run of text with the marks that apply to it."""

    text: str
    classes: str = ""
    attrs: dict[str, str] = field(default_factory=dict)


def _cut(length: int, bounds: set[int]) -> list[tuple[int, int]]:
    points = sorted({0, length, *(b for b in bounds if 0 <= b <= length)})
    return [(a, b) for a, b in itertools.pairwise(points) if b > a]


def _covering(
    pieces: list[tuple[int, int]], intervals: list[tuple[int, int, Any]]
) -> list[list[Any]]:
    """For each piece, the payloads of the intervals that contain it (a sweep: pieces are
    cut at every interval bound, so a piece is inside an interval or outside it)."""
    opens: dict[int, list[int]] = {}
    closes: dict[int, list[int]] = {}
    for i, (s, e, _) in enumerate(intervals):
        if e > s:
            opens.setdefault(s, []).append(i)
            closes.setdefault(e, []).append(i)
    active: dict[int, None] = {}
    out: list[list[Any]] = []
    for a, _b in pieces:
        for i in closes.pop(a, ()):
            active.pop(i, None)
        for i in opens.pop(a, ()):
            active[i] = None
        out.append([intervals[i][2] for i in active])
    return out


def _article_pieces(report: Report) -> list[Piece]:
    text = report.article.text
    units = report.units
    spans: list[tuple[int, int, str]] = []  # unsupported spans and edits: (start, end, class)
    drops: dict[int, list[str]] = {}
    for u in units:
        for s in u.unsupported_spans:
            spans.append((s.start, s.end, "un"))
        for e in u.edits:
            if e.start is None or e.end is None:
                continue
            if e.end > e.start:
                spans.append((e.start, e.end, "em" if e.meaningful else "ec"))
            else:
                drops.setdefault(e.start, []).append(e.source)
    bounds = (
        {b for u in units for b in (u.start, u.end)}
        | {b for s in spans for b in s[:2]}
        | set(drops)
    )
    pieces: list[Piece] = []
    cuts = _cut(len(text), bounds)
    unit_cover = _covering(cuts, [(u.start, u.end, u) for u in units])
    span_cover = _covering(cuts, spans)
    for (a, b), in_units, in_spans in zip(cuts, unit_cover, span_cover, strict=True):
        if a in drops:
            pieces.append(
                Piece(
                    "\u2038", "drop", {"title": "dropped from the source: " + " / ".join(drops[a])}
                )
            )
        covering = sorted(in_units, key=lambda u: (u.end - u.start, u.id))
        classes = []
        attrs: dict[str, str] = {}
        if covering:
            inner = covering[0]
            classes += ["u", f"v-{inner.verdict}", f"t-{TONE[inner.verdict]}"]
            outer_claim = next((u for u in covering if u.kind == "claim" and u is not inner), None)
            if outer_claim is not None:
                classes.append(f"o-{TONE[outer_claim.verdict]}")
            attrs["data-units"] = " ".join(u.id for u in covering)
            attrs["data-verdict"] = inner.verdict
        classes += sorted(set(in_spans))
        pieces.append(Piece(text[a:b], " ".join(classes), attrs))
    return pieces


def _source_pieces(report: Report, doc: Document, omitted_ids: dict[int, str]) -> list[Piece]:
    text = doc.text
    sents = [s for s in report.source_sentences if s.doc == doc.id]
    ev = [(e.start, e.end, u.id) for u in report.units for e in u.evidence if e.source == doc.id]
    om = [
        (o.start, o.end, omitted_ids[i]) for i, o in enumerate(report.omitted) if o.source == doc.id
    ]
    bounds = {b for s in sents for b in (s.start, s.end)} | {b for x in ev + om for b in x[:2]}
    pieces: list[Piece] = []
    cuts = _cut(len(text), bounds)
    sent_cover = _covering(cuts, [(s.start, s.end, s) for s in sents])
    ev_cover = _covering(cuts, ev)
    om_cover = _covering(cuts, om)
    for (a, b), in_sents, in_ev, in_om in zip(cuts, sent_cover, ev_cover, om_cover, strict=True):
        classes = []
        attrs: dict[str, str] = {}
        sent = in_sents[0] if in_sents else None
        if sent is not None:
            classes.append("s")
            if sent.section:
                attrs["data-section"] = sent.section
            attrs["data-line"] = str(doc.line(a))
        hits = sorted(set(in_ev), key=_unit_order)
        if hits:
            attrs["data-ev"] = " ".join(hits)
        oms = in_om
        if oms:
            classes.append("om")
            attrs["data-om"] = oms[0]
        pieces.append(Piece(text[a:b], " ".join(classes), attrs))
    return pieces


def _unit_order(uid: str) -> tuple[str, int]:
    return uid[:1], int(uid[1:]) if uid[1:].isdigit() else 0


def _edit_diff(report: Report, unit: Unit) -> list[dict[str, Any]]:
    """A quotation's or a near-copy's words as parts: equal text, and replace/insert/delete
    edits in place."""
    text = report.article.text
    edits = sorted(
        (e for e in unit.edits if e.start is not None and e.end is not None),
        key=lambda e: (e.start or 0, e.end or 0),
    )
    parts: list[dict[str, Any]] = []
    pos = unit.start
    for e in edits:
        assert e.start is not None and e.end is not None
        if e.start < pos:  # overlapping edits are listed in the table, not drawn twice
            continue
        if e.start > pos:
            parts.append({"op": "equal", "text": text[pos : e.start]})
        parts.append(
            {
                "op": e.op,
                "article": text[e.start : e.end] if e.end > e.start else "",
                "source": e.source,
                "meaningful": e.meaningful,
                "kind": e.kind,
                "detail": e.detail,
            }
        )
        pos = e.end
    if pos < unit.end:
        parts.append({"op": "equal", "text": text[pos : unit.end]})
    return parts


def _claim_parts(unit: Unit) -> list[tuple[bool, str]]:
    """The claim's text as (unsupported?, text) parts."""
    out: list[tuple[bool, str]] = []
    pos = unit.start
    for s in sorted(unit.unsupported_spans, key=lambda s: s.start):
        if s.start < pos or s.end > unit.end:
            continue
        if s.start > pos:
            out.append((False, unit.text[pos - unit.start : s.start - unit.start]))
        out.append((True, unit.text[s.start - unit.start : s.end - unit.start]))
        pos = s.end
    if pos < unit.end:
        out.append((False, unit.text[pos - unit.start :]))
    return out


def script_json(data: Any) -> str:
    """JSON safe inside a <script> element: no ``<``, ``>``, ``&``, line separators or
    other hidden characters."""
    raw = json.dumps(data, ensure_ascii=False, sort_keys=False, separators=(",", ":"))
    raw = raw.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
    # hidden characters (bidi overrides, zero-width, controls) as escapes, never raw
    return "".join(json.dumps(ch)[1:-1] if is_hidden_char(ch) else ch for ch in raw)


@cache
def _asset(name: str) -> str:
    return resources.files("verify.report").joinpath("templates", name).read_text(encoding="utf-8")


def _csp_hash(content: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(content.encode("utf-8")).digest()).decode(
        "ascii"
    )


@cache
def _environment() -> Any:
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("verify.report", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["parts"] = text_parts
    env.filters["plain"] = plain
    return env


class HtmlReporter:
    name = "html"
    label = "HTML"

    def render(self, report: Report) -> str:
        css, js = _asset("report.css"), _asset("report.js")
        omitted_ids = {i: f"O{i + 1}" for i in range(len(report.omitted))}
        counts = report.verdict_counts()
        data = report.to_dict()
        # the page needs the findings, not every sentence again
        data["article"] = {
            k: v for k, v in data["article"].items() if k not in ("sentences", "quotes")
        }
        context = {
            "report": report,
            "css": css,
            "js": js,
            "csp": (
                f"default-src 'none'; style-src '{_csp_hash(css)}'; script-src '{_csp_hash(js)}'; "
                "img-src 'none'; base-uri 'none'; form-action 'none'"
            ),
            "data_json": script_json(data),
            "data_schema": SCHEMA,
            "article_pieces": _article_pieces(report),
            "sources": [(d, _source_pieces(report, d, omitted_ids)) for d in report.sources],
            "counts": [(v, n) for v, n in counts.items() if n],
            "tone": TONE,
            "nearest_only": NEAREST_ONLY,
            "not_judged": report.not_judged(),
            "description": DESCRIPTION,
            "strength_names": STRENGTH_NAMES,
            "failing": {u.id for u in report.failing()},
            "diffs": {
                u.id: _edit_diff(report, u)
                for u in report.units
                if (u.kind == "quote" and u.edits) or any(e.start is not None for e in u.edits)
            },
            "claim_parts": {u.id: _claim_parts(u) for u in report.units if u.unsupported_spans},
            "omitted": [(omitted_ids[i], o) for i, o in enumerate(report.omitted)],
            "source_paths": {d.id: d.path for d in report.sources},
            "source_dates": {d.id: d.date for d in report.sources},
        }
        return _environment().get_template("report.html.j2").render(context)
