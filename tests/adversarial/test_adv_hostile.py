"""Hostile text stays text: every line of blns.txt and RSNAKE_XSS.txt, as article text, as
source text and as a file name, gives JSON that round-trips the string exactly and SARIF
that validates (the HTML structure is checked in tests/test_reports.py), and a CLI run on
such a file name never crashes."""

from __future__ import annotations

import json
import os
from pathlib import Path

import jsonschema
import pytest

from tests.conftest import ROOT, FakeEmbedder, hostile_lines
from verify import verify_documents
from verify.errors import VerifyError
from verify.read import document_from_text
from verify.report import get_reporter

SCHEMA = json.loads(
    (ROOT / "tests" / "data" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8")
)
VALIDATOR = jsonschema.Draft4Validator(SCHEMA)
ARTICLE = 'The minister said "we will act". Officials met on Tuesday.'
SOURCE = "The minister said we will act. Officials met on Monday."


@pytest.mark.parametrize("role", ["article", "source", "file name"])
def test_json_round_trips_and_sarif_validates(role: str) -> None:
    fake = FakeEmbedder()
    checked = 0
    for line in hostile_lines():
        if role == "article":
            art, src = (
                document_from_text(line, "a.txt", "A"),
                document_from_text(SOURCE, "s.txt", "S1"),
            )
        elif role == "source":
            art, src = (
                document_from_text(ARTICLE, "a.txt", "A"),
                document_from_text(line, "s.txt", "S1"),
            )
        else:
            art, src = (
                document_from_text(ARTICLE, line, "A"),
                document_from_text(SOURCE, line + "~", "S1"),
            )
        report = verify_documents(art, [src], embedder=fake)
        data = json.loads(get_reporter("json").render(report))
        doc = data["article"] if role != "source" else data["sources"][0]
        if role == "file name":
            assert doc["path"] == line
        else:
            text = art.text if role == "article" else src.text
            for u in data["units"]:  # every unit's text is the exact slice of what was given
                assert u["text"] == report.article.text[u["start"] : u["end"]]
            assert text == (line if role != "article" else report.article.text)
        VALIDATOR.validate(json.loads(get_reporter("sarif").render(report)))
        for fmt in ("text", "github", "markdown", "html"):
            assert isinstance(get_reporter(fmt).render(report), str)
        if not report.units:  # never a silent pass on nothing
            assert any(w.kind == "nothing_to_check" for w in report.warnings)
            assert "nothing was checked" in get_reporter("github").render(report)
        checked += 1
    assert checked == len(hostile_lines()) > 550


def test_hostile_file_names_through_the_cli(tmp_path: Path, capsys, monkeypatch) -> None:
    from verify.backend import embedder as embed
    from verify.cli import main

    fake = FakeEmbedder()
    monkeypatch.setattr(embed, "load_embedder", lambda model=None, runtime=None, threads=None: fake)
    src = tmp_path / "source.txt"
    src.write_text(SOURCE, encoding="utf-8")
    tried = 0
    for line in hostile_lines()[:400]:
        name = line.replace("/", "\u2215").replace("\x00", "")[:200]
        if name in (".", "..") or not name.strip():
            continue
        path = tmp_path / name
        try:
            path.write_text(ARTICLE, encoding="utf-8")
        except (OSError, ValueError):
            continue  # not a possible file name here
        with pytest.raises(SystemExit) as info:
            main([str(path), "--against", str(src), "--format", "json", "--no-cache"])
        out, err = capsys.readouterr()
        assert info.value.code in (1, 0), err
        assert json.loads(out)["article"]["path"] == str(path)
        os.unlink(path)
        tried += 1
    assert tried > 300


def test_unreadable_file_is_one_line(tmp_path: Path, monkeypatch, capsys) -> None:
    from verify.cli import main

    path = tmp_path / "secret.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    real_open = open

    def guarded(file, *args, **kwargs):  # root may read anything: simulate the refusal
        if os.fspath(file) == str(path):
            raise PermissionError(13, "Permission denied")
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr("builtins.open", guarded)
    with pytest.raises(SystemExit) as info:
        main([str(path), "--against", str(path)])
    assert info.value.code == 2
    assert capsys.readouterr().err == f"Error: {path}: permission denied\n"
    assert isinstance(VerifyError("x"), Exception)
