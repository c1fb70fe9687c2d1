"""GitHub Actions workflow commands: one ``::error``/``::warning``/``::notice`` line per
finding, pointing at the article's lines and columns."""

from __future__ import annotations

from verify.model import Report
from verify.report.findings import TITLES, findings, level, message, rule
from verify.report.view import artifact_uri, plain

COMMAND = {"error": "error", "warning": "warning", "note": "notice"}


def escape_data(text: str) -> str:
    """The message part of a workflow command (as @actions/core escapes it)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A property value of a workflow command."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


class GithubReporter:
    name = "github"
    label = "GitHub annotations"

    def render(self, report: Report) -> str:
        doc = report.article
        path = artifact_uri(doc) if not doc.path.startswith("/") else doc.path
        lines = []
        for unit in findings(report):
            sl, sc = doc.position(unit.start)
            el, ec = doc.position(unit.end)
            props = [f"file={escape_property(path)}", f"line={sl}", f"endLine={el}"]
            if sl == el:  # GitHub ignores columns on annotations that span lines
                props += [f"col={sc}", f"endColumn={ec}"]
            props.append(f"title={escape_property(f'{unit.id} {TITLES[rule(unit)]}')}")
            lines.append(
                f"::{COMMAND[level(report, unit)]} {','.join(props)}::{escape_data(message(unit))}"
            )
        for w in report.warnings:  # what the reader must know that is not a verdict
            if w.doc != doc.id:
                continue
            props = [f"file={escape_property(path)}"] + ([f"line={w.line}"] if w.line else [])
            props.append(f"title={escape_property('verify: ' + w.kind.replace('_', ' '))}")
            lines.append(f"::warning {','.join(props)}::{escape_data(plain(w.message))}")
        return "".join(line + "\n" for line in lines)
