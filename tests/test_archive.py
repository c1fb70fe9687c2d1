"""Archives: the same verdicts as the files, incremental re-index, document dates, the CLI."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, SEED, FakeEmbedder
from verify import Settings, verify_files, verify_many
from verify.backend.embedder import load_embedder
from verify.errors import InputError
from verify.read import document_date


def verdicts(report) -> list[tuple[str, str, tuple]]:
    return [(u.id, u.verdict, tuple((e.source, e.article) for e in u.edits)) for u in report.units]


@pytest.fixture(scope="module")
def seed_archive(tmp_path_factory) -> Path:
    from verify.archive import build_index
    from verify.backend.models import default_embedder

    folder = tmp_path_factory.mktemp("sources")
    shutil.copy(SEED / "official.txt", folder / "2021-01-26-readouts.txt")
    (folder / "2020-08-08-press-conference").write_text(
        "No extension: skipped, and said so.", encoding="utf-8"
    )
    out = folder.parent / "seed.verify"
    stats = build_index(str(folder), str(out), Settings(), default_embedder(Settings(cache=False)))
    assert (stats.documents, stats.added, stats.skipped) == (
        1,
        1,
        [str(folder / "2020-08-08-press-conference")],
    )
    again = build_index(str(folder), str(out), Settings(), default_embedder(Settings(cache=False)))
    assert (again.added, again.unchanged, again.encoded) == (
        0,
        1,
        0,
    )  # nothing re-read or re-encoded
    return out


@pytest.mark.model
def test_archive_gives_the_same_verdicts_as_the_files(seed_archive: Path) -> None:
    emb = load_embedder(None, "onnx")
    direct = verify_files(SEED / "article.txt", [SEED / "official.txt"], embedder=emb)
    [via] = verify_many([SEED / "article.txt"], [seed_archive], Settings(cache=False), embedder=emb)
    assert verdicts(via) == verdicts(direct)
    assert [round(u.score, 4) for u in via.units] == [round(u.score, 4) for u in direct.units]
    src = via.sources[0]
    assert src.path.endswith("2021-01-26-readouts.txt") and src.date == "2021-01-26"
    assert json.loads(json.dumps(via.to_dict()))["sources"][0]["date"] == "2021-01-26"


@pytest.mark.model
def test_archive_reindexes_changed_files_only(tmp_path: Path) -> None:
    from verify.archive import build_index

    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "a.txt").write_text(
        "The ministry said exports rose by 4 percent in March.", encoding="utf-8"
    )
    (folder / "b.txt").write_text("The council approved the budget on Monday.", encoding="utf-8")
    out = tmp_path / "x.verify"
    fake = FakeEmbedder()
    build_index(str(folder), str(out), Settings(), fake)
    (folder / "b.txt").write_text("The council rejected the budget on Tuesday.", encoding="utf-8")
    (folder / "a.txt").unlink()
    (folder / "c.txt").write_text("A new statement.", encoding="utf-8")
    stats = build_index(str(folder), str(out), Settings(), fake)
    assert (stats.added, stats.updated, stats.removed, stats.unchanged, stats.documents) == (
        1,
        1,
        1,
        0,
        2,
    )
    with pytest.raises(InputError, match="not a verify archive"):
        build_index(str(folder), str(folder / "b.txt"), Settings(), fake)


def test_document_dates() -> None:
    assert document_date("speeches/1789-04-30-first-inaugural-address.txt", "") == "1789-04-30"
    assert (
        document_date("readout.txt", "WASHINGTON, January 26, 2021 — The President spoke")
        == "2021-01-26"
    )
    assert document_date("readout.txt", "No date here.") is None


@pytest.mark.model
def test_cli_index_and_check_against_archive(tmp_path: Path) -> None:
    folder = tmp_path / "src"
    folder.mkdir()
    shutil.copy(SEED / "official.txt", folder / "official.txt")
    out = tmp_path / "a.verify"
    done = subprocess.run(
        [sys.executable, "-m", "verify", "index", str(folder), "--out", str(out)],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0 and done.stderr.startswith("Indexed 1 documents (1 added"), (
        done.stderr
    )
    check = subprocess.run(
        [sys.executable, "-m", "verify", str(SEED / "article.txt"), "-a", str(out), "-f", "json"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    direct = subprocess.run(
        [
            sys.executable,
            "-m",
            "verify",
            str(SEED / "article.txt"),
            "-a",
            str(SEED / "official.txt"),
            "-f",
            "json",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert check.returncode == direct.returncode == 1, check.stderr
    assert [(u["id"], u["verdict"]) for u in json.loads(check.stdout)["units"]] == [
        (u["id"], u["verdict"]) for u in json.loads(direct.stdout)["units"]
    ]


def test_a_changed_file_with_the_same_size_and_mtime_is_reindexed_and_builds_are_deterministic(
    tmp_path: Path,
) -> None:
    from verify.archive import build_index

    folder = tmp_path / "docs"
    folder.mkdir()
    doc = folder / "2021-01-26-readout.txt"
    doc.write_text("The leaders agreed to extend the treaty for five years.\n", encoding="utf-8")
    stamp = os.stat(doc)
    out = tmp_path / "a.verify"
    first = build_index(str(folder), str(out), Settings(), FakeEmbedder())
    assert first.added == 1
    doc.write_text(
        "The leaders agreed to extend the treaty for nine years.\n", encoding="utf-8"
    )  # same size
    os.utime(doc, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))  # mtime preserved
    again = build_index(str(folder), str(out), Settings(), FakeEmbedder())
    assert (again.updated, again.unchanged) == (1, 0)
    twice = [tmp_path / "b.verify", tmp_path / "c.verify"]
    for path in twice:
        build_index(str(folder), str(path), Settings(), FakeEmbedder())
    anns = [sqlite3.connect(p).execute("SELECT data FROM ann").fetchone()[0] for p in twice]
    assert anns[0] == anns[1]


def test_two_index_runs_on_one_archive_take_turns(tmp_path: Path) -> None:
    """A second ``verify index`` on an archive another run is building waits for it (and says
    so) instead of writing into the same database: here the test holds the build lock, the run
    must wait, then finish once it is released with the folder's documents."""
    import fcntl
    import time

    from verify.archive.lock import lock_path

    folder = tmp_path / "src"
    folder.mkdir()
    shutil.copy(SEED / "official.txt", folder / "official.txt")
    out = tmp_path / "a.verify"
    fd = os.open(lock_path(str(out)), os.O_RDWR | os.O_CREAT, 0o644)
    fcntl.flock(fd, fcntl.LOCK_EX)
    run = subprocess.Popen(
        [sys.executable, "-m", "verify", "index", str(folder), "--out", str(out)],
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        time.sleep(3)
        assert run.poll() is None, run.stderr.read() if run.stderr else ""  # waiting, not built
        assert not out.exists()
    finally:
        os.close(fd)  # the other build ends
    _, err = run.communicate(timeout=120)
    assert run.returncode == 0, err
    assert err.startswith(f"Waiting for another verify index on {out} to finish")
    assert "Indexed 1 documents (1 added" in err


def _damaged(seed_archive: Path, tmp_path: Path, how: str) -> Path:
    copy = tmp_path / f"{how}.verify"
    shutil.copy(seed_archive, copy)
    db = sqlite3.connect(copy)
    if how == "ann":
        db.execute("UPDATE ann SET data = ?", (os.urandom(4096),))
    elif how == "vector":
        db.execute("UPDATE vectors SET vec = substr(vec, 1, 7)")
    else:
        db.execute("DROP TABLE sentences")
    db.commit()
    db.close()
    return copy


@pytest.mark.model
@pytest.mark.parametrize("how", ["ann", "vector", "sentences"])
def test_a_damaged_archive_is_one_line_naming_it(seed_archive: Path, tmp_path: Path, how) -> None:
    """A random nearest-neighbour index, a vector of an odd byte length, a missing
    ``sentences`` table: one InputError naming the archive (was a traceback)."""
    damaged = _damaged(seed_archive, tmp_path, how)
    emb = load_embedder(None, "onnx")
    with pytest.raises(InputError) as caught:
        verify_many([SEED / "article.txt"], [damaged], Settings(cache=False), embedder=emb)
    message = str(caught.value)
    assert message.startswith(f"{damaged}: ") and "\n" not in message
    assert "rebuild it with verify index" in message


@pytest.mark.model
def test_a_report_names_a_file_on_disk_only_when_it_holds_the_archived_text(
    tmp_path: Path,
) -> None:
    """A source is named by its file where the file is the one indexed (same sha256); a file
    edited after indexing is not cited for words it no longer holds: the archive's copy is
    named, with a note that the file differs."""
    from verify.archive import build_index
    from verify.backend.models import default_embedder

    folder = tmp_path / "src"
    folder.mkdir()
    source = folder / "readout.txt"
    shutil.copy(SEED / "official.txt", source)
    out = tmp_path / "a.verify"
    emb = default_embedder(Settings(cache=False))
    build_index(str(folder), str(out), Settings(), emb)
    [before] = verify_many([SEED / "article.txt"], [out], Settings(cache=False), embedder=emb)
    assert before.sources[0].path == os.path.relpath(source)
    source.write_text("An unrelated text written after indexing.\n", encoding="utf-8")
    [after] = verify_many([SEED / "article.txt"], [out], Settings(cache=False), embedder=emb)
    assert after.sources[0].path == f"{out}:readout.txt"
    assert any("differs from the archive's copy" in n for n in after.sources[0].notes)
    assert verdicts(after) == verdicts(before)
