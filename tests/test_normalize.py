"""The normalised form and its map back to the original text."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from verify.normalize import has_invisible, normalize, strip_invisible, visible


def test_quotes_dashes_spaces_and_compatibility_forms() -> None:
    n = normalize("He said \u201cit\u2019s  \ufb01ne\u201d \u2014 ok\r\n\tthen")
    assert n.text == 'He said "it\'s fine" - ok then'


def test_offsets_map_back_to_the_original() -> None:
    original = "A \u201cquote\u201d with  \ufb01 and caf\u0065\u0301."
    n = normalize(original, offset=10)
    i = n.text.index("quote")
    assert n.original_span(i, i + 5) == (
        10 + original.index("quote"),
        10 + original.index("quote") + 5,
    )
    j = n.text.index("caf")
    s, e = n.original_span(j, j + 4)
    assert original[s - 10 : e - 10] == "caf\u0065\u0301"


def test_invisible_characters_are_kept_and_shown() -> None:
    n = normalize("wi\u200bll and \u202eevil")
    assert "\u200b" in n.text and "\u202e" in n.text
    assert has_invisible(n.text)
    assert strip_invisible(n.text) == "will and evil"
    assert visible("a\u202eb") == "a\u27e8U+202E\u27e9b"


@given(st.text(max_size=300))
def test_every_normalised_character_maps_inside_the_original(text: str) -> None:
    n = normalize(text)
    assert len(n.starts) == len(n.ends) == len(n.text)
    prev = 0
    for s, e in zip(n.starts, n.ends, strict=True):
        assert 0 <= s < e <= len(text)
        assert s >= prev  # monotone
        prev = s


def test_a_dash_between_words_keeps_them_two_words():
    """An em dash without spaces ("connection—whether") separates words as a spaced one does;
    a hyphen inside a word and an en dash in a range do not; offsets map back to the dash."""
    from verify.tokens import tokenize

    text = "no connection\u2014whether real or not, well-known 2020\u20132021"
    n = normalize(text)
    assert [t.text for t in tokenize(n.text)] == [
        "no", "connection", "whether", "real", "or", "not", "well-known", "2020-2021",
    ]  # fmt: skip
    dash = text.index("\u2014")
    assert n.text[n.text.index(" - ") + 1] == "-" and n.starts[n.text.index(" - ") + 1] == dash


def test_a_quotation_with_an_unspaced_dash_is_verbatim_against_a_spaced_one():
    from tests.conftest import FakeEmbedder
    from verify import verify_texts

    source = "He said there was no connection \u2014 whether real or imagined \u2014 to the case.\n"
    for article in (
        'He said there was "no connection\u2014whether real or imagined" to the case.\n',
        'He said there was "no connection \u2014 whether real or imagined" to the case.\n',
    ):
        report = verify_texts(article, [source], embedder=FakeEmbedder())
        [quote] = [u for u in report.units if u.kind == "quote"]
        assert quote.verdict == "verbatim", (article, quote.reason)
