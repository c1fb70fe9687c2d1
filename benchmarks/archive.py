"""The archive at scale: index the presidential speeches (100, 300 and all 1,010), then
time one article against each archive — cold (a fresh process) and warm (a second check
in the same process) — beside the brute-force alternative (encode every source per run).

    python benchmarks/archive.py --dev ../shared/corpora/dev [--sizes 100,300,1010] [--work DIR]

The article is a news story on Obama's 2009 inaugural address (in every subset): a
verbatim quotation, an altered one, a paraphrase and an invented quotation. Prints the
table recorded in RESULTS.md and writes benchmarks/archive.json.
"""

from __future__ import annotations

import argparse
import json
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
sys.path.insert(0, str(ROOT))

TARGET = "2009-01-20-inaugural-address.txt"
ARTICLE = """Obama sworn in, calls for "a new era of responsibility"

WASHINGTON, Jan 20 (Wire) — Barack Obama took the oath of office on Tuesday before a vast crowd on the National Mall.

"I stand here today humbled by the task before us, grateful for the trust you have bestowed, mindful of the sacrifices borne by our ancestors," Obama said.

He thanked President Bush for his service to the nation and for the cooperation he showed throughout the transition.

"Forty-four Americans have now taken the presidential oath," he said, adding that \
"the words have been spoken during rising tides of war and the still waters of peace."

Obama also promised that "we will cut taxes for every family in America by next summer."
"""


def run(
    cmd: list[str], env: dict[str, str] | None = None
) -> tuple[float, subprocess.CompletedProcess[str]]:
    start = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, env=env)
    return time.perf_counter() - start, done


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dev", type=Path, default=ROOT.parent / "shared" / "corpora" / "dev")
    ap.add_argument("--sizes", default="100,300,1010")
    ap.add_argument(
        "--work", type=Path, help="keep the archives here (default: a temporary folder)"
    )
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument(
        "--query-only",
        action="store_true",
        help="time the checks against archives already built in --work (build figures from an "
        "earlier run)",
    )
    opts = ap.parse_args()
    data = opts.dev / "presidential_speeches" / "data"
    files = sorted(p for p in data.iterdir() if p.is_file())
    work = opts.work or Path(tempfile.mkdtemp(prefix="verify-archive-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    article = work / "article.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    py = sys.executable
    env = {**os.environ, "VERIFY_CACHE_DIR": str(work / "cache")}
    run(
        [py, "-m", "verify", str(article), "-a", str(data / TARGET), "-o", os.devnull], env
    )  # export the model once
    results = []
    for size in [int(s) for s in opts.sizes.split(",")]:
        n = min(size, len(files))
        chosen = (
            {files[round(i * (len(files) - 1) / max(1, n - 1))] for i in range(n)}
            if n < len(files)
            else set(files)
        )
        chosen.add(data / TARGET)
        while len(chosen) > n:  # keep the size exact, never dropping the target
            chosen.remove(sorted(p for p in chosen if p.name != TARGET)[0])
        folder = work / f"speeches-{n}"
        out = work / f"speeches-{n}.verify"
        if not opts.query_only:
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir()
            for p in chosen:
                shutil.copy2(p, folder / p.name)
            if out.exists():
                out.unlink()
        build_s, done = run([py, "-m", "verify", "index", str(folder), "--out", str(out)], env)
        if done.returncode != 0:
            raise SystemExit(done.stderr)
        m = re.search(r"(\d+) sentences, (\d+) texts encoded", done.stderr)
        sentences, encoded = (int(m.group(1)), int(m.group(2))) if m else (0, 0)
        if opts.query_only:  # nothing was re-encoded: report the archive, not a build
            build_s, encoded = float("nan"), max(encoded, 1)
        cold = []
        report = None
        for _ in range(opts.repeat):
            t, q = run([py, "-m", "verify", str(article), "-a", str(out), "-f", "json"], env)
            cold.append(t)
            report = json.loads(q.stdout)
        assert report is not None
        found = [s["path"] for s in report["sources"]]
        verdicts = {u["id"]: u["verdict"] for u in report["units"]}
        warm_code = (
            "import sys, time, json; from verify import Settings, verify_many\n"
            "a, s = sys.argv[1], sys.argv[2]\n"
            "verify_many([a], [s], Settings())\n"
            "times = []\n"
            "for _ in range(5):\n"
            "    t = time.perf_counter(); verify_many([a], [s], Settings()); "
            "times.append(time.perf_counter() - t)\n"
            "print(json.dumps(times))\n"
        )
        _, w = run([py, "-c", warm_code, str(article), str(out)], env)
        warm = json.loads(w.stdout)
        row = {
            "documents": n,
            "sentences": sentences,
            "texts_encoded": encoded,
            "build_s": round(build_s, 1),
            "size_mb": round(out.stat().st_size / 1e6, 1),
            "throughput_texts_per_s": round(encoded / build_s, 1),
            "cold_s": round(statistics.median(cold), 2),
            "cold_runs": [round(x, 2) for x in cold],
            "warm_s": round(statistics.median(warm), 3),
            "warm_runs": [round(x, 3) for x in warm],
            "found_target": any(TARGET in p for p in found),
            "sources_chosen": found,
            "verdicts": verdicts,
        }
        if (
            n <= 100 and not opts.query_only
        ):  # brute force, measured: every source encoded in the run
            t, _ = run(
                [py, "-m", "verify", str(article), "-a", str(folder), "--no-cache", "-f", "json"],
                env,
            )
            row["brute_force_s"] = round(t, 1)
        elif not opts.query_only:
            row["brute_force_s_estimated"] = round(encoded / row["throughput_texts_per_s"], 0)
        results.append(row)
        print(json.dumps(row), flush=True)
    (
        ROOT / "benchmarks" / ("archive-queries.json" if opts.query_only else "archive.json")
    ).write_text(
        json.dumps(
            {
                "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python "
                f"{platform.python_version()}",
                "results": results,
            },
            indent=1,
        )
        + "\n",
        encoding="utf-8",
    )
    print(
        "| documents | sentences | texts encoded | index build (s) | size (MB) | check, cold "
        "process (s) "
        "| check, warm (s) | brute force per run (s) | target found |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for r in results:
        brute = (
            f"{r['brute_force_s']} (measured)"
            if "brute_force_s" in r
            else f"≈{r['brute_force_s_estimated']:.0f} (estimated)"
            if "brute_force_s_estimated" in r
            else "—"
        )
        print(
            f"| {r['documents']} | {r['sentences']} | {r['texts_encoded']} | {r['build_s']} | "
            f"{r['size_mb']} | "
            f"{r['cold_s']} | {r['warm_s']} | {brute} | {r['found_target']} |"
        )


if __name__ == "__main__":
    main()
