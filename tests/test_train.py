"""A tiny training run of the verdict model (seconds): the command trains, logs, writes its
manifest, exports to ONNX, and the exported model scores pairs as the trained one does."""

from __future__ import annotations

import json

import numpy as np
import pytest

from tests.conftest import SHARED, FakeEmbedder, need
from verify.training.data import (
    LABELS,
    holdout_split,
    load_dev_training_parts,
    load_speech_pairs,
    load_train_dir,
    speech_files,
    speech_sentences,
    with_context,
)
from verify.training.pair import main

pytestmark = pytest.mark.model


def test_holdout_is_the_same_every_time_and_disjoint():
    examples = load_train_dir(need(SHARED / "train"))
    kept, held = holdout_split(examples, 50, 7)
    _, held2 = holdout_split(examples, 50, 7)
    assert held == held2 and len(held) == 50 and len(kept) == len(examples) - 50
    assert not {(e.premise, e.hypothesis) for e in held} & {(e.premise, e.hypothesis) for e in kept}
    assert {e.label for e in examples} == {0, 1, 2}


def test_dev_training_parts_never_read_the_report_sets():
    dev = need(SHARED / "dev")
    sets = {e.set for e in load_dev_training_parts(dev)}
    assert sets == {"mrpc-train-a", "sick-train", "stsb-train"}


def test_a_tiny_run_trains_exports_and_scores(tmp_path):
    train = need(SHARED / "train")
    out = tmp_path / "model"
    assert (
        main(
            [
                "--data",
                str(train),
                "--out",
                str(out),
                "--max-pairs",
                "48",
                "--holdout",
                "16",
                "--batch-size",
                "16",
                "--max-tokens",
                "64",
                "--no-bf16",
            ]
        )
        == 0
    )
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["pairs"] == 48 and manifest["held_out_for_calibration"] == 16
    assert manifest["summary"]["steps"] == 3 and len(manifest["files"]) == 6
    log = [json.loads(line) for line in (out / "train-log.jsonl").read_text().splitlines()]
    assert "manifest" in log[0] and "summary" in log[-1] and any("loss" in r for r in log)

    onnx_dir = tmp_path / "onnx"
    assert main(["--export", str(out), "--out", str(onnx_dir)]) == 0
    from verify.backend.classifier import OnnxPairModel

    pairs = [
        (
            "The two presidents agreed to maintain transparent communication.",
            "The leaders agreed to keep talking.",
        ),
        ("A man is playing a guitar.", "Nobody is playing an instrument."),
    ]
    probs = OnnxPairModel(str(onnx_dir)).predict(pairs)
    assert probs.shape == (2, len(LABELS)) and np.allclose(probs.sum(axis=1), 1.0, atol=1e-5)

    import torch
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    model = AutoModelForSequenceClassification.from_pretrained(out)
    tok = AutoTokenizer.from_pretrained(out)
    with torch.no_grad():
        ref = model(
            **tok([p[0] for p in pairs], [p[1] for p in pairs], padding=True, return_tensors="pt")
        ).logits.softmax(-1)
    assert np.allclose(probs, ref.numpy(), atol=1e-4)


def test_a_missing_data_folder_is_exit_2(tmp_path, capsys):
    assert main(["--data", str(tmp_path / "nope"), "--out", str(tmp_path / "o")]) == 2
    assert capsys.readouterr().err.startswith("Error: ")


def _one_error_line(capsys, *names: str) -> str:
    err = capsys.readouterr().err
    assert err.startswith("Error: ") and err.count("\n") == 1, err
    assert "Traceback" not in err and all(n in err for n in names), err
    return err


def test_wrong_training_inputs_are_one_error_line_naming_the_file(tmp_path, capsys):
    """An empty --data folder, a corrupt .jsonl.gz, --export of a folder that does not exist or
    holds no model: each one ``Error:`` line naming it, exit 2 (not a ValueError about a
    sample, a BadGzipFile naming no file, a hub "Repo id")."""
    import gzip

    out = str(tmp_path / "o")
    empty = tmp_path / "empty"
    empty.mkdir()
    assert main(["--data", str(empty), "--out", out]) == 2
    _one_error_line(capsys, "training pairs")
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "pairs.jsonl.gz").write_bytes(b"not gzip at all")
    assert main(["--data", str(bad), "--out", out]) == 2
    _one_error_line(capsys, "pairs.jsonl.gz")
    with gzip.open(bad / "pairs.jsonl.gz", "wt", encoding="utf-8") as fh:
        fh.write('{"premise": "a", "hypothesis": "b", "label": "neutral"}\n{oops\n')
    assert main(["--data", str(bad), "--out", out]) == 2
    _one_error_line(capsys, "pairs.jsonl.gz", "line 2")
    assert main(["--export", str(tmp_path / "nope"), "--out", out]) == 2
    _one_error_line(capsys, "nope", "no such folder")
    assert main(["--export", str(empty), "--out", out]) == 2
    _one_error_line(capsys, "empty", "not a trained model")


@pytest.mark.parametrize(
    "extra", [["--speeches", "nope"], ["--context", "1.5"], ["--context", "-0.1"]]
)
def test_bad_real_text_options_are_exit_2_before_training(tmp_path, capsys, extra):
    train = need(SHARED / "train")
    if extra[0] == "--speeches":
        extra = ["--speeches", str(tmp_path / extra[1])]
    tiny = ["--max-pairs", "16", "--holdout", "8", "--batch-size", "8", "--no-bf16"]
    assert main(["--data", str(train), "--out", str(tmp_path / "o"), *tiny, *extra]) == 2
    err = capsys.readouterr().err
    assert err.startswith("Error: ") and err.count("\n") == 1
    assert not (tmp_path / "o").exists()


def test_speech_pairs_read_only_the_training_speeches_and_are_labelled_by_construction():
    folder = need(SHARED / "dev" / "presidential_speeches" / "data")
    files = sorted(folder.glob("*.txt"))
    used = speech_files(folder)
    assert used and all(files.index(p) % 10 in (3, 7) for p in used)
    assert not set(used) & set(files[::10]) and not set(used) & set(files[::34])
    encode = FakeEmbedder().encode
    pairs = load_speech_pairs(folder, 3, 5, encode)
    assert pairs == load_speech_pairs(folder, 3, 5, encode)  # seeded
    by_set = {s: [p for p in pairs if p.set == s] for s in ("speech-neutral", "speech-entailment")}
    assert by_set["speech-neutral"] and by_set["speech-entailment"]
    assert all(p.label == LABELS.index("entailment") for p in by_set["speech-entailment"])
    assert all(p.hypothesis in p.premise for p in by_set["speech-entailment"])
    assert all(p.label == LABELS.index("neutral") for p in by_set["speech-neutral"])
    assert all(p.hypothesis not in p.premise for p in by_set["speech-neutral"])
    texts = {s for p in used for s in speech_sentences(p.read_text(encoding="utf-8"))}
    assert all(p.hypothesis in texts or p.hypothesis in p.premise for p in pairs)
    neutral_only = load_speech_pairs(folder, 3, 5, encode, entailment=False)
    assert neutral_only == by_set["speech-neutral"]


def test_context_puts_another_premise_beside_a_share_of_the_pairs_and_keeps_labels():
    examples = load_train_dir(need(SHARED / "train"))[:400]
    assert with_context(examples, 0.0, 1) == examples
    mixed = with_context(examples, 0.25, 1)
    changed = [(a, b) for a, b in zip(examples, mixed, strict=True) if a != b]
    assert 60 <= len(changed) <= 140
    for a, b in changed:
        assert (a.hypothesis, a.label, a.set) == (b.hypothesis, b.label, b.set)
        assert b.premise.startswith(a.premise + " ") or b.premise.endswith(" " + a.premise)
