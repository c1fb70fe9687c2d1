"""Quotations and their speakers."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import SEED
from verify.quotes import extract_quotes
from verify.read import document_from_text, read_document
from verify.segment import segment


def _quotes(text: str):
    doc = document_from_text(text, "t", "A")
    return extract_quotes(doc, segment(doc))


def test_seed_has_seven_quotations_at_exact_offsets() -> None:
    doc = read_document(SEED / "article.txt", "A")
    quotes, warnings = extract_quotes(doc, segment(doc))
    assert warnings == ()
    text = doc.text
    expected = [
        (
            "Two leaders discussed both countries’ willingness",
            "by February 5,",
            "the White House press release",
        ),
        (
            "President Biden made clear that the United States",
            "harm us or our allies,",
            "the White House statement",
        ),
        ("The two presidents agreed to maintain", "going forward,", "the White House statement"),
        (
            "his [Biden’s] intention was also",
            "our national interests.",
            "Biden's white house press secretary Jen Psaki",
        ),
        ("Putin’s puppet", "Putin’s puppet", None),
        ("I find that we can both operate", "in Afghanistan.", "Biden"),
        ("have asked the agencies in question", "with the Russians.", "Biden"),
    ]
    assert len(quotes) == 7
    for q, (begin, end, speaker) in zip(quotes, expected, strict=True):
        assert q.text.startswith(begin) and q.text.endswith(end)
        assert text[q.start : q.end] == q.text
        assert text[q.start - 1] in "“‘" and text[q.end] in "”’"
        assert q.speaker == speaker
        assert q.depth == 0 and not q.unclosed
    assert quotes[0].start == text.index("Two leaders")
    assert quotes[4].start == text.index("Putin’s puppet")


def test_nested_single_inside_double() -> None:
    quotes, _ = _quotes("“He called it ‘a hoax’ on Tuesday,” she said.")
    assert [(q.text, q.depth) for q in quotes] == [
        ("He called it ‘a hoax’ on Tuesday,", 0),
        ("a hoax", 1),
    ]
    assert quotes[0].speaker == "she"


def test_interrupted_quotation_shares_its_speaker() -> None:
    quotes, _ = _quotes("“We will act,” Psaki said, “and we will act firmly.”")
    assert [q.text for q in quotes] == ["We will act,", "and we will act firmly."]
    assert [q.speaker for q in quotes] == ["Psaki", "Psaki"]


def test_quotation_over_several_sentences() -> None:
    quotes, _ = _quotes(
        'Biden said: "We will act. We mean it. Nobody should doubt it." Then he left.'
    )
    assert len(quotes) == 1
    assert quotes[0].text == "We will act. We mean it. Nobody should doubt it."
    assert quotes[0].speaker == "Biden"


def test_apostrophes_are_not_quotations() -> None:
    quotes, warnings = _quotes(
        "Russia’s leader and the leaders’ aides met. It's rock 'n' roll in the '90s."
    )
    assert quotes == ()
    assert warnings == ()


def test_unclosed_quotation_is_reported_not_fatal() -> None:
    quotes, warnings = _quotes("He said “we will never stop and then left.\n\nNext paragraph here.")
    assert quotes[0].text == "we will never stop and then left."
    assert quotes[0].unclosed
    assert [w.kind for w in warnings] == ["unclosed_quote"]


def test_multi_paragraph_quotation_is_not_a_warning() -> None:
    text = "She said, “The first part goes on.\n\n“The second part ends here,” she added."
    quotes, warnings = _quotes(text)
    assert [q.text for q in quotes] == ["The first part goes on.", "The second part ends here,"]
    assert warnings == ()


def test_according_to() -> None:
    quotes, _ = _quotes("The talks were “productive and frank,” according to a senior official.")
    assert quotes[0].speaker == "a senior official"


@settings(max_examples=200, deadline=None)
@given(
    st.text(alphabet=st.sampled_from(list("ab ,.\u201c\u201d\u2018\u2019\"'\n[]…")), max_size=150)
)
def test_quotations_lie_inside_the_text(text: str) -> None:
    if not text.strip():
        return
    doc = document_from_text(text, "t", "A")
    quotes, warnings = extract_quotes(doc, segment(doc))
    for q in quotes:
        assert 0 <= q.start < q.end <= len(text)
        assert text[q.start : q.end] == q.text
    for w in warnings:
        assert w.start is not None and 0 <= w.start < len(text)


def test_stray_opening_marks_cost_linear_memory():
    """Each unclosed quotation runs to the end of its paragraph but at most MAX_UNCLOSED_QUOTE_CHARS,
    so a paragraph of thousands of stray marks does not hold thousands of copies of itself."""
    from verify.quotes import MAX_UNCLOSED_QUOTE_CHARS, extract_quotes
    from verify.read import document_from_text
    from verify.segment import segment

    text = "He said \u201cwe will " * 3000 + "\n"
    doc = document_from_text(text, "<a>", "A")
    quotes, warnings = extract_quotes(doc, segment(doc))
    assert len(quotes) == 3000
    assert max(q.end - q.start for q in quotes) <= MAX_UNCLOSED_QUOTE_CHARS
    assert sum(len(q.text) for q in quotes) < 3000 * (MAX_UNCLOSED_QUOTE_CHARS + 1)
    assert any("limit MAX_UNCLOSED_QUOTE_CHARS" in w.message for w in warnings)
