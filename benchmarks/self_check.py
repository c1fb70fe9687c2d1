"""False contradictions on real text: sentences of presidential speeches, each checked against
the rest of its own speech.

    python benchmarks/self_check.py [--dev ../shared/corpora/dev] [--step 10] [--per-speech 8]
        [--engine hybrid|pairs] [--pair-model PATH] [--grid] [--other] [--out FILE]

A speech seldom contradicts itself, so every `contradicted` here is (almost always) a false
alarm of the kind that fails a CI run on copy nobody got wrong. Speeches: every ``step``-th file
(sorted by date); sentences: ``per-speech`` of 8 to 40 words without quotation marks, drawn with
a fixed seed; each sentence is removed from its speech (so the check cannot find it copied) and
judged as a one-sentence article against the rest. Prints the rate and every contradicted
sentence with its reason, so each can be read.

--grid calibrates ``pair_conflict_min`` (how sure the verdict model must be before a conflict
the checks name stands): one run at the lowest value of ``GRID``, then, for each value, the
claims still contradicted (those the model confirmed at least that surely, and those that
stand without it); the value chosen is the lowest whose rate is at most ``FALSE_MAX``.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from accuracy import add_pair_model_option, pair_model_error

from verify import Settings, verify_texts
from verify.backend.classifier import load_pair_model
from verify.backend.embedder import load_embedder
from verify.stores import MemoStore, SourceEmbedder
from verify.training.data import speech_sentences

#: pair_conflict_min values tried by --grid, and the real-text false-contradiction rate the
#: chosen one must keep to (one claim in a hundred).
GRID = (0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)
FALSE_MAX = 0.01
#: How verify/hybrid.py words a conflict the verdict model confirmed.
_CONFIRMED = re.compile(r"the verdict model agrees \(P\(contradiction\) ([0-9.]+)\)")


def sample_sentences(text: str, k: int, rng: random.Random) -> list[str]:
    """``k`` sentences of 8 to 40 words on one line, without quotation marks."""
    sents = speech_sentences(text)
    return rng.sample(sents, min(k, len(sents)))


def main() -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--dev", type=Path, default=ROOT.parent / "shared" / "corpora" / "dev")
    ap.add_argument("--step", type=int, default=10, help="every step-th speech")
    ap.add_argument("--per-speech", type=int, default=8)
    ap.add_argument("--engine", default="hybrid", choices=("hybrid", "pairs"))
    ap.add_argument("--grid", action="store_true", help="calibrate pair_conflict_min (see above)")
    ap.add_argument(
        "--other",
        action="store_true",
        help="check each sentence against the next speech in the sample instead (false support: "
        "supported or copied there is a claim borne out by a text that does not say it)",
    )
    add_pair_model_option(ap)
    ap.add_argument("--out", type=Path)
    args = ap.parse_args()
    problem = pair_model_error(args.pair_model)
    if problem:
        print(f"Error: {problem}", file=sys.stderr)
        return 2
    folder = args.dev / "presidential_speeches" / "data"
    files = sorted(folder.glob("*.txt"))[:: max(1, args.step)]
    if not files:
        print(f"Error: {folder}: no speeches", file=sys.stderr)
        return 2
    settings = replace(Settings(), claim_engine=args.engine, pair_model=args.pair_model)
    if args.grid:
        settings = replace(
            settings, thresholds=replace(settings.thresholds, pair_conflict_min=min(GRID))
        )
    embedder = SourceEmbedder(load_embedder(None), [MemoStore()])  # each speech encoded once
    pair_model = load_pair_model(args.pair_model)
    rng = random.Random(0)
    claims = 0
    verdicts: dict[str, int] = {}
    found = []
    started = time.perf_counter()
    for n, f in enumerate(files):
        text = f.read_text(encoding="utf-8")
        other = files[(n + 1) % len(files)].read_text(encoding="utf-8") if args.other else None
        for sentence in sample_sentences(text, args.per_speech, rng):
            rest = other if other is not None else text.replace(sentence, " ")
            report = verify_texts(
                sentence + "\n", [rest], settings, embedder=embedder, pair_model=pair_model
            )
            for u in report.units:
                if u.kind != "claim":
                    continue
                claims += 1
                verdicts[u.verdict] = verdicts.get(u.verdict, 0) + 1
                if u.verdict == "contradicted":
                    found.append(
                        {
                            "speech": f.name,
                            "sentence": sentence,
                            "reason": u.reason,
                            "evidence": [e.text for e in u.evidence],
                        }
                    )
    seconds = time.perf_counter() - started
    rate = len(found) / claims if claims else 0.0
    print(
        f"{len(files)} speeches, {claims} claims ({args.engine}): {len(found)} contradicted "
        f"({rate:.1%}); verdicts {dict(sorted(verdicts.items()))}; {seconds:.0f}s"
    )
    for hit in found:
        print(f"- {hit['speech']}: {hit['sentence'][:110]!r}\n    {hit['reason'][:200]}")
    grid: dict[str, float] = {}
    if args.grid:
        for value in GRID:
            kept = [
                h
                for h in found
                if (m := _CONFIRMED.search(h["reason"])) is None or float(m.group(1)) >= value
            ]
            grid[f"{value:.1f}"] = round(len(kept) / claims, 4) if claims else 0.0
        chosen = min((float(k) for k, v in grid.items() if v <= FALSE_MAX), default=None)
        print("| pair_conflict_min | claims contradicted |\n|---:|---:|")
        for k, v in grid.items():
            print(f"| {k} | {v:.2%} |")
        current = Settings().thresholds.pair_conflict_min
        print(f"lowest at most {FALSE_MAX:.0%}: {chosen} (pair_conflict_min = {current})")
    if args.out:
        result = {
            "speeches": len(files),
            "per_speech": args.per_speech,
            "engine": args.engine,
            "against": "the next speech" if args.other else "the rest of its speech",
            "claims": claims,
            "contradicted": len(found),
            "rate": round(rate, 4),
            "verdicts": dict(sorted(verdicts.items())),
            "found": found,
        }
        if grid:
            result["grid_pair_conflict_min"] = grid
        args.out.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
