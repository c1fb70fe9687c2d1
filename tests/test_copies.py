"""Near-copies judged by their edits (verify/copies.py, claims.copy_judgement): a claim that
repeats a source sentence is copied only when every edit is cosmetic; another word makes it
contradicted, partial or supported by what the word does there. Real text: sentences of the
FOMC statement of 22 March 2023 (public domain, shared/corpora/realworld-dev/09); a fake
embedder and verdict model (the copy rule reads words, not vectors)."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from tests.conftest import FakeEmbedder, FakePairModel
from verify import Settings, verify_texts
from verify.lexicon import load

FOMC = (
    "The Committee seeks to achieve maximum employment and inflation at the rate of 2 percent "
    "over the longer run. In support of these goals, the Committee decided to raise the target "
    "range for the federal funds rate to 4-3/4 to 5 percent. The Committee anticipates that "
    "some additional policy firming may be appropriate in order to attain a stance of monetary "
    "policy that is sufficiently restrictive to return inflation to 2 percent over time. The "
    "U.S. banking system is sound and resilient. Job gains have picked up in recent months and "
    "are running at a robust pace; the unemployment rate has remained low.\n"
)


def judged(claim: str, engine: str = "hybrid"):  # type: ignore[no-untyped-def]
    settings = replace(Settings(), claim_engine=engine)
    report = verify_texts(
        claim + "\n", [FOMC], settings, embedder=FakeEmbedder(), pair_model=FakePairModel()
    )
    [unit] = [u for u in report.units if u.kind == "claim"]
    return unit


def meaningful(unit) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    return [(e.source, e.article) for e in unit.edits if e.meaningful]


@pytest.mark.parametrize("engine", ["hybrid", "pairs"])
@pytest.mark.parametrize(
    "claim, kind",
    [
        # another inflection of the same word
        (
            "The Committee sought to achieve maximum employment and inflation at the rate of 2 "
            "percent over the longer run.",
            "inflection",
        ),
        # an attribution added: function words only, or an opening one
        ("The U.S. banking system is sound and resilient, the Fed said.", None),
        ("The Fed said on Wednesday that the U.S. banking system is sound and resilient.", None),
        # a word written another way
        ("The US banking system is sound and resilient.", "spelling"),
    ],
)
def test_a_copy_with_cosmetic_edits_only_is_copied_and_lists_them(claim, kind, engine):
    unit = judged(claim, engine)
    assert unit.verdict == "copied", unit.reason
    assert meaningful(unit) == []
    assert [e.kind for e in unit.edits] == ([kind] if kind else [])


@pytest.mark.parametrize("engine", ["hybrid", "pairs"])
@pytest.mark.parametrize(
    "claim, edit",
    [
        (  # an antonym (WordNet) / a word of the opposite sense
            "In support of these goals, the Committee decided to lower the target range for the "
            "federal funds rate to 4-3/4 to 5 percent.",
            ("raise", "lower"),
        ),
        (  # another of the same kind
            "Job gains have picked up in recent weeks and are running at a robust pace; the "
            "unemployment rate has remained low.",
            ("months", "weeks"),
        ),
        ("The U.S. banking system is not sound and resilient.", ("", "not")),
    ],
)
def test_a_copy_with_an_excluding_word_is_contradicted_naming_it(claim, edit, engine):
    unit = judged(claim, engine)
    assert unit.verdict == "contradicted", unit.reason
    assert meaningful(unit) == [edit]
    assert f"{edit[0] or '∅'!r} → {edit[1]!r}" in unit.reason


@pytest.mark.parametrize("engine", ["hybrid", "pairs"])
@pytest.mark.parametrize(
    "claim, span",
    [
        ("The U.S. banking system is sound and profitable.", "profitable"),  # not related
        (
            "The Fed said on Wednesday the U.S. banking system is sound and profitable.",
            "profitable",
        ),
        (  # a possibility stated as a certainty
            "The Committee anticipates that some additional policy firming will be appropriate "
            "in order to attain a stance of monetary policy that is sufficiently restrictive to "
            "return inflation to 2 percent over time.",
            "will",
        ),
        (  # words added
            "The U.S. banking system is sound and resilient after the bank failures.",
            "after the bank failures",
        ),
    ],
)
def test_a_copy_that_says_more_than_its_source_is_partial_with_those_words(claim, span, engine):
    unit = judged(claim, engine)
    assert unit.verdict == "partial", unit.reason
    assert [s.text for s in unit.unsupported_spans] == [span]
    assert unit.evidence and unit.evidence[0].text in FOMC


@pytest.mark.parametrize("engine", ["hybrid", "pairs"])
@pytest.mark.parametrize(
    "claim, edit",
    [
        (  # a synonym
            "Job gains have picked up in recent months and are running at a robust pace; the "
            "unemployment rate has stayed low.",
            ("remained", "stayed"),
        ),
        (  # a word dropped: the copy says less
            "In support of these goals, the Committee decided to raise the target range for the "
            "funds rate to 4-3/4 to 5 percent.",
            ("federal", ""),
        ),
    ],
)
def test_a_copy_whose_edits_the_source_implies_is_supported(claim, edit, engine):
    unit = judged(claim, engine)
    assert unit.verdict == "supported", unit.reason
    assert meaningful(unit) == [edit]


@pytest.mark.parametrize(
    "source, claim",
    [
        (  # the seed readout's words, who did what exchanged
            "He raised reports of Russia placing bounties on United States soldiers in Afghanistan.",
            "He raised reports of United States soldiers placing bounties on Russia in Afghanistan.",
        ),
        ("The man bit the dog.", "The dog bit the man."),
    ],
)
def test_the_source_s_words_exchanged_around_a_verb_are_never_borne_out(source, claim):
    report = verify_texts(
        claim + "\n", [source], embedder=FakeEmbedder(), pair_model=FakePairModel()
    )
    [unit] = report.units
    assert unit.verdict in ("partial", "contradicted"), unit.reason  # names exchanged: another
    assert [e for e in unit.edits if e.meaningful]


def test_the_edits_of_a_changed_copy_stand_where_they_are_in_the_article():
    claim = "The U.S. banking system is sound and profitable."
    unit = judged(claim)
    [edit] = [e for e in unit.edits if e.meaningful]
    assert edit.start is not None and claim[edit.start : edit.end] == "profitable"
    assert edit.kind == "word" and edit.detail == "a word the source does not have"


def test_word_relations_come_from_wordnet():
    lex = load()
    assert lex.relation("valid", "void") == "antonym"  # through "invalid", its cluster head
    assert lex.relation("car", "vehicle") == "broader"
    assert lex.relation("vehicle", "car") == "narrower"
    assert lex.relation("bought", "purchased") == "synonym"
    assert lex.relation("kept", "keep") == "inflection"  # the exception list: kept -> keep
    assert lex.relation("city", "town") == "co-hyponym"
    assert lex.relation("huge", "big") == "similar"
    assert lex.relation("signed", "vetoed") is None


@pytest.mark.parametrize("fmt", ["text", "json", "html", "markdown", "sarif", "github"])
def test_every_format_shows_the_edits_of_a_changed_copy(fmt):
    """The source word, the claim's word and the kind, as a quotation's edits are shown; the
    HTML boxes them in place in the claim (as a quotation's diff)."""
    import json

    from verify.report import get_reporter

    claim = "The U.S. banking system is sound and profitable.\n"
    report = verify_texts(claim, [FOMC], embedder=FakeEmbedder(), pair_model=FakePairModel())
    out = get_reporter(fmt).render(report)
    if fmt == "json":
        [unit] = json.loads(out)["units"]
        assert [(e["source"], e["article"], e["kind"]) for e in unit["edits"]] == [
            ("resilient", "profitable", "word")
        ]
        assert claim[unit["edits"][0]["start"] : unit["edits"][0]["end"]] == "profitable"
    elif fmt == "html":
        assert '<p class="diff"><del class="m"' not in out  # the claim's words come first
        assert re.search(r'<p class="diff">The U\.S\. banking system is sound and '
                         r'<del class="m"[^>]*>resilient</del><ins class="m"[^>]*>profitable'
                         r"</ins>\.?</p>", out)  # fmt: skip
    elif fmt == "markdown":
        assert "~~resilient~~ **profitable**" in out
    elif fmt == "text":
        assert re.search(r"edit: source resilient → article profitable \(word", out)
    else:  # CI formats: the edit in the finding's message
        assert "resilient \u2192 profitable (word: a word the source does not have)" in (
            out.replace("\\u2192", "\u2192")
        )


def test_a_copy_with_cosmetic_edits_lists_them_as_cosmetic_in_the_reports():
    from verify.report import get_reporter

    claim = "The Committee sought to achieve maximum employment and inflation at the rate of 2 percent over the longer run.\n"
    report = verify_texts(claim, [FOMC], embedder=FakeEmbedder(), pair_model=FakePairModel())
    [unit] = report.units
    assert unit.verdict == "copied" and [e.kind for e in unit.edits] == ["inflection"]
    text = get_reporter("text").render(report)
    assert "cosmetic: source seeks → article sought (inflection)" in text
    html = get_reporter("html").render(report)
    assert re.search(r"<td>seeks</td><td>sought</td><td>inflection \(cosmetic\)", html)


def test_the_packaged_extract_is_what_the_build_makes_of_debian_s_wordnet(tmp_path):
    """`python -m verify.lexicon build /usr/share/wordnet` gives the shipped file byte for byte
    (Debian's wordnet-base; .ci/run installs it)."""
    from pathlib import Path

    from verify.lexicon import DATA, main

    root = Path("/usr/share/wordnet")
    if not (root / "index.noun").is_file():
        pytest.skip("Debian's wordnet-base is not installed (apt-get install wordnet-base)")
    out = tmp_path / "wordnet.json.gz"
    assert main(["build", str(root), "--out", str(out)]) == 0
    assert out.read_bytes() == DATA.read_bytes()


def test_building_from_a_folder_without_wordnet_is_one_line_and_exit_2(tmp_path, capsys):
    from verify.lexicon import main

    assert main(["build", str(tmp_path), "--out", str(tmp_path / "x.gz")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("Error: ") and err.count("\n") == 1
    assert not (tmp_path / "x.gz").exists()


@pytest.mark.parametrize(
    "sentence, judged",
    [
        ("The jobs will go to 14 states.", "The jobs will go to 14 states"),
        (
            "The program covers all 50 states, and it will create 3,500 jobs.",
            "The program covers all 50 states … and it will create 3,500 jobs",
        ),
        (  # a presidential message: "States" is a noun after "the"
            "The whole matter is now under discussion before the proper tribunal--the people of "
            "the States.",
            "The whole matter is now under discussion … before the proper tribunal--the people "
            "of the States",
        ),
        ("The treaty is in force, the State Department notes.", "The treaty is in force"),
    ],
)
def test_a_reporting_word_used_as_a_noun_is_judged_not_dropped(sentence, judged):
    """ "states" and "notes" are attribution verbs only where they report ("the ministry
    notes"), not after a determiner, a preposition or a number ("all 50 states")."""
    report = verify_texts(
        sentence + "\n", [FOMC], embedder=FakeEmbedder(), pair_model=FakePairModel()
    )
    [unit] = [u for u in report.units if u.kind == "claim"]
    assert unit.compared == judged
