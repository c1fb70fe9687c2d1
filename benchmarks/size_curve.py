"""Time and peak memory of pathological inputs at 1×, 4× and 16× size, each in a fresh
`verify` process (ONNX runtime, --no-cache), to show growth no worse than linear.

    python benchmarks/size_curve.py [--base-kb 160] [--ten-mb]

Cases: an article with no punctuation; a source of N sentences; a quotation of N words.
``--ten-mb`` adds one run of a 10 MB article with no punctuation. Prints the table
recorded in RESULTS.md.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SOURCE = (
    "The minister said the budget would rise by four percent next year. Exports fell in March.\n"
)


def measure(article: Path, source: Path) -> tuple[float, float, str]:
    start = time.perf_counter()
    done = subprocess.run(
        [
            "/usr/bin/time",
            "-f",
            "MAXRSS %M",
            sys.executable,
            "-m",
            "verify",
            str(article),
            "-a",
            str(source),
            "--no-cache",
            "-f",
            "json",
            "-o",
            os.devnull,
        ],
        capture_output=True,
        text=True,
    )
    wall = time.perf_counter() - start
    rss = int(re.search(r"MAXRSS (\d+)", done.stderr).group(1)) / 1024  # type: ignore[union-attr]
    status = "ok" if done.returncode in (0, 1) else done.stderr.strip().splitlines()[-2][:80]
    return wall, rss, status


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--base-kb", type=int, default=160)
    ap.add_argument("--ten-mb", action="store_true")
    opts = ap.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        src = d / "source.txt"
        src.write_text(SOURCE, encoding="utf-8")
        for mult in (1, 4, 16):
            # article with no punctuation
            words = "the budget would rise next year "
            art = d / f"nopunct{mult}.txt"
            art.write_text(words * (opts.base_kb * 1024 * mult // len(words)), encoding="utf-8")
            rows.append(
                (
                    "article, no punctuation",
                    f"{art.stat().st_size / 1e6:.2f} MB",
                    mult,
                    *measure(art, src),
                )
            )
            # source of many sentences
            n = 1250 * mult
            big = d / f"source{mult}.txt"
            big.write_text(
                " ".join(f"Statement {i} says the budget is {i} dollars." for i in range(n)),
                encoding="utf-8",
            )
            q = d / "quote.txt"
            q.write_text(
                'The minister said "the budget is 17 dollars." Officials agreed.\n',
                encoding="utf-8",
            )
            rows.append(("source sentences", f"{n:,} sentences", mult, *measure(q, big)))
            # one long quotation
            n = 1000 * mult
            body = " ".join(f"word{i % 97}" for i in range(n))
            qa = d / f"longquote{mult}.txt"
            qa.write_text(f'He said "{body}" today.\n', encoding="utf-8")
            qs = d / f"longquote-src{mult}.txt"
            qs.write_text(body + ".\n", encoding="utf-8")
            rows.append(("quotation length", f"{n:,} words", mult, *measure(qa, qs)))
        if opts.ten_mb:
            art = d / "ten.txt"
            words = "the budget would rise next year "
            art.write_text(words * (10 * 1024 * 1024 // len(words)), encoding="utf-8")
            rows.append(("article, no punctuation", "10.5 MB", 64, *measure(art, src)))
    print("| input | size | × | wall (s) | peak RSS (MB) | outcome |")
    print("|---|---|---|---|---|---|")
    for name, size, mult, wall, rss, status in sorted(rows, key=lambda r: (r[0], r[2])):
        print(f"| {name} | {size} | {mult}× | {wall:.1f} | {rss:.0f} | {status} |")


if __name__ == "__main__":
    main()
