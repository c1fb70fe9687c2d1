"""Terminal output: findings in article order, each with verdict, both sides' words,
section, edits and the reason; then what the copy left out, and a summary."""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Sequence

from rich.console import Console
from rich.markup import escape

from verify.model import Report, Unit
from verify.report.view import plain
from verify.verdicts import STYLE

WIDTH = 100


def _line(text: str) -> str:
    """Copy or a file name as one inert terminal line: hidden and control characters
    (ESC, bidi, zero-width) shown as ⟨U+XXXX⟩, line breaks folded, rich markup escaped."""
    return escape(" ".join(plain(text).split()))


def _short(text: str, limit: int = 160) -> str:
    text = " ".join(plain(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


class TextReporter:
    name = "text"
    label = "text"

    def __init__(self, color: bool = False) -> None:
        self.color = color

    def render(self, report: Report) -> str:
        buf = io.StringIO()
        con = Console(
            file=buf,
            width=WIDTH,
            force_terminal=self.color,
            no_color=not self.color,
            highlight=False,
            emoji=False,
            soft_wrap=False,
        )
        art = report.article
        names = ", ".join(f"{d.id} {_line(d.path)}" for d in report.sources)
        con.print(f"[bold]verify[/] {_line(art.path)} against {names}")
        for w in report.warnings:
            where = f" line {w.line}" if w.line else ""
            con.print(f"[magenta]warning[/] {w.doc}{where}: {_line(w.message)}")
        con.print()
        for unit in report.units:
            self._unit(con, report, unit)
        self._not_judged(con, report)
        self._omitted(con, report)
        counts = {k: v for k, v in report.verdict_counts().items() if v}
        counts |= {k: v for k, v in report.flag_counts().items() if v}
        parts = " · ".join(f"[{STYLE[k]}]{k}[/] {v}" for k, v in counts.items())
        failing = len(report.failing())
        con.print(
            f"[bold]{len(report.units)} units[/]: {parts or 'none'}\n"
            f"{failing} finding{'s' if failing != 1 else ''} at or above --fail-on "
            f"({', '.join(report.fail_on) or 'nothing'})"
            + (f", {len(report.accepted)} more accepted in the baseline" if report.accepted else "")
            + f"; exit code {report.exit_code}"
        )
        return buf.getvalue()

    def render_many(self, reports: Sequence[Report]) -> str:
        parts = [self.render(r) for r in reports]
        worst = max(r.exit_code for r in reports)
        failing = sum(1 for r in reports if r.exit_code)
        parts.append(
            f"{len(reports)} articles, {failing} with findings at or above --fail-on; exit code "
            f"{worst}\n"
        )
        return "\n".join(parts)

    def _unit(self, con: Console, report: Report, unit: Unit) -> None:
        style = STYLE.get(unit.verdict, "")
        who = f" — {_line(unit.speaker)}" if unit.speaker else ""
        mark = ("\u201c", "\u201d") if unit.kind == "quote" else ("", "")
        accepted = " [dim](accepted in the baseline)[/]" if unit.id in report.accepted else ""
        con.print(
            f"[bold]{unit.id:<4}[/][{style}]{unit.verdict:<13}[/] line {unit.line:<4} "
            f"{mark[0]}{escape(_short(unit.text))}{mark[1]}{who}{accepted}"
        )
        pad = " " * 4
        dates = {d.id: d.date for d in report.sources}
        for ev in unit.evidence[:3]:
            section = f" · {_line(ev.section)}" if ev.section else ""
            date = f" ({_line(dates[ev.source] or '')})" if dates.get(ev.source) else ""
            con.print(
                f"{pad}[dim]source {ev.source}{date}{section} · line {ev.line} · "
                f"{ev.similarity:.2f}:[/] "
                f"{escape(_short(ev.text))}"
            )
        for e in unit.edits:
            label = "edit" if e.meaningful else "cosmetic"
            if unit.kind == "claim" and e.meaningful and unit.verdict == "contradicted":
                label = "conflict"
            src = _line(e.source) or "∅"
            art = _line(e.article) or "∅"
            detail = f"; {_line(e.detail)}" if e.detail else ""
            con.print(
                f"{pad}{label}: source [green]{src}[/] → article [red]{art}[/] ({e.kind}{detail})"
            )
        for span in unit.unsupported_spans:
            con.print(f"{pad}not in sources: [red]{escape(_short(span.text))}[/]")
        if unit.strength is not None:
            flag = unit.strength.direction
            levels = (
                f" (strength {unit.strength.evidence} → {unit.strength.claim})"
                if unit.strength.evidence != unit.strength.claim
                else ""
            )
            con.print(
                f"{pad}[{STYLE[flag]}]{flag}[/]: source says {escape(_line(_said(unit)))}, "
                f"the copy {escape(_line(_made(unit)))}{levels}"
            )
        con.print(f"{pad}[dim]why: {_line(unit.reason)}[/]")

    def _not_judged(self, con: Console, report: Report) -> None:
        skipped = report.not_judged()
        if not skipped:
            return
        con.print(
            f"[bold]Not judged[/]: {len(skipped)} line{'s' if len(skipped) != 1 else ''} of the "
            "copy"
        )
        for n in skipped:
            con.print(f"    line {n.line:<4} [dim]{_line(n.why)}:[/] {escape(_short(n.text, 100))}")

    def _omitted(self, con: Console, report: Report) -> None:
        if not report.omitted:
            return
        groups = Counter((o.source, o.section or "(no section)") for o in report.omitted)
        con.print()
        con.print(f"[bold]Left out[/]: {len(report.omitted)} source passages the copy does not use")
        for (src, section), n in groups.items():
            con.print(f"    {src} · {_line(section)}: {n}")
        con.print()


def _said(unit: Unit) -> str:
    assert unit.strength is not None
    return ", ".join(f"'{w}'" for w in unit.strength.evidence_words) or "it more weakly"


def _made(unit: Unit) -> str:
    assert unit.strength is not None
    return ", ".join(f"'{w}'" for w in unit.strength.claim_words) or "states it plainly"
