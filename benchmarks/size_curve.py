"""Time and peak memory of pathological inputs at 1×, 4× and 16× size, each in a fresh
`verify` process (ONNX runtime, --no-cache), to show growth no worse than linear.

    python benchmarks/size_curve.py [--base-kb 160] [--ten-mb]

Cases: an article with no punctuation; a source of N sentences; a quotation of N words.
``--ten-mb`` adds one run of a 10 MB article with no punctuation. ``--shapes`` runs the
hostile shapes of issue 17 at 0.25, 0.5, 1 and 2 MB of article (each doubling should cost no
more than about twice): unclosed quotation marks, dateline-like capitals, hard-wrapped text
without sentence punctuation, many quotations, many quotations against a source of 500
sentences, long sentences against that source, a first paragraph that is one run of capitals
and dashes or of "By Ann" (the dateline and byline patterns). ``--shape NAME`` picks shapes. Prints the table recorded in RESULTS.md.
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
    ap.add_argument("--shapes", action="store_true", help="only the hostile shapes, 0.25-2 MB")
    ap.add_argument("--shape", action="append", help="with --shapes: only these (repeatable)")
    opts = ap.parse_args()
    if opts.shapes:
        shapes(opts.shape)
        return
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


SHAPES = {
    "unclosed quotation marks": "He said \u201cthe budget would rise next year and then some ",
    "dateline-like capitals": "WASHINGTON NEW YORK LONDON PARIS BERLIN TOKYO, ",
    "one paragraph of capitals and dashes": "-",
    "one paragraph of capitals and spaces": "By Ann ",
    "hard-wrapped, no sentence punctuation": "the budget would rise next year by four percent\n",
    "many quotations": "He said \u201cthe budget is 17 dollars.\u201d ",
    "many quotations, 500-sentence source": "He said \u201cthe budget is 17 dollars.\u201d ",
    "long sentences, 500-sentence source": "",
}


def _shape_text(name: str, size: int) -> str:
    if name.startswith("long sentences"):
        sentence = " ".join(f"word{i % 89} budget" for i in range(180)) + ".\n\n"
        return sentence * (size // len(sentence))
    unit = SHAPES[name]
    if name.startswith("one paragraph"):  # the first paragraph, where datelines and bylines are
        return ("A" if "dashes" in name else "") + unit * (size // len(unit)) + "!"
    if name.startswith("hard-wrapped"):
        return unit * (size // len(unit))
    # paragraphs of about 4 kB, so quotations do not run across the whole file
    para = unit * max(1, 4000 // len(unit))
    return (para + "\n\n") * (size // (len(para) + 2))


def shapes(only: list[str] | None = None) -> None:
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        small = d / "source.txt"
        small.write_text(SOURCE, encoding="utf-8")
        big = d / "source500.txt"
        big.write_text(
            " ".join(f"Statement {i} says the budget is {i} dollars." for i in range(500)),
            encoding="utf-8",
        )
        for name in only or SHAPES:
            src = big if "500" in name else small
            for kb in (256, 512, 1024, 2048):
                art = d / "article.txt"
                art.write_text(_shape_text(name, kb * 1024), encoding="utf-8")
                wall, rss, status = measure(art, src)
                rows.append((name, f"{art.stat().st_size / 1e6:.2f} MB", wall, rss, status))
                print(rows[-1], file=sys.stderr, flush=True)
    print("| shape | article | wall (s) | peak RSS (MB) | outcome |")
    print("|---|---|---|---|---|")
    for name, size, wall, rss, status in rows:
        print(f"| {name} | {size} | {wall:.1f} | {rss:.0f} | {status} |")


if __name__ == "__main__":
    main()
