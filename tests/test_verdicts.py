"""The verdict table is the one place a verdict is defined: every list, level and format
is derived from it, and every format renders every verdict."""

from __future__ import annotations

import json
import re
from dataclasses import replace

import pytest

from tests.conftest import SEED, FakeEmbedder
from verify import verify_texts
from verify.baseline import CLEAN as BASELINE_CLEAN
from verify.config import parse_fail_on
from verify.report import FORMATS, get_reporter
from verify.report.view import plain
from verify.verdicts import (
    BY_NAME,
    FAIL_ON_LEVELS,
    FLAG_TABLE,
    NEAREST_ONLY,
    VERDICT_TABLE,
    VERDICTS,
    ci_level,
)


@pytest.fixture(scope="module")
def seed_fake_report():
    article = (SEED / "article.txt").read_text(encoding="utf-8")
    official = (SEED / "official.txt").read_text(encoding="utf-8")
    return verify_texts(article, [official], embedder=FakeEmbedder())


def test_names_are_unique_and_kinds_match_the_contract():
    assert len(VERDICTS) == len(set(VERDICTS)) == len(VERDICT_TABLE)
    assert {v.kind for v in VERDICT_TABLE} == {"quote", "claim"}
    for v in VERDICT_TABLE:
        assert v.title and v.description and v.style and v.tone in ("ok", "warn", "bad", "none")


def test_levels_and_baseline_are_derived_from_the_table():
    assert FAIL_ON_LEVELS["default"] == tuple(v.name for v in VERDICT_TABLE if v.fails_by_default)
    assert parse_fail_on("strict") == tuple(v.name for v in VERDICT_TABLE if v.strict) + tuple(
        f.name for f in FLAG_TABLE if f.strict
    )
    assert parse_fail_on("understated,supported") == ("supported", "understated")
    assert BASELINE_CLEAN == frozenset(v.name for v in VERDICT_TABLE if v.clean)
    assert not set(FAIL_ON_LEVELS["default"]) & BASELINE_CLEAN  # a clean verdict never fails a run
    assert ci_level("copied", ()) == "note" and ci_level("copied", ("copied",)) == "error"


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_renders_every_verdict(seed_fake_report, fmt):
    claim = next(u for u in seed_fake_report.units if u.kind == "claim")
    quote = next(u for u in seed_fake_report.units if u.kind == "quote")
    for v in VERDICT_TABLE:
        unit = replace(claim if v.kind == "claim" else quote, verdict=v.name)
        report = replace(seed_fake_report, units=(unit,))
        out = get_reporter(fmt).render(report)
        if fmt in ("github", "sarif") and v.clean:
            assert v.title not in out, (fmt, v.name)  # a clean verdict is no finding in CI
            continue
        assert v.name in out or v.name.replace("_", " ") in out or v.title in out, (fmt, v.name)


def test_the_report_script_uses_the_table_s_nearest_passage_rule():
    """report.js names the nearest-only verdicts itself (it runs in the page): it must agree."""
    from importlib import resources

    js = (resources.files("verify.report") / "templates" / "report.js").read_text(encoding="utf-8")
    line = next(ln for ln in js.splitlines() if "nearest passage" in ln)
    assert set(re.findall(r'u\.verdict === "(\w+)"', line)) == set(NEAREST_ONLY)


def test_the_sarif_rules_cover_every_finding_verdict(seed_fake_report):
    rules = json.loads(get_reporter("sarif").render(seed_fake_report))["runs"][0]["tool"]["driver"][
        "rules"
    ]
    assert [r["id"].split("/")[-1] for r in rules] == [
        v for v in VERDICTS if not BY_NAME[v].clean
    ] + [f.name for f in FLAG_TABLE]


def test_escape_sequences_in_copy_never_reach_the_terminal_raw():
    """A quotation holding ESC[2J (clear screen) or a carriage return cannot rewrite its verdict."""
    article = (
        "The minister said the plan \x1b[2J\x1b[1;1Hwas \u201cfully funded\x1b]0;pwned\x07\u201d, "
        "officials confirmed.\rverbatim\n"
    )
    official = "The plan is fully funded, the minister said.\n"
    report = verify_texts(article, [official], embedder=FakeEmbedder())
    for fmt in ("text", "markdown", "github"):
        out = get_reporter(fmt).render(report)
        assert "\x1b" not in out and "\x07" not in out, fmt
    text = get_reporter("text").render(report)
    assert "\r" not in text and "\u27e8U+001B\u27e9" in text
    assert plain("a\x1bb") == "a\u27e8U+001B\u27e9b"


DUMMY = (
    'Verdict("embellished", "claim", False, False, True, False, "warn", "magenta", '
    '"Claim embellished", "the copy adds colour the sources lack"),\n'
)
DUMMY_SCRIPT = """
import sys
from dataclasses import replace
sys.path[:0] = [sys.argv[1], sys.argv[2]]  # the patched package first, then the tests
from tests.conftest import SEED, FakeEmbedder
from verify import Settings, verify_texts
from verify.config import parse_fail_on
from verify.report import FORMATS, get_reporter
settings = replace(Settings(), pair_model="none")
art = (SEED / "article.txt").read_text(encoding="utf-8")
src = (SEED / "official.txt").read_text(encoding="utf-8")
report = verify_texts(art, [src], settings, embedder=FakeEmbedder())
claim = next(u for u in report.units if u.kind == "claim")
report = replace(report, units=(replace(claim, verdict="embellished"),),
                 fail_on=parse_fail_on("embellished"))
for fmt in FORMATS:
    out = get_reporter(fmt).render(report)
    print(fmt, "Claim embellished" in out or "embellished" in out)
print("exit", report.exit_code)
"""


def test_a_new_verdict_is_one_table_entry(tmp_path):
    """A dummy verdict added to the table alone is rendered by every format and can fail a run."""
    import shutil
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    shutil.copytree(
        root / "verify", tmp_path / "verify", ignore=shutil.ignore_patterns("models", "__pycache__")
    )
    table = tmp_path / "verify" / "verdicts.py"
    text = table.read_text(encoding="utf-8")
    head = "VERDICT_TABLE: tuple[Verdict, ...] = (\n"
    assert head in text
    table.write_text(text.replace(head, head + "    " + DUMMY, 1), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-c", DUMMY_SCRIPT, str(tmp_path), str(root)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    lines = done.stdout.split("\n")
    assert [f"{fmt} True" for fmt in FORMATS] + ["exit 1"] == lines[: len(FORMATS) + 1]


def test_the_verdict_name_type_lists_the_table():
    """Code naming a verdict is type-checked against ``VerdictName``: it must list the table."""
    from typing import get_args

    from verify.verdicts import VerdictName

    assert get_args(VerdictName) == tuple(v.name for v in VERDICT_TABLE)
