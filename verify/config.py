"""Settings: every threshold the judge uses, named and documented in one place.

The values are calibrated on the development data in ``shared/corpora/dev`` by
``benchmarks/accuracy.py --fit``; ``benchmarks/RESULTS.md`` records the figures each
value was chosen from. Change them there, not in the code that uses them.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from typing import Any

from verify.errors import ConfigError
from verify.verdicts import (
    DEFAULT_FAIL_ON,
    FAIL_ON_LEVELS,
    FAIL_ON_NAMES,
    FLAGS,
    VERDICTS,
)

DEFAULT_MODEL = "all-MiniLM-L6-v2 (packaged)"

# Limits that keep time and memory linear in the input. Whatever a limit cuts is said in
# the report (a warning of kind "limit"); nothing is dropped silently.
#: A "sentence" longer than this (text with no sentence punctuation) is split at white
#: space into pieces of at most this many characters, each judged as a claim. The
#: longest sentence in the 1,010 presidential speeches has 1,6xx characters.
MAX_SENTENCE_CHARS = 2000
#: A quotation longer than this many words is compared word by word on its first
#: MAX_QUOTE_WORDS words only (word alignment costs the product of both lengths).
MAX_QUOTE_WORDS = 400


@dataclass(frozen=True)
class Thresholds:
    """Named thresholds; see each field's comment and benchmarks/RESULTS.md."""

    # Token-level similarity (Indel, 0..1) between a quotation and its best source
    # window at or above which the quotation counts as "the source's words" (verbatim
    # or altered). Below it the quotation is paraphrased or not found.
    # Calibrated on Clough-Stevenson: {cut, light} vs {heavy, non}.
    quote_match_min: float = 0.40
    # Share of a quotation's content words that must stand in the matched source window for
    # the quotation to count as the source's words at all ("not a big deal" against "not
    # seen in a" shares only "not" and "a": another speaker's words, not an alteration).
    # Set by hand on the real-world dev pairs; not fitted.
    quote_content_match_min: float = 0.5
    # A short quotation (at most quote_short_words words) must have at least this share of its
    # content words in the passage: two words in common make "ongoing increases" look like
    # "future increases" and "not a big deal" like "into a one-sided deal". Set by hand on the
    # real-world dev pairs; not fitted.
    quote_short_words: int = 6
    quote_short_content_min: float = 0.75
    # Word-alignment similarity a quotation needs to count as a source's words when the copy
    # attributes it to someone the sources' transcript labels show not speaking: below it,
    # a loose match is another speaker's words (not_found), not an alteration. Set by hand.
    quote_other_speaker_min: float = 0.8
    # Cosine similarity (embeddings) at or above which a quotation that is not the
    # source's words still says what a source sentence says: "paraphrased".
    # Calibrated on MRPC + STS-B paraphrase pairs (see benchmarks/RESULTS.md).
    quote_paraphrase_min: float = 0.72
    # Token-level similarity at or above which a claim (no quotation marks) whose every edit
    # is cosmetic repeats a source sentence nearly word for word: "copied" (below it, a claim
    # that has the source's words in another order is "supported"). Set by hand, not fitted.
    claim_copied_min: float = 0.85
    # Share of a claim's words that a source passage holds (in order: the word alignment's
    # similarity; or in any order: its content words' Jaccard) at or above which the claim is
    # read as a near-copy of that passage and judged by its word edits there
    # (verify/copies.py): copied, contradicted, partial or supported. Calibrated by
    # benchmarks/pair_model.py --fit-edit (macro balanced accuracy of the default engine over
    # the fit sets, grid 0.60-0.85: 0.656 / 0.670 / 0.677 / 0.682 / 0.682 / 0.689), capped at
    # claim_copied_min: above it a changed word in a claim "nearly word for word" would fall to
    # the cosine rules and pass as supported.
    claim_edit_min: float = 0.85
    # Cosine similarity at or above which a claim or a part of one (a clause) is
    # supported by a source passage. Calibrated on STS-B, MRPC, RTE and MNLI fit samples
    # (macro balanced accuracy).
    support_min: float = 0.65
    # Share of a clause's content words (lower-cased, light stemming) found in one
    # source passage at or above which the clause is supported lexically. Set by hand.
    lexical_support_min: float = 0.75
    # Cosine similarity a source passage needs before a conflict in numbers, dates,
    # names or negation with it makes a claim "contradicted" (the passage must be
    # about the same thing). Calibrated on SICK train contradictions.
    contradiction_context_min: float = 0.60
    # Clauses with fewer content words than this are merged into a neighbour
    # before they are judged on their own (too short to embed reliably).
    min_clause_words: int = 3
    # A claim sentence with fewer content words than this outside its quotations
    # and attribution ("he added,") is not judged as a claim.
    min_claim_words: int = 2
    # A quotation found in the sources (verbatim, altered or paraphrased) of at least this many
    # words bears out the claim sentence that carries it: an unsupported claim with one is
    # partial. Shorter ones prove nothing: a 2-word phrase of one presidential speech stands in
    # another by chance 17% of the time, a 3-word one 2.2% (below 1 in 20); calibrated by
    # benchmarks/quote_evidence.py on the dev speeches (benchmarks/RESULTS.md).
    quote_evidence_min_words: int = 3
    # --- the pair (verdict) model: probabilities, calibrated on the held-out calibration
    # pairs and the MNLI/RTE fit samples by benchmarks/pair_model.py --fit (grid and figures
    # in benchmarks/RESULTS.md and benchmarks/pair_model.json) ---
    # P(entailed) at or above which a candidate passage supports the whole claim.
    pair_entail_min: float = 0.7
    # P(entailed) at or above which a passage supports one clause of a claim (partial support).
    pair_clause_entail_min: float = 0.7
    # P(contradicted) at or above which a passage about the same thing (cosine at least
    # contradiction_context_min) contradicts the claim.
    pair_contradiction_min: float = 0.8
    # Cosine a passage needs before the pair model's contradiction counts (the passage must
    # be about the same thing). The grid on the fit sets preferred 0.0 (more contradiction
    # recall on entailment pairs); on the real-world dev articles 0.0 called unrelated
    # sentences contradicted, so this keeps the value calibrated for contradiction_context_min
    # on SICK train (see benchmarks/RESULTS.md).
    pair_context_min: float = 0.6
    # A lower P(contradicted) that suffices when the checks also name conflicting words
    # (a number, a date, a weekday, a negation) between the claim and that passage. Calibrated on
    # real text: sentences of 101 dev speeches checked against the rest of their own speech, the
    # lowest value that contradicts at most 1% of them (0.3: 2.65%, 0.5: 1.33%, 0.6: 0.80%;
    # benchmarks/self_check.py --grid); the dev pair sets lose at most one contradiction in 40.
    pair_conflict_min: float = 0.6
    # Source sentences nearest the claim (by cosine) that are read by the pair model, beside
    # each clause's nearest, windows of adjacent sentences and the best few together.
    pair_candidates: int = 3
    # Total-variation distance between the strength classifier's probabilities for a claim and
    # for its evidence at or above which the claim is flagged overstated or understated.
    # Calibrated on the 100 InSciOut press-release/abstract dev pairs (benchmarks/strength.py:
    # same-vs-changed balanced accuracy, leave-one-out over the threshold grid).
    strength_shift_min: float = 0.8
    # How many lexical candidates per unit are aligned token by token.
    candidates: int = 8
    # A source passage is "omitted" when no unit's evidence used it and its best
    # cosine to any article unit is below this.
    omitted_max_similarity: float = 0.6

    def __post_init__(self) -> None:
        _check_thresholds(self)


def _check_thresholds(th: Thresholds) -> None:
    """Every threshold a finite number in its range: similarities, shares and probabilities
    in [0, 1], counts at least 1 (0 for none). A NaN would make every comparison false."""
    import math

    for f in fields(th):
        value = getattr(th, f.name)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ConfigError(f"threshold {f.name!r} must be a number, not {type(value).__name__}")
        if isinstance(value, float) and not math.isfinite(value):
            raise ConfigError(f"threshold {f.name!r} must be a finite number, not {value}")
        if isinstance(f.default, float) and not 0.0 <= value <= 1.0:
            raise ConfigError(f"threshold {f.name!r} must be between 0 and 1, not {value}")
        if (
            isinstance(f.default, int)
            and not 1 <= value <= 10_000
            and not (f.name == "min_claim_words" and value == 0)
        ):
            raise ConfigError(
                f"threshold {f.name!r} must be a whole number from 1 to 10000, not {value}"
            )


#: Where a run's work is done: this process, or Ray (verify/rayengine.py).
RUN_ENGINES = ("local", "ray")


@dataclass(frozen=True)
class Settings:
    """Everything a run depends on besides the texts."""

    thresholds: Thresholds = field(default_factory=Thresholds)
    model: str | None = None  # None: the packaged all-MiniLM-L6-v2
    # None: the packaged verdict model; "none": cosine thresholds only
    pair_model: str | None = None
    # None: the packaged strength classifier; "none": the strength lexicon alone
    strength_model: str | None = None
    # How claims use the verdict model: "hybrid" (the cosine rules, the model as a second
    # reader) or "pairs" (the model decides; cosine only retrieves). Chosen by measurement:
    # see benchmarks/RESULTS.md.
    # (verify/claims/registry.py: ENGINES)
    claim_engine: str = "hybrid"
    fail_on: tuple[str, ...] = DEFAULT_FAIL_ON
    encoding: str | None = None  # force an input encoding instead of detecting it
    # "onnx" | "torch"; None: VERIFY_RUNTIME or backend.embedder.DEFAULT_RUNTIME
    runtime: str | None = None
    cache: bool = True  # keep source-sentence embeddings in the user cache directory
    engine: str = "local"  # where the work runs: RUN_ENGINES
    workers: int | None = None  # with engine "ray": the CPUs Ray starts here (None: all)
    address: str | None = None  # with engine "ray": the cluster to join (None: start one)

    def __post_init__(self) -> None:
        from verify.claims.registry import check_engine

        check_engine(self.claim_engine)
        if self.engine not in RUN_ENGINES:
            raise ConfigError(
                f"unknown engine {self.engine!r}; expected one of {', '.join(RUN_ENGINES)}"
            )
        if self.workers is not None and (isinstance(self.workers, bool) or self.workers < 1):
            raise ConfigError(f"--workers must be at least 1, not {self.workers}")

    def with_fail_on(self, value: str) -> Settings:
        return replace(self, fail_on=parse_fail_on(value))


def parse_fail_on(value: str) -> tuple[str, ...]:
    """Parse ``--fail-on``: a level name or a comma-separated list of verdicts."""
    text = value.strip()
    if text in FAIL_ON_LEVELS:
        return FAIL_ON_LEVELS[text]
    names = tuple(part.strip() for part in text.split(",") if part.strip())
    if not names:
        raise ConfigError(
            f"--fail-on is empty; use verdict names or one of {', '.join(FAIL_ON_LEVELS)}"
        )
    for name in names:
        if name not in FAIL_ON_NAMES:
            raise ConfigError(
                f"unknown --fail-on value {name!r}; expected verdicts ({', '.join(VERDICTS)}), "
                f"flags ({', '.join(FLAGS)}) or a level ({', '.join(FAIL_ON_LEVELS)})"
            )
    return tuple(sorted(set(names), key=FAIL_ON_NAMES.index))


def thresholds_dict(thresholds: Thresholds) -> dict[str, Any]:
    return {f.name: getattr(thresholds, f.name) for f in fields(thresholds)}
