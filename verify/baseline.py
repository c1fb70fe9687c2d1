"""Accepted findings: a baseline file records findings an editor has accepted, keyed by
content (the unit's kind, verdict, words and evidence), never by line, so a later run
reports only new ones. Nothing is written into the copy."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from verify.errors import ConfigError
from verify.model import Report, Unit
from verify.verdicts import CLEAN

SCHEMA = "verify-baseline/1"


def fingerprint(unit: Unit) -> str:
    """Content key of a finding: kind, verdict, its words (white space folded) and the
    words of its first evidence passage."""
    h = hashlib.sha256()
    for part in (
        unit.kind,
        unit.verdict,
        " ".join(unit.text.split()),
        *(" ".join(e.text.split()) for e in unit.evidence[:1]),
    ):
        h.update(part.encode("utf-8", "surrogatepass"))
        h.update(b"\x00")
    return h.hexdigest()[:32]


def create(reports: Sequence[Report]) -> str:
    """A baseline accepting every current finding of ``reports`` (JSON text)."""
    entries: dict[str, dict[str, Any]] = {}
    for report in reports:
        for u in report.units:
            if u.verdict in CLEAN:
                continue
            entries.setdefault(
                fingerprint(u),
                {
                    "fingerprint": fingerprint(u),
                    "article": report.article.path,
                    "unit": u.id,
                    "kind": u.kind,
                    "verdict": u.verdict,
                    "text": u.text,
                    "evidence": u.evidence[0].text if u.evidence else None,
                },
            )
    data = {
        "schema": SCHEMA,
        "findings": sorted(entries.values(), key=lambda e: (e["article"], e["fingerprint"])),
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def load(path: str | Path) -> frozenset[str]:
    """The fingerprints a baseline file accepts."""
    p = Path(path)
    try:
        raw = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(
            f"{p}: no such baseline file (create one with: verify baseline create)"
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(
            f"{p}: cannot read baseline ({getattr(exc, 'strerror', None) or exc})"
        ) from None
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise ConfigError(
            f"{p}: baseline is not valid JSON ({exc.msg} at line {exc.lineno} column {exc.colno})"
        ) from None
    except (RecursionError, ValueError) as exc:  # nested thousands deep; a number too long
        what = "nested too deep" if isinstance(exc, RecursionError) else str(exc).split(";")[0]
        raise ConfigError(f"{p}: not a verify baseline ({what})") from None
    if (
        not isinstance(data, dict)
        or data.get("schema") != SCHEMA
        or not isinstance(data.get("findings"), list)
    ):
        raise ConfigError(
            f'{p}: not a verify baseline (expected an object with "schema": "{SCHEMA}" and '
            '"findings")'
        )
    prints = []
    for i, entry in enumerate(data["findings"]):
        if not isinstance(entry, dict) or not isinstance(entry.get("fingerprint"), str):
            raise ConfigError(f"{p}: baseline finding {i + 1} has no fingerprint")
        prints.append(entry["fingerprint"])
    return frozenset(prints)


def apply(report: Report, accepted: frozenset[str]) -> Report:
    """The report with the findings the baseline accepts marked as accepted."""
    ids = tuple(u.id for u in report.units if u.verdict not in CLEAN and fingerprint(u) in accepted)
    return replace(report, accepted=ids, baseline_used=True)
