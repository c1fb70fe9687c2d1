"""Markdown for a pull-request or review comment: a summary line, a table of findings
with word-level diffs, and the evidence in collapsible blocks."""

from __future__ import annotations

import re

from verify.model import Report, Unit
from verify.normalize import describe_char
from verify.report.findings import TITLES, findings, level, rule
from verify.report.view import is_hidden_char

# Inline Markdown that could change meaning inside a table cell; block syntax (#, -, 1.)
# cannot start a cell, so it needs no escape.
_MD_SPECIAL = re.compile(r"([\\`*_\[\]|~])")
_ENTITIES = {"<": "&lt;", ">": "&gt;", "&": "&amp;", "@": "&#64;", "#": "&#35;"}


def md(text: str) -> str:
    """Text as inert Markdown inside a table cell: no markup, no HTML, one line."""
    out = []
    for ch in " ".join(text.split()):
        if is_hidden_char(ch):
            out.append(f"⟨{describe_char(ch).split(' ')[0]}⟩")
        else:
            out.append(_MD_SPECIAL.sub(r"\\\1", ch) if ch not in _ENTITIES else _ENTITIES[ch])
    return "".join(out)


def code(text: str) -> str:
    """A file name as an inline code span where that is safe (one line, printable, no
    backtick), else as escaped inert text: a name cannot end the span, start a new block,
    mention someone or link an issue."""
    if (
        text
        and text.isprintable()
        and "`" not in text
        and not any(is_hidden_char(ch) for ch in text)
    ):
        return f"`{text}`"
    return md(text)


def _words(unit: Unit, report: Report) -> str:
    """The unit's words, with its edits as ~~source~~ **article** (a quotation's, a
    near-copy's), or a claim's unsupported words as <ins>…</ins>."""
    placed = [e for e in unit.edits if e.start is not None]
    if unit.kind == "claim" and not placed:
        text = unit.text
        parts, pos = [], unit.start
        for s in sorted(unit.unsupported_spans, key=lambda s: s.start):
            if s.start < pos:
                continue
            parts.append(md(text[pos - unit.start : s.start - unit.start]))
            parts.append(f"<ins>{md(s.text)}</ins>")
            pos = s.end
        parts.append(md(text[pos - unit.start :]))
        return " ".join(p for p in parts if p)
    parts, pos = [], unit.start
    art = report.article.text
    for e in sorted(placed, key=lambda e: (e.start or 0, e.end or 0)):
        assert e.start is not None and e.end is not None
        if e.start < pos:
            continue
        parts.append(md(art[pos : e.start]))
        mark = "**" if e.meaningful else "_"
        if e.source:
            parts.append(f"~~{md(e.source)}~~")
        if e.end > e.start:
            parts.append(f"{mark}{md(art[e.start : e.end])}{mark}")
        pos = e.end
    parts.append(md(art[pos : unit.end]))
    words = " ".join(p for p in parts if p)
    return f"“{words}”" if unit.kind == "quote" else words


class MarkdownReporter:
    name = "markdown"
    label = "Markdown"

    def render(self, report: Report) -> str:
        """The comment, its sections in the order a reader sees them."""
        found = findings(report)
        counts = ", ".join(
            f"{v.replace('_', ' ')} {n}"
            for v, n in (report.verdict_counts() | report.flag_counts()).items()
            if n
        )
        failing = len(report.failing())
        out = [
            f"### verify: {md(report.article.path)}",
            "",
            f"Against {', '.join(f'{d.id} {code(d.path)}' for d in report.sources)}. "
            f"{len(report.units)} units: {counts or 'none'}. "
            f"**{failing} finding{'s' if failing != 1 else ''}** at or above `--fail-on` "
            f"({', '.join(report.fail_on) or 'nothing'})"
            + (
                f", {len(report.accepted)} more accepted in the baseline (not shown)"
                if report.accepted
                else ""
            )
            + f"; exit code {report.exit_code}.",
            "",
        ]
        if found:
            out += ["| | line | verdict | words | source |", "|---|---|---|---|---|"]
            for u in found:
                flag = "❌" if level(report, u) == "error" else "⚠️"
                ev = u.evidence[0] if u.evidence else None
                where = ""
                if ev:
                    section = f" · {md(ev.section)}" if ev.section else ""
                    where = f"{ev.source}{section} · line {ev.line}: {md(ev.text)}"
                verdict = " · ".join((u.verdict, *u.flags)).replace("_", " ")
                out.append(
                    f"| {flag} {u.id} | {u.line} | **{verdict}** | {_words(u, report)} | {where} |"
                )
            out += ["", "<details><summary>Why</summary>", ""]
            for u in found:
                out.append(f"- **{u.id}** {TITLES[rule(u)]}: {md(u.reason)}")
            out += ["", "</details>", ""]
        else:
            out += ["No findings: every quotation and claim is borne out by the sources.", ""]
        if report.warnings:
            out += ["**Warnings**", ""]
            out += [
                f"- {w.kind} ({w.doc}{f', line {w.line}' if w.line else ''}): {md(w.message)}"
                for w in report.warnings
            ]
            out.append("")
        skipped = report.not_judged()
        if skipped:
            out += [
                f"<details><summary>Not judged: {len(skipped)} "
                f"line{'s' if len(skipped) != 1 else ''} "
                "(headings, bylines, datelines, attribution only)</summary>",
                "",
            ]
            out += [f"- line {n.line} ({md(n.why)}): {md(n.text)}" for n in skipped]
            out += ["", "</details>", ""]
        if report.omitted:
            sections: dict[str, int] = {}
            for o in report.omitted:
                key = f"{o.source} · {o.section}" if o.section else o.source
                sections[key] = sections.get(key, 0) + 1
            out.append(
                "Left out of the copy: "
                + ", ".join(f"{md(k)} ({n})" for k, n in sections.items())
                + "."
            )
            out.append("")
        legend = (
            "~~source~~ **article**: a meaningful edit; _article_: cosmetic; "
            "<ins>words</ins>: not in the sources."
        )
        out.append(f"<sub>{legend} verify {report.version}.</sub>")
        return "\n".join(out) + "\n"
