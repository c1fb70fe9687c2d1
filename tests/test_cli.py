"""CLI errors: one line, exit code 2, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import ADVERSARIAL, SEED, FakeEmbedder, need, run_cli
from verify.backend import embedder as embed

OFFICIAL = str(SEED / "official.txt")


@pytest.fixture(autouse=True)
def _fake_model(monkeypatch):
    """The CLI tests here check errors and exit codes: a fake embedder is enough."""
    fake = FakeEmbedder()
    monkeypatch.setattr(embed, "load_embedder", lambda model=None, runtime=None, threads=None: fake)


run = run_cli


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "Error: {p}: no such file\n"),
        (b"", "Error: {p}: empty file\n"),
        (b"  \n\n\t ", "Error: {p}: no text (empty or only white space)\n"),
        (b"\x00\x01\x02\x03GIF", "Error: {p}: binary file (contains NUL bytes), not text\n"),
    ],
)
def test_bad_article_exact_message(
    tmp_path: Path, capsys, content: bytes | None, message: str
) -> None:
    path = tmp_path / "copy.txt"
    if content is not None:
        path.write_bytes(content)
    code, out, err = run([str(path), "--against", OFFICIAL], capsys)
    assert code == 2
    assert out == ""
    assert err == message.format(p=path)


def test_directory_and_bad_options(tmp_path: Path, capsys) -> None:
    code, _, err = run(
        [str(tmp_path), "--against", OFFICIAL], capsys
    )  # a folder of articles, but empty
    assert (code, err) == (
        2,
        f"Error: {tmp_path}: folder holds no article files (.txt, .text, .md, .markdown, .mdown, "
        ".mkd, .html, .htm, .xhtml, .pdf)\n",
    )
    code, _, err = run(
        [str(SEED / "article.txt"), "--against", OFFICIAL, "--fail-on", "bogus"], capsys
    )
    assert code == 2
    assert err.startswith("Error: unknown --fail-on value 'bogus'") and err.count("\n") == 1
    code, _, err = run(
        [str(SEED / "article.txt"), "--against", OFFICIAL, "--format", "xml"], capsys
    )
    assert code == 2 and err.startswith("Error: unknown format 'xml'")
    code, _, err = run([str(SEED / "article.txt")], capsys)
    assert code == 2 and err.startswith("Error: ") and err.count("\n") == 1


def test_fail_on_levels(capsys) -> None:
    art = str(SEED / "article.txt")
    code, _, _ = run([art, "--against", OFFICIAL, "--fail-on", "none", "--format", "json"], capsys)
    assert code == 0
    code, _, _ = run(
        [art, "--against", OFFICIAL, "--fail-on", "strict", "--format", "json"], capsys
    )
    assert code == 1


def test_stdin_article(monkeypatch, capsys) -> None:
    import io
    import sys

    text = "“The two presidents agreed to maintain transparent and consistent communication going forward,” it said."
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(text.encode("utf-8"))))
    code, out, _ = run(["-", "--against", OFFICIAL, "--format", "json"], capsys)
    assert code == 0
    assert '"verdict": "verbatim"' in out


def test_every_blns_line_has_a_defined_outcome(tmp_path: Path, capsys) -> None:
    """Every line of the Big List of Naughty Strings, as article and as source: exit 0, 1
    or 2 with one line, never a traceback or an internal error."""
    lines = need(ADVERSARIAL / "blns" / "blns.txt").read_text("utf-8").splitlines()
    lines = [ln for ln in lines if ln and not ln.startswith("#")]
    assert len(lines) > 400
    art = tmp_path / "a.txt"
    src = tmp_path / "s.txt"
    for line in lines:
        for role in ("article", "source"):
            art.write_text(
                line if role == "article" else "The two presidents agreed to talk.", "utf-8"
            )
            src.write_text(
                line if role == "source" else "The two presidents agreed to talk.", "utf-8"
            )
            code, _, err = run([str(art), "--against", str(src), "--format", "json"], capsys)
            assert code in (0, 1, 2), line
            assert "internal error" not in err and "Traceback" not in err, (line, err)
            if code == 2:
                assert err.startswith("Error: ") and err.count("\n") == 1, (line, err)


def test_html_and_other_reports_in_one_run(tmp_path: Path, capsys) -> None:
    html, sarif, md = tmp_path / "r" / "seed.html", tmp_path / "seed.sarif", tmp_path / "seed.md"
    code, out, err = run(
        [
            str(SEED / "article.txt"),
            "--against",
            OFFICIAL,
            "--format",
            "github",
            "--html",
            str(html),
            "--sarif",
            str(sarif),
            "--markdown",
            str(md),
        ],
        capsys,
    )
    assert code == 1
    assert out.startswith("::") and "title=Q2 Quotation altered" in out
    assert (
        err
        == f"Wrote HTML report to {html}\nWrote SARIF report to {sarif}\nWrote Markdown report to "
        f"{md}\n"
    )
    assert html.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert not list(tmp_path.rglob(".verify-*"))  # no temporary file left behind


def test_two_reports_to_one_file_is_refused_before_work(tmp_path: Path, capsys) -> None:
    target = tmp_path / "out.txt"
    code, out, err = run(
        [
            str(SEED / "article.txt"),
            "--against",
            OFFICIAL,
            "--output",
            str(target),
            "--html",
            str(target),
        ],
        capsys,
    )
    assert (code, out) == (2, "")
    assert err == (
        f"Error: two reports would be written to the same file ({target} and {target}); "
        "give each its own path\n"
    )
    assert not target.exists()


@pytest.mark.parametrize(
    "spell", [lambda p: f"./{p.name}", lambda p: str(p.resolve()), lambda p: f"d/../{p.name}"]
)
def test_two_spellings_of_one_report_path_are_one_file(tmp_path: Path, monkeypatch, capsys, spell):
    """``--sarif r.out --markdown ./r.out`` (or the absolute path, or ``d/../r.out``) would
    write one file twice and keep the second: refused before any work, as the same spelling is."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "d").mkdir()
    target = tmp_path / "r.out"
    args = [str(SEED / "article.txt"), "--against", OFFICIAL, "--sarif", "r.out"]
    code, out, err = run([*args, "--markdown", spell(target)], capsys)
    assert (code, out) == (2, "")
    assert err.startswith("Error: two reports would be written to the same file (r.out and ")
    assert not target.exists()


def test_unknown_format(capsys) -> None:
    code, _, err = run(
        [str(SEED / "article.txt"), "--against", OFFICIAL, "--format", "pdf"], capsys
    )
    assert code == 2
    assert (
        err == "Error: unknown format 'pdf'; expected one of text, json, html, sarif, github, "
        "markdown\n"
    )


#: Each command with the positional arguments it needs.
COMMANDS = {
    "check": ["check", "copy.txt"],
    "config": ["config"],
    "baseline create": ["baseline", "create", "copy.txt"],
    "index": ["index", "docs"],
}


def _usage_error(code: int, err: str) -> None:
    assert code == 2, err
    assert "internal error" not in err and "Traceback" not in err, err
    assert "Error: " in err, err


def _valued(command: str) -> list[str]:
    from verify.options import OPTIONS

    return [
        o.flags[0]
        for o in OPTIONS
        if command in o.commands and o.annotation is not bool and "/" not in o.flags[0]
    ]


@pytest.mark.parametrize("command", COMMANDS)
def test_usage_errors_of_every_command_are_shown_as_usage_errors(command, capsys) -> None:
    """A missing argument, an unknown option and every option without its value: the usage line,
    the error, where to find help, exit 2; never "internal error"."""
    words = COMMANDS[command]
    name = " ".join(words[: 2 if words[0] == "baseline" else 1])
    if len(words) > len(name.split()):  # the command needs an argument
        code, _, err = run(words[: len(name.split())], capsys)
        _usage_error(code, err)
        assert f"Usage: verify {name}" in err and f"Try 'verify {name} --help' for help." in err
    code, _, err = run([*words, "--bogus"], capsys)
    _usage_error(code, err)
    assert "No such option: --bogus" in err and f"Usage: verify {name}" in err
    for flag in _valued(command):
        code, _, err = run([*words, flag], capsys)
        _usage_error(code, err)
        assert f"Option '{flag}' requires an argument" in err, (flag, err)


@pytest.mark.parametrize(
    "args",
    [
        [],  # the help
        ["baseline"],
        ["baseline", "nope"],
        ["check", "copy.txt", "--against", OFFICIAL, "--workers", "many"],
        ["index", "docs", "--shards", "two"],
    ],
)
def test_other_usage_errors_are_the_user_s(args, capsys) -> None:
    code, out, err = run(args, capsys)
    _usage_error(code, err if args else "Error: " + err)
    assert "Usage: verify" in out + err


@pytest.mark.parametrize(
    "flag, value",
    [
        ("--format", "xml"),
        ("--claim-engine", "nearest"),
        ("--fail-on", "sometimes"),
        ("--encoding", "no-such-codec"),
        ("--runtime", "gpu"),
        ("--engine", "spark"),
    ],
)
def test_a_bad_choice_is_one_line_and_exit_2(flag, value, capsys) -> None:
    code, _, err = run([str(SEED / "article.txt"), "--against", OFFICIAL, flag, value], capsys)
    _usage_error(code, err)
    assert err.count("\n") == 1 and value in err, err
