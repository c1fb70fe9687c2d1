"""A bounded fuzz target over the whole pipeline: any text, as article and as source,
gives a report whose units lie inside the text, whose JSON round-trips and which every
reporter renders; never an exception other than a clear input error."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import FakeEmbedder
from verify import verify_texts
from verify.errors import InputError
from verify.report import FORMATS, get_reporter

PIECES = st.sampled_from(
    [
        "The minister said",
        " ",
        ".",
        ",",
        '"',
        "\u201c",
        "\u201d",
        "'",
        "\u2019",
        "\n",
        "\r\n",
        "\u2028",
        "\x85",
        "budget",
        "rise",
        "4",
        "percent",
        "not",
        "Tuesday",
        "January 26",
        "[sic]",
        "...",
        "\u200b",
        "\u202e",
        "\u0430",
        "#",
        "<script>",
        "&amp;",
        "U.S.",
        "—",
        "\t",
        "é",
        "\u0301",
        "said:",
        "according to",
        "\ud7ff",
        "🙂",
    ]
)
TEXT = st.lists(PIECES, max_size=40).map("".join) | st.text(max_size=120)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True
)
@given(article=TEXT, source=TEXT)
def test_pipeline_never_breaks(article: str, source: str) -> None:
    try:
        report = verify_texts(article, [source], embedder=FakeEmbedder())
    except InputError:
        assert not article.strip() or not source.strip()
        return
    text = report.article.text
    for u in report.units:
        assert 0 <= u.start <= u.end <= len(text)
        assert u.text == text[u.start : u.end]
        for e in u.edits:
            if e.start is not None:
                assert text[e.start : e.end] == e.article or e.end == e.start
        for ev in u.evidence:
            assert report.sources[0].text[ev.start : ev.end] == ev.text
    assert json.loads(get_reporter("json").render(report)) == json.loads(
        json.dumps(report.to_dict())
    )
    for fmt in FORMATS:
        assert isinstance(get_reporter(fmt).render(report), str)
