"""Train the sentence-pair verdict model (a cross-encoder) from the packaged MiniLM weights.

    python -m verify.training.pair --data ../shared/corpora/train --dev ../shared/corpora/dev \
        [--speeches ../shared/corpora/dev/presidential_speeches/data --context 0.15] \
        --out build/pair-model

Reads (source passage, claim) pairs labelled entailment / neutral / contradiction (with
``--speeches``, also pairs built from real text: see ``load_speech_pairs``; with ``--context``,
a share of premises get an unrelated sentence beside them: see ``with_context``), fine-tunes
MiniLM-L6 with a three-way classification head on the CPU, and writes the model (Hugging Face
layout), ``manifest.json`` (every input file's sha256, pairs per set and label, settings) and
``train-log.jsonl``. Deterministic for a given seed, data and torch build. The dev sets that
the project reports on (SICK trial, MRPC (b), the MNLI/RTE report files, VitaminC, STS-B dev)
are never read here. The data is in data.py, the loop and the export in loop.py.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import sys
from collections import Counter
from dataclasses import asdict
from pathlib import Path

from verify.config import DEFAULT_MODEL
from verify.errors import VerifyError
from verify.read import file_sha256
from verify.training.data import (
    LABELS,
    PairExample,
    TrainSettings,
    holdout_split,
    input_files,
    load_dev_training_parts,
    load_speech_pairs,
    load_train_dir,
    speech_files,
    with_context,
)
from verify.training.loop import export_pair_model, train


def _manifest_key(path: Path, data: Path, dev: Path | None) -> str:
    if path.parent == data:
        return path.name
    if dev is not None and path.is_relative_to(dev):
        return str(path.relative_to(dev))
    return f"{path.parent.name}/{path.name}"


def _parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(
        prog="python -m verify.training.pair",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    ap.add_argument("--data", type=Path, help="folder of *.jsonl.gz training pairs")
    ap.add_argument("--dev", type=Path, help="dev corpora folder: its training parts are added")
    ap.add_argument(
        "--speeches", type=Path, help="folder of presidential speeches: real-text pairs are added"
    )
    ap.add_argument("--out", type=Path, required=True, help="where the trained model is written")
    ap.add_argument("--base", help="model to start from (default: the packaged MiniLM)")
    ap.add_argument(
        "--export",
        type=Path,
        metavar="TRAINED",
        help="do not train: export the trained model in this folder to ONNX in --out",
    )
    ap.add_argument(
        "--int8", action="store_true", help="with --export: quantise the weights to int8"
    )
    for f in TrainSettings.__dataclass_fields__.values():
        flag = "--" + f.name.replace("_", "-")
        if f.type == "bool":
            ap.add_argument(flag, action=argparse.BooleanOptionalAction, default=f.default)
        else:
            ap.add_argument(flag, type=type(f.default), default=f.default)
    return ap


def _examples(
    args: argparse.Namespace, settings: TrainSettings
) -> tuple[list[PairExample], list[PairExample]]:
    """The training pairs the arguments name, and the pairs held out for calibration."""
    examples = load_train_dir(args.data)
    examples, held = holdout_split(examples, settings.holdout, settings.seed)
    if args.dev is not None:
        examples += load_dev_training_parts(args.dev)
    if args.speeches is not None:
        from verify.backend.embedder import load_embedder

        embedder = load_embedder(None)
        examples += load_speech_pairs(
            args.speeches,
            settings.speech_sentences,
            settings.seed,
            embedder.encode,
            settings.speech_entailment,
        )
    if settings.max_pairs and len(examples) > settings.max_pairs:
        examples = random.Random(settings.seed).sample(examples, settings.max_pairs)
    return with_context(examples, settings.context, settings.seed), held


def _bad_arguments(args: argparse.Namespace, settings: TrainSettings) -> str | None:
    if args.data is None or not args.data.is_dir():
        return f"{args.data}: not a folder"
    if args.speeches is not None and not speech_files(args.speeches):
        return f"{args.speeches}: no speeches (*.txt) to build pairs from"
    if not 0.0 <= settings.context <= 1.0:
        return f"--context {settings.context}: a share, from 0 to 1"
    return None


def main(argv: list[str] | None = None) -> int:
    """Train (or, with --export, export) the verdict model; 2 on bad arguments or input, as
    one ``Error:`` line."""
    try:
        return _main(_parser().parse_args(argv))
    except VerifyError as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return 2


def _main(args: argparse.Namespace) -> int:
    if args.export is not None:
        path = export_pair_model(args.export, args.out, args.int8)
        print(f"exported {path} (sha256 {file_sha256(path)})", file=sys.stderr)
        return 0
    settings = TrainSettings(**{k: getattr(args, k) for k in TrainSettings.__dataclass_fields__})
    bad = _bad_arguments(args, settings)
    if bad is not None:
        print(f"Error: {bad}", file=sys.stderr)
        return 2
    from verify.backend.embedder import packaged_model_path

    base = args.base or packaged_model_path()
    examples, held = _examples(args, settings)
    if not examples:
        print(f"Error: {args.data}: no training pairs", file=sys.stderr)
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    with gzip.open(args.out / "calibration.jsonl.gz", "wt", encoding="utf-8") as fh:
        for e in held:
            fh.write(json.dumps(asdict(e), ensure_ascii=False) + "\n")
    manifest = {
        "base": DEFAULT_MODEL if args.base is None else args.base,
        "settings": asdict(settings),
        "files": {
            _manifest_key(p, args.data, args.dev): file_sha256(p)
            for p in input_files(args.data, args.dev, args.speeches)
        },
        "pairs": len(examples),
        "held_out_for_calibration": len(held),
        "by_set": dict(sorted(Counter(e.set for e in examples).items())),
        "by_label": {LABELS[k]: v for k, v in sorted(Counter(e.label for e in examples).items())},
    }
    with open(args.out / "train-log.jsonl", "w", encoding="utf-8") as log_fh:

        def log(line: str) -> None:
            print(line, file=sys.stderr, flush=True)
            log_fh.write(line + "\n")
            log_fh.flush()

        log(json.dumps({"manifest": manifest}))
        summary = train(examples, base, args.out, settings, log)
        log(json.dumps({"summary": summary}))
    manifest["summary"] = summary
    (args.out / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
