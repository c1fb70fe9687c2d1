"""verify as a check on copy: exit codes and exact messages, configuration files,
baselines, many articles per run, the pre-commit hook and the GitHub Action."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import yaml

from tests.conftest import ROOT, SEED, FakeEmbedder, run_cli
from verify.backend import embedder as embed

ARTICLE = str(SEED / "article.txt")
OFFICIAL = str(SEED / "official.txt")
SCHEMA = json.loads(
    (ROOT / "tests" / "data" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8")
)
CLEAN = (
    'WASHINGTON — The White House said the two leaders spoke on Tuesday. "The two presidents '
    "agreed to maintain "
    'transparent and consistent communication going forward," the readout said.\n'
)
ALTERED = (
    'The White House said "President Biden made clear that the United States will act firmly in '
    "defense of its "
    'national interests in response to actions by Russia that harm us or our allies."\n'
)
INVENTED = 'Biden told reporters: "I will never speak to Putin again."\n'


@pytest.fixture
def fake(monkeypatch) -> FakeEmbedder:
    f = FakeEmbedder()
    monkeypatch.setattr(
        "verify.backend.embedder.load_embedder", lambda model=None, runtime=None, threads=None: f
    )
    return f


run = run_cli


# ------------------------------------------------------------------ exit codes


@pytest.mark.parametrize(
    ("setup", "args", "message"),
    [
        (None, ["{d}/missing.txt", "-a", OFFICIAL], "Error: {d}/missing.txt: no such file\n"),
        (b"", ["{d}/f.txt", "-a", OFFICIAL], "Error: {d}/f.txt: empty file\n"),
        (
            b"GIF89a\x01\x00\x01\x00\x00\x00\x00;",
            ["{d}/f.txt", "-a", OFFICIAL],
            "Error: {d}/f.txt: binary file (contains NUL bytes), not text\n",
        ),
        (
            None,
            [ARTICLE, "-a", OFFICIAL, "--fail-on", "altered,bogus"],
            "Error: unknown --fail-on value 'bogus'; expected verdicts (verbatim, altered, "
            "paraphrased, not_found, copied, "
            "supported, partial, contradicted, unsupported), flags (overstated, understated) or a "
            "level (strict, default, lenient, none)\n",
        ),
        (
            b"{not json",
            [ARTICLE, "-a", OFFICIAL, "--baseline", "{d}/f.txt"],
            "Error: {d}/f.txt: baseline is not valid JSON (Expecting property name enclosed in "
            "double quotes at line 1 column 2)\n",
        ),
        (
            b'{"schema": "other"}',
            [ARTICLE, "-a", OFFICIAL, "--baseline", "{d}/f.txt"],
            'Error: {d}/f.txt: not a verify baseline (expected an object with "schema": '
            '"verify-baseline/1" and "findings")\n',
        ),
        (
            None,
            [ARTICLE, "-a", OFFICIAL, "--baseline", "{d}/none.json"],
            "Error: {d}/none.json: no such baseline file (create one with: verify baseline "
            "create)\n",
        ),
    ],
    ids=[
        "missing",
        "empty",
        "binary",
        "fail-on",
        "baseline-json",
        "baseline-schema",
        "baseline-missing",
    ],
)
def test_exit_code_2_with_exact_message(tmp_path: Path, capsys, fake, setup, args, message) -> None:
    if setup is not None:
        (tmp_path / "f.txt").write_bytes(setup)
    argv = [a.format(d=tmp_path) for a in args]
    for extra in ([], ["--exit-zero"]):  # --exit-zero never hides a 2
        code, out, err = run(argv + extra, capsys)
        assert (code, out, err) == (2, "", message.format(d=tmp_path))
    assert fake.calls == 0  # refused before any work


def test_exit_codes_follow_fail_on(tmp_path: Path, capsys, fake) -> None:
    art = tmp_path / "a.txt"
    art.write_text(ALTERED, encoding="utf-8")
    assert (
        run([str(art), "-a", OFFICIAL, "--format", "json"], capsys)[0] == 1
    )  # altered fails by default
    assert (
        run([str(art), "-a", OFFICIAL, "--fail-on", "lenient"], capsys)[0] == 0
    )  # lenient: not_found, contradicted
    assert run([str(art), "-a", OFFICIAL, "--fail-on", "not_found"], capsys)[0] == 0
    assert run([str(art), "-a", OFFICIAL, "--exit-zero"], capsys)[0] == 0


# ------------------------------------------------------------------ configuration


def test_config_file_found_walking_up_and_flags_override(
    tmp_path: Path, capsys, monkeypatch, fake
) -> None:
    (tmp_path / "sources").mkdir()
    shutil.copy(OFFICIAL, tmp_path / "sources" / "official.txt")
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "copy"\n\n[tool.verify]\nagainst = ["sources/"]\nfail-on = "lenient"\n'
        "[tool.verify.thresholds]\nsupport_min = 0.7\n",
        encoding="utf-8",
    )
    deep = tmp_path / "articles" / "2021"
    deep.mkdir(parents=True)
    (deep / "a.txt").write_text(ALTERED, encoding="utf-8")
    monkeypatch.chdir(deep)
    code, out, _ = run(["config"], capsys)
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "# config file: ../../pyproject.toml"
    assert any(
        line.startswith('against = ["../../sources/"]') and line.endswith("# ../../pyproject.toml")
        for line in lines
    )
    assert any(
        line.startswith('fail-on = "lenient"') and line.endswith("# ../../pyproject.toml")
        for line in lines
    )
    assert any(
        line.startswith("thresholds.support_min = 0.7 ") and line.endswith("# ../../pyproject.toml")
        for line in lines
    )
    assert any(
        line.startswith("thresholds.quote_match_min = 0.4 ") and line.endswith("# default")
        for line in lines
    )
    code, out, _ = run(["config", "--fail-on", "strict"], capsys)
    assert any(
        line.startswith('fail-on = "strict"') and line.endswith("# command line")
        for line in out.splitlines()
    )
    # the run uses it: sources from the file, lenient passes the altered quotation, a flag makes it
    # fail
    assert run(["a.txt"], capsys)[0] == 0
    assert run(["a.txt", "--fail-on", "default"], capsys)[0] == 1
    assert run(["a.txt", "--isolated"], capsys)[:3:2] == (
        2,
        "Error: no source given: pass --against FILE or set 'against' in the configuration\n",
    )


def test_verify_toml_and_bad_config(tmp_path: Path, capsys, monkeypatch, fake) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "verify.toml").write_text('against = "x.txt"\ncolour = "red"\n', encoding="utf-8")
    assert run(["config"], capsys)[:3:2] == (
        2,
        "Error: verify.toml: unknown setting 'colour'; expected one of against, fail-on, model, "
        "pair-model, strength-model, claim-engine, encoding, runtime, "
        "cache, format, output, json, html, sarif, markdown, baseline, engine, workers, address, "
        "thresholds\n",
    )
    (tmp_path / "verify.toml").write_text(
        'against = "x.txt"\nfail-on = "sometimes"\n', encoding="utf-8"
    )
    code, _, err = run(["config"], capsys)
    assert code == 2 and err.startswith("Error: unknown --fail-on value 'sometimes'")
    (tmp_path / "verify.toml").write_text("against = [\n", encoding="utf-8")
    code, _, err = run(["config"], capsys)
    assert (
        code == 2
        and err.startswith("Error: verify.toml: not valid TOML (")
        and err.count("\n") == 1
    )
    (tmp_path / "verify.toml").write_text("[thresholds]\nsupport_min = true\n", encoding="utf-8")
    assert (
        run(["config"], capsys)[2]
        == "Error: verify.toml: threshold 'support_min' must be a float\n"
    )


# ------------------------------------------------------------------ baseline


def test_baseline_accepts_known_findings_and_reports_new_ones(tmp_path: Path, capsys, fake) -> None:
    art = tmp_path / "a.txt"
    art.write_text(ALTERED, encoding="utf-8")
    base = tmp_path / "verify-baseline.json"
    code, _, err = run(
        ["baseline", "create", str(art), "-a", OFFICIAL, "--baseline", str(base)], capsys
    )
    assert code == 0 and err.startswith("Wrote baseline with ") and err.endswith(f"to {base}\n")
    data = json.loads(base.read_text(encoding="utf-8"))
    assert data["schema"] == "verify-baseline/1" and any(
        f["verdict"] == "altered" for f in data["findings"]
    )
    code, out, _ = run(
        [str(art), "-a", OFFICIAL, "--baseline", str(base), "--format", "json"], capsys
    )
    report = json.loads(out)
    assert code == 0 and report["summary"]["accepted"] >= 1
    assert all(u.get("accepted") for u in report["units"] if u["verdict"] == "altered")
    # moving the copy around does not matter: keyed by content, not by line
    art.write_text("\n\nA new first paragraph.\n\n" + ALTERED + "\n" + INVENTED, encoding="utf-8")
    code, out, _ = run(
        [str(art), "-a", OFFICIAL, "--baseline", str(base), "--format", "github"], capsys
    )
    assert code == 1  # the invented quotation is new
    assert "not found" in out and "Quotation altered" not in out
    code, out, _ = run(
        [str(art), "-a", OFFICIAL, "--baseline", str(base), "--format", "sarif"], capsys
    )
    sarif = json.loads(out)
    jsonschema.Draft4Validator(SCHEMA).validate(sarif)
    states = {r["properties"]["verdict"]: r["baselineState"] for r in sarif["runs"][0]["results"]}
    assert states["altered"] == "unchanged" and states["not_found"] == "new"


def test_a_baseline_entry_cannot_accept_a_finding_it_does_not_describe(
    tmp_path: Path, capsys, fake
) -> None:
    """An entry that reads as one accepted finding but carries the fingerprint of another (an
    invented quotation) would silence it: refused on load, naming the file and the entry."""
    from verify.baseline import fingerprint_of

    art = tmp_path / "a.txt"
    art.write_text(ALTERED + "\n" + INVENTED, encoding="utf-8")
    base = tmp_path / "verify-baseline.json"
    run([str(art), "-a", OFFICIAL, "-f", "json", "-o", str(tmp_path / "r.json")], capsys)
    report = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    invented = next(u for u in report["units"] if u["verdict"] == "not_found")
    evidence = invented["evidence"][0]["text"] if invented["evidence"] else None
    forged = fingerprint_of("quote", "not_found", invented["text"], evidence)
    entry = {
        "fingerprint": forged,
        "article": str(art),
        "unit": "Q1",
        "kind": "quote",
        "verdict": "altered",
        "text": "a harmless altered quotation",
        "evidence": "a harmless source passage",
    }
    base.write_text(
        json.dumps({"schema": "verify-baseline/1", "findings": [entry]}), encoding="utf-8"
    )
    code, out, err = run([str(art), "-a", OFFICIAL, "--baseline", str(base)], capsys)
    assert (code, out) == (2, "")
    assert err == (
        f"Error: {base}: baseline finding 1 (Q1) does not describe the finding its fingerprint "
        "accepts (edited by hand?); recreate it with: verify baseline create\n"
    )


# ------------------------------------------------------------------ many articles


def test_many_articles_and_source_folders(tmp_path: Path, capsys, fake) -> None:
    (tmp_path / "src" / "nested").mkdir(parents=True)
    shutil.copy(OFFICIAL, tmp_path / "src" / "nested" / "official.txt")
    (tmp_path / "src" / "notes.bin").write_bytes(b"\x00ignored: not a source extension")
    arts = tmp_path / "articles"
    arts.mkdir()
    for name, text in (
        ("a-clean.md", CLEAN),
        ("b-altered.md", ALTERED),
        ("c-invented.md", INVENTED),
    ):
        (arts / name).write_text(text, encoding="utf-8")
    code, out, err = run(
        [str(arts / "a-clean.md"), "-a", str(tmp_path / "src"), "--format", "json"], capsys
    )
    assert code == 0
    assert [s["path"] for s in json.loads(out)["sources"]] == [
        str(tmp_path / "src" / "nested" / "official.txt")
    ]
    code, out, err = run(
        [
            str(arts),
            "-a",
            str(tmp_path / "src"),
            "--format",
            "json",
            "--html",
            str(tmp_path / "html"),
            "--sarif",
            str(tmp_path / "all.sarif"),
        ],
        capsys,
    )
    assert code == 1  # the worst of the three
    run_data = json.loads(out)
    assert run_data["schema"] == "verify-run/1"
    assert [Path(r["article"]["path"]).name for r in run_data["reports"]] == [
        "a-clean.md",
        "b-altered.md",
        "c-invented.md",
    ]
    assert [r["summary"]["exit_code"] for r in run_data["reports"]] == [0, 1, 1]
    assert sorted(p.name for p in (tmp_path / "html").iterdir()) == [
        "a-clean.md.html",
        "b-altered.md.html",
        "c-invented.md.html",
    ]
    sarif = json.loads((tmp_path / "all.sarif").read_text(encoding="utf-8"))
    jsonschema.Draft4Validator(SCHEMA).validate(sarif)
    uris = {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        for r in sarif["runs"][0]["results"]
        if r["level"] == "error"
    }
    assert {Path(u).name for u in uris} == {"b-altered.md", "c-invented.md"}
    code, out, _ = run([str(arts), "-a", str(tmp_path / "src")], capsys)
    assert out.rstrip().endswith("3 articles, 2 with findings at or above --fail-on; exit code 1")
    code, _, err = run([str(arts), "-a", str(tmp_path / "src"), "--format", "html"], capsys)
    assert (code, err) == (
        2,
        "Error: an HTML report holds one article; with several, give --html a folder\n",
    )


@pytest.mark.model
def test_twenty_articles_load_the_model_once(tmp_path: Path, capsys, monkeypatch) -> None:
    loads = []

    def counting(cls, method, attr):
        original = getattr(cls, method)

        def load(self):
            if getattr(self, attr) is None:  # a real load, not a call that finds it loaded
                loads.append((cls.__name__, self.name))
            return original(self)

        monkeypatch.setattr(cls, method, load)

    monkeypatch.setattr(embed, "_LOADED", {})
    counting(embed.SentenceTransformerEmbedder, "_load", "_model")
    counting(embed.OnnxEmbedder, "_load_locked", "_session")  # runs under the lock, once per load
    paragraphs = [
        p
        for p in SEED.joinpath("article.txt").read_text(encoding="utf-8").split("\n")
        if len(p) > 80
    ]
    for i in range(20):
        (tmp_path / f"a{i:02d}.txt").write_text(
            paragraphs[i % len(paragraphs)] + f"\n\nStory {i}.\n", encoding="utf-8"
        )
    code, out, _ = run([str(tmp_path), "-a", OFFICIAL, "--format", "json"], capsys)
    assert code in (0, 1)
    assert len(json.loads(out)["reports"]) == 20
    assert loads == [("OnnxEmbedder", "all-MiniLM-L6-v2 (packaged)")]


# ------------------------------------------------------------------ integrations


def _verify_on_path() -> str | None:
    return shutil.which("verify")


@pytest.mark.model
def test_pre_commit_hook_on_a_repository_of_copy(tmp_path: Path) -> None:
    if shutil.which("git") is None or importlib_missing("pre_commit") or _verify_on_path() is None:
        pytest.skip("needs git, pre-commit and the verify command on PATH")
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert {h["id"] for h in hooks} == {"verify", "verify-system"}
    repo = tmp_path / "newsroom"
    (repo / "articles").mkdir(parents=True)
    (repo / "sources").mkdir()
    shutil.copy(OFFICIAL, repo / "sources" / "official.txt")
    (repo / "verify.toml").write_text('against = ["sources/"]\n', encoding="utf-8")
    for name, text in (("clean.md", CLEAN), ("altered.md", ALTERED), ("invented.md", INVENTED)):
        (repo / "articles" / name).write_text(text, encoding="utf-8")
    env = {
        **os.environ,
        "PRE_COMMIT_HOME": str(tmp_path / "cache"),
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@e",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@e",
    }
    subprocess.run(["git", "init", "-q"], cwd=repo, check=True, env=env)
    subprocess.run(["git", "add", "."], cwd=repo, check=True, env=env)
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pre_commit",
            "try-repo",
            str(ROOT),
            "verify-system",
            "--files",
            "articles/clean.md",
            "articles/altered.md",
            "articles/invented.md",
            "--verbose",
        ],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    output = done.stdout + done.stderr
    assert done.returncode == 1, output
    assert "Failed" in output and "exit code: 1" in output
    assert "articles/altered.md" in output and "articles/invented.md" in output
    clean = subprocess.run(
        [
            sys.executable,
            "-m",
            "pre_commit",
            "try-repo",
            str(ROOT),
            "verify-system",
            "--files",
            "articles/clean.md",
        ],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert "Passed" in clean.stdout


def importlib_missing(name: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(name) is None


@pytest.mark.model
def test_action_command_line_uploads_valid_sarif(tmp_path: Path) -> None:
    if _verify_on_path() is None:
        pytest.skip("needs the verify command on PATH")
    action = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
    assert action["runs"]["using"] == "composite"
    steps = {s.get("id") or s.get("name"): s for s in action["runs"]["steps"]}
    upload = steps["Upload SARIF"]
    assert upload["uses"].startswith("github/codeql-action/upload-sarif@")
    assert upload["with"]["sarif_file"] == "${{ inputs.sarif-file }}"
    step = steps["verify"]
    env = {**os.environ, "GITHUB_OUTPUT": str(tmp_path / "output")}
    for key, expr in step["env"].items():  # the step's inputs, as the runner would set them
        name = expr.removeprefix("${{ inputs.").removesuffix(" }}")
        env[key] = {
            "articles": "corpora/seed/article.txt",
            "against": "corpora/seed/official.txt",
            "sarif-file": str(tmp_path / "verify.sarif"),
        }.get(name, action["inputs"][name].get("default", ""))
    done = subprocess.run(
        ["bash", "-e", "-c", step["run"]],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr  # the step itself passes; a later step fails the job
    assert (tmp_path / "output").read_text(encoding="utf-8") == "exit-code=1\n"
    assert (
        "::error file=corpora/seed/article.txt,line=3," in done.stdout
    )  # the altered quotation, annotated
    sarif = json.loads((tmp_path / "verify.sarif").read_text(encoding="utf-8"))
    jsonschema.Draft4Validator(SCHEMA).validate(sarif)
    assert any(r["ruleId"] == "verify/altered" for r in sarif["runs"][0]["results"])


def test_a_configuration_never_writes_a_report_over_a_file_that_is_not_one(
    tmp_path: Path, capsys, fake, monkeypatch
) -> None:
    """A report path named by a configuration file that holds another file (a planted
    ``output = "notes.txt"``) is refused before any work and the file kept; a report of ours
    at that path is replaced, and the same path on the command line is the user's choice."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".git").mkdir()
    art = tmp_path / "a.txt"
    art.write_text(ALTERED, encoding="utf-8")
    notes = tmp_path / "notes.txt"
    notes.write_text("My own notes, not a report.\n", encoding="utf-8")
    (tmp_path / "verify.toml").write_text('output = "notes.txt"\n', encoding="utf-8")
    code, out, err = run([str(art), "-a", OFFICIAL, "--exit-zero"], capsys)
    assert (code, out) == (2, "")
    assert err == (
        "Error: the configuration names notes.txt for a report, but that file exists and is not "
        "a verify report; give the report another path (or pass it on the command line)\n"
    )
    assert notes.read_text(encoding="utf-8") == "My own notes, not a report.\n"
    notes.unlink()
    assert run([str(art), "-a", OFFICIAL, "--exit-zero"], capsys)[0] == 0
    assert notes.read_text(encoding="utf-8").startswith("verify ")  # ours now: replaced again
    assert run([str(art), "-a", OFFICIAL, "--exit-zero"], capsys)[0] == 0
    other = tmp_path / "other.txt"
    other.write_text("Not a report either.\n", encoding="utf-8")
    assert run([str(art), "-a", OFFICIAL, "--exit-zero", "-o", str(other)], capsys)[0] == 0
