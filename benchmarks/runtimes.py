"""Embedding runtimes side by side: load time, throughput (sentences per second), peak
memory and agreement with the sentence-transformers reference, each in a fresh process.

    python benchmarks/runtimes.py --dev ../shared/corpora/dev [--n 2000]

Runtimes: sentence-transformers on torch (the reference); verify's ONNX export on
onnxruntime (fp32, the default); the same export quantised to int8 per channel
(onnxruntime.quantization.quantize_dynamic). For int8 it also counts how many verdicts on
300 STS-B pairs differ from fp32. Prints the table recorded in RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

WORKER = r"""
import json, sys, time
import numpy as np
t0 = time.perf_counter()
runtime, texts_path, out_path, onnx_file = sys.argv[1:5]
texts = json.load(open(texts_path, encoding="utf-8"))
sys.path.insert(0, sys.argv[5])
from verify.backend import embedder as embed
if runtime == "torch":
    emb = embed.SentenceTransformerEmbedder()
else:
    emb = embed.OnnxEmbedder()
    if onnx_file != "-":
        emb.onnx_path = onnx_file
emb.encode(texts[:8])  # load
t1 = time.perf_counter()
vecs = emb.encode(texts)
t2 = time.perf_counter()
np.save(out_path, vecs)
verdicts = []
if len(sys.argv) > 6:
    from verify import verify_texts
    pairs = json.load(open(sys.argv[6], encoding="utf-8"))
    verdicts = [[u.verdict for u in verify_texts(a, [b], embedder=emb).units] for a, b in pairs]
print(json.dumps({"load_s": t1 - t0, "encode_s": t2 - t1, "n": len(texts), "verdicts": verdicts}))
"""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dev", type=Path, default=ROOT.parent / "shared" / "corpora" / "dev")
    ap.add_argument("--n", type=int, default=2000)
    opts = ap.parse_args()
    rows = [
        r.split("\t")
        for r in (opts.dev / "stsb" / "sts-train.csv").read_text(encoding="utf-8").splitlines()
    ]
    texts = [t for r in rows if len(r) >= 7 for t in r[5:7]][: opts.n]
    pairs = [(r[5], r[6]) for r in rows if len(r) >= 7][:300]
    sys.path.insert(0, str(ROOT))
    from verify.backend.embedder import OnnxEmbedder

    base = OnnxEmbedder()
    base.encode(["export the model if needed"])
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        (d / "texts.json").write_text(json.dumps(texts), encoding="utf-8")
        (d / "pairs.json").write_text(json.dumps(pairs), encoding="utf-8")
        from onnxruntime.quantization import QuantType, quantize_dynamic

        int8 = d / "model.int8.onnx"
        quantize_dynamic(base.onnx_path, str(int8), weight_type=QuantType.QInt8, per_channel=True)
        worker = d / "worker.py"
        worker.write_text(WORKER, encoding="utf-8")
        results = {}
        for name, runtime, onnx_file in (
            ("sentence-transformers (torch)", "torch", "-"),
            ("onnxruntime fp32 (default)", "onnx", "-"),
            ("onnxruntime int8 per-channel", "onnx", str(int8)),
        ):
            done = subprocess.run(
                [
                    "/usr/bin/time",
                    "-f",
                    "MAXRSS %M",
                    sys.executable,
                    str(worker),
                    runtime,
                    str(d / "texts.json"),
                    str(d / f"{runtime}-{Path(onnx_file).name}.npy"),
                    onnx_file,
                    str(ROOT),
                    str(d / "pairs.json"),
                ],
                capture_output=True,
                text=True,
                env={**os.environ, "TOKENIZERS_PARALLELISM": "false"},
            )
            if done.returncode:
                raise SystemExit(done.stderr[-2000:])
            info = json.loads(done.stdout.strip().splitlines()[-1])
            info["rss_mb"] = int(re.search(r"MAXRSS (\d+)", done.stderr).group(1)) / 1024  # type: ignore[union-attr]
            info["vectors"] = d / f"{runtime}-{Path(onnx_file).name}.npy"
            info["size_mb"] = (
                Path(onnx_file).stat().st_size
                if onnx_file != "-"
                else Path(base.onnx_path).stat().st_size
            ) / 1e6
            results[name] = info
        import numpy as np

        ref = np.load(next(iter(results.values()))["vectors"])
        fp32 = results["onnxruntime fp32 (default)"]["verdicts"]
        print(
            f"{len(texts)} STS-B sentences; verdict agreement on {len(pairs)} STS-B pairs vs "
            "onnxruntime fp32"
        )
        print(
            "| runtime | load (s) | sentences/s | peak RSS (MB) | model file (MB) | min cosine vs "
            "reference | pairs with a different verdict |"
        )
        print("|---|---|---|---|---|---|---|")
        for name, info in results.items():
            vec = np.load(info["vectors"])
            cos = float((vec * ref).sum(axis=1).min())
            diff = sum(1 for a, b in zip(info["verdicts"], fp32, strict=True) if a != b)
            size = "—" if name.startswith("sentence") else f"{info['size_mb']:.0f}"
            print(
                f"| {name} | {info['load_s']:.2f} | {info['n'] / info['encode_s']:.0f} | "
                f"{info['rss_mb']:.0f} | {size} | "
                f"{cos:.5f} | {diff} |"
            )


if __name__ == "__main__":
    main()
