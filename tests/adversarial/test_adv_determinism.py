"""Same input, same output, byte for byte: two separate processes, every format."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import SEED

pytestmark = pytest.mark.model


def run(out: Path) -> dict[str, bytes]:
    out.mkdir()
    cmd = [
        sys.executable,
        "-m",
        "verify",
        str(SEED / "article.txt"),
        "-a",
        str(SEED / "official.txt"),
        "--format",
        "github",
        "--output",
        str(out / "github.txt"),
        "--json",
        str(out / "r.json"),
        "--html",
        str(out / "r.html"),
        "--sarif",
        str(out / "r.sarif"),
        "--markdown",
        str(out / "r.md"),
    ]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert done.returncode == 1, done.stderr
    text = subprocess.run([*cmd[:5], "--no-color"], capture_output=True, timeout=300)
    files = {p.name: p.read_bytes() for p in sorted(out.iterdir())}
    files["text"] = text.stdout
    return files


def test_two_runs_are_byte_identical(tmp_path: Path) -> None:
    first, second = run(tmp_path / "one"), run(tmp_path / "two")
    assert sorted(first) == ["github.txt", "r.html", "r.json", "r.md", "r.sarif", "text"]
    for name in first:
        assert first[name] == second[name], name
    for name, data in first.items():  # no run timestamp anywhere (it would differ between runs)
        assert not re.search(rb"\d{4}-\d\d-\d\dT\d\d:\d\d", data), name
