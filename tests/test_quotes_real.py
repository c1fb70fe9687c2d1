"""Quotations as real copy quotes them: long quotations over runs of source sentences,
reordered sentences, notation that is not an edit, other speakers' words, transcript notes,
title abbreviations. Real text (the seed, the speeches); a fake embedder and pair model."""

from __future__ import annotations

import pytest

from tests.conftest import DEV, SEED, FakeEmbedder, FakePairModel, need
from verify import verify_texts
from verify.edits import notation_kind
from verify.read import document_from_text
from verify.segment import segment

OFFICIAL = (SEED / "official.txt").read_text(encoding="utf-8")


def quote_units(article: str, sources: list[str]):  # type: ignore[no-untyped-def]
    report = verify_texts(article, sources, embedder=FakeEmbedder(), pair_model=FakePairModel())
    return [u for u in report.units if u.kind == "quote"]


def kennedy() -> str:
    return need(
        DEV / "presidential_speeches" / "data" / "1961-01-20-inaugural-address.txt"
    ).read_text(encoding="utf-8")


def _paragraph_sentences(text: str, n: int) -> list[str]:
    doc = document_from_text(text, "<k>", "S1")
    body = [s.text for s in segment(doc, is_source=True) if s.role == "body"]
    return body[3 : 3 + n]


@pytest.mark.parametrize("n", [3, 4, 6])
def test_a_long_quotation_over_consecutive_sentences_is_verbatim(n):
    sents = _paragraph_sentences(kennedy(), n)
    [q] = quote_units(f"Kennedy said: “{' '.join(sents)}”\n", [kennedy()])
    assert q.verdict == "verbatim", q.reason
    assert q.edits == () or all(not e.meaningful for e in q.edits)


@pytest.mark.parametrize("n", [3, 5])
def test_one_changed_word_in_a_long_quotation_is_the_one_edit(n):
    sents = _paragraph_sentences(kennedy(), n)
    text = " ".join(sents)
    changed = (
        text.replace(" world ", " nation ", 1)
        if " world " in text
        else text.replace(" the ", " a ", 1)
    )
    assert changed != text
    [q] = quote_units(f"Kennedy said: “{changed}”\n", [kennedy()])
    assert q.verdict == "altered"
    meaningful = [(e.source, e.article) for e in q.edits if e.meaningful]
    assert meaningful in ([("world", "nation")], [("the", "a")])


def test_reordered_sentences_are_an_alteration_of_their_own_kind():
    a = (
        "They also agreed to explore strategic stability discussions on a range of arms control "
        "and "
        "emerging security issues."
    )
    b = (
        "They discussed both countries’ willingness to extend New START for five years, agreeing "
        "to have "
        "their teams work urgently to complete the extension by February 5."
    )
    [q] = quote_units(f"The White House said: “{a} {b}”\n", [OFFICIAL])
    assert q.verdict == "altered"
    assert {e.kind for e in q.edits} == {"reordered"} and len(q.edits) == 2
    [in_order] = quote_units(f"The White House said: “{b} {a}”\n", [OFFICIAL])
    assert in_order.verdict == "verbatim"


@pytest.mark.parametrize(
    ("article", "source", "kind"),
    [
        ("two", "2", "number-form"),
        ("20th", "20", "number-form"),
        ("No. 1", "number one", "number-form"),
        ("4-3/4 percent", "4.75%", "number-form"),
        ("five thousand", "5,000", "number-form"),
        ("Rev.", "Reverend", "abbreviation"),
        ("Gov.", "Governor", "abbreviation"),
        ("Sen.", "Senator", "abbreviation"),
        ("Rep.", "Representative", "abbreviation"),
        ("U.S.", "United States", "abbreviation"),
        ("we've", "we have", "abbreviation"),
    ],
)
def test_notation_is_not_an_edit(article, source, kind):
    assert notation_kind(article, source) == kind


@pytest.mark.parametrize(
    ("article", "source"),
    [
        ("three", "2"),
        ("21st", "20"),
        ("No. 2", "number one"),
        ("4.5%", "4-3/4 percent"),
        ("Sen.", "Governor"),
        ("us", "USA"),
        ("us", "United States"),
        ("his", "the"),
    ],
)
def test_a_different_value_or_word_stays_meaningful(article, source):
    assert notation_kind(article, source) is None


def test_notation_in_a_real_quotation_keeps_it_verbatim_and_lists_the_difference():
    source = (
        "The United States will act firmly in defense of its national interests for 2 more years."
    )
    [q] = quote_units(
        "He said “the U.S. will act firmly in defense of its national interests for two more "
        "years.”\n",
        [source],
    )
    assert q.verdict == "verbatim", q.reason
    assert sorted(e.kind for e in q.edits if not e.meaningful and e.kind != "case") == [
        "abbreviation",
        "number-form",
    ]
    [changed] = quote_units(
        "He said “the U.S. will act firmly in defense of its national interests for three more "
        "years.”\n",
        [source],
    )
    assert changed.verdict == "altered"
    assert [(e.source, e.article, e.kind) for e in changed.edits if e.meaningful] == [
        ("2", "three", "number")
    ]


def test_another_speaker_s_words_are_not_found_with_the_reason():
    source = (
        "PRESIDENT TRUMP: The sanctions are a very small step, not a big deal, compared to what "
        "will "
        "ultimately have to happen.\n"
    )
    [q] = quote_units(
        "Kremlin spokesman Dmitry Peskov said the talks were “a big step forward for peace.”\n",
        [source],
    )
    assert q.verdict == "not_found", q.reason
    assert q.speaker_in_source is False
    assert "does not speak in the sources" in q.reason
    [own] = quote_units(
        "Trump said the sanctions were “a very small step, not a big deal.”\n", [source]
    )
    assert own.speaker_in_source is True and own.verdict == "verbatim"


def test_a_short_quotation_sharing_only_function_words_is_not_an_alteration():
    source = "Job growth the likes of which our country has not seen in a very long time."
    [q] = quote_units(
        "Trump has warned that they are “not a big deal” and only a small step.\n", [source]
    )
    assert q.verdict == "not_found"


def test_transcript_notes_are_not_edits():
    source = (
        "He has given us the chance, where we have been lost, to find our best selves.  "
        "(Applause.)  "
        "We may not have earned it, this grace."
    )
    [q] = quote_units(
        "Obama said: “He’s given us the chance where we’ve been lost to find our best selves. "
        "We may not have earned it, this grace.”\n",
        [source],
    )
    assert q.verdict == "verbatim", q.reason
    assert all(e.source.casefold() != "applause" for e in q.edits)


def test_title_abbreviations_do_not_end_a_sentence():
    doc = document_from_text(
        "The bill passed, said Rep. Terri Sewell of Alabama. Gov. Kay Ivey signed it.\n", "<a>", "A"
    )
    assert [s.text for s in segment(doc)] == [
        "The bill passed, said Rep. Terri Sewell of Alabama.",
        "Gov. Kay Ivey signed it.",
    ]
