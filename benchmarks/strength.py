"""Claim strength on the annotated sentence sets, and same-vs-changed on press releases.

    python benchmarks/strength.py [--dev ../shared/corpora/dev] [--cv build/strength-model/cv.json]
        [--model verify/models/strength] [--out benchmarks/strength.json]

Sentences: annotated_pubmed.csv + annotated_eureka.csv (5,137, labels 0-3, Yu et al. 2019).
Macro-F1 by 5-fold cross-validation (folds by a seeded shuffle, the same every run and the same
as ``python -m verify.training.strength --folds 5``) for the majority class, the lexicon alone
(verify.strength.lexicon_strength), a softmax regression on the frozen MiniLM embeddings plus the
lexicon's features (the earlier design, kept as a baseline), and the fine-tuned classifier (its
out-of-fold predictions, read from --cv).

Press releases: insciout_train.jsonl (100 pairs, never used in training): a pair is "changed" when
its press-release and abstract conclusions differ in strength; balanced accuracy against the
same / exaggerates+downplays labels, for strengths from the lexicon and from the classifier, and
for the flag the tool shows (verify.strength.shift: the classifier's strengths plus the words).
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from verify.backend.classifier import strength_scorer
from verify.backend.embedder import load_embedder
from verify.config import Thresholds
from verify.strength import (
    LEXICON,
    STRENGTH_LABELS,
    lexicon_features,
    lexicon_probabilities,
    lexicon_strength,
    shift,
)


def macro_f1(gold: Sequence[int], pred: Sequence[int], classes: int = 4) -> float:
    f1s = []
    for c in range(classes):
        tp = sum(g == c and p == c for g, p in zip(gold, pred, strict=True))
        fp = sum(g != c and p == c for g, p in zip(gold, pred, strict=True))
        fn = sum(g == c and p != c for g, p in zip(gold, pred, strict=True))
        prec = tp / (tp + fp) if tp + fp else 0.0
        rec = tp / (tp + fn) if tp + fn else 0.0
        f1s.append(2 * prec * rec / (prec + rec) if prec + rec else 0.0)
    return sum(f1s) / classes


def balanced(gold: Sequence[bool], pred: Sequence[bool]) -> float:
    pos = [p for g, p in zip(gold, pred, strict=True) if g]
    neg = [not p for g, p in zip(gold, pred, strict=True) if not g]
    return 0.5 * ((sum(pos) / len(pos) if pos else 0) + (sum(neg) / len(neg) if neg else 0))


def softmax_fit(
    x: np.ndarray, y: np.ndarray, l2: float = 1e-2, steps: int = 800, lr: float = 0.5
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Softmax regression by full-batch gradient descent, classes weighted by inverse frequency
    (the baseline: frozen embeddings + lexicon features)."""
    mean, scale = x.mean(axis=0), x.std(axis=0) + 1e-6
    xs = np.concatenate([(x - mean) / scale, np.ones((len(x), 1))], axis=1)
    onehot = np.eye(4)[y]
    counts = np.bincount(y, minlength=4).astype(np.float64)
    sample_w = (len(y) / (4 * np.maximum(counts, 1)))[y][:, None]
    w = np.zeros((xs.shape[1], 4))
    for _ in range(steps):
        logits = xs @ w
        logits -= logits.max(axis=1, keepdims=True)
        p = np.exp(logits)
        p /= p.sum(axis=1, keepdims=True)
        grad = xs.T @ ((p - onehot) * sample_w) / len(y) + l2 * np.vstack(
            [w[:-1], np.zeros((1, 4))]
        )
        w -= lr * grad
    return w, mean, scale


def softmax_predict(model: tuple[np.ndarray, np.ndarray, np.ndarray], x: np.ndarray) -> np.ndarray:
    w, mean, scale = model
    xs = np.concatenate([(x - mean) / scale, np.ones((len(x), 1))], axis=1)
    return (xs @ w).argmax(axis=1)


def folds(n: int, k: int = 5, seed: int = 0) -> list[list[int]]:
    order = list(range(n))
    random.Random(seed).shuffle(order)
    return [sorted(order[i::k]) for i in range(k)]


def main() -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--dev", type=Path, default=ROOT.parent / "shared" / "corpora" / "dev")
    ap.add_argument(
        "--cv", type=Path, help="cv.json of python -m verify.training.strength --folds 5"
    )
    ap.add_argument("--model", help="strength model folder (default: the packaged one)")
    ap.add_argument("--out", type=Path)
    args = ap.parse_args()
    folder = args.dev / "strength"
    texts, labels = [], []
    for name in ("annotated_pubmed.csv", "annotated_eureka.csv"):
        with open(folder / name, encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                texts.append(row["sentence"])
                labels.append(int(row["label"]))
    y = np.asarray(labels)
    emb = load_embedder(None)
    feats = np.concatenate(
        [emb.encode(texts), np.stack([lexicon_features(t) for t in texts])], axis=1
    )
    pred_soft = np.zeros(len(texts), dtype=int)
    for held in folds(len(texts)):
        train = np.setdiff1d(np.arange(len(texts)), held)
        pred_soft[held] = softmax_predict(softmax_fit(feats[train], y[train]), feats[held])
    majority = int(np.bincount(y).argmax())
    result: dict = {
        "sentences": len(texts),
        "labels": list(STRENGTH_LABELS),
        "lexicon_classes": list(LEXICON),
        "macro_f1_majority": round(macro_f1(labels, [majority] * len(labels)), 3),
        "macro_f1_lexicon": round(macro_f1(labels, [lexicon_strength(t) for t in texts]), 3),
        "macro_f1_embeddings_softmax_5fold": round(macro_f1(labels, pred_soft.tolist()), 3),
    }
    if args.cv:
        cv = json.loads(args.cv.read_text(encoding="utf-8"))
        assert cv["labels"] == labels, "cv.json was made from other sentences"
        pred_cv = np.asarray(cv["probabilities"]).argmax(axis=1).tolist()
        result["macro_f1_classifier_5fold"] = round(macro_f1(labels, pred_cv), 3)
    pairs = [
        json.loads(line)
        for line in (folder / "insciout_train.jsonl").read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    pr = [p["press_release_conclusion"] for p in pairs]
    ab = [p["abstract_conclusion"] for p in pairs]
    gold = [p["exaggeration_label"] != "same" for p in pairs]
    strengths = strength_scorer(args.model)
    p_pr, p_ab = strengths(pr), strengths(ab)
    s_pr, s_ab = p_pr.argmax(axis=1), p_ab.argmax(axis=1)
    l_pr, l_ab = lexicon_probabilities(pr), lexicon_probabilities(ab)
    th = Thresholds()
    tv = 0.5 * np.abs(p_pr - p_ab).sum(axis=1)
    grid = [round(t, 2) for t in np.arange(0.1, 1.0, 0.05)]

    def bal_at(t: float, mask: np.ndarray) -> float:
        g = np.asarray(gold)
        return 0.5 * (float((tv >= t)[mask & g].mean()) + float((tv < t)[mask & ~g].mean()))

    loo = []  # the threshold chosen without the pair it is applied to
    for i in range(len(pairs)):
        mask = np.ones(len(pairs), bool)
        mask[i] = False
        best = max(grid, key=lambda t: (bal_at(t, mask), -abs(t - 0.5)))
        loo.append(bool(tv[i] >= best))
    flags = [
        shift(a, b, x, z, th.strength_shift_min)
        for a, b, x, z in zip(pr, ab, p_pr, p_ab, strict=True)
    ]
    lex_flags = [
        shift(a, b, x, z, th.strength_shift_min)
        for a, b, x, z in zip(pr, ab, l_pr, l_ab, strict=True)
    ]
    gold_dir = [p["exaggeration_label"] for p in pairs]
    everything = np.ones(len(pairs), bool)
    result["press"] = {
        "pairs": len(pairs),
        "by_label": {k: gold_dir.count(k) for k in ("same", "exaggerates", "downplays")},
        "changed_balanced_accuracy": {
            "lexicon_strengths_differ": round(
                balanced(
                    gold,
                    [
                        lexicon_strength(a) != lexicon_strength(b)
                        for a, b in zip(pr, ab, strict=True)
                    ],
                ),
                3,
            ),
            "classifier_strengths_differ": round(
                balanced(gold, [a != b for a, b in zip(s_pr, s_ab, strict=True)]), 3
            ),
            "classifier_tv_threshold_leave_one_out": round(balanced(gold, loo), 3),
            f"flag_at_strength_shift_min_{th.strength_shift_min}": round(
                balanced(gold, [f is not None for f in flags]), 3
            ),
            "flag_lexicon_only": round(balanced(gold, [f is not None for f in lex_flags]), 3),
        },
        "tv_grid": {f"{t:.2f}": round(bal_at(t, everything), 3) for t in grid},
        "classifier_strength_accuracy": {
            "press_release": round(
                float(np.mean(s_pr == np.asarray([p["press_release_strength"] for p in pairs]))), 3
            ),
            "abstract": round(
                float(np.mean(s_ab == np.asarray([p["abstract_strength"] for p in pairs]))), 3
            ),
        },
        "flag_direction_on_changed": {
            "right": sum(
                1
                for f, g in zip(flags, gold_dir, strict=True)
                if f and g != "same" and (f.direction == "overstated") == (g == "exaggerates")
            ),
            "wrong": sum(
                1
                for f, g in zip(flags, gold_dir, strict=True)
                if f and g != "same" and (f.direction == "overstated") != (g == "exaggerates")
            ),
        },
        "flags_with_words": sum(1 for f in flags if f and (f.claim_words or f.evidence_words)),
        "flags": sum(1 for f in flags if f),
    }
    print(json.dumps(result, indent=2))
    if args.out:
        args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
