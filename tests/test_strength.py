"""Overstated and understated claims (verify/strength.py): the lexicon's words, the flag rule on
real sentences of each kind (causal, modal, plan made fact, quantifier), its absence on faithful
paraphrases, and the flag through the pipeline, the JSON and --fail-on."""

from __future__ import annotations

import json
from dataclasses import replace

import numpy as np
import pytest

from tests.conftest import DEV, FakeEmbedder, need
from verify import Settings, verify_texts
from verify.backend.classifier import strength_scorer
from verify.config import Thresholds
from verify.strength import cue_words, lexicon_probabilities, shift

SHIFT_MIN = Thresholds().strength_shift_min


def lex_shift(claim: str, evidence: str):  # type: ignore[no-untyped-def]
    """The flag with the lexicon's strengths (one-hot probabilities)."""
    p = lexicon_probabilities([claim, evidence])
    return shift(claim, evidence, p[0], p[1], SHIFT_MIN)


def onehot(level: int) -> np.ndarray:
    return np.eye(4, dtype=np.float32)[level]


def insciout(file_id: str) -> tuple[str, str, int, int, str]:
    """(press-release conclusion, abstract conclusion, their gold strengths, label) of one pair."""
    path = need(DEV / "strength" / "insciout_train.jsonl")
    for line in path.read_text(encoding="utf-8").splitlines():
        p = json.loads(line)
        if p["original_file_id"] == file_id:
            return (
                p["press_release_conclusion"],
                p["abstract_conclusion"],
                p["press_release_strength"],
                p["abstract_strength"],
                p["exaggeration_label"],
            )
    raise AssertionError(file_id)


#: Real source sentences (presidential speeches, dev/presidential_speeches) and the copy a desk
#: might write from them: (source, overstated copy, faithful copy, words on each side).
NEWS = [
    pytest.param(
        "Just as secret negotiations can sometimes break a public deadlock, public disclosure "
        "may help to break a secret deadlock.",
        "Public disclosure will break a secret deadlock.",
        "Public disclosure may help to break a secret deadlock.",
        id="modal",
    ),
    pytest.param(
        "And over the course of this year, I intend to travel the country to push for reforms "
        "that do just that.",
        "Over the course of this year, the President will travel the country to push for reforms.",
        "Over the course of this year, the President intends to travel the country to push for "
        "reforms.",
        id="plan-made-fact",
    ),
    pytest.param(
        "Some older Americans spend much of their Social Security checks just on their "
        "medications.",
        "All older Americans spend much of their Social Security checks just on their medications.",
        "Some older Americans spend much of their Social Security checks on their medications.",
        id="quantifier",
    ),
]


@pytest.mark.parametrize(("source", "overstated", "faithful"), NEWS)
def test_the_lexicon_flags_each_kind_and_spares_the_faithful_copy(source, overstated, faithful):
    found = lex_shift(overstated, source)
    assert found is not None and found.direction == "overstated"
    assert found.claim_words or found.evidence_words
    assert lex_shift(faithful, source) is None
    # and the mirror image: the source's stronger wording reported as the weaker one
    back = lex_shift(source, overstated)
    assert back is not None and back.direction == "understated"


def test_correlation_made_cause_on_a_real_press_release():
    pr, ab, s_pr, s_ab, label = insciout("12-11-028-1")
    assert label == "exaggerates" and "associated with" in cue_words(ab)["correlation"]
    found = shift(pr, ab, onehot(s_pr), onehot(s_ab), SHIFT_MIN)
    assert found is not None and found.direction == "overstated"
    assert found.evidence_words == ("associated with",) and "improves" in found.claim_words


def test_a_faithful_press_release_is_not_flagged():
    for file_id in ("22-001", "03-11-040-1", "25-027", "04-11-017-1"):
        pr, ab, s_pr, s_ab, label = insciout(file_id)
        assert label == "same", file_id
        assert shift(pr, ab, onehot(s_pr), onehot(s_ab), SHIFT_MIN) is None, file_id


def test_a_small_difference_in_strength_is_not_a_flag():
    close = np.asarray([0.0, 0.1, 0.5, 0.4], dtype=np.float32)
    other = np.asarray([0.0, 0.1, 0.3, 0.6], dtype=np.float32)
    assert shift("It may rise.", "It rises.", close, other, SHIFT_MIN) is None
    found = shift("It rises.", "It may rise.", onehot(3), onehot(2), SHIFT_MIN)
    assert found is not None and found.evidence_words == ("may",)


def test_the_flag_through_the_pipeline_json_and_fail_on():
    source, overstated, _ = NEWS[1].values
    settings = replace(Settings(), pair_model="none", strength_model="none")
    report = verify_texts(overstated, [source], settings, embedder=FakeEmbedder())
    claim = next(u for u in report.units if u.kind == "claim")
    assert claim.flags == ("overstated",) and "intend to" in claim.strength.evidence_words
    data = report.to_dict()
    assert data["units"][0]["strength"]["direction"] == "overstated"
    assert data["summary"]["flags"] == {"overstated": 1, "understated": 0}
    assert report.exit_code == 0  # not in the default --fail-on
    assert replace(report, fail_on=("overstated",)).exit_code == 1


@pytest.mark.model
@pytest.mark.parametrize(("source", "overstated", "faithful"), NEWS)
def test_the_packaged_classifier_keeps_the_flag_and_the_faithful_copy_clean(
    source, overstated, faithful
):
    p = strength_scorer(None)([overstated, faithful, source])
    found = shift(overstated, source, p[0], p[2], SHIFT_MIN)
    assert found is not None and found.direction == "overstated"
    assert shift(faithful, source, p[1], p[2], SHIFT_MIN) is None


@pytest.mark.parametrize("fmt", ["text", "json", "html", "sarif", "github", "markdown"])
def test_every_format_shows_the_flag_and_its_words(fmt):
    from verify.report import get_reporter

    source, overstated, _ = NEWS[1].values
    settings = replace(Settings(), pair_model="none", strength_model="none")
    report = verify_texts(overstated, [source], settings, embedder=FakeEmbedder())
    out = get_reporter(fmt).render(report)
    assert "overstated" in out.lower() and "intend to" in out, fmt
