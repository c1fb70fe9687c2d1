"""The classifiers: the sentence-pair verdict model, which reads (source passage, claim) and
gives the probabilities that the passage entails the claim, says nothing of it, or
contradicts it; and the strength classifier (verify/strength.py).

The default is a cross-encoder fine-tuned here from the packaged MiniLM weights
(``python -m training.train``; see ``verify/models/pair/MODEL_CARD.md``), shipped inside the package
as ONNX and run by onnxruntime; ``--pair-model PATH`` takes another folder of the same layout
(``model.onnx``, ``tokenizer.json``, ``config.json`` with ``id2label``). Nothing is downloaded.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Sequence
from importlib import resources

import numpy as np

from verify.backend.onnx import load_tokenizer, open_session, weights_key
from verify.backend.protocols import PairModel, StrengthScorer
from verify.errors import ModelError, first_line

#: Column order of every probability array: P(entailed), P(neutral), P(contradicted).
LABELS = ("entailment", "neutral", "contradiction")
ENTAIL, NEUTRAL, CONTRADICT = 0, 1, 2
#: Tokens per (passage, claim) pair; longer pairs are cut, the longer side first. The
#: model was trained at 128; passages of three sentences need more.
MAX_TOKENS = 256
#: Pairs per inference call; pairs are sorted by length first so a batch pads little.
BATCH = 16


#: The names reports give the packaged classifiers.
PACKAGED_PAIR_MODEL = "verify pair model (packaged)"
PACKAGED_STRENGTH_MODEL = "verify strength model (packaged)"


def packaged_pair_model_path() -> str:
    """The folder of the pair model shipped inside the package."""
    return str(resources.files("verify") / "models" / "pair")


class OnnxClassifier:
    """A sequence classifier exported to ONNX (``model.onnx``, ``tokenizer.json``,
    ``config.json`` with ``id2label``), loaded on first use; reads single texts or (premise,
    hypothesis) pairs and gives probabilities in the order of ``labels``, memoised per input
    for the life of the object."""

    what = "classifier"

    def __init__(
        self, path: str, name: str, labels: Sequence[str], threads: int | None = None
    ) -> None:
        self.path = path
        self.name = name
        self.labels = tuple(labels)
        self.threads = threads
        onnx_path = os.path.join(self.path, "model.onnx")
        for needed in (
            onnx_path,
            os.path.join(self.path, "tokenizer.json"),
            os.path.join(self.path, "config.json"),
        ):
            if not os.path.isfile(needed):
                raise ModelError(f"{self.what} {self.path!r} is missing {os.path.basename(needed)}")
        self.key = weights_key(onnx_path)
        self._session = None
        self._tokenizer = None
        self._order: list[int] = []
        self._memo: dict[str | tuple[str, str], np.ndarray] = {}
        self._lock = threading.Lock()

    def _load(self):  # type: ignore[no-untyped-def]
        with self._lock:
            if self._session is not None:
                return self._session, self._tokenizer
            try:
                with open(os.path.join(self.path, "config.json"), encoding="utf-8") as fh:
                    config = json.load(fh)
                id2label = {int(k): str(v).lower() for k, v in config.get("id2label", {}).items()}
                if sorted(id2label.values()) != sorted(self.labels):
                    raise ModelError(
                        f"{self.what} {self.path!r}: labels {sorted(id2label.values())}, "
                        f"expected {', '.join(self.labels)}"
                    )
                self._order = [
                    next(i for i, name in id2label.items() if name == label)
                    for label in self.labels
                ]
                session = open_session(os.path.join(self.path, "model.onnx"), self.threads)
                tok = load_tokenizer(self.path, MAX_TOKENS)
                self._inputs = {i.name for i in session.get_inputs()}
            except ModelError:
                raise
            except Exception as exc:  # any failure to load is one clear line
                raise ModelError(
                    f"cannot load {self.what} {self.path!r}: {first_line(exc)}"
                ) from None
            self._session, self._tokenizer = session, tok
            return session, tok

    def predict(self, pairs: Sequence[str | tuple[str, str]]) -> np.ndarray:
        """Rows of probabilities in the order of ``labels``, one per text or pair."""
        if not pairs:
            return np.zeros((0, len(self.labels)), dtype=np.float32)
        missing = list(dict.fromkeys(p for p in pairs if p not in self._memo))
        if missing:
            session, tok = self._load()
            order = sorted(range(len(missing)), key=lambda i: (_length(missing[i]), i))
            for b in range(0, len(order), BATCH):
                idx = order[b : b + BATCH]
                enc = tok.encode_batch([missing[i] for i in idx])
                feed = {
                    "input_ids": np.asarray([e.ids for e in enc], dtype=np.int64),
                    "attention_mask": np.asarray([e.attention_mask for e in enc], dtype=np.int64),
                    "token_type_ids": np.asarray([e.type_ids for e in enc], dtype=np.int64),
                }
                logits = session.run(None, {k: v for k, v in feed.items() if k in self._inputs})[0]
                logits = logits[:, self._order].astype(np.float64)
                logits -= logits.max(axis=1, keepdims=True)
                probs = np.exp(logits)
                probs /= probs.sum(axis=1, keepdims=True)
                for j, i in enumerate(idx):
                    self._memo[missing[i]] = probs[j].astype(np.float32)
        return np.stack([self._memo[p] for p in pairs])


def _length(item: str | tuple[str, str]) -> int:
    return len(item) if isinstance(item, str) else len(item[0]) + len(item[1])


class OnnxPairModel(OnnxClassifier):
    """The verdict model: (premise, hypothesis) -> P(entailed), P(neutral), P(contradicted)."""

    what = "pair model"

    def __init__(self, path: str | None = None, threads: int | None = None) -> None:
        super().__init__(
            path or packaged_pair_model_path(),
            path or PACKAGED_PAIR_MODEL,
            LABELS,
            threads,
        )


class OnnxStrengthModel(OnnxClassifier):
    """The strength classifier: a text -> strength.STRENGTH_LABELS probabilities."""

    what = "strength model"


_LOADED: dict[str, PairModel] = {}


def check_model_folder(path: str | None, what: str) -> str | None:
    """``path`` when it names a folder (or is None: the packaged model); else the error."""
    if path is not None and not os.path.isdir(path):
        raise ModelError(
            f"{what} not found: {path} (give a folder with model.onnx, tokenizer.json, config.json)"
        )
    return path


def check_pair_model_path(path: str | None) -> str | None:
    """``path`` when it names a folder (or is None: the packaged verdict model)."""
    return check_model_folder(path, "pair model")


def load_pair_model(path: str | None = None) -> PairModel:
    """The pair model at ``path`` (None: the packaged one); one instance per path and process."""
    key = path or ""
    if key not in _LOADED:
        _LOADED[key] = OnnxPairModel(check_pair_model_path(path))
    return _LOADED[key]


def packaged_strength_model_path() -> str:
    """The folder of the strength classifier shipped inside the package."""
    return str(resources.files("verify") / "models" / "strength")


def check_strength_model_path(path: str | None) -> str | None:
    """``path`` when it names a folder (or is None: the packaged strength classifier)."""
    return check_model_folder(path, "strength model")


_STRENGTH: dict[str, OnnxStrengthModel | None] = {}


def load_strength_model(path: str | None = None) -> OnnxStrengthModel | None:
    """The strength classifier at ``path`` (None: the packaged one; None back where the
    packaged one is not shipped); one instance per path and process."""
    from verify.strength import STRENGTH_LABELS

    key = path or ""
    if key not in _STRENGTH:
        folder = check_strength_model_path(path) or packaged_strength_model_path()
        if path is None and not os.path.isfile(os.path.join(folder, "model.onnx")):
            _STRENGTH[key] = None
        else:
            _STRENGTH[key] = OnnxStrengthModel(
                folder, path or PACKAGED_STRENGTH_MODEL, STRENGTH_LABELS
            )
    return _STRENGTH[key]


def strength_scorer(path: str | None) -> StrengthScorer:
    """The strength scorer ``strength_model`` names: the classifier's ``predict``, or the
    lexicon's one-hot rows for ``"none"`` and where the packaged classifier is not shipped."""
    from verify.strength import lexicon_probabilities

    model = None if path == "none" else load_strength_model(path)
    return lexicon_probabilities if model is None else model.predict
