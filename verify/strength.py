"""Claim strength: how strongly a sentence states its finding or event, on the scale of Yu et
al. (2019): 0 no relationship stated, 1 correlational ("is associated with"), 2 conditional or
hedged ("may increase", "plans to", "is expected to"), 3 direct or certain ("increases", "will").

Two parts: a documented lexicon of the words that carry strength (hedges and modals, correlation,
causal verbs, certainty, quantifiers) and a small softmax classifier over the frozen sentence
embeddings plus the lexicon's counts, trained by ``benchmarks/strength.py --fit`` and shipped as
``verify/models/strength.json`` (numpy only at run time). Arrays in, arrays out: the model call
stays in embed.py.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources

import numpy as np

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


@dataclass(frozen=True)
class StrengthModel:
    """Softmax regression over [embedding, lexicon features, 1]."""

    weights: np.ndarray  # (n_features + 1, 4)
    mean: np.ndarray
    scale: np.ndarray

    def features(self, vectors: np.ndarray, texts: Sequence[str]) -> np.ndarray:
        lex = (
            np.stack([lexicon_features(t) for t in texts])
            if texts
            else np.zeros((0, len(LEXICON) + len(_ALL_CUES)), np.float32)
        )
        x = np.concatenate([vectors, lex], axis=1)
        x = (x - self.mean) / self.scale
        return np.concatenate([x, np.ones((len(x), 1), dtype=np.float32)], axis=1)

    def probabilities(self, vectors: np.ndarray, texts: Sequence[str]) -> np.ndarray:
        logits = self.features(vectors, texts) @ self.weights
        logits -= logits.max(axis=1, keepdims=True)
        p = np.exp(logits)
        return p / p.sum(axis=1, keepdims=True)

    def predict(self, vectors: np.ndarray, texts: Sequence[str]) -> np.ndarray:
        """Strength 0-3 of each text (one embedding row per text)."""
        return self.probabilities(vectors, texts).argmax(axis=1)

    def to_json(self) -> str:
        return json.dumps(
            {
                "format": "verify-strength/1",
                "weights": self.weights.round(6).tolist(),
                "mean": self.mean.round(6).tolist(),
                "scale": self.scale.round(6).tolist(),
            }
        )

    @classmethod
    def from_json(cls, text: str) -> StrengthModel:
        data = json.loads(text)
        return cls(
            np.asarray(data["weights"], np.float32),
            np.asarray(data["mean"], np.float32),
            np.asarray(data["scale"], np.float32),
        )


def fit(
    vectors: np.ndarray,
    texts: Sequence[str],
    labels: Sequence[int],
    l2: float = 1e-2,
    steps: int = 800,
    lr: float = 0.5,
) -> StrengthModel:
    """Softmax regression by full-batch gradient descent (deterministic, numpy only),
    classes weighted by inverse frequency."""
    lex = np.stack([lexicon_features(t) for t in texts])
    x = np.concatenate([vectors, lex], axis=1).astype(np.float64)
    mean, scale = x.mean(axis=0), x.std(axis=0) + 1e-6
    x = np.concatenate([(x - mean) / scale, np.ones((len(x), 1))], axis=1)
    y = np.asarray(labels)
    onehot = np.eye(4)[y]
    counts = np.bincount(y, minlength=4).astype(np.float64)
    sample_w = (len(y) / (4 * np.maximum(counts, 1)))[y][:, None]
    w = np.zeros((x.shape[1], 4))
    for _ in range(steps):
        logits = x @ w
        logits -= logits.max(axis=1, keepdims=True)
        p = np.exp(logits)
        p /= p.sum(axis=1, keepdims=True)
        grad = x.T @ ((p - onehot) * sample_w) / len(y) + l2 * np.vstack([w[:-1], np.zeros((1, 4))])
        w -= lr * grad
    return StrengthModel(w.astype(np.float32), mean.astype(np.float32), scale.astype(np.float32))


def load_strength_model() -> StrengthModel | None:
    """The packaged strength classifier, or None where it is not shipped."""
    path = resources.files("verify") / "models" / "strength.json"
    if not path.is_file():
        return None
    return StrengthModel.from_json(path.read_text(encoding="utf-8"))
