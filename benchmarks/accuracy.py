"""Calibrate the judge's thresholds on the development data and report its accuracy
beside a cosine-only baseline, in one run.

    python benchmarks/accuracy.py --dev ../shared/corpora/dev [--limit 500] [--fit]

Fit sets (thresholds are chosen here): STS-B train, MRPC train (first half), SICK train,
Clough-Stevenson tasks a-b. Report sets (never used for fitting): STS-B dev, MRPC train
(second half), SICK trial, MNLI / RTE / VitaminC samples, Clough-Stevenson task c.
Data whose licence does not allow redistribution (MRPC, SICK) is read from --dev only.

Without --fit the thresholds in verify/config.py are evaluated as they are; with --fit
the grid search runs and prints the values it would choose.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from verify import Settings, Thresholds, verify_texts
from verify.backend.embedder import load_embedder
from verify.errors import VerifyError
from verify.read import read_document
from verify.segment import segment

POSITIVE = {"supported", "copied", "verbatim", "paraphrased"}


@dataclass
class Pair:
    claim: str
    source: str
    label: str  # supported | not | contradiction


class CachedEmbedder:
    """Encodes each distinct text once; a first 'recording' pass collects every text so
    the model sees them in a few large batches."""

    def __init__(self, inner) -> None:  # type: ignore[no-untyped-def]
        self.inner = inner
        self.name = inner.name
        self.key = inner.key
        self.cache: dict[str, np.ndarray] = {}
        self.recording = False
        self.seen: list[str] = []

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if self.recording:
            self.seen.extend(t for t in texts if t not in self.cache)
            return np.tile(np.eye(1, 8, dtype=np.float32), (len(texts), 1))
        missing = [t for t in dict.fromkeys(texts) if t not in self.cache]
        if missing:
            self.fill(missing)
        return np.stack([self.cache[t] for t in texts]) if texts else np.zeros((0, 384), np.float32)

    def fill(self, texts: Sequence[str]) -> None:
        todo = [t for t in dict.fromkeys(texts) if t not in self.cache]
        for i in range(0, len(todo), 512):
            chunk = todo[i : i + 512]
            for t, v in zip(chunk, self.inner.encode(chunk), strict=True):
                self.cache[t] = v


def _sample(items: list, n: int, seed: int = 0) -> list:
    if len(items) <= n:
        return items
    return random.Random(seed).sample(items, n)


def load_stsb(path: Path, n: int) -> list[Pair]:
    pairs = []
    with open(path, encoding="utf-8") as fh:
        for row in fh:
            cols = row.rstrip("\n").split("\t")
            if len(cols) < 7:
                continue
            score = float(cols[4])
            if score >= 4.0:
                pairs.append(Pair(cols[5], cols[6], "supported"))
            elif score <= 2.0:
                pairs.append(Pair(cols[5], cols[6], "not"))
    return _sample(pairs, n)


def load_mrpc(path: Path, half: int, n: int) -> list[Pair]:
    rows = []
    with open(path, encoding="utf-8-sig") as fh:
        for row in fh:
            cols = row.rstrip("\n").split("\t")
            if len(cols) == 5 and cols[0] in "01":
                rows.append(Pair(cols[3], cols[4], "supported" if cols[0] == "1" else "not"))
    mid = len(rows) // 2
    return _sample(rows[:mid] if half == 0 else rows[mid:], n)


def load_sick(path: Path, n: int) -> list[Pair]:
    pairs = []
    with open(path, encoding="utf-8") as fh:
        for row in fh:
            cols = row.rstrip("\n").split("\t")
            if len(cols) != 5 or not cols[0].isdigit():
                continue
            label = {"ENTAILMENT": "supported", "CONTRADICTION": "contradiction"}.get(
                cols[4], "not"
            )
            pairs.append(Pair(cols[2], cols[1], label))
    return _sample(pairs, n)


def load_nli(folder: Path, n: int, files: str = "*.jsonl") -> list[Pair]:
    pairs = []
    for f in sorted(folder.glob(files)):
        for line in f.read_text("utf-8").splitlines():
            row = json.loads(line)
            if "claim" in row:  # VitaminC
                label = {"supports": "supported", "refutes": "contradiction"}.get(
                    row["label"], "not"
                )
                pairs.append(Pair(row["claim"], row["evidence"], label))
            else:
                raw = str(row["label"])
                label = {
                    "entailment": "supported",
                    "True": "supported",
                    "contradiction": "contradiction",
                }.get(raw, "not")
                pairs.append(Pair(row["hypothesis"], row["premise"], label))
    return _sample(pairs, n)


def add_pair_model_option(ap: argparse.ArgumentParser) -> None:
    """``--pair-model PATH``: measure another verdict model (check it with pair_model_error)."""
    ap.add_argument(
        "--pair-model", metavar="PATH", help="another verdict model (ONNX folder) to measure"
    )


def pair_model_error(path: str | None) -> str | None:
    """Why the verdict model at ``path`` cannot be measured (one line), or None when it loads
    and scores a pair: checked once, before a run that would count every pair as an error."""
    if path is None:
        return None
    from verify.backend.classifier import load_pair_model

    try:
        load_pair_model(path).predict([("A man plays.", "A man plays.")])
    except VerifyError as exc:
        return str(exc)
    return None


def run_pairs(
    pairs: list[Pair],
    th: Thresholds,
    emb: CachedEmbedder,
    pair_model: str | None = None,
    claim_engine: str | None = None,
) -> list[str]:
    """The verdict the judge gives each pair: the claim's, else the quotation's
    (``pair_model``, ``claim_engine``: as in Settings; pair_model "none" is the cosine rules)."""
    settings = replace(Settings(), thresholds=th, pair_model=pair_model)
    if claim_engine is not None:
        settings = replace(settings, claim_engine=claim_engine)
    out = []
    for p in pairs:
        try:
            # each side is one sentence: give headline-style pairs their final stop
            report = verify_texts(_sentence(p.claim), [_sentence(p.source)], settings, embedder=emb)
        except VerifyError:
            out.append("error")
            continue
        claims = [u.verdict for u in report.units if u.kind == "claim"]
        verdicts = claims or [u.verdict for u in report.units]
        if not verdicts:
            out.append("none")
        elif "contradicted" in verdicts:
            out.append("contradicted")
        elif all(v in POSITIVE for v in verdicts):
            out.append(verdicts[0] if len(set(verdicts)) == 1 else "supported")
        else:
            out.append(next(v for v in verdicts if v not in POSITIVE))
    return out


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text[-1:] in ".!?\"'\u201d" else text + "."


def balanced_accuracy(pred_pos: Sequence[bool], gold_pos: Sequence[bool]) -> float:
    tp = sum(p and g for p, g in zip(pred_pos, gold_pos, strict=True))
    tn = sum((not p) and (not g) for p, g in zip(pred_pos, gold_pos, strict=True))
    pos = sum(gold_pos)
    neg = len(gold_pos) - pos
    return 0.5 * ((tp / pos if pos else 0.0) + (tn / neg if neg else 0.0))


def cosines(pairs: list[Pair], emb: CachedEmbedder) -> np.ndarray:
    a = emb.encode([p.claim for p in pairs])
    b = emb.encode([p.source for p in pairs])
    return np.sum(a * b, axis=1)


def best_threshold(
    scores: np.ndarray, gold: Sequence[bool], grid: Sequence[float]
) -> tuple[float, float]:
    best = max(grid, key=lambda t: (balanced_accuracy([s >= t for s in scores], gold), -t))
    return best, balanced_accuracy([s >= best for s in scores], gold)


def support_figures(
    name: str, pairs: list[Pair], verdicts: list[str], cos: np.ndarray, t_cos: float
) -> dict:
    keep = [i for i, p in enumerate(pairs) if p.label in ("supported", "not", "contradiction")]
    gold = [pairs[i].label == "supported" for i in keep]
    ours = balanced_accuracy([verdicts[i] in POSITIVE for i in keep], gold)
    base = balanced_accuracy([float(cos[i]) >= t_cos for i in keep], gold)
    contra = [i for i, p in enumerate(pairs) if p.label == "contradiction"]
    noncontra = [i for i, p in enumerate(pairs) if p.label != "contradiction"]
    recall = sum(verdicts[i] == "contradicted" for i in contra) / len(contra) if contra else None
    false_rate = (
        sum(verdicts[i] == "contradicted" for i in noncontra) / len(noncontra)
        if noncontra
        else None
    )
    return {
        "set": name,
        "pairs": len(pairs),
        "balanced_accuracy": round(ours, 3),
        "cosine_baseline": round(base, 3),
        "contradiction_recall": None if recall is None else round(recall, 3),
        "false_contradiction_rate": None if false_rate is None else round(false_rate, 3),
        "verdicts": dict(Counter(verdicts)),
    }


def clough(
    dev: Path, tasks: str, th: Thresholds, emb: CachedEmbedder
) -> tuple[dict, list[tuple[float, str]]]:
    """Every answer sentence judged as a quotation and as a claim against its original;
    per-category verdict shares. Also returns (word similarity, category) per sentence."""
    folder = dev / "clough_stevenson"
    info = list(csv.DictReader(open(folder / "file_information.csv", encoding="utf-8")))
    settings = replace(Settings(), thresholds=th)
    per: dict[str, Counter] = defaultdict(Counter)
    sims: list[tuple[float, str]] = []
    for row in info:
        if row["Task"] not in tasks:
            continue
        answer = read_document(folder / row["File"], "A")
        orig = read_document(folder / f"orig_task{row['Task']}.txt", "S1")
        for s in segment(answer):
            if s.role != "body" or len(s.text.split()) < 4:
                continue
            quoted = (
                "\u201c"
                + s.text.replace("\u201c", "'").replace("\u201d", "'").replace('"', "'")
                + "\u201d"
            )
            try:
                rep = verify_texts(quoted, [orig.text], settings, embedder=emb)
                rep_claim = verify_texts(s.text, [orig.text], settings, embedder=emb)
            except VerifyError:
                continue
            q = [u for u in rep.units if u.kind == "quote"]
            c = [u for u in rep_claim.units if u.kind == "claim"]
            if q:
                per[row["Category"]]["quote:" + q[0].verdict] += 1
                lex = q[0].score if q[0].verdict in ("verbatim", "altered") else _lexical(q[0])
                sims.append((lex, row["Category"]))
            if c:
                per[row["Category"]]["claim:" + c[0].verdict] += 1
    table = {}
    for cat in ("cut", "light", "heavy", "non"):
        total_q = sum(v for k, v in per[cat].items() if k.startswith("quote:"))
        total_c = sum(v for k, v in per[cat].items() if k.startswith("claim:"))
        table[cat] = {
            k: round(v / (total_q if k.startswith("quote:") else total_c), 3)
            for k, v in sorted(per[cat].items())
        }
    return table, sims


def _lexical(unit) -> float:  # type: ignore[no-untyped-def]
    """Word overlap a not-found or paraphrased quotation had (from its reason)."""
    import re

    m = re.search(r"(\d+)% word overlap|best word overlap (\d+)%", unit.reason)
    if not m:
        return 0.0
    return int(m.group(1) or m.group(2)) / 100.0


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--dev", type=Path, default=ROOT.parent / "shared" / "corpora" / "dev")
    ap.add_argument("--limit", type=int, default=400, help="pairs sampled per set")
    ap.add_argument("--fit", action="store_true", help="grid-search the thresholds on the fit sets")
    ap.add_argument("--out", type=Path, help="write the figures as JSON here")
    ap.add_argument(
        "--runtime", choices=("onnx", "torch"), help="embedding runtime (default: verify's default)"
    )
    ap.add_argument(
        "--verdicts",
        type=Path,
        help="write every pair's verdict as JSON here (to compare runtimes)",
    )
    args = ap.parse_args()
    dev: Path = args.dev
    t0 = time.time()
    emb = CachedEmbedder(load_embedder(None, args.runtime))
    n = args.limit
    fit_sets = {
        "stsb-train": load_stsb(dev / "stsb" / "sts-train.csv", n),
        "mrpc-train-a": load_mrpc(dev / "mrpc" / "msr_paraphrase_train.txt", 0, n),
        "sick-train": load_sick(dev / "sick" / "SICK_train.txt", n),
        "rte-fit": load_nli(dev / "nli" / "rte", n, "train_[012].jsonl"),
        "mnli-fit": load_nli(dev / "nli" / "mnli", n, "train_[012].jsonl"),
    }
    report_sets = {
        "stsb-dev": load_stsb(dev / "stsb" / "sts-dev.csv", n),
        "mrpc-train-b": load_mrpc(dev / "mrpc" / "msr_paraphrase_train.txt", 1, n),
        "sick-trial": load_sick(dev / "sick" / "SICK_trial.txt", n),
        "mnli": load_nli(dev / "nli" / "mnli", n, "train_[34].jsonl"),
        "rte": load_nli(dev / "nli" / "rte", n, "train_[34].jsonl"),
        "vitaminc": load_nli(dev / "nli" / "vitaminc", n),
    }
    th = Thresholds()
    # recording pass: collect every text the judge will ask for, then encode in big batches
    emb.recording = True
    for pairs in (*fit_sets.values(), *report_sets.values()):
        run_pairs(pairs, th, emb)
        emb.seen.extend(p.claim for p in pairs)
        emb.seen.extend(p.source for p in pairs)
    emb.recording = False
    emb.fill(emb.seen)
    print(f"encoded {len(emb.cache)} texts in {time.time() - t0:.0f}s", file=sys.stderr)

    fit_pairs = [p for name in ("stsb-train", "mrpc-train-a") for p in fit_sets[name]]
    gold_fit = [p.label == "supported" for p in fit_pairs]
    cos_fit = cosines(fit_pairs, emb)
    t_cos, ba_cos = best_threshold(cos_fit, gold_fit, [x / 100 for x in range(30, 96)])
    chosen: dict[str, float] = {}
    if args.fit:
        # quotation paraphrase: sentence cosine, paraphrase (STS >= 4, MRPC 1) vs not
        chosen["quote_paraphrase_min"] = t_cos
        grid = []
        # macro average over the fit sets: symmetric paraphrase (STS-B, MRPC) and news
        # entailment (RTE, MNLI: a short claim against a longer source) count alike
        support_sets = [fit_sets[k] for k in ("stsb-train", "mrpc-train-a", "rte-fit", "mnli-fit")]
        for sup in (0.5, 0.55, 0.6, 0.65, 0.7, 0.75):
            cand = replace(th, support_min=sup)
            scores = []
            for pairs in support_sets:
                verdicts = run_pairs(pairs, cand, emb)
                scores.append(
                    balanced_accuracy(
                        [v in POSITIVE for v in verdicts], [p.label == "supported" for p in pairs]
                    )
                )
            ba = sum(scores) / len(scores)
            grid.append((ba, sup))
            print(f"  support_min={sup:.2f}: balanced accuracy {ba:.3f}", file=sys.stderr)
        chosen["support_min"] = max(grid, key=lambda t: (t[0], -t[1]))[1]
        th = replace(th, support_min=chosen["support_min"])
        sick = fit_sets["sick-train"]
        grid = []
        for ctx in (0.4, 0.5, 0.55, 0.6, 0.7, 0.8):
            verdicts = run_pairs(sick, replace(th, contradiction_context_min=ctx), emb)
            ba = balanced_accuracy(
                [v == "contradicted" for v in verdicts], [p.label == "contradiction" for p in sick]
            )
            grid.append((ba, ctx))
            print(
                f"  contradiction_context_min={ctx:.2f}: balanced accuracy {ba:.3f}",
                file=sys.stderr,
            )
        chosen["contradiction_context_min"] = max(grid, key=lambda t: (t[0], -t[1]))[1]
        th = replace(th, contradiction_context_min=chosen["contradiction_context_min"])
        _, sims = clough(dev, "ab", th, emb)
        gold_q = [cat in ("cut", "light") for _, cat in sims]
        t_q, ba_q = best_threshold(
            np.array([s for s, _ in sims]), gold_q, [x / 100 for x in range(20, 91, 5)]
        )
        chosen["quote_match_min"] = t_q
        print(
            f"  quote_match_min={t_q:.2f}: balanced accuracy {ba_q:.3f} (Clough a-b sentences)",
            file=sys.stderr,
        )
        th = replace(th, quote_match_min=t_q, quote_paraphrase_min=chosen["quote_paraphrase_min"])

    results = []
    all_verdicts: dict[str, list[str]] = {}
    for name, pairs in {**fit_sets, **report_sets}.items():
        verdicts = run_pairs(pairs, th, emb)
        all_verdicts[name] = verdicts
        fig = support_figures(name, pairs, verdicts, cosines(pairs, emb), t_cos)
        fig["split"] = "fit" if name in fit_sets else "report"
        results.append(fig)
    clough_table, _ = clough(dev, "c", th, emb)
    if args.verdicts:
        args.verdicts.write_text(json.dumps(all_verdicts, indent=1) + "\n", encoding="utf-8")
    out = {
        "thresholds": {
            k: getattr(th, k)
            for k in (
                "quote_match_min",
                "quote_paraphrase_min",
                "support_min",
                "contradiction_context_min",
                "claim_copied_min",
            )
        },
        "chosen_by_fit": chosen,
        "cosine_baseline_threshold": t_cos,
        "cosine_baseline_fit_balanced_accuracy": round(ba_cos, 3),
        "sets": results,
        "clough_task_c": clough_table,
        "seconds": round(time.time() - t0, 1),
    }
    print(
        f"{'set':<14}{'split':<8}{'pairs':>6}{'bal.acc':>9}{'cosine':>8}{'contra.rec':>11}{'false.con':>10}"
    )
    for r in results:
        cr = "-" if r["contradiction_recall"] is None else f"{r['contradiction_recall']:.3f}"
        fc = (
            "-" if r["false_contradiction_rate"] is None else f"{r['false_contradiction_rate']:.3f}"
        )
        print(
            f"{r['set']:<14}{r['split']:<8}{r['pairs']:>6}{r['balanced_accuracy']:>9.3f}"
            f"{r['cosine_baseline']:>8.3f}{cr:>11}{fc:>10}"
        )
    print("Clough-Stevenson task c, share of sentence verdicts per class:")
    for cat, shares in clough_table.items():
        print(f"  {cat:<6} " + ", ".join(f"{k}={v:.2f}" for k, v in shares.items()))
    print(
        f"thresholds: {out['thresholds']}; cosine baseline threshold {t_cos:.2f}; {out['seconds']}s"
    )
    if args.out:
        args.out.write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
