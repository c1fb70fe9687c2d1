"""How long a quotation must be before finding it in a source proves anything.

    python benchmarks/quote_evidence.py [--dev ../shared/corpora/dev] [--samples 3000]
        [--out benchmarks/quote_evidence.json]

A claim sentence that carries a quotation found in the sources is partly borne out
(``Thresholds.quote_evidence_min_words``). A short phrase is found by chance: "Rocket Man",
"appropriate" stand in many texts. For each length n this measures the chance that an n-word
phrase taken at random from one presidential speech (1950 on) stands word for word in another
speech chosen at random (seeded: the same pairs every run). The setting is the shortest length
whose chance is below 1 in 20.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from verify.config import Thresholds
from verify.tokens import tokenize

#: The chance of a coincidental find a quotation's length must bring below (1 in 20).
CHANCE_MAX = 0.05


def words(text: str) -> list[str]:
    return [t.key for t in tokenize(text)]


def chance_by_length(
    texts: list[list[str]], lengths: range, samples: int, seed: int = 0
) -> dict[int, float]:
    """For each n: the share of random n-word phrases of one text found in another text."""
    rng = random.Random(seed)
    joined = [" " + " ".join(t) + " " for t in texts]
    out: dict[int, float] = {}
    for n in lengths:
        hits = 0
        for _ in range(samples):
            a, b = rng.sample(range(len(texts)), 2)
            i = rng.randrange(0, len(texts[a]) - n)
            hits += (" " + " ".join(texts[a][i : i + n]) + " ") in joined[b]
        out[n] = hits / samples
    return out


def main() -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--dev", type=Path, default=ROOT.parent / "shared" / "corpora" / "dev")
    ap.add_argument("--samples", type=int, default=3000)
    ap.add_argument("--out", type=Path)
    args = ap.parse_args()
    folder = args.dev / "presidential_speeches" / "data"
    files = sorted(p for p in folder.glob("*.txt") if p.name >= "1950")
    if len(files) < 2:
        print(f"Error: {folder}: fewer than two speeches from 1950 on", file=sys.stderr)
        return 2
    texts = [words(p.read_text(encoding="utf-8", errors="replace")) for p in files]
    chance = chance_by_length(texts, range(1, 7), args.samples)
    chosen = min(n for n, c in chance.items() if c < CHANCE_MAX)
    print(f"{len(files)} speeches, {args.samples} phrases per length")
    print("| words | found by chance in another speech |\n|---:|---:|")
    for n, c in chance.items():
        print(f"| {n} | {c:.3f} |")
    current = Thresholds().quote_evidence_min_words
    print(f"shortest length below {CHANCE_MAX}: {chosen} (quote_evidence_min_words = {current})")
    if args.out:
        result = {
            "speeches": len(files),
            "samples": args.samples,
            "chance_by_words": chance,
            "chance_max": CHANCE_MAX,
            "chosen": chosen,
        }
        args.out.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
