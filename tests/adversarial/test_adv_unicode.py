"""Unicode tricks inside quotations are reported, never matched away: the four Trojan
Source files, a Cyrillic homoglyph, zero-width and soft-hyphen characters, bidi overrides."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from tests.conftest import ADVERSARIAL, FakeEmbedder, need
from verify import verify_texts
from verify.report import get_reporter

TROJAN = ADVERSARIAL / "unicode" / "trojan-source"
# file → (edit kind, code points the edit must name)
EXPECTED = {
    "Python_commenting-out.py": ("invisible", {"U+202E", "U+2066", "U+2069"}),
    "Python_early-return.py": ("invisible", {"U+2067"}),
    "Python_homoglyph-function.py": ("homoglyph", {"U+041D"}),
    "Python_invisible-function.py": ("invisible", {"U+200B"}),
}


def clean(text: str) -> str:
    """The file as it reads on screen: format characters gone, the Cyrillic En as H."""
    return "".join(c for c in text if unicodedata.category(c) != "Cf").replace("\u041d", "H")


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_trojan_source_line_quoted_from_the_clean_file(name: str) -> None:
    text = need(TROJAN / name).read_text(encoding="utf-8")
    line = next(ln for ln in text.splitlines() if any(ord(c) > 127 for c in ln)).strip()
    article = f"The file says \u201c{line}\u201d in its source."
    report = verify_texts(article, [clean(text)], embedder=FakeEmbedder())
    [quote] = [u for u in report.units if u.kind == "quote" and u.text == line]
    kind, points = EXPECTED[name]
    assert quote.verdict == "altered", quote.reason  # never verbatim
    named = {
        p
        for e in quote.edits
        if e.kind == kind and e.meaningful
        for p in (e.detail or "").replace(";", ",").split()
        if p.startswith("U+")
    }
    assert points <= named, quote.edits
    assert report.failing()  # fails the default --fail-on
    # every report shows the characters as marks; none writes a bidi control raw
    for fmt in ("text", "html", "markdown", "github"):
        out = get_reporter(fmt).render(report)
        assert not any(
            c in out for c in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200b"
        ), fmt
    html = get_reporter("html").render(report)
    for p in points:  # an invisible character as a mark; a homoglyph named in the edit
        assert (
            f"\u27e8{p}\u27e9"
            if kind == "invisible"
            else f"{p} {unicodedata.name(chr(int(p[2:], 16)))}"
        ) in html


@pytest.mark.parametrize(
    ("char", "kind"),
    [
        ("\u200b", "invisible"),
        ("\u00ad", "invisible"),
        ("\u202e", "invisible"),
        ("\u0430", "homoglyph"),
    ],
    ids=["zero-width-space", "soft-hyphen", "bidi-override", "cyrillic-a"],
)
def test_one_character_in_an_otherwise_verbatim_quotation(char: str, kind: str) -> None:
    source = "The two presidents agreed to maintain transparent and consistent communication going forward."
    word = "tr\u0430nsparent" if kind == "homoglyph" else "trans" + char + "parent"
    tampered = source.replace("transparent", word)
    report = verify_texts(
        f"The White House said \u201c{tampered[:-1]}\u201d on Tuesday.",
        [source],
        embedder=FakeEmbedder(),
    )
    [quote] = [u for u in report.units if u.kind == "quote"]
    assert quote.verdict == "altered"
    [edit] = [e for e in quote.edits if e.meaningful]
    assert edit.kind == kind and edit.source == "transparent"
    assert f"U+{ord(char):04X}" in (edit.detail or "")
    assert edit.start is not None and report.article.text[edit.start : edit.end] == edit.article


def test_trojan_files_as_sources_keep_their_lines(tmp_path: Path) -> None:
    from verify.read import read_document

    for name in EXPECTED:
        doc = read_document(need(TROJAN / name), "S1")
        assert doc.text == (TROJAN / name).read_text(
            encoding="utf-8"
        )  # nothing stripped on reading
