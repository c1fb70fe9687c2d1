"""Every report format on the seed pair, against golden files, plus the properties each
format promises (SARIF validates, annotations point at the right lines, Markdown and
HTML keep hostile text inert).

The seed is judged with the fake embedder here, so the files test rendering, not the
model. Update the gold after an intended change with:

    python -m pytest tests/test_reports.py --update-golden
"""

from __future__ import annotations

import html
import json
import os
import re
from html.parser import HTMLParser

import jsonschema
import pytest

from tests.conftest import ROOT, FakeEmbedder, hostile_lines
from verify import __version__, verify_documents, verify_files
from verify.model import Report
from verify.read import document_from_text
from verify.report import FORMATS, get_reporter
from verify.report.github import escape_data, escape_property
from verify.report.html import script_json
from verify.report.markdown import md

GOLDEN = ROOT / "tests" / "golden"
SCHEMA = json.loads(
    (ROOT / "tests" / "data" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8")
)
EXT = {
    "text": "txt",
    "json": "json",
    "html": "html",
    "sarif": "sarif",
    "github": "github.txt",
    "markdown": "md",
}


def scrub(text: str) -> str:
    """Remove what may change between releases without changing the report: the version."""
    return text.replace(__version__, "<VERSION>")


def judge_seed() -> Report:
    cwd = os.getcwd()
    os.chdir(ROOT)  # relative paths in every report, as a user running from the repository sees
    try:
        return verify_files(
            "corpora/seed/article.txt", ["corpora/seed/official.txt"], embedder=FakeEmbedder()
        )
    finally:
        os.chdir(cwd)


@pytest.fixture(scope="module")
def report() -> Report:
    return judge_seed()


@pytest.mark.parametrize("fmt", FORMATS)
def test_golden(report: Report, fmt: str, update_golden: bool) -> None:
    out = scrub(get_reporter(fmt).render(report))
    path = GOLDEN / f"seed.{EXT[fmt]}"
    if update_golden:
        path.write_text(out, encoding="utf-8", newline="\n")
    gold = path.read_text(encoding="utf-8")
    if fmt in ("json", "sarif"):
        assert json.loads(out) == json.loads(gold)
    else:
        assert out == gold


@pytest.mark.parametrize("fmt", FORMATS)
def test_same_input_same_bytes(report: Report, fmt: str) -> None:
    assert get_reporter(fmt).render(report) == get_reporter(fmt).render(judge_seed())


def test_sarif_validates_and_points_into_the_article(report: Report) -> None:
    log = json.loads(get_reporter("sarif").render(report))
    jsonschema.Draft4Validator(SCHEMA).validate(log)
    run = log["runs"][0]
    assert log["version"] == "2.1.0" and run["tool"]["driver"]["name"] == "verify"
    rule_ids = [r["id"] for r in run["tool"]["driver"]["rules"]]
    assert len(rule_ids) == len(set(rule_ids))
    lines = report.article.text.splitlines()
    found = [u for u in report.units if u.verdict not in ("verbatim", "supported")]
    assert [r["properties"]["unit"] for r in run["results"]] == [u.id for u in found]
    for result, unit in zip(run["results"], found, strict=True):
        assert rule_ids[result["ruleIndex"]] == result["ruleId"] == f"verify/{unit.verdict}"
        region = result["locations"][0]["physicalLocation"]["region"]
        assert lines[region["startLine"] - 1][region["startColumn"] - 1 :].startswith(
            unit.text[:20]
        )
        assert result["level"] == (
            "error"
            if unit.verdict in report.fail_on
            else "warning"
            if unit.verdict != "copied"
            else "note"
        )


def test_github_annotations_point_at_the_unit(report: Report) -> None:
    out = get_reporter("github").render(report)
    lines = report.article.text.splitlines()
    units = {u.id: u for u in report.units}
    rows = out.splitlines()
    assert rows and len(rows) == len(
        [u for u in report.units if u.verdict not in ("verbatim", "supported")]
    )
    for row in rows:
        m = re.fullmatch(
            r"::(error|warning|notice) "
            r"file=([^,]+),line=(\d+),endLine=(\d+)(?:,col=(\d+),endColumn=(\d+))?,title=([^:]+)::(.*)",
            row,
        )
        assert m, row
        level, path, line, _end_line, col, end_col, title, _message = m.groups()
        assert path == "corpora/seed/article.txt"
        unit = units[title.split(" ")[0]]
        assert int(line) == unit.line
        if col:
            assert lines[int(line) - 1][int(col) - 1 : int(end_col) - 1] == unit.text
        assert level == ("error" if unit.verdict in report.fail_on else "warning")
    q2 = next(r for r in rows if "title=Q2 " in r)
    assert "USA → us (pronoun); its → our (pronoun)" in q2


def test_workflow_command_escaping() -> None:
    assert escape_data("50% done\r\nnext") == "50%25 done%0D%0Anext"
    assert escape_property("a,b:c%") == "a%2Cb%3Ac%25"


def test_markdown_diff_and_inert_text(report: Report) -> None:
    out = get_reporter("markdown").render(report)
    q2 = next(line for line in out.splitlines() if "Q2 |" in line)
    assert "~~USA~~ **us** or ~~its~~ **our** allies" in q2
    assert md("<script>|@team #12 *x*") == "&lt;script&gt;\\|&#64;team &#35;12 \\*x\\*"


def test_script_json_cannot_close_the_script() -> None:
    data = {"t": "</script><script>alert(1)</script>&amp;\u2028"}
    out = script_json(data)
    assert "<" not in out and ">" not in out and "&" not in out and "\u2028" not in out
    assert json.loads(out) == data


# ------------------------------------------------------------ hostile text in the HTML


class Skeleton(HTMLParser):
    """Element and attribute names of a page, and the text of its scripts and styles."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, tuple[str, ...]]] = []
        self.raw: list[str] = []
        self._in: str | None = None

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, tuple(sorted(a for a, _ in attrs))))
        self._in = tag if tag in ("script", "style") else None

    def handle_data(self, data):
        if self._in:
            self.raw.append(data)

    def handle_endtag(self, tag):
        self._in = None


def skeleton(html: str) -> Skeleton:
    parser = Skeleton()
    parser.feed(html)
    parser.close()
    return parser


BENIGN_ARTICLE = 'The minister said "we will act". Officials met on Tuesday.'
BENIGN_SOURCE = "The minister said we will act. Officials met on Monday."


@pytest.fixture(scope="module")
def benign() -> Skeleton:
    doc = document_from_text(BENIGN_ARTICLE, "article.txt", "A")
    src = document_from_text(BENIGN_SOURCE, "source.txt", "S1")
    return skeleton(
        get_reporter("html").render(verify_documents(doc, [src], embedder=FakeEmbedder()))
    )


def _allowed(page: Skeleton, benign: Skeleton) -> None:
    kinds = set(benign.elements)
    # the same fixed elements: one CSP meta, one style, two scripts (data and code) ...
    for tag in ("script", "style", "meta", "html", "head", "body", "title"):
        assert [e for e in page.elements if e[0] == tag] == [
            e for e in benign.elements if e[0] == tag
        ], tag
    # ... every other element and attribute name is one the template writes ...
    extra = {e for e in page.elements if e not in kinds}
    assert all(
        e[0]
        in (
            "span",
            "li",
            "h2",
            "div",
            "tr",
            "td",
            "blockquote",
            "p",
            "del",
            "ins",
            "mark",
            "table",
            "thead",
            "tbody",
            "th",
            "ol",
            "ul",
            "section",
            "b",
            "article",
            "h3",
            "button",
        )
        for e in extra
    ), extra
    assert not any(
        a.startswith("on") or a in ("href", "src", "style", "action", "formaction")
        for e in page.elements
        for a in e[1]
    )
    # ... and the code is the page's own: no input text in a script or style but the escaped JSON
    assert page.raw[0] == benign.raw[0]  # style
    assert page.raw[-1] == benign.raw[-1]  # script


@pytest.mark.parametrize("role", ["article", "source", "file name"])
def test_hostile_text_leaves_html_structure_unchanged(role: str, benign: Skeleton) -> None:
    lines = hostile_lines()
    fake = FakeEmbedder()
    reporter = get_reporter("html")
    for line in lines:
        if role == "article":
            art, src = (
                document_from_text(line, "article.txt", "A"),
                document_from_text(BENIGN_SOURCE, "source.txt", "S1"),
            )
        elif role == "source":
            art, src = (
                document_from_text(BENIGN_ARTICLE, "article.txt", "A"),
                document_from_text(line, "source.txt", "S1"),
            )
        else:
            art, src = (
                document_from_text(BENIGN_ARTICLE, line, "A"),
                document_from_text(BENIGN_SOURCE, line + ".src", "S1"),
            )
        report = verify_documents(art, [src], embedder=fake)
        page = reporter.render(report)
        _allowed(skeleton(page), benign)
        data = json.loads(
            page.split('<script type="application/json" id="verify-data">', 1)[1].split(
                "</script>", 1
            )[0]
        )
        assert data["units"] == json.loads(
            json.dumps(report.to_dict()["units"])
        )  # the data round-trips exactly


def test_hostile_text_is_shown_as_text(benign: Skeleton) -> None:
    payload = '<img src=x onerror="alert(1)"> & </script><script>alert(2)</script> \u202eevil\u202c'
    art = document_from_text(f'He said "{payload}" today.', "a<b>.txt", "A")
    src = document_from_text("He said nothing of the kind.", "s.txt", "S1")
    page = get_reporter("html").render(verify_documents(art, [src], embedder=FakeEmbedder()))
    _allowed(skeleton(page), benign)
    assert "&lt;img src=x onerror=&#34;alert(1)&#34;&gt;" in page
    assert "\u202e" not in page  # the override is shown as a mark, never written raw
    assert '<span class="cf" title="U+202E RIGHT-TO-LEFT OVERRIDE">⟨U+202E⟩</span>' in page
    assert "<title>verify: a&lt;b&gt;.txt</title>" in page


def test_html_is_self_contained(report: Report) -> None:
    page = get_reporter("html").render(report)
    assert not re.search(
        r"""(?<![\w-])(?:src|href)\s*=|@import|url\(|https?://""", page.split('id="verify-data"')[0]
    )
    csp = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">', page)
    assert csp
    policy = html.unescape(csp.group(1))
    assert (
        "default-src 'none'" in policy
        and "unsafe-inline" not in policy
        and "script-src 'sha256-" in policy
    )


def test_a_new_report_gets_the_mode_a_plain_file_gets(tmp_path):
    """Reports are meant to be shared: not 0600 from the atomic temporary file."""
    import os

    from verify.report import write_output

    old = os.umask(0o022)
    try:
        write_output(str(tmp_path / "new.json"), "{}\n")
        os.umask(0o077)
        write_output(str(tmp_path / "private.json"), "{}\n")
    finally:
        os.umask(old)
    assert (tmp_path / "new.json").stat().st_mode & 0o777 == 0o644
    assert (tmp_path / "private.json").stat().st_mode & 0o777 == 0o600


def test_a_replaced_report_keeps_its_mode(tmp_path):
    import os

    from verify.report import write_output

    path = tmp_path / "kept.txt"
    path.write_text("old\n")
    os.chmod(path, 0o640)
    write_output(str(path), "new\n")
    assert path.read_text() == "new\n" and path.stat().st_mode & 0o777 == 0o640
    assert not list(tmp_path.glob(".verify-*.tmp"))
