"""Embeddings: the ONNX runtime equals sentence-transformers, and the model loads while bad input fails fast."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from tests.conftest import DEV, SEED, need
from verify import verify_files
from verify.backend.embedder import OnnxEmbedder, SentenceTransformerEmbedder, load_embedder

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
    onnx = verify_files(
        SEED / "article.txt", [SEED / "official.txt"], embedder=load_embedder(None, "onnx")
    )
    torch = verify_files(SEED / "article.txt", [SEED / "official.txt"], embedder=torch_embedder)
    assert verdicts(onnx) == verdicts(torch)
    assert [round(u.score, 3) for u in onnx.units] == [round(u.score, 3) for u in torch.units]


def test_dev_pairs_verdicts_same_on_both_runtimes(torch_embedder) -> None:
    from verify import verify_texts

    texts = dev_texts(120)
    pairs = list(zip(texts[0::2], texts[1::2], strict=False))
    onnx = load_embedder(None, "onnx")
    for claim, source in pairs:
        assert verdicts(verify_texts(claim, [source], embedder=onnx)) == verdicts(
            verify_texts(claim, [source], embedder=torch_embedder)
        )


def test_bad_input_exits_cleanly_while_the_model_loads(tmp_path: Path) -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "verify",
            str(tmp_path / "missing.txt"),
            "-a",
            str(SEED / "official.txt"),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert (done.returncode, done.stdout, done.stderr) == (
        2,
        "",
        f"Error: {tmp_path / 'missing.txt'}: no such file\n",
    )


def test_a_truncated_cached_export_is_made_again(tmp_path) -> None:
    """A damaged model.onnx in the cache (a full disk, a killed export) is dropped and exported
    again once, never an internal error."""
    import shutil
    import subprocess
    import sys

    from tests.conftest import SEED

    load_embedder(None, "onnx").encode(["make sure the export exists"])
    cache = tmp_path / "cache"
    shutil.copytree(os.environ["VERIFY_CACHE_DIR"] + "/models", cache / "models")
    exports = list((cache / "models").rglob("model.onnx"))
    assert exports
    for f in (cache / "models").rglob("*.onnx"):
        data = f.read_bytes()
        f.write_bytes(data[: len(data) // 3])
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "verify",
            str(SEED / "article.txt"),
            "-a",
            str(SEED / "official.txt"),
            "--isolated",
            "--no-cache",
            "-f",
            "json",
        ],
        env={**os.environ, "VERIFY_CACHE_DIR": str(cache)},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 1, done.stderr
    assert "Preparing the embedded model for first use" in done.stderr
    assert exports[0].stat().st_size > 1_000_000


def test_a_cache_folder_that_cannot_be_written_exports_in_memory(tmp_path, monkeypatch, capsys):
    """A full disk (or a read-only cache) while exporting the model: the run goes on with the
    export held in memory, says so on one line, leaves nothing behind, and encodes the same
    vectors as the cached export."""
    import errno

    import verify.backend.export

    reference = load_embedder(None, "onnx").encode(dev_texts(10))

    def disk_full(src: str, dst: str) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setenv("VERIFY_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(verify.backend.export.os, "replace", disk_full)
    fresh = OnnxEmbedder(None)
    vectors = fresh.encode(dev_texts(10))
    err = capsys.readouterr().err
    assert "No space left on device): the cache is off for this run" in err
    assert np.allclose(vectors, reference, atol=1e-6)
    assert [p for p in (tmp_path / "cache").rglob("*") if p.is_file()] == []


def test_a_full_disk_for_the_optimised_copy_runs_without_it_and_leaves_no_file(
    tmp_path, monkeypatch
):
    """The cache is an optimisation: where the optimised copy cannot be written (the disk
    fills mid-write), the session still opens on the model itself, and the partial
    ``….optimized.onnx.PID.tmp`` is gone."""
    import onnxruntime as ort

    from verify.backend import onnx
    from verify.backend.classifier import packaged_pair_model_path

    real = ort.InferenceSession

    def full_disk(source, opts, providers=None):  # type: ignore[no-untyped-def]
        if opts.optimized_model_filepath:
            with open(opts.optimized_model_filepath, "wb") as fh:
                fh.write(b"partial")
            raise RuntimeError("No space left on device")
        return real(source, opts, providers=providers)

    monkeypatch.setattr(ort, "InferenceSession", full_disk)
    model = f"{packaged_pair_model_path()}/model.onnx"
    session = onnx.open_session(model, 1, str(tmp_path / "m.optimized.onnx"))
    assert {i.name for i in session.get_inputs()} >= {"input_ids", "attention_mask"}
    assert list(tmp_path.iterdir()) == []
