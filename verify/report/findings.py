"""What CI formats report: the units that are findings, their level and a stable key."""

from __future__ import annotations

from verify.baseline import fingerprint
from verify.model import Edit, Report, Unit
from verify.report.view import plain
from verify.verdicts import CLEAN, TITLES, ci_level

__all__ = ["CLEAN", "TITLES", "findings", "fingerprint", "level", "message", "rule"]


def findings(report: Report, include_accepted: bool = False) -> list[Unit]:
    """Units a CI system should show, in article order (without those a baseline accepts):
    every verdict that is not clean, and every flagged claim."""
    return [
        u
        for u in report.units
        if (u.verdict not in CLEAN or u.flags) and (include_accepted or u.id not in report.accepted)
    ]


def rule(unit: Unit) -> str:
    """The finding's name: its verdict, or its flag when the verdict itself is clean (a
    supported claim that is overstated)."""
    return unit.flags[0] if unit.flags and unit.verdict in CLEAN else unit.verdict


def level(report: Report, unit: Unit) -> str:
    """SARIF level: error at or above --fail-on (the verdict or a flag), warning for other
    doubts, note for copied."""
    if set(unit.flags) & set(report.fail_on):
        return "error"
    return ci_level(rule(unit), report.fail_on)


def message(unit: Unit) -> str:
    """One-paragraph message: the words, the edits or conflicts, and the reason; hidden
    characters (bidi controls, zero-width) written as ⟨U+XXXX⟩ so they cannot reorder it."""
    return plain(_message(unit))


def _kind(unit: Unit, e: Edit) -> str:
    """An edit's kind; a claim's with what the edit does there ("word: antonym of 'valid'")."""
    return f"{e.kind}: {e.detail}" if unit.kind == "claim" and e.detail else e.kind


def _message(unit: Unit) -> str:
    words = " ".join(unit.text.split())
    if len(words) > 200:
        words = words[:199] + "\u2026"
    head = (
        f"{TITLES[rule(unit)]}: \u201c{words}\u201d"
        if unit.kind == "quote"
        else f"{TITLES[rule(unit)]}: {words}"
    )
    lines = [head]
    edits = [e for e in unit.edits if e.meaningful] or list(unit.edits)
    if edits:
        lines.append(
            "Edits: "
            + "; ".join(
                f"{e.source or '∅'} \u2192 {e.article or '∅'} ({_kind(unit, e)})" for e in edits
            )
        )
    for s in unit.unsupported_spans:
        lines.append(f"Not in the sources: {s.text}")
    if unit.strength is not None:
        lines.append(f"{unit.strength.direction.capitalize()}: {unit.strength.describe()}")
    if unit.evidence:
        ev = unit.evidence[0]
        where = ev.source + (f", {ev.section}" if ev.section else "") + f", line {ev.line}"
        lines.append(f"Source ({where}): {' '.join(ev.text.split())}")
    lines.append(f"Why: {unit.reason}")
    return "\n".join(lines)
