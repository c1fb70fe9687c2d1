"""The fast path gives the same answers: ONNX embeddings equal sentence-transformers',
the disk cache and the archive change no verdict, and the cache is safe to share."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from tests.conftest import DEV, ROOT, SEED, FakeEmbedder, need
from verify import Settings, verify_files, verify_many
from verify.cache import CACHE_FILE, CachedEmbedder, EmbeddingCache
from verify.embed import OnnxEmbedder, SentenceTransformerEmbedder, load_embedder
from verify.errors import InputError
from verify.read import document_date

pytestmark = pytest.mark.model


def verdicts(report) -> list[tuple[str, str, tuple]]:
    return [(u.id, u.verdict, tuple((e.source, e.article) for e in u.edits)) for u in report.units]


@pytest.fixture(scope="module")
def torch_embedder() -> SentenceTransformerEmbedder:
    return SentenceTransformerEmbedder()


def dev_texts(n: int = 300) -> list[str]:
    rows = need(DEV / "stsb" / "sts-dev.csv").read_text(encoding="utf-8").splitlines()
    out = []
    for row in rows[:n]:
        parts = row.split("\t")
        if len(parts) >= 7:
            out += parts[5:7]
    return out


def test_onnx_embeddings_equal_sentence_transformers(torch_embedder) -> None:
    onnx = load_embedder(None, "onnx")
    assert isinstance(onnx, OnnxEmbedder)
    texts = dev_texts() + (SEED / "official.txt").read_text(encoding="utf-8").split(". ")
    a, b = onnx.encode(texts), torch_embedder.encode(texts)
    assert a.shape == b.shape == (len(texts), 384)
    cos = (a * b).sum(axis=1)
    assert float(cos.min()) > 0.99999
    assert float(np.abs(a - b).max()) < 1e-4


def test_seed_verdicts_same_on_both_runtimes(torch_embedder) -> None:
    onnx = verify_files(SEED / "article.txt", [SEED / "official.txt"], embedder=load_embedder(None, "onnx"))
    torch = verify_files(SEED / "article.txt", [SEED / "official.txt"], embedder=torch_embedder)
    assert verdicts(onnx) == verdicts(torch)
    assert [round(u.score, 3) for u in onnx.units] == [round(u.score, 3) for u in torch.units]


def test_dev_pairs_verdicts_same_on_both_runtimes(torch_embedder) -> None:
    from verify import verify_texts

    texts = dev_texts(120)
    pairs = list(zip(texts[0::2], texts[1::2], strict=False))
    onnx = load_embedder(None, "onnx")
    for claim, source in pairs:
        assert verdicts(verify_texts(claim, [source], embedder=onnx)) == verdicts(verify_texts(claim, [source], embedder=torch_embedder))


def test_disk_cache_serves_sources_and_never_stores_copy(tmp_path: Path) -> None:
    cache = EmbeddingCache(str(tmp_path / "c.sqlite3"))
    inner = load_embedder(None, "onnx")
    emb = CachedEmbedder(inner, cache, "test-model")
    first = verify_files(SEED / "article.txt", [SEED / "official.txt"], embedder=emb)
    assert cache.hits == 0 and cache.misses > 0
    stored = sqlite3.connect(cache.path).execute("SELECT COUNT(*) FROM vectors").fetchone()[0]
    assert stored == cache.misses  # source texts only
    cache2 = EmbeddingCache(str(tmp_path / "c.sqlite3"))
    second = verify_files(SEED / "article.txt", [SEED / "official.txt"], embedder=CachedEmbedder(inner, cache2, "test-model"))
    assert cache2.misses == 0 and cache2.hits == stored
    assert verdicts(first) == verdicts(second)
    assert [u.score for u in first.units] == pytest.approx([u.score for u in second.units], abs=1e-6)


def test_broken_cache_file_is_ignored(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite3"
    path.write_bytes(b"this is not a database" * 10)
    cache = EmbeddingCache(str(path))
    report = verify_files(SEED / "article.txt", [SEED / "official.txt"], embedder=CachedEmbedder(FakeEmbedder(), cache, "m"))
    assert cache.disabled and report.units


def test_two_concurrent_runs_share_the_cache(tmp_path: Path) -> None:
    env = {**os.environ, "VERIFY_CACHE_DIR": str(tmp_path / "cache")}
    load_embedder(None, "onnx").encode(["make sure the export exists"])
    shutil.copytree(os.environ["VERIFY_CACHE_DIR"] + "/models", tmp_path / "cache" / "models")  # the ONNX export
    cmd = [sys.executable, "-m", "verify", str(SEED / "article.txt"), "-a", str(SEED / "official.txt"), "-f", "json"]
    procs = [subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outs = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [1, 1], [o[1] for o in outs]
    assert outs[0][0] == outs[1][0]
    third = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300)
    assert third.stdout == outs[0][0]
    rows = sqlite3.connect(tmp_path / "cache" / CACHE_FILE).execute("SELECT COUNT(*) FROM vectors").fetchone()[0]
    assert rows > 0
    nocache = subprocess.run([*cmd, "--no-cache"], env={**env, "VERIFY_CACHE_DIR": str(tmp_path / "other")},
                             capture_output=True, text=True, timeout=300)
    assert nocache.stdout == outs[0][0]
    assert not (tmp_path / "other" / CACHE_FILE).exists()


# ------------------------------------------------------------------ archive


@pytest.fixture(scope="module")
def seed_archive(tmp_path_factory) -> Path:
    from verify.api import default_embedder
    from verify.archive import build_index

    folder = tmp_path_factory.mktemp("sources")
    shutil.copy(SEED / "official.txt", folder / "2021-01-26-readouts.txt")
    (folder / "2020-08-08-press-conference").write_text("No extension: skipped, and said so.", encoding="utf-8")
    out = folder.parent / "seed.verify"
    stats = build_index(str(folder), str(out), Settings(), default_embedder(Settings(cache=False)))
    assert (stats.documents, stats.added, stats.skipped) == (1, 1, [str(folder / "2020-08-08-press-conference")])
    again = build_index(str(folder), str(out), Settings(), default_embedder(Settings(cache=False)))
    assert (again.added, again.unchanged, again.encoded) == (0, 1, 0)  # nothing re-read or re-encoded
    return out


def test_archive_gives_the_same_verdicts_as_the_files(seed_archive: Path) -> None:
    emb = load_embedder(None, "onnx")
    direct = verify_files(SEED / "article.txt", [SEED / "official.txt"], embedder=emb)
    [via] = verify_many([SEED / "article.txt"], [seed_archive], Settings(cache=False), embedder=emb)
    assert verdicts(via) == verdicts(direct)
    assert [round(u.score, 4) for u in via.units] == [round(u.score, 4) for u in direct.units]
    src = via.sources[0]
    assert src.path.endswith("2021-01-26-readouts.txt") and src.date == "2021-01-26"
    assert json.loads(json.dumps(via.to_dict()))["sources"][0]["date"] == "2021-01-26"


def test_archive_reindexes_changed_files_only(tmp_path: Path) -> None:
    from verify.archive import build_index

    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "a.txt").write_text("The ministry said exports rose by 4 percent in March.", encoding="utf-8")
    (folder / "b.txt").write_text("The council approved the budget on Monday.", encoding="utf-8")
    out = tmp_path / "x.verify"
    fake = FakeEmbedder()
    build_index(str(folder), str(out), Settings(), fake)
    (folder / "b.txt").write_text("The council rejected the budget on Tuesday.", encoding="utf-8")
    (folder / "a.txt").unlink()
    (folder / "c.txt").write_text("A new statement.", encoding="utf-8")
    stats = build_index(str(folder), str(out), Settings(), fake)
    assert (stats.added, stats.updated, stats.removed, stats.unchanged, stats.documents) == (1, 1, 1, 0, 2)
    with pytest.raises(InputError, match="not a verify archive"):
        build_index(str(folder), str(folder / "b.txt"), Settings(), fake)


def test_document_dates() -> None:
    assert document_date("speeches/1789-04-30-first-inaugural-address.txt", "") == "1789-04-30"
    assert document_date("readout.txt", "WASHINGTON, January 26, 2021 — The President spoke") == "2021-01-26"
    assert document_date("readout.txt", "No date here.") is None


def test_cli_index_and_check_against_archive(tmp_path: Path) -> None:
    folder = tmp_path / "src"
    folder.mkdir()
    shutil.copy(SEED / "official.txt", folder / "official.txt")
    out = tmp_path / "a.verify"
    done = subprocess.run([sys.executable, "-m", "verify", "index", str(folder), "--out", str(out)], capture_output=True, text=True)
    assert done.returncode == 0 and done.stderr.startswith("Indexed 1 documents (1 added"), done.stderr
    check = subprocess.run([sys.executable, "-m", "verify", str(SEED / "article.txt"), "-a", str(out), "-f", "json"],
                           capture_output=True, text=True, cwd=ROOT)
    direct = subprocess.run([sys.executable, "-m", "verify", str(SEED / "article.txt"), "-a", str(SEED / "official.txt"), "-f", "json"],
                            capture_output=True, text=True, cwd=ROOT)
    assert check.returncode == direct.returncode == 1, check.stderr
    assert [(u["id"], u["verdict"]) for u in json.loads(check.stdout)["units"]] == [
        (u["id"], u["verdict"]) for u in json.loads(direct.stdout)["units"]]


def test_bad_input_exits_cleanly_while_the_model_loads(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "verify", str(tmp_path / "missing.txt"), "-a", str(SEED / "official.txt")],
                          capture_output=True, text=True, timeout=300)
    assert (done.returncode, done.stdout, done.stderr) == (2, "", f"Error: {tmp_path / 'missing.txt'}: no such file\n")


def test_writing_to_a_device_or_pipe_never_replaces_it(tmp_path: Path) -> None:
    import stat

    from verify.report import write_output

    write_output(os.devnull, "report\n")
    assert stat.S_ISCHR(os.stat(os.devnull).st_mode)
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    reader = subprocess.Popen(["cat", str(fifo)], stdout=subprocess.PIPE, text=True)
    write_output(str(fifo), "through the pipe\n")
    assert reader.communicate(timeout=10)[0] == "through the pipe\n"
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
