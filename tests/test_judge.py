"""Judging with a fake embedder: edits, editorial marks, Unicode tricks, claims."""

from __future__ import annotations

import itertools

import pytest

from tests.conftest import SEED, FakeEmbedder
from verify import Settings, verify_texts
from verify.judge import classify_edit, find_conflicts, is_attribution
from verify.normalize import normalize
from verify.read import read_document
from verify.tokens import tokenize

SOURCE = (
    "President Biden made clear that the United States will act firmly in defense of its national "
    "interests in response to actions by Russia that harm USA or its allies. The two presidents "
    "agreed "
    "to maintain transparent and consistent communication going forward."
)


def _quote_unit(article: str, source: str = SOURCE):
    report = verify_texts(article, [source], Settings(), embedder=FakeEmbedder())
    quotes = [u for u in report.units if u.kind == "quote"]
    assert len(quotes) == 1
    return quotes[0]


def _toks(text: str):
    return tokenize(normalize(text).text)


def test_seed_q2_has_exactly_the_two_meaningful_edits() -> None:
    article = read_document(SEED / "article.txt", "A").text
    source = read_document(SEED / "official.txt", "S1").text
    report = verify_texts(article, [source], Settings(), embedder=FakeEmbedder())
    q2 = next(
        u
        for u in report.units
        if u.kind == "quote" and u.text.startswith("President Biden made clear")
    )
    assert q2.verdict == "altered"
    assert [(e.source, e.article, e.kind) for e in q2.edits if e.meaningful] == [
        ("USA", "us", "pronoun"),
        ("its", "our", "pronoun"),
    ]
    assert q2.evidence[0].section == "With Russia"
    q1 = next(u for u in report.units if u.kind == "quote" and u.text.startswith("Two leaders"))
    assert [(e.source, e.article) for e in q1.edits] == [("They", "Two leaders")]
    q3 = next(
        u for u in report.units if u.kind == "quote" and u.text.startswith("The two presidents")
    )
    assert q3.verdict == "verbatim" and q3.edits == ()


def test_verbatim_fragment_with_speaker() -> None:
    unit = _quote_unit(
        "“The two presidents agreed to maintain transparent and consistent communication,” it said."
    )
    assert unit.verdict == "verbatim"
    assert (
        unit.evidence[0].text
        == "The two presidents agreed to maintain transparent and consistent communication"
    )


def test_brackets_stand_for_the_words_they_replace() -> None:
    unit = _quote_unit("He said “[Biden] made clear that the United States will act firmly.”")
    assert unit.verdict == "verbatim", unit.edits


def test_ellipsis_is_an_omission_not_an_edit() -> None:
    unit = _quote_unit(
        "“President Biden made clear that the United States will act firmly … that harm USA or its "
        "allies.”"
    )
    assert unit.verdict == "verbatim", unit.edits


def test_quote_spanning_two_source_sentences() -> None:
    unit = _quote_unit(
        "“harm USA or its allies. The two presidents agreed to maintain transparent”"
    )
    assert unit.verdict == "verbatim"


def test_case_difference_is_cosmetic() -> None:
    unit = _quote_unit(
        "“the two Presidents agreed to maintain transparent and consistent communication”"
    )
    assert unit.verdict == "verbatim"
    assert {e.kind for e in unit.edits} == {"case"}
    assert not any(e.meaningful for e in unit.edits)


def test_negation_inserted_is_meaningful() -> None:
    unit = _quote_unit(
        "“The two presidents agreed not to maintain transparent and consistent communication”"
    )
    assert unit.verdict == "altered"
    assert [(e.op, e.article, e.kind) for e in unit.edits] == [("insert", "not", "negation")]


def test_homoglyph_inside_a_quote_is_reported() -> None:
    unit = _quote_unit(
        "“The two presidents \u0430greed to maintain transparent and consistent communication”"
    )
    assert unit.verdict == "altered"
    (edit,) = unit.edits
    assert edit.kind == "homoglyph" and edit.meaningful
    assert "U+0430" in (edit.detail or "")


@pytest.mark.parametrize("char", ["\u200b", "\u00ad", "\u202e"])
def test_invisible_character_inside_a_quote_is_reported(char: str) -> None:
    unit = _quote_unit(
        f"“The two presidents agr{char}eed to maintain transparent and consistent communication”"
    )
    assert unit.verdict == "altered"
    (edit,) = unit.edits
    assert edit.kind == "invisible"
    assert f"U+{ord(char):04X}" in (edit.detail or "")


def test_fabricated_quote_is_not_found() -> None:
    unit = _quote_unit("“We will never negotiate with anyone about anything at all,” Biden said.")
    assert unit.verdict == "not_found"
    assert unit.speaker == "Biden"


@pytest.mark.parametrize(
    ("article", "source", "kind"),
    [
        (["Solar", "Winds"], ["SolarWinds"], "spelling"),
        (["defence"], ["defense"], "spelling"),
        (["five"], ["ten"], "number"),
        (["won't"], ["will"], "negation"),
        (["Merkel"], ["Macron"], "name"),
        (["us"], ["USA"], "pronoun"),
        (["firmly"], ["quickly"], "word"),
        (["Biden"], ["biden"], "case"),
    ],
)
def test_classify_edit(article: list[str], source: list[str], kind: str) -> None:
    assert classify_edit(article, source)[0] == kind


def test_conflicts_numbers_dates_negation() -> None:
    assert [
        c.kind
        for c in find_conflicts(
            _toks("They agreed to extend New START for ten years"),
            _toks("They agreed to extend New START for five years"),
        )
    ] == ["number"]
    assert [
        (c.article, c.source)
        for c in find_conflicts(
            _toks("complete the extension by February 15"),
            _toks("complete the extension by February 5"),
        )
    ] == [("February 15", "February 5")]
    assert [
        c.kind
        for c in find_conflicts(
            _toks("The United States will not act firmly"),
            _toks("The United States will act firmly"),
        )
    ] == ["negation"]
    assert (
        find_conflicts(
            _toks("They agreed to extend New START for five years"),
            _toks("They agreed to extend New START for five years"),
        )
        == []
    )


def test_attribution_is_not_a_claim() -> None:
    for text in (
        "the White House statement read",
        "he added",
        "according to a senior official",
        "said Biden",
    ):
        assert is_attribution(text), text
    assert not is_attribution("Biden confronted his Russian counterpart")


ENGINES = pytest.mark.parametrize("engine", ["cosine", "pairs"])


def _engine(engine: str) -> dict:  # type: ignore[type-arg]
    """The cosine rules (pair_model="none") or the pair-model rules with the fake pair model."""
    from dataclasses import replace

    from tests.conftest import FakePairModel

    if engine == "cosine":
        return {"settings": replace(Settings(), pair_model="none")}
    return {"settings": Settings(), "pair_model": FakePairModel()}


@ENGINES
def test_claim_verdicts_with_fake_embedder(engine: str) -> None:
    source = "They discussed extending New START for five years. President Biden reaffirmed support for Ukraine."
    report = verify_texts(
        "They discussed extending New START for ten years. The call occurred on a sunny Tuesday "
        "midday in spring. "
        "They discussed extending New START for five years.",
        [source],
        embedder=FakeEmbedder(),
        **_engine(engine),
    )
    verdicts = [u.verdict for u in report.units]
    assert verdicts == ["contradicted", "unsupported", "copied"]
    contradicted = report.units[0]
    assert [(e.article, e.source) for e in contradicted.edits] == [("ten", "five")]


@ENGINES
def test_partial_claim_reports_the_unsupported_span(engine: str) -> None:
    source = "President Biden reaffirmed the United States' firm support for Ukraine's sovereignty."
    report = verify_texts(
        "President Biden reaffirmed firm support for Ukraine's sovereignty, while the weather in "
        "Moscow was snowy and cold.",
        [source],
        embedder=FakeEmbedder(),
        **_engine(engine),
    )
    (unit,) = report.units
    assert unit.verdict == "partial"
    assert [s.text for s in unit.unsupported_spans] == [
        "while the weather in Moscow was snowy and cold"
    ]
    assert (
        report.article.text[unit.unsupported_spans[0].start : unit.unsupported_spans[0].end]
        == unit.unsupported_spans[0].text
    )


def test_model_not_loaded_when_words_settle_everything() -> None:
    emb = FakeEmbedder()
    report = verify_texts(
        "“The two presidents agreed to maintain transparent and consistent communication,” it said.",
        [SOURCE],
        Settings(),
        embedder=emb,
    )
    assert [u.verdict for u in report.units] == ["verbatim"]
    assert emb.calls == 0


def test_pair_passages_built_from_their_sentences_equal_a_fresh_normalisation() -> None:
    from tests.conftest import DEV, SEED
    from verify.judge import _joined
    from verify.normalize import normalize
    from verify.read import read_document
    from verify.segment import segment
    from verify.tokens import tokenize

    files = [SEED / "official.txt", SEED / "article.txt"]
    speeches = DEV / "presidential_speeches" / "data"
    if speeches.exists():
        files += sorted(speeches.glob("*.txt"))[::100]
    checked = 0
    for path in files:
        doc = read_document(path, "S1")
        sents = segment(doc, is_source=True)
        for a, b in itertools.pairwise(sents):
            text = doc.text[a.start : b.end]
            na, nb = normalize(a.text, a.start), normalize(b.text, b.start)
            n, toks = _joined(
                na, tuple(tokenize(na.text)), nb, tuple(tokenize(nb.text)), text, a.start, b.start
            )
            fresh = normalize(text, a.start)
            assert (n.text, n.starts, n.ends, n.offset) == (
                fresh.text,
                fresh.starts,
                fresh.ends,
                fresh.offset,
            )
            assert toks == tuple(tokenize(fresh.text))
            checked += 1
    assert checked > 50


@pytest.mark.parametrize(
    ("claim", "source", "conflict"),
    [
        ("about 1,500 troops were sent", "1,480 troops were sent", None),
        ("at least 1,750 troops were sent", "1,800 troops were sent", None),
        ("more than 1,750 troops were sent", "1,800 troops were sent", None),
        ("up to 2,000 troops were sent", "1,800 troops were sent", None),
        ("$1.2 billion in aid was pledged", "1,200 million in aid was pledged", None),
        ("2,000 troops were sent", "1,800 troops were sent", "number"),
        ("at least 2,000 troops were sent", "1,800 troops were sent", "number"),
        ("They met on January 26", "They met on February 5", "date"),
        ("The call occurred on Tuesday", "The call occurred yesterday", None),
        ("The call occurred on Tuesday", "The call occurred on Monday", "weekday"),
        # signs and fractions: "%" and currency signs are units, "4-3/4" is 4.75
        ("the range rose to 4.75% to 5%", "the range rose to 4-3/4 to 5 percent", None),
        ("the range rose to 4.5% to 5%", "the range rose to 4-3/4 to 5 percent", "number"),
        ("inflation rose 4% in March", "inflation rose 3 percent in March", "number"),
        ("inflation rose 3% in March", "inflation rose 3 pct in March", None),
        ("revenue of $1.5 billion in 2022", "revenue of $1.2 billion in 2022", "number"),
        ("revenue of $1.2 billion in 2022", "revenue of 1.2 billion dollars in 2022", None),
        ("three quarters, 3/4 of voters, agreed", "0.75 of voters agreed", None),
        ("the youngest was younger than 45 years", "the youngest was 39 years", None),
        ("the youngest was older than 45 years", "the youngest was 39 years", "number"),
        # rates compare only over the same period ("a week" is not "a year")
        ("Heroin alone kills 300 Americans a week", "Drugs kill 78,000 Americans a year", None),
        ("Drugs kill 300 Americans a year", "Drugs kill 78,000 Americans a year", "number"),
        ("the fee is 5 dollars annually", "the fee is 7 dollars per year", "number"),
        ("the fee is 5 dollars a month", "the fee is 60 dollars a year", None),
        # a word of the opposite sense over mostly shared words (conflicts.OPPOSITES)
        (
            "Imports from China grew by a lot last year",
            "Exports to China grew by a lot last year",
            "word",
        ),
        (
            "The Senate rejected the nominee on Tuesday",
            "The Senate confirmed the nominee on Tuesday",
            "word",
        ),
        ("Prices rose sharply in the north", "The army fell back to the river", None),
    ],
)
def test_numbers_compare_by_value_and_conflicts_name_their_kind(claim, source, conflict):
    found = find_conflicts(_toks(claim), _toks(source))
    assert [c.kind for c in found] == ([conflict] if conflict else [])


def test_a_number_conflict_names_the_number_as_written():
    [c] = find_conflicts(
        _toks("the range rose to 4.5% to 5%"), _toks("the range rose to 4-3/4 to 5 percent")
    )
    assert (c.article, c.source) == ("4.5%", "4-3/4")
    [c] = find_conflicts(_toks("revenue of $1.5 billion"), _toks("revenue of $1.2 billion"))
    assert (c.article, c.source) == ("$1.5", "$1.2")


@pytest.mark.parametrize("mark", ["\u2026", "[...]", "..."])
def test_an_ellipsis_may_drop_words_but_not_a_negation_a_number_or_a_condition(mark):
    """Quoting "We will … cut pensions" from "We will not cut pensions" is altered (the
    negation dropped at the ellipsis listed as a meaningful edit that says so); dropping words
    that do not change what it says stays verbatim."""
    from tests.conftest import FakeEmbedder
    from verify import verify_texts

    source = (
        "We will not cut pensions this year, as we promised, and we will protect them if the "
        "budget allows.\n"
    )

    def quote(text: str):  # type: ignore[no-untyped-def]
        report = verify_texts(f'The minister said: "{text}"\n', [source], embedder=FakeEmbedder())
        return next(u for u in report.units if u.kind == "quote")

    cut = quote(f"We will {mark} cut pensions this year.")
    assert cut.verdict == "altered", cut.reason
    [edit] = [e for e in cut.edits if e.meaningful]
    assert (edit.op, edit.source, edit.kind) == ("delete", "not", "negation")
    assert edit.detail == "dropped at an ellipsis: changes what it says"
    kept = quote(f"We will not cut pensions this year {mark} and we will protect them.")
    assert kept.verdict == "verbatim", kept.reason
