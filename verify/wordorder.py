"""The same words in another order: a phrase moved or a sentence put in the passive (which say
the same), or words exchanged around a verb ("the dog bit the man" for "the man bit the dog",
which does not); and the words of a sentence that carry meaning of their own."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from verify.align import TokenAlignment
from verify.tokens import Token, is_content, is_negation, stem

#: Words that make a statement conditional or possible: dropping one states as fact what the
#: source only allowed; they are never mere function words.
HEDGES = frozenset(
    """if unless may might could would should can possibly probably perhaps likely unlikely
    whether""".split()
)
#: Modal verbs; a possibility in the source stated as a certainty adds what it does not say.
MODALS = frozenset("will would shall should can could may might must".split())
POSSIBLE = frozenset({"may", "might", "could"})


def meaning_word(t: Token) -> bool:
    """A word that carries meaning of its own: a content word, a hedge, a modal, a negation."""
    return is_content(t.key) or t.key in HEDGES or t.key in MODALS or is_negation(t.key)


def stems(toks: Sequence[Token]) -> list[str]:
    return [stem(t.key) for t in toks if meaning_word(t)]


def phrase_moved(moved: Counter[str], source: Sequence[Token], claim: Sequence[Token]) -> bool:
    """Whether the words in another order tell the same thing ("On Monday, the council signed"
    for "The council signed … on Monday"; a sentence put in the passive), not words exchanged
    around a word between them ("the dog bit the man" for "the man bit the dog": one word goes
    from before "bit" to after it, another from after it to before; the word between is a
    verb: "Ukraine's sovereignty has the support of the United States" exchanges nothing)."""
    if not moved or _passive(claim) != _passive(source):
        return True  # nothing moved, or the same event told from the other side
    src, art = _first_places(source), _first_places(claim)
    shared = [w for w in src if w in art]
    verbs = {stem(source[i].key) for i in range(len(source)) if _finite_verb(source, i)}
    for pivot in (w for w in shared if w in verbs):
        ahead = any(src[w] < src[pivot] and art[w] > art[pivot] for w in shared)
        behind = any(src[w] > src[pivot] and art[w] < art[pivot] for w in shared)
        if ahead and behind:
            return False
    return True


def _first_places(toks: Sequence[Token]) -> dict[str, int]:
    """Each content word's (stem's) first position."""
    out: dict[str, int] = {}
    for i, t in enumerate(toks):
        if is_content(t.key):
            out.setdefault(stem(t.key), i)
    return out


_BE = frozenset("is are was were be been being".split())
_AUX = _BE | MODALS | frozenset("has have had do does did".split())


def _finite_verb(toks: Sequence[Token], i: int) -> bool:
    """A verb in use: a word WordNet knows as a verb, inflected ("-s", "-ed", "-ing", an
    irregular past such as "bit") or after an auxiliary ("is brushing", "will sign")."""
    from verify.lexicon import load

    key = toks[i].key
    if i and toks[i].text[:1].isupper():
        return False  # a name ("the United States")
    lemmas = load().lemmas(key, "v")
    if not lemmas or not is_content(key):
        return False
    return (
        (i > 0 and toks[i - 1].key in _AUX)
        or key.endswith(("s", "ed", "ing"))
        or any(lemma != key for lemma in lemmas)
    )


def _passive(tokens: Sequence[Token]) -> bool:
    """A passive with its agent: a form of "be", a participle, then "by"."""
    keys = [t.key for t in tokens]
    for i, k in enumerate(keys):
        if k in _BE:
            j = i + 1
            while j < len(keys) and keys[j] in ("being", "been", "not"):
                j += 1
            if j < len(keys) and keys[j].endswith(("ed", "en")) and "by" in keys[j + 1 :]:
                return True
    return False


def moved_words(
    tokens: Sequence[Token], source: Sequence[Token], al: TokenAlignment
) -> Counter[str]:
    """Content words (by stem) that the claim adds in one place and the passage has in another
    (dropped there, or outside the words the claim repeats): the same words in another order."""
    added: Counter[str] = Counter()
    dropped = Counter(stems([*source[: al.window_start], *source[al.window_end :]]))
    for op in al.ops:
        if op.tag in ("insert", "replace"):
            added.update(stems(tokens[op.art_start : op.art_end]))
        if op.tag in ("delete", "replace"):
            dropped.update(stems(source[op.src_start : op.src_end]))
    return added & dropped
