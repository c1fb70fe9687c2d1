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
    return fingerprint_of(
        unit.kind, unit.verdict, unit.text, unit.evidence[0].text if unit.evidence else None
    )


def fingerprint_of(kind: str, verdict: str, text: str, evidence: str | None) -> str:
    """The fingerprint of a finding described by these fields (as a baseline entry records
    them)."""
    h = hashlib.sha256()
    for part in (
        kind,
        verdict,
        " ".join(text.split()),
        *([" ".join(evidence.split())] if evidence is not None else []),
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
    return frozenset(_checked(p, i, entry) for i, entry in enumerate(data["findings"]))


def _checked(p: Path, i: int, entry: Any) -> str:
    """The entry's fingerprint, once it is the fingerprint of the finding the entry describes
    (what a reviewer reads in the baseline's diff): an entry cannot accept another finding."""
    if not isinstance(entry, dict) or not isinstance(entry.get("fingerprint"), str):
        raise ConfigError(f"{p}: baseline finding {i + 1} has no fingerprint")
    kind, verdict, text, evidence = (entry.get(k) for k in ("kind", "verdict", "text", "evidence"))
    if not all(isinstance(f, str) for f in (kind, verdict, text)) or not isinstance(
        evidence, str | None
    ):
        raise ConfigError(
            f"{p}: baseline finding {i + 1} lacks the kind, verdict, text or evidence it accepts"
        )
    if fingerprint_of(str(kind), str(verdict), str(text), evidence) != entry["fingerprint"]:
        raise ConfigError(
            f"{p}: baseline finding {i + 1} ({entry.get('unit', '?')}) does not describe the "
            "finding its fingerprint accepts (edited by hand?); recreate it with: verify "
            "baseline create"
        )
    return str(entry["fingerprint"])


def apply(report: Report, accepted: frozenset[str]) -> Report:
    """The report with the findings the baseline accepts marked as accepted."""
    ids = tuple(u.id for u in report.units if u.verdict not in CLEAN and fingerprint(u) in accepted)
    return replace(report, accepted=ids, baseline_used=True)
