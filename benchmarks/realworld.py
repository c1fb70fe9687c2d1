"""Score verify on real articles against the official texts they quote, annotated by hand.

    python benchmarks/realworld.py [--corpus ../shared/corpora/realworld-dev] [--out FILE] [--details]
        [--engine hybrid|pairs] [--pair-model PATH]

Each pair folder holds article.txt, source.txt and expected.json (quotes: exact text, verdict,
verdicts also acceptable, word edits; claims: first words and verdict). A unit agrees when its
verdict is the expected one or one of the accepted ones. Also counted, for quotations: false
alarms (an expected verbatim quotation reported as anything else), other speakers' words
reported as altered or paraphrased (expected not_found), and whether the meaningful edits of
an altered quotation are exactly the annotated ones.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from accuracy import add_pair_model_option, pair_model_error

from verify import Settings, verify_files
from verify.backend.models import default_embedder


def norm(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    text = re.sub(r"[\u2018\u2019\u201b\u2032]", "'", text)
    text = re.sub(r"[\u201c\u201d\u201e\u201f\u2033]", '"', text)
    text = re.sub(r"[\u2010-\u2015\u2212]", "-", text)
    return " ".join(text.split()).strip(" \"'").casefold()


def _words(text: str) -> str:
    return " ".join(re.findall(r"\w+", norm(text)))


def _net(edits: list[tuple[str, str]]) -> list[tuple[tuple[str, ...], tuple[str, ...]]]:
    out = []
    for src, art in edits:
        a, b = src.split(), art.split()
        common = [w for w in a if w in b]
        for w in common:
            if w in a and w in b:
                a.remove(w)
                b.remove(w)
        out.append((tuple(a), tuple(b)))
    return sorted(out)


def score_pair(folder: Path, settings: Settings, embedder) -> dict:  # type: ignore[no-untyped-def,type-arg]
    expected = json.loads((folder / "expected.json").read_text(encoding="utf-8"))
    report = verify_files(folder / "article.txt", [folder / "source.txt"], settings, embedder)
    quotes = [u for u in report.units if u.kind == "quote"]
    claims = [u for u in report.units if u.kind == "claim"]
    rows = []
    for q in expected["quotes"]:
        want = norm(q["text"])
        unit = next((u for u in quotes if norm(u.text) == want), None) or next(
            (u for u in quotes if want in norm(u.text) or norm(u.text) in want), None
        )
        got = unit.verdict if unit else "missing"
        ok_set = {q["verdict"], *q.get("accept", [])}
        row = {
            "pair": folder.name,
            "id": q["id"],
            "kind": "quote",
            "expected": q["verdict"],
            "got": got,
            "agree": got in ok_set,
            "text": q["text"][:80],
        }
        if unit is not None and q["verdict"] == "altered" and got == "altered":
            found = sorted(
                (_words(e.source), _words(e.article)) for e in unit.edits if e.meaningful
            )
            annotated = sorted((_words(e["source"]), _words(e["article"])) for e in q["edits"])
            # the same words changed: each edit's removed and added words (words common to both
            # sides of one edit cancel), so "the three" -> "three of his" counts as the annotated
            # "the three children" -> "three of his children"
            row["edits_exact"] = _net(found) == _net(annotated)
            row["edits_found"] = found
            row["edits_expected"] = annotated
        rows.append(row)
    for c in expected["claims"]:
        begins = _words(c["begins"])
        unit = next((u for u in claims if _words(u.text).startswith(begins)), None) or next(
            (u for u in claims if begins in _words(u.text)), None
        )
        got = unit.verdict if unit else "missing"
        ok_set = {c["verdict"], *c.get("accept", [])}
        if "none" in ok_set:  # a heading or attribution: no verdict needed, not judging it is right
            ok_set.add("missing")
        rows.append(
            {
                "pair": folder.name,
                "id": c["id"],
                "kind": "claim",
                "expected": c["verdict"],
                "got": got,
                "agree": got in ok_set,
                "text": c["begins"][:80],
            }
        )
    return {"rows": rows}


def summarise(rows: list[dict]) -> dict:  # type: ignore[type-arg]
    quotes = [r for r in rows if r["kind"] == "quote"]
    claims = [r for r in rows if r["kind"] == "claim"]
    altered = [r for r in quotes if "edits_exact" in r]
    return {
        "quotes": len(quotes),
        "quotes_agree": sum(r["agree"] for r in quotes),
        "quote_false_alarms": sum(
            1 for r in quotes if r["expected"] == "verbatim" and r["got"] != "verbatim"
        ),
        "other_speaker_as_altered_or_paraphrased": sum(
            1
            for r in quotes
            if r["expected"] == "not_found" and r["got"] in ("altered", "paraphrased")
        ),
        "altered_with_exact_edits": f"{sum(r['edits_exact'] for r in altered)} of {len(altered)}",
        "claims": len(claims),
        "claims_agree": sum(r["agree"] for r in claims),
    }


def main() -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument(
        "--corpus", type=Path, default=ROOT.parent / "shared" / "corpora" / "realworld-dev"
    )
    ap.add_argument("--out", type=Path, help="write the rows and the summary as JSON here")
    ap.add_argument("--details", action="store_true", help="print every unit that disagrees")
    ap.add_argument("--engine", default="hybrid", choices=("hybrid", "pairs"), help="claim engine")
    add_pair_model_option(ap)
    args = ap.parse_args()
    problem = pair_model_error(args.pair_model)
    if problem:
        print(f"Error: {problem}", file=sys.stderr)
        return 2
    folders = sorted(p for p in args.corpus.iterdir() if (p / "expected.json").exists())
    if not folders:
        print(f"Error: {args.corpus}: no pair folders with expected.json", file=sys.stderr)
        return 2
    settings = Settings(pair_model=args.pair_model, claim_engine=args.engine)
    embedder = default_embedder(settings)
    rows: list[dict] = []  # type: ignore[type-arg]
    for folder in folders:
        rows += score_pair(folder, settings, embedder)["rows"]
    summary = summarise(rows)
    if args.details:
        for r in rows:
            false_alarm = (
                r["kind"] == "quote" and r["expected"] == "verbatim" and r["got"] != "verbatim"
            )
            if not r["agree"] or r.get("edits_exact") is False or false_alarm:
                extra = (
                    f" edits {r.get('edits_found')} vs {r.get('edits_expected')}"
                    if r.get("edits_exact") is False
                    else ""
                )
                print(
                    f"{r['pair'][:14]} {r['id']:<4} expected {r['expected']:<12} got "
                    f"{r['got']:<12} {r['text']!r}{extra}"
                )
    print(json.dumps(summary, indent=2))
    if args.out:
        args.out.write_text(
            json.dumps({"summary": summary, "rows": rows}, indent=1) + "\n", encoding="utf-8"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
