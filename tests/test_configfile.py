"""Configuration discovery: bounded walk up, malformed files as one-line errors."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

from tests.conftest import run_cli
from verify.configfile import _walk_up, find_config
from verify.errors import ConfigError


def test_the_walk_stops_at_the_repository_root(tmp_path: Path):
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    deep = repo / "a" / "b"
    deep.mkdir(parents=True)
    (tmp_path / "verify.toml").write_text(
        'fail-on = "none"\n', encoding="utf-8"
    )  # above the repository
    assert _walk_up(deep.resolve())[-1] == repo.resolve()
    assert find_config(deep) is None
    (repo / "verify.toml").write_text('fail-on = "lenient"\n', encoding="utf-8")
    found = find_config(deep)
    assert found is not None and found[0] == repo.resolve() / "verify.toml"


def test_a_file_planted_in_the_shared_temp_folder_is_never_read():
    tmp = Path(tempfile.gettempdir()).resolve()
    assert tmp not in _walk_up(tmp / "project" / "articles")
    assert Path("/") not in _walk_up(Path("/srv/copy/articles"))


@pytest.mark.parametrize("text", ["tool = 5\n", "[tool]\nverify = 5\n", "\xff\xfe bad bytes"])
def test_a_malformed_pyproject_on_the_walk_is_a_one_line_error(
    tmp_path: Path, text: str, capsys, monkeypatch
):
    (tmp_path / ".git").mkdir()
    (tmp_path / "pyproject.toml").write_bytes(text.encode("latin-1"))
    with pytest.raises(ConfigError, match=r"pyproject\.toml"):
        find_config(tmp_path)
    monkeypatch.chdir(tmp_path)
    code, _, err = run_cli(["config"], capsys)
    assert (
        code == 2 and err.startswith("Error: ") and "pyproject.toml" in err and err.count("\n") == 1
    )


def test_a_deleted_working_directory_is_exit_2(tmp_path: Path, capsys, monkeypatch):
    gone = tmp_path / "gone"
    gone.mkdir()
    monkeypatch.chdir(gone)
    os.rmdir(gone)
    code, _, err = run_cli(["config"], capsys)
    assert code == 2 and err.startswith("Error: the working directory cannot be read")


def test_model_folders_in_a_configuration_file_are_relative_to_the_file(tmp_path: Path):
    """A relative pair-model and strength-model are read against the file's folder, as every
    path option is; "none" stays a word."""
    from verify.configfile import resolve

    (tmp_path / "models" / "pair").mkdir(parents=True)
    (tmp_path / "models" / "strength").mkdir(parents=True)
    config = tmp_path / "verify.toml"
    config.write_text(
        'pair-model = "models/pair"\nstrength-model = "models/strength"\n', encoding="utf-8"
    )
    res = resolve({}, str(config), False)
    for key in ("pair-model", "strength-model"):
        assert os.path.samefile(res.get(key), tmp_path / "models" / key.split("-")[0])
    config.write_text('pair-model = "none"\nstrength-model = "none"\n', encoding="utf-8")
    res = resolve({}, str(config), False)
    assert (res.get("pair-model"), res.get("strength-model")) == ("none", "none")


@pytest.mark.skipif(not hasattr(os, "getuid") or os.getuid() != 0, reason="needs chown (root)")
def test_a_configuration_owned_by_another_user_is_refused_not_read(tmp_path: Path, capsys):
    """A verify.toml planted two folders above a run by someone else (``fail-on = "none"``
    would make it exit 0 on findings) is never read: one line names it and how to use it on
    purpose; a pyproject.toml without [tool.verify] ends the walk (the project's root)."""
    planted = tmp_path / "shared"
    run_dir = planted / "a" / "b"
    run_dir.mkdir(parents=True)
    (planted / "verify.toml").write_text('fail-on = "none"\n', encoding="utf-8")
    os.chown(planted, 4242, 4242)
    os.chown(planted / "verify.toml", 4242, 4242)
    with pytest.raises(ConfigError, match="owned by another user"):
        find_config(run_dir)
    (planted / "a" / "pyproject.toml").write_text('[project]\nname = "x"\n', encoding="utf-8")
    assert find_config(run_dir) is None  # the project root is a/, the walk stops there
