"""Big and pathological input finishes, within explicit limits that the report states.
(Time and memory are measured in benchmarks/size_curve.py, never asserted here.)"""

from __future__ import annotations

from tests.conftest import FakeEmbedder
from verify import verify_texts
from verify.config import MAX_QUOTE_WORDS, MAX_SENTENCE_CHARS

SOURCE = "The minister said the budget would rise by four percent next year."


def test_text_without_punctuation_is_cut_into_judged_pieces() -> None:
    article = "the budget would rise " * 20_000  # 440 kB, no sentence punctuation
    report = verify_texts(article, [SOURCE], embedder=FakeEmbedder())
    claims = [u for u in report.units if u.kind == "claim"]
    assert len(claims) >= len(article) // MAX_SENTENCE_CHARS
    assert all(len(u.text) <= MAX_SENTENCE_CHARS for u in claims)
    covered = sum(len(u.text) for u in claims)
    assert covered >= len(article.strip()) - len(claims)  # every word is in a piece
    [warning] = [w for w in report.warnings if w.kind == "limit"]
    assert "MAX_SENTENCE_CHARS" in warning.message and warning.start == 0


def test_tabs_and_a_heading_mark_is_nothing_to_check() -> None:
    report = verify_texts("\t" * 1_000_000 + "##", [SOURCE], embedder=FakeEmbedder())
    assert report.units == ()
    assert [w.kind for w in report.warnings] == ["nothing_to_check"]


def test_one_repeated_character() -> None:
    report = verify_texts("a" * 200_000, [SOURCE], embedder=FakeEmbedder())
    assert {w.kind for w in report.warnings} == {"limit", "nothing_to_check"}


def test_five_thousand_sentence_source() -> None:
    source = " ".join(f"Statement {i} says the budget is {i} dollars." for i in range(5000))
    report = verify_texts(
        'The minister said "the budget is 4999 dollars."', [source], embedder=FakeEmbedder()
    )
    [quote] = [u for u in report.units if u.kind == "quote"]
    assert quote.verdict == "verbatim"
    ev = quote.evidence[0]
    assert (
        ev.text == "the budget is 4999 dollars"
        and source[ev.start - 20 : ev.start] == "Statement 4999 says "
    )


def test_very_long_quotation_is_compared_on_its_first_words_and_says_so() -> None:
    words = " ".join(f"word{i % 50}" for i in range(3 * MAX_QUOTE_WORDS))
    report = verify_texts(f'He said "{words}" today.', [words + "."], embedder=FakeEmbedder())
    [quote] = [u for u in report.units if u.kind == "quote"]
    assert f"only its first {MAX_QUOTE_WORDS} of {3 * MAX_QUOTE_WORDS} words" in quote.reason
    assert any(w.kind == "limit" and "MAX_QUOTE_WORDS" in w.message for w in report.warnings)
