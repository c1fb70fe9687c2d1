"""The models of a run, built once from Settings and handed to the pipeline: each loaded on
first use only (a run with nothing to compare loads none), and described in the report."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from verify.backend.protocols import Embedder, PairModel, PairScorer, StrengthScorer
from verify.config import Settings

if TYPE_CHECKING:
    from verify.stores import SourceEmbedder


@dataclass
class Models:
    """The embedder, the verdict model and the strength scorer of a run (``embedder`` and
    ``pair_model`` given: used instead of the settings' own, e.g. fakes in tests)."""

    settings: Settings
    embedder_given: Embedder | None = None
    pair_model_given: PairModel | None = None
    _embedder: SourceEmbedder | None = None  # made on first use

    def embedder(self) -> SourceEmbedder:
        """The embedder, its source texts through the stores it was given (or the settings'
        on-disk cache)."""
        if self._embedder is None:
            from verify.stores import source_embedder

            base = self.embedder_given
            self._embedder = source_embedder(
                base if base is not None else default_embedder(self.settings)
            )
        return self._embedder

    def pair_model(self) -> PairModel | None:
        """The verdict model the settings name (None: ``pair_model="none"``)."""
        if self.pair_model_given is not None:
            return self.pair_model_given
        if self.settings.pair_model == "none":
            return None
        from verify.backend.classifier import load_pair_model

        return load_pair_model(self.settings.pair_model)

    def pairs(self) -> PairScorer | None:
        """The verdict model's scorer, or None."""
        model = self.pair_model()
        return model.predict if model is not None else None

    def strength(self) -> StrengthScorer:
        """The strength scorer (the lexicon for ``strength_model="none"``)."""
        from verify.backend.classifier import strength_scorer

        return strength_scorer(self.settings.strength_model)

    def describe(self, uses_pair_model: bool) -> dict[str, dict[str, str | None] | None]:
        """Each model's name and key, as the report records them (``pair``: None where the
        engine reads no verdict model or the settings turn it off; ``strength``: the lexicon
        has no key). Nothing is loaded to say it."""
        from verify.backend.classifier import load_strength_model

        emb = self.embedder_given if self.embedder_given is not None else self._configured()
        pair = self.pair_model() if uses_pair_model else None
        strength = (
            None
            if self.settings.strength_model == "none"
            else load_strength_model(self.settings.strength_model)
        )
        return {
            "embedder": {"name": emb.name, "key": emb.key},
            "pair": None if pair is None else {"name": pair.name, "key": pair.key},
            "strength": {"name": "strength lexicon", "key": None}
            if strength is None
            else {"name": strength.name, "key": strength.key},
        }

    def _configured(self) -> Embedder:
        from verify.backend.embedder import load_embedder

        return load_embedder(self.settings.model, self.settings.runtime)


def default_embedder(settings: Settings) -> SourceEmbedder:
    """The settings' model on the settings' runtime, with the on-disk cache of source
    embeddings unless the settings turn it off. Nothing is loaded until it is used."""
    from verify.backend.embedder import load_embedder
    from verify.stores import SourceEmbedder

    base = load_embedder(settings.model, settings.runtime)
    if not settings.cache:
        return SourceEmbedder(base)
    from verify.cache import DiskStore, EmbeddingCache

    # the cache keys on the runtime too: onnxruntime and torch differ in the last digits
    return SourceEmbedder(base, [DiskStore(EmbeddingCache(), f"{type(base).__name__}:{base.key}")])
