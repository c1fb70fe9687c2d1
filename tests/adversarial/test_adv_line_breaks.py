"""One documented line rule (str.splitlines() breaks, CRLF once) in every report."""

from __future__ import annotations

import json
import re

from tests.conftest import FakeEmbedder
from verify import verify_documents
from verify.model import line_starts
from verify.read import document_from_bytes
from verify.report import get_reporter
from verify.report.html import HtmlReporter

SOURCE = "The minister said the budget will rise by four percent next year. Exports fell in March."
# each unit on its own line, the lines ended by every kind of break
BREAKS = ["\r\n", "\r", "\n", "\u2028", "\x85", "\r\n"]
LINES = [
    'The minister said "the budget will rise by four percent next year."',
    "Exports fell sharply in March.",
    'She added "the budget will rise by five percent next year."',
    "Officials met on Tuesday to discuss trade.",
    'He said "exports fell in March."',
    "Nobody commented on the plans.",
    "Imports grew.",
]


def article_text() -> str:
    return "".join(line + brk for line, brk in zip(LINES, [*BREAKS, ""], strict=True))


def expected_line(text: str, offset: int) -> int:
    """The rule spelt out independently: count the line ends before the offset."""
    return len(re.findall(r"\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]", text[:offset])) + 1


def test_line_numbers_agree_in_every_report() -> None:
    text = article_text()
    doc = document_from_bytes(text.encode("utf-8"), "mixed.txt", "A")
    assert len(line_starts(text)) == len(LINES) == len(text.splitlines())
    src = document_from_bytes(SOURCE.encode("utf-8"), "src.txt", "S1")
    report = verify_documents(doc, [src], embedder=FakeEmbedder())
    assert len({u.line for u in report.units}) == len(LINES)
    want = {u.id: expected_line(text, u.start) for u in report.units}
    assert {u.id: u.line for u in report.units} == want
    data = json.loads(get_reporter("json").render(report))
    assert {u["id"]: u["line"] for u in data["units"]} == want
    sarif = json.loads(get_reporter("sarif").render(report))
    for r in sarif["runs"][0]["results"]:
        region = r["locations"][0]["physicalLocation"]["region"]
        assert region["startLine"] == want[r["properties"]["unit"]]
        line_text = text.splitlines()[region["startLine"] - 1]
        unit = next(u for u in report.units if u.id == r["properties"]["unit"])
        assert line_text[region["startColumn"] - 1 :].startswith(unit.text)
    for row in get_reporter("github").render(report).splitlines():
        uid = re.search(r"title=(\w+) ", row).group(1)  # type: ignore[union-attr]
        assert f",line={want[uid]}," in row
    for line in get_reporter("text").render(report).splitlines():
        m = re.match(r"(\w+)\s+\w+\s+line (\d+)", line)
        if m and m.group(1) in want:
            assert int(m.group(2)) == want[m.group(1)]
    html = HtmlReporter().render(report)
    for uid, line in want.items():
        assert re.search(rf'id="card-{uid}".*?, line {line}[,<]', html, re.S)
