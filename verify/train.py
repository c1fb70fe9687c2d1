"""Train the sentence-pair verdict model (a cross-encoder) from the packaged MiniLM weights.

    python -m verify.train --data ../shared/corpora/train --dev ../shared/corpora/dev \
        [--speeches ../shared/corpora/dev/presidential_speeches/data --context 0.15] \
        --out build/pair-model

Reads (source passage, claim) pairs labelled entailment / neutral / contradiction (with
``--speeches``, also pairs built from real text: see ``load_speech_pairs``; with ``--context``,
a share of premises get an unrelated sentence beside them: see ``with_context``), fine-tunes
MiniLM-L6 with a three-way classification head on the CPU, and writes the model (Hugging Face
layout), ``manifest.json`` (every input file's sha256, pairs per set and label, settings) and
``train-log.jsonl``. Deterministic for a given seed, data and torch build. The dev sets that
the project reports on (SICK trial, MRPC (b), the MNLI/RTE report files, VitaminC, STS-B dev)
are never read here. Long because the data, the loop, the evaluation and the export of a
one-off training script are read together.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import re
import sys
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

from verify.read import file_sha256

LABELS = ("entailment", "neutral", "contradiction")
#: How the training files' labels map onto the three classes. A PAWS non-paraphrase shares
#: its words with the source but not its meaning: neutral, not a contradiction.
LABEL_MAP = {
    "entailment": "entailment",
    "neutral": "neutral",
    "contradiction": "contradiction",
    "paraphrase": "entailment",
    "not_paraphrase": "neutral",
}


@dataclass(frozen=True)
class PairExample:
    premise: str
    hypothesis: str
    label: int
    set: str


@dataclass(frozen=True)
class TrainSettings:
    seed: int = 20261124
    max_pairs: int = 0  # 0: every pair; else a seeded sample of this many
    holdout: int = 2000  # pairs of the training folder kept out, to calibrate on
    epochs: float = 1.0
    batch_size: int = 32
    lr: float = 5e-5
    warmup: float = 0.06
    weight_decay: float = 0.01
    max_tokens: int = 128
    bucket_batches: int = 50  # batches sorted by length together (dynamic padding)
    bf16: bool = True  # autocast on CPUs with bf16 support
    threads: int = 0  # 0: os.cpu_count()
    context: float = 0.0  # share of pairs whose premise gets another pair's premise beside it
    speech_sentences: int = 12  # with --speeches: claim sentences drawn from each speech used
    speech_entailment: bool = True  # with --speeches: also the entailment pairs, not only neutral


def _jsonl(path: Path) -> Iterator[dict]:  # type: ignore[type-arg]
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as fh:  # type: ignore[operator]
        for line in fh:
            if line.strip():
                yield json.loads(line)


def load_train_dir(folder: Path) -> list[PairExample]:
    """Every ``*.jsonl.gz`` of the training folder (premise = source, hypothesis = claim)."""
    out = []
    for path in sorted(folder.glob("*.jsonl.gz")):
        for row in _jsonl(path):
            label = LABEL_MAP.get(str(row.get("label")))
            if label is None:
                continue
            out.append(
                PairExample(
                    row["premise"],
                    row["hypothesis"],
                    LABELS.index(label),
                    row.get("set", path.stem),
                )
            )
    return out


def load_dev_training_parts(dev: Path) -> list[PairExample]:
    """The training parts of the dev sets: MRPC train (a) (the first half of the file),
    SICK train, STS-B train (>= 4 same meaning, <= 2 not)."""
    out: list[PairExample] = []
    mrpc = dev / "mrpc" / "msr_paraphrase_train.txt"
    if mrpc.exists():
        rows = []
        for line in mrpc.read_text(encoding="utf-8-sig").splitlines():
            cols = line.split("\t")
            if len(cols) == 5 and cols[0] in ("0", "1"):
                rows.append(cols)
        for cols in rows[: len(rows) // 2]:
            out.append(PairExample(cols[3], cols[4], 0 if cols[0] == "1" else 1, "mrpc-train-a"))
    sick = dev / "sick" / "SICK_train.txt"
    if sick.exists():
        for line in sick.read_text(encoding="utf-8").splitlines():
            cols = line.split("\t")
            if len(cols) == 5 and cols[0].isdigit() and cols[4].lower() in LABELS:
                out.append(
                    PairExample(cols[1], cols[2], LABELS.index(cols[4].lower()), "sick-train")
                )
    stsb = dev / "stsb" / "sts-train.csv"
    if stsb.exists():
        for line in stsb.read_text(encoding="utf-8").splitlines():
            cols = line.split("\t")
            if len(cols) >= 7:
                score = float(cols[4])
                if score >= 4.0 or score <= 2.0:
                    out.append(
                        PairExample(cols[5], cols[6], 0 if score >= 4.0 else 1, "stsb-train")
                    )
    return out


def load_nli_fit(dev: Path) -> list[PairExample]:
    """The MNLI and RTE fit samples (``train_[012].jsonl``): kept out of training, used to
    calibrate the verdict thresholds (the report files ``train_[34]`` are never read)."""
    out = []
    for name in ("mnli", "rte"):
        for path in sorted((dev / "nli" / name).glob("train_[012].jsonl")):
            for row in _jsonl(path):
                raw = str(row["label"])
                label = {"entailment": 0, "True": 0, "contradiction": 2}.get(raw, 1)
                out.append(PairExample(row["premise"], row["hypothesis"], label, f"{name}-fit"))
    return out


#: The speeches ``--speeches`` reads: those whose index (sorted by file name) ends in 3 or 7.
#: Never every 10th (benchmarks/self_check.py measures on those) nor every 34th (RESULTS.md).
SPEECH_RESIDUES = (3, 7)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
#: A neighbour this close (cosine) or this alike in words may restate the claim: not a negative.
_NEAR_MAX = 0.85
_WORDS_ALIKE_MAX = 80
#: Below this cosine a neighbour is no harder a negative than the NLI sets already give.
_NEAR_MIN = 0.35


def speech_sentences(text: str) -> list[str]:
    """Sentences of a speech: 8 to 40 words, on one line, without quotation marks."""
    return [
        s
        for s in _SENTENCE_END.split(text)
        if 8 <= len(s.split()) <= 40 and "\n" not in s and not re.search('["\u201c\u201d]', s)
    ]


def load_speech_pairs(  # type: ignore[no-untyped-def]
    folder: Path, per_speech: int, seed: int, encode, entailment: bool = True
) -> list[PairExample]:
    """Pairs from real text (public-domain presidential speeches): a sentence against the
    sentence of the same speech nearest it in meaning but not beside it is ``neutral`` (about
    the same thing, not saying it: the false contradictions and false supports of real copy);
    a sentence, or its longest comma-separated part, against the two or three sentences around
    it is ``entailment`` (a passage longer than the claim still says it; left out without
    ``entailment``, the neutral pairs unchanged). ``encode`` embeds texts (unit-length rows)."""
    from rapidfuzz import fuzz

    rng = random.Random(seed + 2)
    out: list[PairExample] = []
    for path in speech_files(folder):
        sents = speech_sentences(path.read_text(encoding="utf-8"))
        if len(sents) < 8:
            continue
        vecs = encode(sents)
        for i in sorted(rng.sample(range(len(sents)), min(per_speech, len(sents)))):
            sims = vecs @ vecs[i]
            order = [int(j) for j in sims.argsort()[::-1] if abs(int(j) - i) > 1]
            near = next(
                (
                    j
                    for j in order
                    if _NEAR_MIN <= sims[j] < _NEAR_MAX
                    and fuzz.token_set_ratio(sents[i], sents[j]) < _WORDS_ALIKE_MAX
                ),
                None,
            )
            if near is not None:
                lo = near - (rng.random() < 0.5)
                premise = " ".join(sents[max(0, lo) : near + 1])
                if abs(max(0, lo) - i) > 1 and sents[i] not in premise:  # a refrain repeats
                    out.append(PairExample(premise, sents[i], 1, "speech-neutral"))
            if rng.random() < 0.5:
                parts = [p.strip() for p in sents[i].split(",") if len(p.split()) >= 6]
                claim = max(parts, key=len) if parts and rng.random() < 0.5 else sents[i]
                lo = max(0, i - rng.randint(0, 1))
                premise = " ".join(sents[lo : min(len(sents), lo + rng.randint(2, 3))])
                if claim in premise and entailment:
                    out.append(PairExample(premise, claim, 0, "speech-entailment"))
    return out


def with_context(examples: list[PairExample], share: float, seed: int) -> list[PairExample]:
    """A seeded ``share`` of the pairs get another pair's premise before or after their own:
    the engine gives the model windows of adjacent sentences, and unrelated words beside a
    premise change nothing of what it says."""
    if share <= 0 or len(examples) < 2:
        return examples
    rng = random.Random(seed + 3)
    out = []
    for e in examples:
        if rng.random() < share:
            other = examples[rng.randrange(len(examples))].premise
            premise = f"{other} {e.premise}" if rng.random() < 0.5 else f"{e.premise} {other}"
            e = PairExample(premise, e.hypothesis, e.label, e.set)
        out.append(e)
    return out


def holdout_split(
    examples: list[PairExample], n: int, seed: int
) -> tuple[list[PairExample], list[PairExample]]:
    """(kept for training, held out for calibration): a seeded sample of ``n`` pairs of the
    training folder; the same data and seed always hold out the same pairs."""
    if not n:
        return examples, []
    picked = set(random.Random(seed + 1).sample(range(len(examples)), n))
    return (
        [e for i, e in enumerate(examples) if i not in picked],
        [e for i, e in enumerate(examples) if i in picked],
    )


def speech_files(folder: Path) -> list[Path]:
    """The speeches ``load_speech_pairs`` reads (see ``SPEECH_RESIDUES``)."""
    return [p for n, p in enumerate(sorted(folder.glob("*.txt"))) if n % 10 in SPEECH_RESIDUES]


def input_files(data: Path, dev: Path | None, speeches: Path | None = None) -> list[Path]:
    files = sorted(data.glob("*.jsonl.gz"))
    if dev is not None:
        files += [
            p
            for p in (
                dev / "mrpc" / "msr_paraphrase_train.txt",
                dev / "sick" / "SICK_train.txt",
                dev / "stsb" / "sts-train.csv",
            )
            if p.exists()
        ]
    if speeches is not None:
        files += speech_files(speeches)
    return files


def batches(lengths: list[int], settings: TrainSettings, rng: random.Random) -> list[list[int]]:
    """Length-bucketed batches: shuffle, sort each run of ``bucket_batches`` batches by
    length (little padding), then shuffle the batches."""
    order = list(range(len(lengths)))
    rng.shuffle(order)
    chunk = settings.batch_size * settings.bucket_batches
    out = []
    for start in range(0, len(order), chunk):
        part = sorted(order[start : start + chunk], key=lambda i: lengths[i])
        out += [part[b : b + settings.batch_size] for b in range(0, len(part), settings.batch_size)]
    rng.shuffle(out)
    return out


def train(
    examples: list[PairExample],
    base: str,
    out: Path,
    settings: TrainSettings,
    log=print,
    labels: tuple[str, ...] = LABELS,
) -> dict:  # type: ignore[no-untyped-def,type-arg]
    """Fine-tune ``base`` on ``examples`` (pairs, or single texts where every hypothesis is
    empty) to predict ``labels``; save to ``out``; return the summary.
    Long because the training loop, its evaluation and its checkpoint in one place, as in the
    transformers examples."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    import torch
    from transformers import AutoModelForSequenceClassification, AutoTokenizer
    from transformers.utils import logging as hf_logging

    hf_logging.set_verbosity_error()
    random.seed(settings.seed)
    torch.manual_seed(settings.seed)
    torch.use_deterministic_algorithms(True, warn_only=True)
    torch.set_num_threads(settings.threads or os.cpu_count() or 1)
    rng = random.Random(settings.seed)

    tok = AutoTokenizer.from_pretrained(base, local_files_only=True)
    model = AutoModelForSequenceClassification.from_pretrained(
        base,
        num_labels=len(labels),
        local_files_only=True,
        id2label=dict(enumerate(labels)),
        label2id={name: i for i, name in enumerate(labels)},
    )
    single = all(not e.hypothesis for e in examples)
    enc = tok(
        [e.premise for e in examples],
        None if single else [e.hypothesis for e in examples],
        truncation=True,
        max_length=settings.max_tokens,
    )
    lengths = [len(ids) for ids in enc["input_ids"]]
    plan: list[list[int]] = []
    whole = int(settings.epochs)
    for _ in range(whole):
        plan += batches(lengths, settings, rng)
    if settings.epochs > whole:
        extra = batches(lengths, settings, rng)
        plan += extra[: int(len(extra) * (settings.epochs - whole))]
    steps = len(plan)
    decay = [
        p for n, p in model.named_parameters() if not any(k in n for k in ("bias", "LayerNorm"))
    ]
    other = [p for n, p in model.named_parameters() if any(k in n for k in ("bias", "LayerNorm"))]
    optim = torch.optim.AdamW(
        [
            {"params": decay, "weight_decay": settings.weight_decay},
            {"params": other, "weight_decay": 0.0},
        ],
        lr=settings.lr,
    )
    warm = max(1, int(steps * settings.warmup))
    sched = torch.optim.lr_scheduler.LambdaLR(
        optim, lambda s: min((s + 1) / warm, max(0.0, (steps - s) / max(1, steps - warm)))
    )
    model.train()
    t0 = time.time()
    seen = 0
    running = 0.0
    labels_all = [e.label for e in examples]
    for step, idx in enumerate(plan, 1):
        width = max(lengths[i] for i in idx)
        ids = torch.zeros((len(idx), width), dtype=torch.long)
        mask = torch.zeros_like(ids)
        types = torch.zeros_like(ids)
        for r, i in enumerate(idx):
            n = lengths[i]
            ids[r, :n] = torch.tensor(enc["input_ids"][i])
            mask[r, :n] = 1
            types[r, :n] = torch.tensor(enc["token_type_ids"][i])
        target = torch.tensor([labels_all[i] for i in idx])
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=settings.bf16):
            logits = model(input_ids=ids, attention_mask=mask, token_type_ids=types).logits
        loss = torch.nn.functional.cross_entropy(logits.float(), target)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optim.step()
        sched.step()
        optim.zero_grad(set_to_none=True)
        seen += len(idx)
        running = loss.item() if step == 1 else 0.98 * running + 0.02 * loss.item()
        if step % 50 == 0 or step == steps:
            rate = seen / (time.time() - t0)
            log(
                json.dumps(
                    {
                        "step": step,
                        "steps": steps,
                        "pairs": seen,
                        "loss": round(running, 4),
                        "lr": round(float(sched.get_last_lr()[0]), 8),
                        "pairs_per_s": round(rate, 1),
                        "eta_min": round((steps - step) * len(idx) / rate / 60, 1),
                    }
                )
            )
    model.eval()
    out.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(out, safe_serialization=True)
    tok.save_pretrained(out)
    return {
        "steps": steps,
        "pairs_seen": seen,
        "seconds": round(time.time() - t0, 1),
        "final_loss": round(running, 4),
    }


def export_pair_model(hf_dir: Path, out: Path, int8: bool = False) -> Path:
    """Export a trained cross-encoder (Hugging Face layout) to ``out/model.onnx`` (opset 17,
    dynamic batch and length), with its tokenizer and config; ``int8``: dynamic int8
    quantisation of the weights (onnxruntime). Returns the model file."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import shutil

    from transformers import AutoModelForSequenceClassification

    from verify.export import export_transformer

    model = AutoModelForSequenceClassification.from_pretrained(hf_dir, local_files_only=True)
    out.mkdir(parents=True, exist_ok=True)
    target = out / "model.onnx"
    tmp = out / "model.fp32.onnx"
    export_transformer(model, "logits", str(tmp), [101, 7592, 102, 2088, 102], [0, 0, 0, 1, 1])
    if int8:
        from onnxruntime.quantization import QuantType, quantize_dynamic

        quantize_dynamic(str(tmp), str(target), weight_type=QuantType.QInt8)
        tmp.unlink()
    else:
        os.replace(tmp, target)
    for name in ("tokenizer.json", "config.json"):
        shutil.copyfile(hf_dir / name, out / name)
    return target


def _manifest_key(path: Path, data: Path, dev: Path | None) -> str:
    if path.parent == data:
        return path.name
    if dev is not None and path.is_relative_to(dev):
        return str(path.relative_to(dev))
    return f"{path.parent.name}/{path.name}"


def main(argv: list[str] | None = None) -> int:
    """Long because the command line of a one-off training script."""
    ap = argparse.ArgumentParser(
        prog="python -m verify.train",
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
    args = ap.parse_args(argv)
    if args.export is not None:
        path = export_pair_model(args.export, args.out, args.int8)
        print(f"exported {path} (sha256 {file_sha256(path)})", file=sys.stderr)
        return 0
    settings = TrainSettings(**{k: getattr(args, k) for k in TrainSettings.__dataclass_fields__})
    if args.data is None or not args.data.is_dir():
        print(f"Error: {args.data}: not a folder", file=sys.stderr)
        return 2
    if args.speeches is not None and not speech_files(args.speeches):
        print(f"Error: {args.speeches}: no speeches (*.txt) to build pairs from", file=sys.stderr)
        return 2
    if not 0.0 <= settings.context <= 1.0:
        print(f"Error: --context {settings.context}: a share, from 0 to 1", file=sys.stderr)
        return 2
    from verify.embed import packaged_model_path

    base = args.base or packaged_model_path()
    examples = load_train_dir(args.data)
    examples, held = holdout_split(examples, settings.holdout, settings.seed)
    if args.dev is not None:
        examples += load_dev_training_parts(args.dev)
    if args.speeches is not None:
        from verify.embed import load_embedder

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
    examples = with_context(examples, settings.context, settings.seed)
    if not examples:
        print(f"Error: {args.data}: no training pairs", file=sys.stderr)
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    with gzip.open(args.out / "calibration.jsonl.gz", "wt", encoding="utf-8") as fh:
        for e in held:
            fh.write(json.dumps(asdict(e), ensure_ascii=False) + "\n")
    manifest = {
        "base": "all-MiniLM-L6-v2 (packaged)" if args.base is None else args.base,
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
    log_path = args.out / "train-log.jsonl"
    with open(log_path, "w", encoding="utf-8") as log_fh:

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
