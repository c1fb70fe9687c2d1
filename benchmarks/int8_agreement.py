"""Does the int8 export of the verdict model give the same verdicts as the fp32 one?

    python benchmarks/int8_agreement.py --fp32 build/pair-onnx-fp32 --int8 build/pair-onnx-int8 \
        [--dev ../shared/corpora/dev] [--limit 400]

Each dev report pair (SICK trial, MNLI/RTE train_[34], MRPC (b), VitaminC, STS-B dev) is scored
by both models; a pair's verdict is "entailed" (P(entailed) >= pair_entail_min), "contradicted"
(P(contradicted) >= pair_contradiction_min and above P(entailed)) or "neither", with the thresholds
in verify/config.py. The int8 model ships only where the verdicts agree on at least 99.5% of pairs;
the figure also says how far the probabilities move (mean and max absolute difference) and how
fast each runs on this machine.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from accuracy import load_mrpc, load_nli, load_sick, load_stsb

from verify.backend.classifier import CONTRADICT, ENTAIL, OnnxPairModel
from verify.config import Thresholds

REQUIRED_AGREEMENT = 0.995


def verdicts(probs: np.ndarray, th: Thresholds) -> list[str]:
    out = []
    for p in probs:
        if p[ENTAIL] >= th.pair_entail_min:
            out.append("entailed")
        elif p[CONTRADICT] >= th.pair_contradiction_min and p[CONTRADICT] > p[ENTAIL]:
            out.append("contradicted")
        else:
            out.append("neither")
    return out


def main() -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--fp32", type=Path, required=True)
    ap.add_argument("--int8", type=Path, required=True)
    ap.add_argument("--dev", type=Path, default=ROOT.parent / "shared" / "corpora" / "dev")
    ap.add_argument("--limit", type=int, default=400)
    ap.add_argument("--out", type=Path)
    args = ap.parse_args()
    n, dev = args.limit, args.dev
    pairs = [
        *load_sick(dev / "sick" / "SICK_trial.txt", n),
        *load_nli(dev / "nli" / "mnli", n, "train_[34].jsonl"),
        *load_nli(dev / "nli" / "rte", n, "train_[34].jsonl"),
        *load_mrpc(dev / "mrpc" / "msr_paraphrase_train.txt", 1, n),
        *load_nli(dev / "nli" / "vitaminc", n),
        *load_stsb(dev / "stsb" / "sts-dev.csv", n),
    ]
    items = [(p.source, p.claim) for p in pairs]
    th = Thresholds()
    result = {}
    probs = {}
    for name, path in (("fp32", args.fp32), ("int8", args.int8)):
        model = OnnxPairModel(str(path), threads=2)
        model.predict(items[:16])  # load and warm up
        model._memo.clear()
        t0 = time.perf_counter()
        probs[name] = model.predict(items)
        secs = time.perf_counter() - t0
        result[name] = {
            "seconds": round(secs, 2),
            "pairs_per_s": round(len(items) / secs, 1),
            "size_mb": round((path / "model.onnx").stat().st_size / 1e6, 1),
        }
    a, b = verdicts(probs["fp32"], th), verdicts(probs["int8"], th)
    agree = sum(x == y for x, y in zip(a, b, strict=True)) / len(a)
    diff = np.abs(probs["fp32"] - probs["int8"])
    result.update(
        {
            "pairs": len(items),
            "verdict_agreement": round(agree, 4),
            "required": REQUIRED_AGREEMENT,
            "int8_ships": agree >= REQUIRED_AGREEMENT,
            "mean_abs_prob_diff": round(float(diff.mean()), 4),
            "max_abs_prob_diff": round(float(diff.max()), 4),
        }
    )
    print(json.dumps(result, indent=2))
    if args.out:
        args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
