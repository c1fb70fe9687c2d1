"""Index builds and backlogs on Ray beside the in-process default, on this machine.

    python benchmarks/scale.py --dev ../shared/corpora/dev [--sizes 100] [--articles 200]
        [--work /tmp/verify-scale] [--out benchmarks/scale.json]

For each size: the first N presidential speeches (by file name) indexed (1) in process into one
archive file, as today; (2) on Ray with 1 worker into 2 shards; (3) on Ray with 2 workers into 2
shards. Each in a fresh process (``python -m verify index``), timed by the wall clock, its peak
memory the largest sum of the resident memory of the command and every Ray process seen while it
ran (psutil, sampled every 0.2 s). The archives must give the same verdicts on the seed article
and the UNGA 2017 real-world article (verdict and score to 3 dp). Backlog: ``--articles`` copies
of the seed and the six real-world articles checked against the seed's official text, in process
and on Ray with 2 workers: wall time, and whether the JSON is byte-identical.
``--verdicts-only`` keeps the archives already built in ``--work`` and the timings already in
``--out``, and compares the verdicts again (after a change to how archives are queried).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run(cmd: list[str]) -> dict:  # type: ignore[type-arg]
    """Run a command; its wall time and peak memory (the command plus every Ray process)."""
    import psutil

    peak = 0
    stop = threading.Event()

    def sample(pid: int) -> None:
        nonlocal peak
        while not stop.is_set():
            total = 0
            try:
                root = psutil.Process(pid)
                procs = [root, *root.children(recursive=True)]
            except psutil.Error:
                procs = []
            seen = {p.pid for p in procs}
            for p in psutil.process_iter(["pid", "name", "cmdline"]):
                cmd_line = " ".join(p.info.get("cmdline") or [])
                if p.pid not in seen and (
                    "ray::" in cmd_line or "raylet" in cmd_line or "gcs_server" in cmd_line
                ):
                    procs.append(p)
            for p in procs:
                try:
                    total += p.memory_info().rss
                except psutil.Error:
                    pass
            peak = max(peak, total)
            time.sleep(0.2)

    t0 = time.perf_counter()
    proc = subprocess.Popen(
        cmd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONHASHSEED": "0"},
    )
    watcher = threading.Thread(target=sample, args=(proc.pid,), daemon=True)
    watcher.start()
    out, err = proc.communicate()
    wall = time.perf_counter() - t0
    stop.set()
    watcher.join()
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}): {err[-2000:]}")
    return {"wall_s": round(wall, 1), "peak_mb": round(peak / 2**20), "stdout": out, "stderr": err}


def verdicts(archive: Path, article: Path) -> list:  # type: ignore[type-arg]
    got = run(
        [
            sys.executable,
            "-m",
            "verify",
            str(article),
            "--against",
            str(archive),
            "-f",
            "json",
            "--isolated",
        ]
    )
    return [
        (u["id"], u["verdict"], round(u["score"], 3)) for u in json.loads(got["stdout"])["units"]
    ]


def check_articles(dev: Path) -> list[Path]:
    realworld = dev.parent / "realworld-dev"
    return [
        ROOT / "corpora" / "seed" / "article.txt",
        realworld / "01_trump_unga2017_breitbart" / "article.txt",
    ]


def verdicts_again(args: argparse.Namespace) -> int:
    """Compare the verdicts of archives already built (``--verdicts-only``)."""
    result = json.loads(args.out.read_text(encoding="utf-8"))
    checks = check_articles(args.dev)
    for size, rows in result["index"].items():
        base = [verdicts(args.work / f"one{size}.verify", a) for a in checks]
        for name, workers in (("ray_1_worker_2_shards", 1), ("ray_2_workers_2_shards", 2)):
            got = [verdicts(args.work / f"ray{workers}_{size}", a) for a in checks]
            rows[name]["same_verdicts_as_one_file"] = got == base
    print(json.dumps(result, indent=2))
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0


def main() -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--dev", type=Path, default=ROOT.parent / "shared" / "corpora" / "dev")
    ap.add_argument("--sizes", default="100")
    ap.add_argument("--articles", type=int, default=200)
    ap.add_argument("--work", type=Path, default=Path("/tmp/verify-scale"))
    ap.add_argument("--out", type=Path)
    ap.add_argument("--verdicts-only", action="store_true")
    args = ap.parse_args()
    if args.verdicts_only:
        return verdicts_again(args)
    speeches = sorted((args.dev / "presidential_speeches" / "data").glob("*.txt"))
    realworld = args.dev.parent / "realworld-dev"
    checks = check_articles(args.dev)
    shutil.rmtree(args.work, ignore_errors=True)
    args.work.mkdir(parents=True)
    result: dict = {"machine": f"{os.cpu_count()} cores", "index": {}, "backlog": {}}
    verify = [sys.executable, "-m", "verify"]
    for size in (int(s) for s in args.sizes.split(",")):
        docs = args.work / f"docs{size}"
        docs.mkdir()
        for f in speeches[:size]:
            shutil.copy(f, docs / f.name)
        rows = {}
        builds = {
            "in_process_one_file": (args.work / f"one{size}.verify", []),
            "ray_1_worker_2_shards": (
                args.work / f"ray1_{size}",
                ["--engine", "ray", "--workers", "1", "--shards", "2"],
            ),
            "ray_2_workers_2_shards": (
                args.work / f"ray2_{size}",
                ["--engine", "ray", "--workers", "2", "--shards", "2"],
            ),
        }
        for name, (out, extra) in builds.items():
            got = run([*verify, "index", str(docs), "--out", str(out), "--isolated", *extra])
            line = [ln for ln in got["stderr"].splitlines() if ln.startswith("Indexed")][-1]
            texts = int(line.split(" texts encoded")[0].rsplit(" ", 1)[-1])
            rows[name] = {
                "wall_s": got["wall_s"],
                "peak_mb": got["peak_mb"],
                "texts": texts,
                "texts_per_s": round(texts / got["wall_s"], 1),
            }
            print(size, name, rows[name], file=sys.stderr, flush=True)
        base = [verdicts(builds["in_process_one_file"][0], a) for a in checks]
        for name in ("ray_1_worker_2_shards", "ray_2_workers_2_shards"):
            rows[name]["same_verdicts_as_one_file"] = [
                verdicts(builds[name][0], a) for a in checks
            ] == base
        rows["speed_up_2_workers_over_1"] = round(
            rows["ray_1_worker_2_shards"]["wall_s"] / rows["ray_2_workers_2_shards"]["wall_s"], 2
        )
        result["index"][str(size)] = rows
    if not args.articles:  # --articles 0: the index builds only
        print(json.dumps(result, indent=2))
        if args.out:
            args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
        return 0
    arts = args.work / "backlog"
    arts.mkdir()
    pool = [ROOT / "corpora" / "seed" / "article.txt", *sorted(realworld.glob("*/article.txt"))]
    for i in range(args.articles):
        shutil.copy(pool[i % len(pool)], arts / f"a{i:04d}.txt")
    official = str(ROOT / "corpora" / "seed" / "official.txt")
    local = run([*verify, str(arts), "--against", official, "-f", "json", "--isolated"])
    on_ray = run(
        [
            *verify,
            str(arts),
            "--against",
            official,
            "-f",
            "json",
            "--isolated",
            "--engine",
            "ray",
            "--workers",
            "2",
        ]
    )
    result["backlog"] = {
        "articles": args.articles,
        "in_process_wall_s": local["wall_s"],
        "in_process_peak_mb": local["peak_mb"],
        "ray_2_workers_wall_s": on_ray["wall_s"],
        "ray_2_workers_peak_mb": on_ray["peak_mb"],
        "json_byte_identical": local["stdout"] == on_ray["stdout"],
    }
    print(json.dumps(result, indent=2))
    if args.out:
        args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
