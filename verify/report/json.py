"""JSON: ``Report.to_dict()`` as the contract in DESIGN.md, stable key order."""

from __future__ import annotations

import json

from verify.model import Report


class JsonReporter:
    name = "json"
    label = "JSON"

    def render(self, report: Report) -> str:
        return json.dumps(report.to_dict(), ensure_ascii=False, indent=2) + "\n"
