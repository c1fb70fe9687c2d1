"""The fine-tuning loop shared by the verdict and strength models (length-bucketed batches,
AdamW with warm-up and linear decay, bf16 autocast on the CPU, a JSON log line every 50 steps)
and the ONNX export of a trained classifier (through verify/backend/export.py)."""

from __future__ import annotations

import json
import os
import random
import time
from pathlib import Path
from typing import Any

from verify.errors import InputError
from verify.training.data import LABELS, PairExample, TrainSettings


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


def _load(base: str, labels: tuple[str, ...], settings: TrainSettings) -> tuple[Any, Any]:
    """The tokenizer and a sequence classifier for ``labels`` on top of ``base`` (offline,
    seeded, deterministic)."""
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
    tok = AutoTokenizer.from_pretrained(base, local_files_only=True)
    model = AutoModelForSequenceClassification.from_pretrained(
        base,
        num_labels=len(labels),
        local_files_only=True,
        id2label=dict(enumerate(labels)),
        label2id={name: i for i, name in enumerate(labels)},
    )
    return tok, model


def _plan(lengths: list[int], settings: TrainSettings) -> list[list[int]]:
    """The batches of every epoch (a fractional last epoch takes its share of batches)."""
    rng = random.Random(settings.seed)
    plan: list[list[int]] = []
    whole = int(settings.epochs)
    for _ in range(whole):
        plan += batches(lengths, settings, rng)
    if settings.epochs > whole:
        extra = batches(lengths, settings, rng)
        plan += extra[: int(len(extra) * (settings.epochs - whole))]
    return plan


def _optimizer(model: Any, settings: TrainSettings, steps: int) -> tuple[Any, Any]:
    """AdamW (no weight decay on biases and layer norms) and its warm-up/linear-decay schedule."""
    import torch

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
    return optim, sched


def _batch(enc: Any, lengths: list[int], idx: list[int]) -> tuple[Any, Any, Any]:
    """Token ids, attention mask and token types of one batch, padded to its longest."""
    import torch

    width = max(lengths[i] for i in idx)
    ids = torch.zeros((len(idx), width), dtype=torch.long)
    mask = torch.zeros_like(ids)
    types = torch.zeros_like(ids)
    for r, i in enumerate(idx):
        n = lengths[i]
        ids[r, :n] = torch.tensor(enc["input_ids"][i])
        mask[r, :n] = 1
        types[r, :n] = torch.tensor(enc["token_type_ids"][i])
    return ids, mask, types


def train(
    examples: list[PairExample],
    base: str,
    out: Path,
    settings: TrainSettings,
    log: Any = print,
    labels: tuple[str, ...] = LABELS,
) -> dict[str, Any]:
    """Fine-tune ``base`` on ``examples`` (pairs, or single texts where every hypothesis is
    empty) to predict ``labels``; save to ``out``; return the summary."""
    import torch

    tok, model = _load(base, labels, settings)
    single = all(not e.hypothesis for e in examples)
    enc = tok(
        [e.premise for e in examples],
        None if single else [e.hypothesis for e in examples],
        truncation=True,
        max_length=settings.max_tokens,
    )
    lengths = [len(ids) for ids in enc["input_ids"]]
    plan = _plan(lengths, settings)
    steps = len(plan)
    optim, sched = _optimizer(model, settings, steps)
    model.train()
    t0 = time.time()
    seen = 0
    running = 0.0
    for step, idx in enumerate(plan, 1):
        ids, mask, types = _batch(enc, lengths, idx)
        target = torch.tensor([examples[i].label for i in idx])
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


def check_trained(folder: Path) -> None:
    """A folder a training run wrote (config.json, tokenizer.json, the weights); else the
    InputError naming what is missing (never a hub lookup of the path)."""
    if not folder.is_dir():
        raise InputError(f"{folder}: no such folder (give the --out folder of a training run)")
    weights = ("model.safetensors", "pytorch_model.bin")
    missing = [n for n in ("config.json", "tokenizer.json") if not (folder / n).is_file()]
    if not any((folder / w).is_file() for w in weights):
        missing.append(" or ".join(weights))
    if missing:
        raise InputError(f"{folder}: not a trained model (missing {', '.join(missing)})")


def export_pair_model(hf_dir: Path, out: Path, int8: bool = False) -> Path:
    """Export a trained cross-encoder (Hugging Face layout) to ``out/model.onnx`` (opset 17,
    dynamic batch and length), with its tokenizer and config; ``int8``: dynamic int8
    quantisation of the weights (onnxruntime). Returns the model file."""
    check_trained(hf_dir)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import shutil

    from transformers import AutoModelForSequenceClassification

    from verify.backend.export import export_transformer

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
