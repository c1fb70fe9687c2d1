"""Train the claim-strength classifier (a MiniLM fine-tuned to one of four strengths).

    python -m verify.training.strength --dev ../shared/corpora/dev --out build/strength-model \
        [--folds 5] [--epochs 3]
    python -m verify.training.strength --export build/strength-model --out verify/models/strength

Reads the 5,137 sentences of ``dev/strength/annotated_{pubmed,eureka}.csv`` (labels 0-3 of Yu et
al. 2019: no relation, correlational, conditional causal, direct causal), fine-tunes the packaged
MiniLM with a four-way head (``verify.training.loop.train``, the verdict model's loop, single
texts) and saves it. ``--folds K`` first trains K models, each without one fold (a seeded
shuffle, the same folds as ``benchmarks/strength.py``), and writes every sentence's
out-of-fold prediction to ``cv.json``: the cross-validated figure. The press-release pairs
are never read here.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import sys
from dataclasses import asdict, replace
from pathlib import Path

from verify.config import DEFAULT_MODEL
from verify.errors import VerifyError
from verify.read import file_sha256
from verify.strength import STRENGTH_LABELS
from verify.training.data import PairExample, TrainSettings
from verify.training.loop import export_pair_model, train

SENTENCE_FILES = ("annotated_pubmed.csv", "annotated_eureka.csv")


def load_sentences(dev: Path) -> list[PairExample]:
    """The annotated sentences, as single-text examples (hypothesis empty)."""
    out = []
    for name in SENTENCE_FILES:
        with open(dev / "strength" / name, encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                out.append(PairExample(row["sentence"], "", int(row["label"]), name))
    return out


def folds(n: int, k: int, seed: int = 0) -> list[list[int]]:
    """K folds of range(n) by a seeded shuffle (benchmarks/strength.py uses the same)."""
    order = list(range(n))
    random.Random(seed).shuffle(order)
    return [sorted(order[i::k]) for i in range(k)]


def predict_torch(model_dir: Path, texts: list[str], threads: int = 0) -> list[list[float]]:
    """Class probabilities of each text from a trained model folder (torch)."""
    import torch
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    torch.set_num_threads(threads or os.cpu_count() or 1)
    tok = AutoTokenizer.from_pretrained(model_dir, local_files_only=True)
    model = AutoModelForSequenceClassification.from_pretrained(model_dir, local_files_only=True)
    model.eval()
    out: list[list[float]] = []
    with torch.no_grad():
        for b in range(0, len(texts), 64):
            enc = tok(
                texts[b : b + 64],
                truncation=True,
                max_length=128,
                padding=True,
                return_tensors="pt",
            )
            out += torch.softmax(model(**enc).logits, dim=-1).tolist()
    return out


def main(argv: list[str] | None = None) -> int:
    """Train (or, with --export, export) the strength classifier; --folds: cross-validate."""
    ap = argparse.ArgumentParser(
        prog="python -m verify.training.strength",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    ap.add_argument("--dev", type=Path, help="dev corpora folder (reads strength/*.csv)")
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--folds", type=int, default=0, help="cross-validate first (0: no)")
    ap.add_argument("--epochs", type=float, default=3.0)
    ap.add_argument(
        "--export",
        type=Path,
        metavar="TRAINED",
        help="do not train: export the trained model in this folder to ONNX in --out",
    )
    ap.add_argument("--int8", action="store_true", help="with --export: int8 weights")
    args = ap.parse_args(argv)
    if args.export is not None:
        try:
            path = export_pair_model(args.export, args.out, args.int8)
        except VerifyError as exc:
            print(f"Error: {exc}", file=sys.stderr)
            return 2
        print(f"exported {path} (sha256 {file_sha256(path)})", file=sys.stderr)
        return 0
    if args.dev is None or not (args.dev / "strength").is_dir():
        print(f"Error: {args.dev}: no strength/ folder", file=sys.stderr)
        return 2
    from verify.backend.embedder import packaged_model_path

    base = packaged_model_path()
    settings = replace(TrainSettings(), epochs=args.epochs, holdout=0)
    examples = load_sentences(args.dev)
    args.out.mkdir(parents=True, exist_ok=True)

    def log(line: str) -> None:
        print(line, file=sys.stderr, flush=True)

    if args.folds:
        predictions: list[list[float]] = [[] for _ in examples]
        for k, held in enumerate(folds(len(examples), args.folds)):
            held_set = set(held)
            part = [e for i, e in enumerate(examples) if i not in held_set]
            fold_dir = args.out / f"fold{k}"
            train(part, base, fold_dir, settings, log, STRENGTH_LABELS)
            probs = predict_torch(fold_dir, [examples[i].premise for i in held], settings.threads)
            for i, p in zip(held, probs, strict=True):
                predictions[i] = [round(x, 6) for x in p]
            log(json.dumps({"fold": k, "done": len(held)}))
        (args.out / "cv.json").write_text(
            json.dumps(
                {
                    "folds": args.folds,
                    "labels": [e.label for e in examples],
                    "probabilities": predictions,
                }
            )
            + "\n",
            encoding="utf-8",
        )
    summary = train(examples, base, args.out, settings, log, STRENGTH_LABELS)
    manifest = {
        "base": DEFAULT_MODEL,
        "settings": asdict(settings),
        "files": {name: file_sha256(args.dev / "strength" / name) for name in SENTENCE_FILES},
        "sentences": len(examples),
        "labels": list(STRENGTH_LABELS),
        "summary": summary,
    }
    (args.out / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
