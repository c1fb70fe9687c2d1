"""Time fresh `verify` processes: one article vs N articles in one run (model loaded once,
source sentences encoded once), against the seed's official readouts.

    python benchmarks/many_articles.py [--n 20] [--repeat 3]

Articles are built from the seed article's paragraphs (article i = paragraph i mod k plus
a line naming it), written to a temporary folder. Prints a Markdown table for RESULTS.md.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "corpora" / "seed"


def timed(args: list[str]) -> float:
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "verify", *args], capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode not in (0, 1):
        raise SystemExit(f"verify failed: {done.stderr.strip()}")
    return elapsed


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=20)
    ap.add_argument("--repeat", type=int, default=3)
    opts = ap.parse_args()
    paragraphs = [
        p for p in (SEED / "article.txt").read_text(encoding="utf-8").split("\n") if len(p) > 80
    ]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for i in range(opts.n):
            (folder / f"a{i:02d}.txt").write_text(
                paragraphs[i % len(paragraphs)] + f"\n\nStory {i}.\n", encoding="utf-8"
            )
        official = str(SEED / "official.txt")
        one = [
            timed(
                [
                    str(folder / "a00.txt"),
                    "-a",
                    official,
                    "-f",
                    "json",
                    "-o",
                    str(folder / "one.json"),
                ]
            )
            for _ in range(opts.repeat)
        ]
        many = [
            timed([str(folder), "-a", official, "-f", "json", "-o", str(folder / "many.json")])
            for _ in range(opts.repeat)
        ]
    m1, mn = statistics.median(one), statistics.median(many)
    print(f"machine: {platform.machine()}, {platform.system()}, Python {platform.python_version()}")
    print("| run | median wall time (s) | runs |")
    print("|---|---|---|")
    print(f"| 1 article, fresh process | {m1:.2f} | {', '.join(f'{t:.2f}' for t in one)} |")
    print(
        f"| {opts.n} articles, fresh process | {mn:.2f} | {', '.join(f'{t:.2f}' for t in many)} |"
    )
    print(f"| ratio ({opts.n} / 1) | {mn / m1:.2f}× | goal < 3× |")


if __name__ == "__main__":
    main()
