"""Claim strength on the annotated sentence sets, and same-vs-changed on press releases.

    python benchmarks/strength.py [--dev ../shared/corpora/dev] [--fit] [--out benchmarks/strength.json]

Sentences: annotated_pubmed.csv + annotated_eureka.csv (5,137, labels 0-3, Yu et al. 2019).
Macro-F1 by 5-fold cross-validation (folds by a seeded shuffle, the same every run) for the
majority class, the lexicon alone (verify.strength.lexicon_strength) and the classifier
(softmax regression on MiniLM embeddings + lexicon counts). Press releases: insciout_train.jsonl
(100 pairs): "changed" when the predicted strengths of the press-release and abstract
conclusions differ; balanced accuracy against the same/exaggerates/downplays labels.
--fit trains on all sentences and writes verify/models/strength.json.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from verify.embed import load_embedder
from verify.strength import fit, lexicon_strength


def macro_f1(gold: list[int], pred: list[int], classes: int = 4) -> float:
    f1s = []
    for c in range(classes):
        tp = sum(g == c and p == c for g, p in zip(gold, pred, strict=True))
        fp = sum(g != c and p == c for g, p in zip(gold, pred, strict=True))
        fn = sum(g == c and p != c for g, p in zip(gold, pred, strict=True))
        prec = tp / (tp + fp) if tp + fp else 0.0
        rec = tp / (tp + fn) if tp + fn else 0.0
        f1s.append(2 * prec * rec / (prec + rec) if prec + rec else 0.0)
    return sum(f1s) / classes


def balanced(gold: list[bool], pred: list[bool]) -> float:
    pos = [p for g, p in zip(gold, pred, strict=True) if g]
    neg = [not p for g, p in zip(gold, pred, strict=True) if not g]
    return 0.5 * ((sum(pos) / len(pos) if pos else 0) + (sum(neg) / len(neg) if neg else 0))


def main() -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--dev", type=Path, default=ROOT.parent / "shared" / "corpora" / "dev")
    ap.add_argument(
        "--fit",
        action="store_true",
        help="train on all sentences; write verify/models/strength.json",
    )
    ap.add_argument("--out", type=Path)
    args = ap.parse_args()
    folder = args.dev / "strength"
    texts, labels = [], []
    for name in ("annotated_pubmed.csv", "annotated_eureka.csv"):
        with open(folder / name, encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                texts.append(row["sentence"])
                labels.append(int(row["label"]))
    emb = load_embedder(None)
    vectors = emb.encode(texts)
    order = list(range(len(texts)))
    random.Random(0).shuffle(order)
    folds = [order[k::5] for k in range(5)]
    pred_clf = [0] * len(texts)
    for k in range(5):
        test = set(folds[k])
        train = [i for i in order if i not in test]
        model = fit(vectors[train], [texts[i] for i in train], [labels[i] for i in train])
        idx = sorted(test)
        for i, p in zip(idx, model.predict(vectors[idx], [texts[i] for i in idx]), strict=True):
            pred_clf[i] = int(p)
    majority = max(set(labels), key=labels.count)
    result = {
        "sentences": len(texts),
        "macro_f1_majority": round(macro_f1(labels, [majority] * len(labels)), 3),
        "macro_f1_lexicon": round(macro_f1(labels, [lexicon_strength(t) for t in texts]), 3),
        "macro_f1_classifier_5fold": round(macro_f1(labels, pred_clf), 3),
    }
    final = fit(vectors, texts, labels)
    pairs = [
        json.loads(line)
        for line in (folder / "insciout_train.jsonl").read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    pr = [p["press_release_conclusion"] for p in pairs]
    ab = [p["abstract_conclusion"] for p in pairs]
    gold = [p["exaggeration_label"] != "same" for p in pairs]
    s_pr = final.predict(emb.encode(pr), pr)
    s_ab = final.predict(emb.encode(ab), ab)
    result["press_pairs"] = len(pairs)
    result["press_changed_balanced_accuracy_classifier"] = round(
        balanced(gold, [a != b for a, b in zip(s_pr, s_ab, strict=True)]), 3
    )
    levels = np.arange(4)
    e_pr = final.probabilities(emb.encode(pr), pr) @ levels
    e_ab = final.probabilities(emb.encode(ab), ab) @ levels
    result["press_changed_balanced_accuracy_expected_strength"] = {
        f"{t:.2f}": round(
            balanced(gold, [abs(a - b) >= t for a, b in zip(e_pr, e_ab, strict=True)]), 3
        )
        for t in (0.25, 0.5, 0.75, 1.0)
    }
    result["press_changed_balanced_accuracy_lexicon"] = round(
        balanced(
            gold, [lexicon_strength(a) != lexicon_strength(b) for a, b in zip(pr, ab, strict=True)]
        ),
        3,
    )
    result["press_changed_balanced_accuracy_gold_strengths"] = round(
        balanced(gold, [p["press_release_strength"] != p["abstract_strength"] for p in pairs]), 3
    )
    print(json.dumps(result, indent=2))
    if args.fit:
        (ROOT / "verify" / "models").mkdir(exist_ok=True)
        (ROOT / "verify" / "models" / "strength.json").write_text(
            final.to_json() + "\n", encoding="utf-8"
        )
        print("wrote verify/models/strength.json", file=sys.stderr)
    if args.out:
        args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
