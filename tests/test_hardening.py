"""Never lose the user's files, never let a file name speak to the terminal or the CI."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.conftest import SEED, run_cli
from verify.report.plan import html_names

OFFICIAL = SEED / "official.txt"
ARTICLE_TEXT = (SEED / "article.txt").read_text(encoding="utf-8")


@pytest.mark.parametrize("flag", ["--output", "--json", "--sarif", "--markdown", "--html"])
def test_a_report_path_naming_an_input_is_refused_before_any_work(
    tmp_path: Path, capsys, flag: str
):
    art = tmp_path / "a.txt"
    art.write_text(ARTICLE_TEXT, encoding="utf-8")
    src = tmp_path / "official.txt"
    src.write_bytes(OFFICIAL.read_bytes())
    for victim in (art, src):
        before = victim.read_bytes()
        code, _, err = run_cli([str(art), "--against", str(src), flag, str(victim)], capsys)
        assert code == 2 and err.startswith("Error: the report ") and str(victim) in err, err
        assert victim.read_bytes() == before


def test_a_symlink_to_an_input_is_refused_too(tmp_path: Path, capsys):
    art = tmp_path / "a.txt"
    art.write_text(ARTICLE_TEXT, encoding="utf-8")
    link = tmp_path / "report.json"
    os.symlink(art, link)
    code, _, err = run_cli([str(art), "--against", str(OFFICIAL), "--json", str(link)], capsys)
    assert code == 2 and "would replace the input" in err
    assert art.read_text(encoding="utf-8") == ARTICLE_TEXT


def test_html_report_names_are_unique_and_keep_the_relative_path():
    names = html_names(["arts/x/a.txt", "arts/y/a.txt", "arts/x_a.txt", "arts/a.txt", "arts/a.md"])
    assert names == {
        "arts/x/a.txt": "x/a.txt.html",
        "arts/y/a.txt": "y/a.txt.html",
        "arts/x_a.txt": "x_a.txt.html",
        "arts/a.txt": "a.txt.html",
        "arts/a.md": "a.md.html",
    }
    assert len(set(names.values())) == len(names)


def test_a_file_name_with_a_newline_cannot_forge_a_ci_command(tmp_path: Path, capsys):
    art = tmp_path / "a\n::error file=x::forged.txt"
    art.write_text(ARTICLE_TEXT, encoding="utf-8")
    code, _, err = run_cli(
        [str(art), "--against", str(tmp_path / "missing\n::add-mask::x.txt")], capsys
    )
    assert code == 2
    assert err.count("\n") == 1 and "\n::" not in err and "\u27e8U+000A\u27e9" in err


def test_an_interrupt_is_exit_130_with_one_line(monkeypatch, capsys):
    import verify.api

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(verify.api, "check", interrupted)
    code, _, err = run_cli([str(SEED / "article.txt"), "--against", str(OFFICIAL)], capsys)
    assert (code, err) == (130, "Error: interrupted\n")


def test_an_interrupted_write_leaves_no_temporary_file(tmp_path: Path, monkeypatch):
    import verify.report as report

    def boom(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(report.os, "replace", boom)
    with pytest.raises(KeyboardInterrupt):
        report.write_output(str(tmp_path / "r.json"), "{}")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("value", ["nan", "inf", "2.0", "-0.5"])
def test_a_threshold_out_of_range_is_a_one_line_error_naming_the_file(
    tmp_path: Path, capsys, monkeypatch, value: str
):
    (tmp_path / ".git").mkdir()
    (tmp_path / "verify.toml").write_text(
        f"[thresholds]\nsupport_min = {value}\n", encoding="utf-8"
    )
    monkeypatch.chdir(tmp_path)
    code, _, err = run_cli([str(SEED / "article.txt"), "--against", str(OFFICIAL)], capsys)
    assert (
        code == 2
        and err.startswith("Error: verify.toml: threshold 'support_min'")
        and err.count("\n") == 1
    )


def test_utf8_with_one_bad_byte_is_refused_with_its_offset_not_read_as_a_codepage(
    tmp_path: Path, capsys
):
    from verify.errors import InputError
    from verify.read import decode

    data = (
        "“Two leaders discussed,” the statement said — déjà vu.".encode() + b" stray \xff byte.\n"
    )
    with pytest.raises(InputError, match=r"not valid UTF-8 at byte \d+"):
        decode(data, "a.txt")
    assert (
        decode("plain café".encode("cp1252"), "b.txt").encoding != "utf-8"
    )  # a real codepage file still reads


def test_devices_and_fifos_are_never_read(tmp_path: Path, capsys):
    fifo = tmp_path / "x.txt"
    os.mkfifo(fifo)
    code, _, err = run_cli([str(fifo), "--against", str(OFFICIAL)], capsys)
    assert code == 2 and "not a regular file" in err
    folder = tmp_path / "arts"
    folder.mkdir()
    os.mkfifo(folder / "y.txt")
    from verify.read import walk_documents

    assert walk_documents(str(folder)) == ([], [str(folder / "y.txt")])


@pytest.mark.parametrize(
    ("open_", "close"),
    [
        ("‹", "›"),
        ("«", "»"),
        ("「", "」"),
        ("＂", "＂"),
        ("❝", "❞"),
        ("〝", "〞"),
        ("‟", "”"),
        ("``", "''"),
    ],
)
def test_quotation_marks_of_other_conventions_are_quotations(open_: str, close: str):
    from tests.conftest import FakeEmbedder, FakePairModel
    from verify import verify_texts

    article = f"The minister said {open_}we will double the budget for schools next year{close} on Monday.\n"
    report = verify_texts(
        article,
        [OFFICIAL.read_text(encoding="utf-8")],
        embedder=FakeEmbedder(),
        pair_model=FakePairModel(),
    )
    quotes = [u for u in report.units if u.kind == "quote"]
    assert [q.text for q in quotes] == ["we will double the budget for schools next year"]
    assert quotes[0].verdict == "not_found"


def test_a_hostile_source_name_cannot_break_out_of_markdown():
    from dataclasses import replace

    from tests.conftest import FakeEmbedder, FakePairModel
    from verify import verify_texts
    from verify.report import get_reporter

    report = verify_texts(
        "The call occurred Tuesday midday, officials said in Moscow.\n",
        [OFFICIAL.read_text(encoding="utf-8")],
        embedder=FakeEmbedder(),
        pair_model=FakePairModel(),
    )
    evil = "x`\n\n# Forged heading @someone #123 <img src=x onerror=alert(1)>"
    report = replace(report, sources=(replace(report.sources[0], path=evil),))
    out = get_reporter("markdown").render(report)
    assert (
        "\n# Forged" not in out
        and "@someone" not in out
        and "#123" not in out
        and "<img" not in out
    )


def test_a_codec_that_is_not_a_text_encoding_is_refused(tmp_path: Path, capsys):
    code, _, err = run_cli(
        [str(SEED / "article.txt"), "--against", str(OFFICIAL), "--encoding", "rot13"], capsys
    )
    assert (
        code == 2
        and err == "Error: 'rot13' is not a text encoding (for " + str(SEED / "article.txt") + ")\n"
    )


def test_a_standard_output_that_cannot_encode_the_report_is_a_clear_error(tmp_path: Path):
    import subprocess
    import sys

    env = {**os.environ, "PYTHONIOENCODING": "ascii"}
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "verify",
            str(SEED / "article.txt"),
            "--against",
            str(OFFICIAL),
            "--format",
            "json",
            "--pair-model",
            "none",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 2 and done.stdout == ""
    last = done.stderr.splitlines()[-1]  # a first run also says it prepares the model
    assert (
        last.startswith("Error: standard output (ascii) cannot show")
        and "Traceback" not in done.stderr
    )


@pytest.mark.model
def test_a_missing_or_broken_pair_model_is_exit_2(tmp_path: Path, capsys):
    code, _, err = run_cli(
        [
            str(SEED / "article.txt"),
            "--against",
            str(OFFICIAL),
            "--pair-model",
            str(tmp_path / "none"),
        ],
        capsys,
    )
    assert code == 2 and err.startswith("Error: pair model not found: ") and err.count("\n") == 1
    code, _, err = run_cli(
        [str(SEED / "article.txt"), "--against", str(OFFICIAL), "--claim-engine", "magic"], capsys
    )
    assert (code, err) == (
        2,
        "Error: unknown claim engine 'magic'; expected one of hybrid, pairs, cosine\n",
    )


def test_html_nested_past_the_parser_limit_is_refused_not_read_in_part(tmp_path, capsys):
    lead = (SEED / "article.txt").read_text(encoding="utf-8").split("\n\n")[0]
    html = (
        f"<html><body><article><p>{lead}</p>"
        + "<div>" * 300
        + "deep"
        + "</div>" * 300
        + "<p>After the deep part the copy says the talks failed.</p></article></body></html>"
    )
    page = tmp_path / "deep.html"
    page.write_text(html, encoding="utf-8")
    code, _, err = run_cli([str(page), "--against", str(OFFICIAL), "--isolated"], capsys)
    assert code == 2 and "nests elements more than 255 deep" in err and err.count("\n") == 1


def test_invisible_characters_in_html_are_kept_and_flagged_as_in_text(tmp_path, capsys):
    sentence = (SEED / "article.txt").read_text(encoding="utf-8").split("\n\n")[0].strip()
    words = sentence.split(" ")
    words[2] = words[2] + "\u202e"
    words[4] = words[4] + "\u200b"
    page = tmp_path / "a.html"
    page.write_text(
        f"<html><body><article><p>{' '.join(words)}</p></article></body></html>", encoding="utf-8"
    )
    code, out, _ = run_cli(
        [str(page), "--against", str(OFFICIAL), "--isolated", "-f", "json"], capsys
    )
    kinds = [w["message"] for w in __import__("json").loads(out)["warnings"]]
    assert code in (0, 1)
    assert any("U+202E" in k for k in kinds) and any("U+200B" in k for k in kinds)


@pytest.mark.parametrize(
    ("content", "what"),
    [("[" * 100_000 + "]" * 100_000, "nested too deep"), ('{"n": ' + "9" * 10_000 + "}", "digits")],
)
def test_a_hostile_baseline_is_one_line_and_exit_2(tmp_path, capsys, content, what):
    base = tmp_path / "b.json"
    base.write_text(content, encoding="utf-8")
    code, _, err = run_cli(
        [
            str(SEED / "article.txt"),
            "--against",
            str(OFFICIAL),
            "--baseline",
            str(base),
            "--isolated",
        ],
        capsys,
    )
    assert code == 2 and what in err and err.startswith("Error: ") and err.count("\n") == 1
