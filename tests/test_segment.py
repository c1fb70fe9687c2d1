"""Sentences, headings, datelines and sections."""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import DEV, SEED, need
from verify.read import document_from_text, read_document
from verify.segment import segment


def _texts(text: str, source: bool = False) -> list[str]:
    return [
        s.text
        for s in segment(document_from_text(text, "t", "A"), is_source=source)
        if s.role == "body"
    ]


def test_seed_article_sentences_roles_and_lines() -> None:
    doc = read_document(SEED / "article.txt", "A")
    sents = segment(doc)
    assert [s.role for s in sents][:2] == ["dateline", "body"]
    assert sents[0].text == "date 2021-01-27"
    assert sents[1].text.startswith("US President Joe Biden on January 26")
    headings = [s.text for s in sents if s.role == "heading"]
    assert headings == ["To discuss the New START"]
    body = [s for s in sents if s.role == "body"]
    assert len(body) == 13
    assert body[-1].text.startswith("He added,") and body[-1].line == 9
    for s in sents:
        assert doc.text[s.start : s.end] == s.text


def test_seed_source_sections() -> None:
    doc = read_document(SEED / "official.txt", "S1")
    sents = segment(doc, is_source=True)
    sections = []
    for s in sents:
        if s.section not in sections:
            sections.append(s.section)
    assert sections[:12] == [
        "With Russia",
        "With Japan",
        "With India",
        "With NATO",
        "With Germany",
        "With France",
        "With United Kingdom",
        "With Israel",
        "With Mexico",
        "With Canada",
        "With South Korea",
        "With Afghanistan",
    ]
    russia = [s.text for s in sents if s.section == "With Russia"]
    assert len(russia) == 7
    assert (
        russia[0] == "President Joseph R. Biden, Jr. spoke with President Vladimir Putin of Russia."
    )


def test_news_abbreviations_split_right() -> None:
    text = (
        "President Joseph R. Biden, Jr. spoke with Mr. Sullivan on Feb. 5 about the U.S.-Japan "
        "alliance. "
        "He said the U.S. will act. \u201cWe will act. We mean it,\u201d he said. The talks were "
        "in the U.S. "
        "It ended there."
    )
    assert _texts(text) == [
        "President Joseph R. Biden, Jr. spoke with Mr. Sullivan on Feb. 5 about the U.S.-Japan "
        "alliance.",
        "He said the U.S. will act.",
        "\u201cWe will act.",
        "We mean it,\u201d he said.",
        "The talks were in the U.S.",
        "It ended there.",
    ]


def test_hard_wrapped_lines_are_one_paragraph() -> None:
    text = "The President spoke with the Prime Minister\nabout climate change and trade.\nThey agreed to meet."
    assert _texts(text) == [
        "The President spoke with the Prime Minister\nabout climate change and trade.",
        "They agreed to meet.",
    ]


def test_markdown_heading_and_byline() -> None:
    doc = document_from_text(
        "# Biden calls Putin\n\nBy Jane Smith\n\nThe call lasted an hour.", "t", "A"
    )
    roles = [(s.role, s.text) for s in segment(doc)]
    assert roles == [
        ("heading", "Biden calls Putin"),
        ("byline", "By Jane Smith"),
        ("body", "The call lasted an hour."),
    ]


def test_wire_dateline() -> None:
    doc = document_from_text(
        "WASHINGTON (Reuters) \u2014 President Biden spoke with Putin.", "t", "A"
    )
    sents = segment(doc)
    assert sents[0].role == "dateline"
    assert sents[1].text == "President Biden spoke with Putin."


def test_presidential_speeches_segment_cleanly() -> None:
    data = need(DEV / "presidential_speeches" / "data")
    files = sorted(p for p in data.iterdir() if p.is_file())[::200]
    assert len(files) >= 5
    for path in files:
        doc = read_document(path, "S1")
        sents = segment(doc, is_source=True)
        assert len(sents) > 5
        for s in sents:
            assert doc.text[s.start : s.end] == s.text
            assert s.text == s.text.strip()
        # sentences come in order and do not overlap
        for a, b in itertools.pairwise(sents):
            assert a.end <= b.start


@settings(max_examples=150, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from(list("ab .,!?\u201c\u201d\"'\u2019\n\r\t\u2028Mr.U.S#:-")),
        max_size=200,
    )
)
def test_sentences_map_back_to_original_characters(text: str) -> None:
    if not text.strip():
        return
    doc = document_from_text(text, "t", "A")
    sents = segment(doc)
    last = 0
    for s in sents:
        assert text[s.start : s.end] == s.text
        assert s.start >= last
        last = s.end
        assert s.line == doc.line(s.start)


class _Recording:
    """A compiled pattern that records the length of every string it is asked to match."""

    def __init__(self, pattern, seen: list[int]) -> None:
        self.pattern, self.seen = pattern, seen

    def match(self, string: str, *args):
        self.seen.append(len(string))
        return self.pattern.match(string, *args)

    def search(self, string: str, pos: int = 0, endpos: int | None = None):
        end = len(string) if endpos is None else endpos
        self.seen.append(end - pos)
        return self.pattern.search(string, pos, end)


def test_dateline_byline_and_title_patterns_see_bounded_text(monkeypatch) -> None:
    """The backtracking patterns never get a whole paragraph: a first paragraph that is one run
    of capitals and dashes (quadratic for the wire-dateline pattern) stays linear."""
    import verify.segment as seg

    seen: list[int] = []
    monkeypatch.setattr(
        seg, "DATELINE_PATTERNS", tuple(_Recording(p, seen) for p in seg.DATELINE_PATTERNS)
    )
    monkeypatch.setattr(seg, "_BYLINE", _Recording(seg._BYLINE, seen))
    monkeypatch.setattr(seg, "_LAST_WORD", _Recording(seg._LAST_WORD, seen))
    text = (
        "A"
        + "-" * 50_000
        + " budget\n\nBy "
        + "Ann " * 5_000
        + "!\n\n"
        + "word " * 9_000
        + "Rep. Smith spoke."
    )
    sents = segment(document_from_text(text, "t", "A"))
    assert sents and seen
    assert max(seen) <= max(seg.DATELINE_MAX_CHARS, seg.TITLE_WINDOW_CHARS)


def test_datelines_bylines_and_titles_still_found_within_the_bound() -> None:
    doc = document_from_text(
        "NEW YORK (AP) \u2014 The mayor said Rep. Terri Sewell was right.\n\nBy Jane Smith\n\n"
        "The rate rose 5 %.",
        "t",
        "A",
    )
    sents = segment(doc)
    assert [(s.role, s.text) for s in sents] == [
        ("dateline", "NEW YORK (AP) \u2014"),
        ("body", "The mayor said Rep. Terri Sewell was right."),
        ("byline", "By Jane Smith"),
        ("body", "The rate rose 5 %."),
    ]


def test_a_list_of_unpunctuated_statements_is_judged_not_taken_for_headings() -> None:
    """Short lines without a full stop, several in one block, are statements (a list, or copy
    that lost its punctuation): body sentences. A line alone, or alone above its paragraph, is a
    heading; bylines and Markdown headings keep their roles."""
    text = (
        "Fed raises rates\n\n"
        "The Fed raised the target range to 4.5 to 5 percent\n"
        "Inflation remains elevated\n"
        "The banking system is sound and resilient\n\n"
        "To discuss the treaty\n"
        "The two leaders spoke for an hour and agreed to talk again soon.\n\n"
        "# Background\n"
        "## Details\n\n"
        "By Jane Smith\n"
        "The call lasted an hour\n"
        "Both sides called it frank\n"
    )
    sents = segment(document_from_text(text, "t", "A"))
    assert [(s.role, s.text) for s in sents] == [
        ("heading", "Fed raises rates"),
        ("body", "The Fed raised the target range to 4.5 to 5 percent"),
        ("body", "Inflation remains elevated"),
        ("body", "The banking system is sound and resilient"),
        ("heading", "To discuss the treaty"),
        ("body", "The two leaders spoke for an hour and agreed to talk again soon."),
        ("heading", "Background"),
        ("heading", "Details"),
        ("byline", "By Jane Smith"),
        ("body", "The call lasted an hour"),
        ("body", "Both sides called it frank"),
    ]
