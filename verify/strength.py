"""Claim strength: how strongly a sentence states its finding or event, on the scale of Yu et
al. (2019): 0 no relationship stated, 1 correlational ("is associated with"), 2 conditional or
hedged ("may increase", "plans to", "is expected to"), 3 direct or certain ("increases", "will").

Two parts: a documented lexicon of the words that carry strength (hedges and modals, correlation,
causal verbs, certainty, quantifiers), and a classifier (MiniLM fine-tuned on the 5,137 annotated
sentences by ``python -m training.train_strength``, shipped as ONNX in ``verify/models/strength``).
A supported or partial claim is flagged ``overstated`` when the classifier puts it above its
evidence and the lexicon names the words that carry the difference (``shift``); a quantifier made
stronger ("some" → "all") is flagged by the lexicon alone (the classifier was not taught
quantifiers). The reverse is ``understated``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

from verify.model import StrengthShift

#: Words that weaken a statement: possibility, hedging, plans and intentions.
HEDGES = (
    "may",
    "might",
    "could",
    "can",
    "possibly",
    "potentially",
    "perhaps",
    "likely",
    "unlikely",
    "suggest",
    "suggests",
    "suggested",
    "suggesting",
    "appear",
    "appears",
    "appeared",
    "seem",
    "seems",
    "expected to",
    "plans to",
    "planned to",
    "plan to",
    "intends to",
    "intend to",
    "aims to",
    "hope to",
    "hopes to",
    "explore",
    "exploring",
    "consider",
    "considering",
    "discuss",
    "discussed",
    "would",
    "should",
    "believe",
    "believes",
    "believed",
    "indicate",
    "indicates",
    "hypothesize",
    "propose",
    "proposes",
)
#: Words that state a relation without cause.
CORRELATION = (
    "associated with",
    "association",
    "linked to",
    "link between",
    "linked with",
    "correlated",
    "correlation",
    "related to",
    "tied to",
    "connected to",
    "connection between",
    "more likely",
    "less likely",
    "higher risk",
    "lower risk",
    "predictor",
    "predicts",
    "predicted",
)
#: Verbs that state a cause, and words of certainty.
CAUSAL = (
    "causes",
    "cause",
    "caused",
    "increases",
    "increased",
    "reduces",
    "reduced",
    "decreases",
    "leads to",
    "led to",
    "results in",
    "resulted in",
    "prevents",
    "prevented",
    "improves",
    "improved",
    "boosts",
    "cuts",
    "triggers",
    "drives",
    "raises",
    "lowers",
    "protects",
    "saves",
    "saving",
    "kills",
    "makes",
    "effect of",
    "because of",
    "due to",
    "will",
    "proves",
    "proved",
    "shows",
    "showed",
    "confirms",
    "confirmed",
    "agreed to",
    "decided",
    "announced",
)
#: Quantifiers, weaker and stronger.
SOME = ("some", "a few", "several", "many", "part of", "partly", "partially")
ALL = ("all", "every", "each", "always", "never", "none", "entirely", "completely", "fully")

LEXICON: dict[str, tuple[str, ...]] = {
    "hedge": HEDGES,
    "correlation": CORRELATION,
    "causal": CAUSAL,
    "some": SOME,
    "all": ALL,
}
_PATTERNS = {
    name: re.compile(
        r"\b(?:" + "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)) + r")\b",
        re.IGNORECASE,
    )
    for name, words in LEXICON.items()
}


def cue_words(text: str) -> dict[str, list[str]]:
    """The lexicon's words found in ``text``, by class (lower case, in order)."""
    return {
        name: [m.group().casefold() for m in pat.finditer(text)] for name, pat in _PATTERNS.items()
    }


_ALL_CUES = tuple(sorted({w for words in LEXICON.values() for w in words}))
_CUE_INDEX = {w: i for i, w in enumerate(_ALL_CUES)}


def lexicon_features(text: str) -> np.ndarray:
    """Counts of each lexicon class (capped at 3), then one indicator per lexicon word."""
    cues = cue_words(text)
    out = np.zeros(len(LEXICON) + len(_ALL_CUES), dtype=np.float32)
    for k, name in enumerate(LEXICON):
        out[k] = min(3, len(cues[name]))
        for w in cues[name]:
            if w in _CUE_INDEX:
                out[len(LEXICON) + _CUE_INDEX[w]] = 1.0
    return out


def lexicon_strength(text: str) -> int:
    """Strength from the lexicon alone (the baseline): a hedge makes it 2, a correlation
    word 1, a causal or certain word 3, nothing 0."""
    cues = cue_words(text)
    if cues["hedge"]:
        return 2
    if cues["correlation"]:
        return 1
    if cues["causal"]:
        return 3
    return 0


#: The classifier's classes, in the order of its outputs (the strength is the index).
STRENGTH_LABELS = ("no_relation", "correlational", "conditional_causal", "direct_causal")
#: How a reader names each strength.
STRENGTH_NAMES = (
    "no relation stated",
    "correlational",
    "conditional or hedged",
    "direct or certain",
)


def lexicon_probabilities(texts: Sequence[str]) -> np.ndarray:
    """The lexicon's strength as one-hot rows (``--strength-model none``)."""
    out = np.zeros((len(texts), len(STRENGTH_LABELS)), dtype=np.float32)
    for i, t in enumerate(texts):
        out[i, lexicon_strength(t)] = 1.0
    return out


def _new(words: list[str], other: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(w for w in words if w not in other))


def shift(
    claim: str,
    evidence: str,
    p_claim: np.ndarray,
    p_evidence: np.ndarray,
    shift_min: float,
) -> StrengthShift | None:
    """Whether ``claim`` states ``evidence`` more strongly or weakly, with the words.

    ``p_claim``, ``p_evidence``: the classifier's probabilities of the four strengths. The two
    differ when their total-variation distance is at least ``shift_min`` (a threshold: see
    ``Thresholds.strength_shift_min``); the direction is the sign of the difference of the
    expected strengths; the words are the lexicon's: a hedge or correlation word of the evidence
    the claim drops, a causal or certain word it adds (the mirror image when understated).
    Where the classifier finds no relation stated on either side (events, plans, statements: it
    was taught on research findings), the lexicon's strengths decide and a hedge must be dropped
    (or added); on one side only, the lexicon gives the direction. A quantifier made stronger
    ("some" → "all") or weaker is flagged by the lexicon alone (the classifier was not taught
    quantifiers)."""
    c, e = cue_words(claim), cue_words(evidence)
    claim_level, evidence_level = int(np.argmax(p_claim)), int(np.argmax(p_evidence))
    if e["some"] and c["all"] and not c["some"]:
        return StrengthShift(
            "overstated",
            claim_level,
            evidence_level,
            _new(c["all"], e["all"]),
            _new(e["some"], c["some"]),
        )
    if c["some"] and e["all"] and not e["some"]:
        return StrengthShift(
            "understated",
            claim_level,
            evidence_level,
            _new(c["some"], e["some"]),
            _new(e["all"], c["all"]),
        )
    added = _new(c["causal"], e["causal"])
    dropped = _new(e["hedge"], c["hedge"]) + _new(e["correlation"], c["correlation"])
    weakened = _new(c["hedge"], e["hedge"]) + _new(c["correlation"], e["correlation"])
    lost = _new(e["causal"], c["causal"])
    lex_claim, lex_evidence = lexicon_strength(claim), lexicon_strength(evidence)
    if claim_level == 0 and evidence_level == 0:
        # no relation stated on either side (events, plans, statements: the classifier was
        # taught on research findings): the lexicon decides, and only a hedge or correlation
        # word that one side drops counts (an added "announced" alone is not a stronger claim)
        if lex_claim > lex_evidence and dropped and not c["hedge"]:
            return StrengthShift("overstated", lex_claim, lex_evidence, added, dropped)
        if lex_claim < lex_evidence and weakened and not e["hedge"]:
            return StrengthShift("understated", lex_claim, lex_evidence, weakened, lost)
        return None
    if 0.5 * float(np.abs(p_claim - p_evidence).sum()) < shift_min:
        return None
    levels = np.arange(len(p_claim))
    stronger = float(p_claim @ levels) > float(p_evidence @ levels)
    if 0 in (claim_level, evidence_level) and lex_claim != lex_evidence:
        stronger = lex_claim > lex_evidence  # "no relation" on one side: the words say which way
    if stronger:
        return StrengthShift("overstated", claim_level, evidence_level, added, dropped)
    return StrengthShift("understated", claim_level, evidence_level, weakened, lost)
