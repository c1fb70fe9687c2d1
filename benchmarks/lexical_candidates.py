"""Lexical candidates with and without the postings bound (align.Postings), side by side in one
run: many quotations (half from the source, half from other speeches) against a source of many
sentences from the presidential speeches, fake embedder, cosine claims. The two must give the
same report (the bound is exact); the figure is the time of the whole check.

    python benchmarks/lexical_candidates.py [--quotes 1000] [--sentences 2000]
"""

from __future__ import annotations

import argparse
import glob
import random
import re
import sys
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SPEECHES = ROOT.parent / "shared" / "corpora" / "dev" / "presidential_speeches" / "data"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quotes", type=int, default=1000)
    ap.add_argument("--sentences", type=int, default=2000)
    args = ap.parse_args()
    sys.path.insert(0, str(ROOT))
    import verify.align as al
    from tests.conftest import FakeEmbedder
    from verify import Settings, verify_texts

    rng = random.Random(1)
    sents: list[str] = []
    for f in sorted(glob.glob(str(SPEECHES / "*.txt")))[:200]:
        text = Path(f).read_text(encoding="utf-8", errors="replace")
        sents += [
            s
            for s in re.split(r"(?<=[.!?])\s+", text)
            if 8 <= len(s.split()) <= 30 and '"' not in s
        ]
    rng.shuffle(sents)
    n, nq = args.sentences, args.quotes
    source = " ".join(sents[:n])
    quoted = rng.sample(sents[:n], nq // 2) + sents[n : n + nq - nq // 2]
    article = "\n\n".join(f'He said "{s.rstrip(".")}" today.' for s in quoted)
    settings = replace(Settings(), pair_model="none")
    exact = al.lexical_candidates
    results = {}
    for mode in ("every passage scored (before)", "postings bound (now)"):
        if mode.startswith("every"):
            al.lexical_candidates = lambda q, p, k, postings=None: exact(q, p, k)  # type: ignore[assignment]
        else:
            al.lexical_candidates = exact
        t0 = time.perf_counter()
        report = verify_texts(article, [source], settings, embedder=FakeEmbedder())
        seconds = time.perf_counter() - t0
        results[mode] = [(u.id, u.verdict, round(u.score, 4)) for u in report.units]
        print(f"{mode}: {seconds:.2f} s ({nq} quotations, {n} source sentences)")
    same = len({repr(v) for v in results.values()}) == 1
    print(f"same report: {same}")


if __name__ == "__main__":
    main()
