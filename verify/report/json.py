"""JSON: ``Report.to_dict()`` (the contract: each record's fields beside its ``to_dict`` in
verify/model.py), stable key order."""

from __future__ import annotations

import json
from collections.abc import Sequence

from verify.model import Report

RUN_SCHEMA = "verify-run/1"


class JsonReporter:
    name = "json"
    label = "JSON"

    def render(self, report: Report) -> str:
        return json.dumps(report.to_dict(), ensure_ascii=False, indent=2) + "\n"

    def render_many(self, reports: Sequence[Report]) -> str:
        """Several articles: ``{"schema": "verify-run/1", "reports": [report, ...], "summary"}``."""
        data = {
            "schema": RUN_SCHEMA,
            "reports": [r.to_dict() for r in reports],
            "summary": {"articles": len(reports), "exit_code": max(r.exit_code for r in reports)},
        }
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
