"""Near-copies on real text: speech sentences with one content word changed, and the same
sentences rephrased, each checked against its speech; and SICK trial pairs that share most of
their words.

    python benchmarks/near_copy.py [--dev ../shared/corpora/dev] [--sentences 200]
        [--baseline TREE | --baseline-json FILE] [--model-reading] [--out benchmarks/near_copy.json]

Speeches: those whose index in date order ends in 1 (no test reads them: the tests take every
40th, 60th, 100th, 150th and 200th and the twenty shortest, the self-check every 10th, training
those ending in 3 or 7), less the twenty shortest. Sentences: three per speech (8 to 40 words,
no quotation marks, seeded) until ``--sentences``. Each becomes:

- ``substituted``: one content word (a noun, verb or adjective with one part of speech in
  WordNet, not capitalised) replaced by another of the same part of speech and ending from the
  same speech. Wanted: never ``copied``, at most 5% ``supported``.
- five rephrasings, where the sentence allows: ``tense`` (an auxiliary in another tense: "is" →
  "was", "will" → "would"), ``order`` (a leading phrase moved to the end), ``synonym`` (a word
  for a WordNet synonym of its first sense), ``attribution`` (", he said." added),
  ``attribution-prefix`` ("The President said on Tuesday that …"). Wanted:
  ``copied`` or ``supported`` at least 90% of the time.

SICK trial pairs with word Jaccard at least 0.6: not-entailed ones ``supported``/``copied`` at
most 10%, entailed ones at least 90%.

``--baseline TREE`` runs the same measurement on another checkout (a worktree of the previous
commit) in a subprocess and prints both side by side.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if "--tree" in sys.argv:
    ROOT = Path(sys.argv[sys.argv.index("--tree") + 1]).resolve()
sys.path.insert(0, str(ROOT))

sys.path.insert(0, str(ROOT / "benchmarks"))  # the measured checkout's helpers
from accuracy import load_sick

from verify import Settings, verify_texts
from verify.backend.embedder import load_embedder
from verify.stores import MemoStore, SourceEmbedder

POSITIVE = ("supported", "copied")
_TENSE = {"is": "was", "are": "were", "has": "had", "have": "had", "will": "would",
          "was": "is", "were": "are", "can": "could", "shall": "should"}  # fmt: skip
_LEADING = re.compile(r"^((?:In|On|At|For|During|After|Before|Since|Today|Now|When|While|With|"
                      r"Without|Under|By|Through|Within|From|As|If|Until|Upon|Of)"
                      r"\b[^,]{0,60}),\s+(.+?)([.!?])$")  # fmt: skip
_WORD = re.compile(r"\b[a-z]{4,}\b")
_ENDINGS = ("ing", "ed", "s", "")


def speech_files(dev: Path) -> list[Path]:
    files = sorted((dev / "presidential_speeches" / "data").glob("*.txt"))
    shortest = set(sorted(files, key=lambda p: p.stat().st_size)[:20])
    return [f for i, f in enumerate(files) if i % 10 == 1 and f not in shortest]


def single_pos(lex, word: str) -> str | None:  # type: ignore[no-untyped-def]
    """The one part of speech (n, v, a) WordNet gives ``word``, else None."""
    found = [p for p in ("n", "v", "a", "r") if lex.lemmas(word, p)]
    return found[0] if len(found) == 1 and found[0] != "r" else None


def ending(word: str) -> str:
    return next(e for e in _ENDINGS if word.endswith(e))


def substitute(sentence: str, speech: str, lex, rng: random.Random) -> str | None:  # type: ignore[no-untyped-def]
    """The sentence with one content word replaced by another of the same part of speech and
    ending from the same speech; None when there is none."""
    from verify.tokens import STOPWORDS

    own = set(re.findall(r"[a-z]+", sentence.lower()))
    cands = [w for w in dict.fromkeys(_WORD.findall(sentence)) if w not in STOPWORDS]
    rng.shuffle(cands)
    pool = sorted(set(_WORD.findall(speech)) - own - STOPWORDS)
    for w in cands:
        pos = single_pos(lex, w)
        if pos is None:
            continue
        lemmas = set(lex.lemmas(w, pos))
        options = [
            r for r in pool
            if ending(r) == ending(w) and single_pos(lex, r) == pos
            and not lemmas & set(lex.lemmas(r, pos))
        ]  # fmt: skip
        if options:
            r = rng.choice(options)
            return re.sub(rf"\b{w}\b", r, sentence, count=1)
    return None


def rephrasings(sentence: str, lex, rng: random.Random) -> dict[str, str]:  # type: ignore[no-untyped-def]
    out: dict[str, str] = {}
    words = sentence.split()
    for i, w in enumerate(words[:-1]):
        nxt = words[i + 1]
        # an auxiliary: before "be", "been", "not" or a participle ("the popular will" is a noun)
        if w in _TENSE and (nxt in ("be", "been", "not") or nxt.endswith(("ed", "en", "ing"))):
            out["tense"] = " ".join([*words[:i], _TENSE[w], *words[i + 1 :]])
            break
    m = _LEADING.match(sentence)
    if m:
        rest = m.group(2)
        out["order"] = (
            f"{rest[0].upper()}{rest[1:]} {m.group(1)[0].lower()}{m.group(1)[1:]}{m.group(3)}"
        )
    from verify.tokens import STOPWORDS

    cands = [w for w in dict.fromkeys(_WORD.findall(sentence)) if w not in STOPWORDS]
    rng.shuffle(cands)
    for w in cands:
        pos = single_pos(lex, w)
        if pos is None or w not in lex.index[pos]:  # an uninflected form only
            continue
        first = lex.index[pos][w][0]
        syn = sorted(
            x for x, senses in lex.index[pos].items()
            if senses and senses[0] == first and x != w and "-" not in x
        )  # fmt: skip
        if syn:
            out["synonym"] = re.sub(rf"\b{w}\b", syn[0], sentence, count=1)
            break
    body = sentence.rstrip(".!?")
    out["attribution"] = f"{body}, he said."
    if not re.match(r"[A-Z][a-z]*[A-Z]|I\b", sentence):  # "I", "McKinley": keep the capital
        out["attribution-prefix"] = (
            f"The President said on Tuesday that {sentence[0].lower()}{sentence[1:]}"
        )
    return out


def verdict(claim: str, source: str, emb) -> str:  # type: ignore[no-untyped-def]
    report = verify_texts(claim, [source], Settings(), embedder=emb)
    claims = [u.verdict for u in report.units if u.kind == "claim"]
    return claims[0] if claims else "none"


def this_lexicon():  # type: ignore[no-untyped-def]
    """This checkout's WordNet extract (verify/lexicon.py stands alone), so that a baseline
    checkout without it is measured on the same sentences."""
    import importlib.util

    path = Path(__file__).resolve().parent.parent / "verify" / "lexicon.py"
    spec = importlib.util.spec_from_file_location("near_copy_lexicon", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module.load()


def measure(dev: Path, n: int) -> dict:  # type: ignore[type-arg]
    lex = this_lexicon()
    rng = random.Random(0)
    emb = SourceEmbedder(load_embedder(None), [MemoStore()])
    from verify.training.data import speech_sentences

    rows: dict[str, list[str]] = {}
    examples: dict[str, list[dict[str, str]]] = {}
    taken = 0
    for f in speech_files(dev):
        if taken >= n:
            break
        speech = f.read_text(encoding="utf-8")
        sents = speech_sentences(speech)
        for s in rng.sample(sents, min(3, len(sents))):
            if taken >= n:
                break
            sub = substitute(s, speech, lex, rng)
            if sub is None:
                continue
            taken += 1
            for kind, claim in {"substituted": sub, **rephrasings(s, lex, rng)}.items():
                v = verdict(claim, speech, emb)
                rows.setdefault(kind, []).append(v)
                examples.setdefault(kind, []).append({"claim": claim, "source": s, "verdict": v})
    sick = [
        p for p in load_sick(dev / "sick" / "SICK_trial.txt", 10_000)
        if _jaccard(p.claim, p.source) >= 0.6
    ]  # fmt: skip
    for p in sick:
        kind = "sick-entailed" if p.label == "supported" else "sick-not-entailed"
        v = verdict(p.claim, p.source, emb)
        rows.setdefault(kind, []).append(v)
        examples.setdefault(kind, []).append({"claim": p.claim, "source": p.source, "verdict": v})
    import verify

    return {
        "verify": str(Path(verify.__file__).resolve().parent.parent),
        "sets": {
            k: {
                "n": len(v),
                "copied": _share(v, ("copied",)),
                "supported": _share(v, ("supported",)),
                "copied_or_supported": _share(v, POSITIVE),
                "verdicts": dict(sorted(Counter(v).items())),
            }
            for k, v in rows.items()
        },
        "examples": examples,
    }


def model_reading(examples: dict[str, list[dict[str, str]]]) -> dict[str, dict[str, float]]:
    """The verdict model on the minimal pair (the source sentence, the changed claim) of every
    near-copy the copy rule calls partial: the share it reads as entailed (P >= pair_entail_min)
    and as contradicted (P >= pair_contradiction_min). Where it cannot tell a changed word from a
    paraphrase, it cannot decide what WordNet does not know."""
    from verify.backend.classifier import CONTRADICT, ENTAIL, load_pair_model

    th = Settings().thresholds
    model = load_pair_model()
    out = {}
    for kind, rows in examples.items():
        part = [r for r in rows if r["verdict"] == "partial"]
        if not part:
            continue
        probs = model.predict([(r["source"], r["claim"]) for r in part])
        out[kind] = {
            "partial": len(part),
            "entailed": round(float((probs[:, ENTAIL] >= th.pair_entail_min).mean()), 3),
            "contradicted": round(
                float((probs[:, CONTRADICT] >= th.pair_contradiction_min).mean()), 3
            ),
        }
    return out


def _jaccard(a: str, b: str) -> float:
    x, y = set(re.findall(r"\w+", a.lower())), set(re.findall(r"\w+", b.lower()))
    return len(x & y) / max(1, len(x | y))


def _share(verdicts: list[str], which: tuple[str, ...]) -> float:
    return round(sum(v in which for v in verdicts) / max(1, len(verdicts)), 3)


def main() -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--dev", type=Path, default=ROOT.parent / "shared" / "corpora" / "dev")
    ap.add_argument("--sentences", type=int, default=200)
    ap.add_argument("--baseline", type=Path, help="another checkout to measure beside this one")
    ap.add_argument(
        "--baseline-json", type=Path,
        help="a baseline measured before (the output of --tree TREE --json) instead of --baseline",
    )  # fmt: skip
    ap.add_argument("--tree", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--json", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument(
        "--model-reading", action="store_true",
        help="also read each partial near-copy with the verdict model (its minimal pair)",
    )  # fmt: skip
    ap.add_argument("--out", type=Path)
    args = ap.parse_args()
    if not (args.dev / "presidential_speeches" / "data").is_dir():
        print(f"Error: {args.dev}: no presidential speeches", file=sys.stderr)
        return 2
    result = {"this": measure(args.dev, args.sentences)}
    if args.json:
        print(json.dumps(result["this"]))
        return 0
    if args.baseline:
        # the same sentences (the lexicon that draws them is this tree's) on the other checkout
        done = subprocess.run(
            [sys.executable, __file__, "--tree", str(args.baseline), "--json",
             "--dev", str(args.dev), "--sentences", str(args.sentences)],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
        result["baseline"] = json.loads(done.stdout.splitlines()[-1])
    elif args.baseline_json:
        result["baseline"] = json.loads(args.baseline_json.read_text(encoding="utf-8"))
    print(f"{'set':<20}{'n':>5}{'copied':>9}{'supported':>11}{'either':>8}   baseline either")
    for k, row in result["this"]["sets"].items():
        base = result.get("baseline", {}).get("sets", {}).get(k)
        print(
            f"{k:<20}{row['n']:>5}{row['copied']:>9.3f}{row['supported']:>11.3f}"
            f"{row['copied_or_supported']:>8.3f}   "
            + (f"{base['copied_or_supported']:.3f} (copied {base['copied']:.3f})" if base else "")
            + f"   {row['verdicts']}"
        )
    if args.model_reading:
        result["model_reading"] = model_reading(result["this"]["examples"])
        for kind, row in result["model_reading"].items():
            print(f"verdict model on {kind}'s {row['partial']} partial near-copies: entailed "
                  f"{row['entailed']:.3f}, contradicted {row['contradicted']:.3f}")  # fmt: skip
    if args.out:
        args.out.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
