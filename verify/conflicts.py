"""Deterministic disagreements between a claim and a source passage about the same thing:
a number with the same unit, a date, a weekday, or a negation."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from verify.tokens import MONTHS, WEEKDAYS, Token, is_content, is_negation, number_value, stem


@dataclass
class Conflict:
    article: str
    source: str
    kind: str


def _numbers(tokens: Sequence[Token]) -> list[tuple[float, str | None, int]]:
    """(value, the content word after it, position) of every number token."""
    out = []
    for i, t in enumerate(tokens):
        v = number_value(t.key)
        if v is None or t.key in ("one", "first", "second", "half", "double"):
            continue
        nxt = next((stem(u.key) for u in tokens[i + 1:i + 3] if is_content(u.key) and number_value(u.key) is None), None)
        out.append((v, nxt, i))
    return out


def _dates(tokens: Sequence[Token]) -> set[tuple[int, int | None]]:
    out: set[tuple[int, int | None]] = set()
    for i, t in enumerate(tokens):
        m = MONTHS.get(t.key.rstrip("."))
        if m is None or not t.text[:1].isupper():
            continue
        day = None
        if i + 1 < len(tokens) and tokens[i + 1].key.isdigit() and 1 <= int(tokens[i + 1].key) <= 31:
            day = int(tokens[i + 1].key)
        out.add((m, day))
    return out


def find_conflicts(claim: Sequence[Token], source: Sequence[Token]) -> list[Conflict]:
    """Deterministic disagreements between a claim and a passage about the same thing:
    a number with the same unit, a date, a weekday, or negation."""
    conflicts: list[Conflict] = []
    src_values = {v for v, _, _ in _numbers(source)}
    for v, unit, i in _numbers(claim):
        if v in src_values or unit is None:
            continue
        for sv, sunit, j in _numbers(source):
            if sunit == unit and sv != v:
                conflicts.append(Conflict(claim[i].text, source[j].text, "number"))
                break
    cd, sd = _dates(claim), _dates(source)
    for m, d in cd:
        if (m, d) in sd or (d is None and any(sm == m for sm, _ in sd)):
            continue
        other = [x for x in sd if d is not None and x[1] is not None]
        if other:
            month_names = {v: k.capitalize() for k, v in MONTHS.items() if len(k) > 3 or k == "may"}
            conflicts.append(Conflict(f"{month_names[m]} {d}", f"{month_names[other[0][0]]} {other[0][1]}", "number"))
    cw = {t.key for t in claim if t.key in WEEKDAYS}
    sw = {t.key for t in source if t.key in WEEKDAYS}
    if cw and sw and not (cw & sw):
        conflicts.append(Conflict(sorted(cw)[0].capitalize(), sorted(sw)[0].capitalize(), "number"))
    c_neg = [t for t in claim if is_negation(t.key)]
    s_neg = [t for t in source if is_negation(t.key)]
    if bool(c_neg) != bool(s_neg):
        c_stems = {stem(t.key) for t in claim if is_content(t.key)}
        s_stems = {stem(t.key) for t in source if is_content(t.key)}
        if c_stems and len(c_stems & s_stems) / len(c_stems) >= 0.5:
            conflicts.append(Conflict(c_neg[0].text if c_neg else "(no negation)",
                                      s_neg[0].text if s_neg else "(no negation)", "negation"))
    return conflicts
