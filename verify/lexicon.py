"""Word relations from WordNet 3.0 (Princeton University; licence in verify/data/WORDNET-LICENSE):
whether a word a copy puts in place of a source's word is the same word inflected, a synonym, a
more general word (implied), or one that excludes it (an antonym, another of the same kind).

The data is a compact extract (``verify/data/wordnet.json.gz``) of Debian's ``wordnet-base``
database, rebuilt by ``python -m verify.lexicon build /usr/share/wordnet``: single-word lemmas
with their senses in WordNet's order, the hypernyms, antonyms and similar-to links of those
senses, and the inflection exception lists. Nothing is fetched at run time."""

from __future__ import annotations

import argparse
import gzip
import json
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data" / "wordnet.json.gz"
POS = ("n", "v", "a", "r")
#: The senses of a word read, most frequent first (WordNet's order): rarer senses make
#: nearly every pair of words related ("school" is a "shoal" of fish). A more general word is
#: read in all its senses ("instrument" is a musical instrument in its sixth).
MAX_SENSES = 3
#: How far up the hypernym chain a more general word is still implied ("car" → "motor
#: vehicle" → "self-propelled vehicle" → "wheeled vehicle" → "vehicle").
MAX_HYPERNYM_DEPTH = 4
_FILES = {"n": "noun", "v": "verb", "a": "adj", "r": "adv"}
#: WordNet's detachment rules (morphy): inflected ending -> base ending, per part of speech.
_RULES = {
    "n": (("s", ""), ("ses", "s"), ("xes", "x"), ("zes", "z"), ("ches", "ch"), ("shes", "sh"),
          ("men", "man"), ("ies", "y")),
    "v": (("s", ""), ("ies", "y"), ("es", "e"), ("es", ""), ("ed", "e"), ("ed", ""),
          ("ing", "e"), ("ing", "")),
    "a": (("er", ""), ("est", ""), ("er", "e"), ("est", "e")),
    "r": (),
}  # fmt: skip


def build(root: Path) -> dict[str, object]:
    """The extract of the WordNet database files under ``root`` (index.*, data.*, *.exc)."""
    index: dict[str, dict[str, list[str]]] = {}
    for p in POS:
        index[p] = {}
        for line in (root / f"index.{_FILES[p]}").read_text(encoding="utf-8").splitlines():
            if line.startswith(" ") or not line.strip():
                continue
            f = line.split()
            lemma, n_ptr = f[0], int(f[3])
            if not lemma.replace("-", "").isalpha() or not lemma.islower():
                continue
            offsets = f[6 + n_ptr :]
            index[p][lemma] = [f"{p}{o}" for o in offsets]
    links = _links(root)
    exc: dict[str, dict[str, list[str]]] = {}
    for p in POS:
        exc[p] = {}
        for line in (root / f"{_FILES[p]}.exc").read_text(encoding="utf-8").splitlines():
            words = line.split()
            if len(words) >= 2 and words[0].isalpha():
                exc[p][words[0]] = words[1:]
    # keep only what the kept senses reach (their ancestors, antonyms, similar heads)
    keep: set[str] = {s for p in POS for ss in index[p].values() for s in ss}
    todo = list(keep)
    while todo:
        sid = todo.pop()
        for kind in ("hyper", "similar", "anto"):
            for t in links[kind].get(sid, ()):
                if t not in keep:
                    keep.add(t)
                    todo.append(t)
    ids = {s: i for i, s in enumerate(sorted(keep))}
    return {
        "source": "WordNet 3.0 (Princeton University), Debian wordnet-base",
        "index": {p: {w: [ids[s] for s in ss] for w, ss in sorted(index[p].items())} for p in POS},
        # each kind a list by synset number: the linked synsets' numbers
        **{
            kind: [sorted(ids[t] for t in set(links[kind].get(s, ()))) for s in sorted(keep)]
            for kind in links
        },
        "exc": exc,
    }


def _links(root: Path) -> dict[str, dict[str, list[str]]]:
    """Hypernym (and instance), antonym and similar-to pointers of every synset in data.*."""
    links: dict[str, dict[str, list[str]]] = {"hyper": {}, "anto": {}, "similar": {}}
    kinds = {"@": "hyper", "@i": "hyper", "!": "anto", "&": "similar"}
    for p in POS:
        for line in (root / f"data.{_FILES[p]}").read_text(encoding="utf-8").splitlines():
            if line.startswith(" "):
                continue
            f = line.split(" | ")[0].split()
            sid = f"{'a' if f[2] == 's' else p}{f[0]}"
            w_cnt = int(f[3], 16)
            k = 4 + 2 * w_cnt
            for n in range(int(f[k])):
                sym, off, pos = f[k + 1 + 4 * n : k + 4 + 4 * n]
                kind = kinds.get(sym)
                if kind:
                    target = f"{'a' if pos == 's' else pos}{off}"
                    links[kind].setdefault(sid, []).append(target)
    return links


@dataclass(frozen=True)
class Lexicon:
    """The extract, read once: lemma senses per part of speech and links between senses."""

    index: dict[str, dict[str, list[int]]]
    hyper: list[list[int]]  # by synset number
    anto: list[list[int]]
    similar: list[list[int]]
    exc: dict[str, dict[str, list[str]]]

    def lemmas(self, word: str, pos: str) -> list[str]:
        """The base forms of ``word`` as part of speech ``pos`` that WordNet knows (morphy)."""
        w = word.casefold()
        table = self.index[pos]
        found = [b for b in self.exc[pos].get(w, ()) if b in table]
        if w in table:
            found.insert(0, w)
        for end, base in _RULES[pos]:
            if w.endswith(end) and len(w) > len(end) + 1:
                cand = w[: len(w) - len(end)] + base
                if cand in table and cand not in found:
                    found.append(cand)
        return found

    def senses(self, word: str, pos: str, limit: int | None = MAX_SENSES) -> set[int]:
        """The word's first ``limit`` senses in each of its lemmas (None: all)."""
        return {s for lemma in self.lemmas(word, pos) for s in self.index[pos][lemma][:limit]}

    def ancestors(self, senses: Iterable[int], depth: int = MAX_HYPERNYM_DEPTH) -> set[int]:
        out: set[int] = set()
        level = set(senses)
        for _ in range(depth):
            level = {h for s in level for h in self.hyper[s]} - out
            out |= level
        return out

    def _heads(self, senses: set[int]) -> set[int]:
        """Senses with the adjective heads they are similar to ("void" → "invalid")."""
        return senses | {h for s in senses for h in self.similar[s]}

    def relation(self, source: str, claim: str) -> str | None:
        """How the claim's word stands to the source's, read in the same part of speech:
        "inflection" (one lemma), "synonym", "similar" (adjectives of one cluster: "huge" and
        "big"), "broader" (the claim's word is more general: implied), "narrower" (more
        specific: not implied), "antonym", "co-hyponym" (two of the same kind: "north" and
        "south", "city" and "town"); None when WordNet relates them in none of these ways or
        does not know a word."""
        found: list[str] = []
        for pos in POS:
            la, lb = self.lemmas(source, pos), self.lemmas(claim, pos)
            if not la or not lb:
                continue
            if set(la) & set(lb):
                return "inflection"
            a, b = self.senses(source, pos), self.senses(claim, pos)
            if a & b:
                found.append("synonym")
                continue
            ha, hb = self._heads(a), self._heads(b)
            if {t for s in ha for t in self.anto[s]} & hb:
                found.append("antonym")
                continue
            if pos == "a" and ha & hb:  # one cluster of adjectives: "huge" and "big"
                found.append("similar")
                continue
            if pos in ("n", "v"):
                if self.senses(claim, pos, None) & self.ancestors(a):
                    found.append("broader")
                elif a & self.ancestors(b):
                    found.append("narrower")
                elif self.ancestors(a, 1) & self.ancestors(b, 1):
                    found.append("co-hyponym")
        for kind in ("synonym", "similar", "broader", "antonym", "co-hyponym", "narrower"):
            if kind in found:
                return kind
        return None


@lru_cache(maxsize=1)
def load() -> Lexicon:
    """The packaged extract (read once per process)."""
    with gzip.open(DATA, "rt", encoding="utf-8") as fh:
        raw = json.load(fh)

    return Lexicon(raw["index"], raw["hyper"], raw["anto"], raw["similar"], raw["exc"])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m verify.lexicon", description=__doc__)
    sub = ap.add_subparsers(dest="cmd", required=True)
    b = sub.add_parser("build", help="rebuild the extract from a WordNet 3.0 database folder")
    b.add_argument("root", type=Path, help="the folder holding index.noun, data.noun, noun.exc …")
    b.add_argument("--out", type=Path, default=DATA)
    r = sub.add_parser("relation", help="how a claim's word stands to a source's word")
    r.add_argument("source")
    r.add_argument("claim")
    args = ap.parse_args(argv)
    if args.cmd == "relation":
        print(load().relation(args.source, args.claim))
        return 0
    if not (args.root / "index.noun").is_file():
        print(f"Error: {args.root} holds no WordNet database (index.noun)", file=sys.stderr)
        return 2
    data = json.dumps(build(args.root), separators=(",", ":"), sort_keys=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    # mtime=0: the same database gives the same bytes
    with open(args.out, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as fh:
        fh.write(data.encode("utf-8"))
    print(f"Wrote {args.out} ({args.out.stat().st_size:,} bytes)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
