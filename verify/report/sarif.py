"""SARIF 2.1.0 for code-scanning tools: one rule per verdict, one result per finding
with its region in the article (1-based lines and columns in Unicode code points) and
the source evidence as a related location."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from verify.model import Document, Report, Unit
from verify.report.findings import CLEAN, TITLES, findings, fingerprint, level, message, rule
from verify.report.view import artifact_uri
from verify.verdicts import DESCRIPTION, FLAGS, NEAREST_ONLY, QUOTE_VERDICTS, VERDICTS, ci_level

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
RULE_PREFIX = "verify/"


def _region(doc: Document, start: int, end: int, snippet: str | None = None) -> dict[str, Any]:
    sl, sc = doc.position(start)
    el, ec = doc.position(max(start, end))
    region: dict[str, Any] = {
        "startLine": sl,
        "startColumn": sc,
        "endLine": el,
        "endColumn": ec,
        "charOffset": start,
        "charLength": max(0, end - start),
    }
    if snippet is not None:
        region["snippet"] = {"text": snippet}
    return region


def _rules(fail_on: tuple[str, ...]) -> list[dict[str, Any]]:
    """One rule per finding verdict and flag."""
    rules = []
    for verdict in (*VERDICTS, *FLAGS):
        if verdict in CLEAN:
            continue
        what = "Quotation" if verdict in QUOTE_VERDICTS else "Claim"
        rules.append(
            {
                "id": RULE_PREFIX + verdict,
                "name": what + verdict.title().replace("_", ""),
                "shortDescription": {"text": TITLES[verdict]},
                "fullDescription": {"text": f"{what}: {DESCRIPTION[verdict]}."},
                "defaultConfiguration": {"level": ci_level(verdict, fail_on)},
                "properties": {"tags": ["quotation" if verdict in QUOTE_VERDICTS else "claim"]},
            }
        )
    return rules


class _Artifacts:
    """The run's artifacts, each document once, in the order first referred to."""

    def __init__(self) -> None:
        self.items: list[dict[str, Any]] = []
        self.index: dict[str, int] = {}

    def __call__(self, doc: Document) -> dict[str, Any]:
        uri = artifact_uri(doc)
        if uri not in self.index:
            self.index[uri] = len(self.items)
            self.items.append(
                {
                    "location": {"uri": uri},
                    "sourceLanguage": "text",
                    "encoding": doc.encoding,
                    "hashes": {"sha-256": doc.sha256},
                }
            )
        return {"uri": uri, "index": self.index[uri]}


def _related(unit: Unit, docs: dict[str, Document], artifact: _Artifacts) -> list[dict[str, Any]]:
    """The unit's evidence passages as related locations."""
    return [
        {
            "id": i,
            "message": {
                "text": ("nearest " if unit.verdict in NEAREST_ONLY else "")
                + "source passage"
                + (f" ({ev.section})" if ev.section else "")
                + f", similarity {ev.similarity:.2f}"
            },
            "physicalLocation": {
                "artifactLocation": artifact(docs[ev.source]),
                "region": _region(docs[ev.source], ev.start, ev.end, ev.text),
            },
        }
        for i, ev in enumerate(unit.evidence)
    ]


def _result(
    report: Report, unit: Unit, rule_index: dict[str, int], artifact: _Artifacts
) -> dict[str, Any]:
    """One finding as a SARIF result."""
    rid = RULE_PREFIX + rule(unit)
    result: dict[str, Any] = {
        "ruleId": rid,
        "ruleIndex": rule_index[rid],
        "level": level(report, unit),
        "message": {"text": message(unit)},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": artifact(report.article),
                    "region": _region(report.article, unit.start, unit.end, unit.text),
                }
            }
        ],
        "partialFingerprints": {"verifyFinding/v1": fingerprint(unit)},
        "properties": {
            "unit": unit.id,
            "kind": unit.kind,
            "verdict": unit.verdict,
            **({"flags": list(unit.flags)} if unit.flags else {}),
            "score": round(unit.score, 4),
        },
    }
    if report.baseline_used:
        accepted = unit.id in report.accepted
        result["baselineState"] = "unchanged" if accepted else "new"
        if accepted:
            result["suppressions"] = [
                {"kind": "external", "justification": "accepted in the verify baseline"}
            ]
    docs = {d.id: d for d in (report.article, *report.sources)}
    related = _related(unit, docs, artifact)
    if related:
        result["relatedLocations"] = related
    return result


class SarifReporter:
    name = "sarif"
    label = "SARIF"

    def render(self, report: Report) -> str:
        return self.render_many([report])

    def render_many(self, reports: Sequence[Report]) -> str:
        """One run for all articles (code scanning wants one run per tool)."""
        first = reports[0]
        rules = _rules(first.fail_on)
        rule_index = {r["id"]: i for i, r in enumerate(rules)}
        artifact = _Artifacts()
        results = []
        for report in reports:
            for d in (report.article, *report.sources):
                artifact(d)
            for unit in findings(report, include_accepted=True):
                results.append(_result(report, unit, rule_index, artifact))
        log = {
            "$schema": SARIF_SCHEMA,
            "version": "2.1.0",
            "runs": [
                {
                    "tool": {
                        "driver": {
                            "name": "verify",
                            "version": first.version,
                            "semanticVersion": first.version,
                            "rules": rules,
                        }
                    },
                    "columnKind": "unicodeCodePoints",
                    "artifacts": artifact.items,
                    "results": results,
                    "properties": {
                        "model": first.model,
                        "failOn": list(first.fail_on),
                        "exitCode": max(r.exit_code for r in reports),
                    },
                }
            ],
        }
        return json.dumps(log, ensure_ascii=False, indent=2) + "\n"
