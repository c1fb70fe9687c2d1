"""Reading files: formats, encodings, refusals."""

from __future__ import annotations

import json
import zlib
from pathlib import Path

import pytest

from tests.conftest import ADVERSARIAL, SEED, need
from verify.errors import InputError
from verify.read import decode, document_from_bytes, read_document, walk_documents

ENC = ADVERSARIAL / "encoding" / "charset_normalizer_data"

# the encodings upstream's own tests assert for these files (SOURCE.txt)
EXPECTED = {
    "sample-arabic-1.txt": "cp1256",
    "sample-french-1.txt": "cp1252",
    "sample-chinese.txt": "big5",
    "sample-greek.txt": "cp1253",
    "sample-greek-2.txt": "cp1253",
    "sample-hebrew-2.txt": "cp1255",
    "sample-hebrew-3.txt": "cp1255",
    "sample-korean.txt": "cp949",
    "sample-turkish.txt": "cp1254",
    "sample-russian.txt": "mac_cyrillic",
    "sample-english.bom.txt": "utf-8-sig",
    "sample-arabic.txt": "utf-8",
    "sample-russian-2.txt": "utf-8",
    "sample-russian-3.txt": "utf-8",
    "sample-french.txt": "utf-8",
    "sample-bulgarian.txt": "utf-8",
    "sample-spanish.txt": "utf-8",
    "sample-polish.txt": "utf-8",
}


def test_seed_reads_as_utf8() -> None:
    doc = read_document(SEED / "article.txt", "A")
    assert doc.encoding == "utf-8"
    assert doc.text.startswith(" date 2021-01-27")
    assert len(doc.sha256) == 64


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_charset_samples_decode_to_the_right_text(name: str) -> None:
    path = need(ENC / name)
    doc = read_document(path, "A")
    expected = EXPECTED[name]
    # same text as decoding with the encoding upstream asserts
    assert doc.text == path.read_bytes().decode(
        "utf-8-sig" if expected == "utf-8-sig" else expected
    )
    assert "\ufffd" not in doc.text


def test_cp1252_smart_quotes_decode_as_cp1252() -> None:
    data = "The café was “nice” today, naïve.".encode("cp1252")
    decoded = decode(data, "x")
    assert decoded.text == "The café was “nice” today, naïve."
    assert decoded.encoding == "cp1252"


def test_cafe_latin1_never_becomes_cjk() -> None:
    decoded = decode(b"caf\xe9", "x")
    assert decoded.text == "café"


def test_utf16_with_bom() -> None:
    data = "\ufeffPresident Biden spoke with President Putin.".encode("utf-16-le")
    data = b"\xff\xfe" + data[2:]
    doc = document_from_bytes(data, "x.txt", "A")
    assert doc.text == "President Biden spoke with President Putin."
    assert doc.encoding == "utf-16"


def test_forced_encoding() -> None:
    assert decode("naïve".encode("latin-1"), "x", "latin-1").text == "naïve"
    with pytest.raises(InputError, match="unknown encoding"):
        decode(b"abc", "x", "no-such-codec")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty file"),
        (b"   \n\t\r\n ", "no text"),
        (b"\x00\x00\x00\x00", "binary"),
        (b"GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00!\xf9\x04", "binary"),
        (b'He said "yes".\x00\x00 and more', "binary"),
    ],
)
def test_refused_inputs_name_the_file(data: bytes, message: str) -> None:
    with pytest.raises(InputError) as info:
        document_from_bytes(data, "copy.txt", "A")
    assert str(info.value).startswith("copy.txt: ")
    assert message in str(info.value)


def test_missing_file_and_directory(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        read_document(tmp_path / "nope.txt", "A")
    with pytest.raises(InputError, match="is a directory"):
        read_document(tmp_path, "A")


def test_html_main_text_is_extracted(tmp_path: Path) -> None:
    page = tmp_path / "story.html"
    page.write_text(
        "<html><head><title>t</title><script>alert(1)</script></head><body><nav>Home | About | "
        "Contact</nav>"
        "<article><h1>Biden and Putin speak</h1><p>President Biden spoke with President Putin on "
        "Tuesday. "
        "They discussed extending New START for five years.</p><p>The two presidents agreed to "
        "maintain "
        "transparent and consistent communication going forward, officials said.</p></article>"
        "<footer>Copyright 2021</footer></body></html>",
        encoding="utf-8",
    )
    doc = read_document(page, "A")
    assert doc.format == "html"
    assert "They discussed extending New START for five years." in doc.text
    assert "alert" not in doc.text
    assert "Copyright" not in doc.text


def _minimal_pdf(text: str, pages: int = 1, padding: int = 0) -> bytes:
    """A PDF of ``pages`` pages showing ``text``; ``padding`` spaces compressed into each page's
    contents make it a compression bomb."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode("latin-1")
    head = b"<< /Length " + str(len(stream)).encode() + b" >>"
    if padding:
        stream = zlib.compress(stream + b" " * padding, 9)
        head = b"<< /Length " + str(len(stream)).encode() + b" /Filter /FlateDecode >>"
    kids = " ".join(f"{5 + i} 0 R" for i in range(pages)).encode()
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [" + kids + b"] /Count " + str(pages).encode() + b" >>",
        head + b"\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ] + [
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 3 0 R "
        b"/Resources << /Font << /F1 4 0 R >> >> >>"
    ] * pages
    out = b"%PDF-1.4\n"
    offsets = []
    for i, body in enumerate(objs, 1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objs) + 1}\n0000000000 65535 f \n".encode()
    for off in offsets:
        out += f"{off:010d} 00000 n \n".encode()
    out += f"trailer\n<< /Size {len(objs) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return out


def test_pdf_text_is_extracted(tmp_path: Path) -> None:
    pdf = tmp_path / "readout.pdf"
    pdf.write_bytes(
        _minimal_pdf("The two presidents agreed to maintain transparent communication.")
    )
    doc = read_document(pdf, "S1")
    assert doc.format == "pdf"
    assert "The two presidents agreed to maintain transparent communication." in doc.text


def test_a_pdf_compression_bomb_is_refused_naming_the_file(tmp_path: Path) -> None:
    """One page past pypdf's stream limit, or many pages past ``MAX_PDF_EXPANDED_BYTES``
    together: refused naming the file and the page, never read to an empty "no text"."""
    one = tmp_path / "one.pdf"
    one.write_bytes(_minimal_pdf("The rate rose.", padding=100_000_000))
    with pytest.raises(InputError, match=r"one\.pdf: page 1 of the PDF expands past"):
        read_document(one, "S1")
    many = tmp_path / "many.pdf"
    many.write_bytes(_minimal_pdf("The rate rose.", pages=6, padding=40_000_000))
    assert len(many.read_bytes()) < 1_000_000
    with pytest.raises(
        InputError, match=r"many\.pdf: the PDF's pages expand past 200 MB by page 5"
    ):
        read_document(many, "S1")
    fine = tmp_path / "fine.pdf"
    fine.write_bytes(_minimal_pdf("The rate rose.", pages=2, padding=1_000))
    assert read_document(fine, "S1").text == "The rate rose.\n\nThe rate rose."


def test_broken_pdf_is_refused(tmp_path: Path) -> None:
    pdf = tmp_path / "broken.pdf"
    pdf.write_bytes(b"%PDF-1.4\nthis is not really a pdf")
    with pytest.raises(InputError, match=r"broken\.pdf"):
        read_document(pdf, "S1")


def test_ftfy_negative_cases_come_through_unchanged(tmp_path: Path) -> None:
    cases = json.loads(
        need(ADVERSARIAL / "encoding" / "ftfy_test_cases" / "negative.json").read_text("utf-8")
    )
    assert len(cases) == 31
    for i, case in enumerate(cases):
        text = case["original"]
        if not text.strip():
            continue
        path = tmp_path / f"case{i}.txt"
        path.write_bytes(text.encode("utf-8"))
        assert read_document(path, "A").text == text


def test_an_encrypted_or_damaged_pdf_is_one_line_naming_the_file(tmp_path, capsys):
    import io

    from pypdf import PdfWriter

    from tests.conftest import run_cli

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.encrypt("secret")
    buf = io.BytesIO()
    writer.write(buf)
    locked = tmp_path / "locked.pdf"
    locked.write_bytes(buf.getvalue())
    damaged = tmp_path / "damaged.pdf"
    damaged.write_bytes(b"%PDF-1.7\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n")
    for path, words in ((locked, "encrypted"), (damaged, "cannot read PDF")):
        code, _, err = run_cli([str(path), "--against", str(path)], capsys)
        assert (
            code == 2
            and err.startswith(f"Error: {path}: ")
            and words in err
            and err.count("\n") == 1
        ), err


def test_a_folder_walk_never_follows_a_link_out_of_the_folder(tmp_path, capsys):
    """A sources folder holding ``zz.txt -> ../../private/token.txt`` would copy that private
    file's text into every report (and into an archive): refused, naming the link; a link to a
    file inside the folder is read as the folder's own."""
    from tests.conftest import run_cli

    private = tmp_path / "private"
    private.mkdir()
    (private / "token.txt").write_text("The secret token is 1234.\n", encoding="utf-8")
    sources = tmp_path / "pr" / "sources"
    sources.mkdir(parents=True)
    (sources / "official.txt").write_text(
        (SEED / "official.txt").read_text(encoding="utf-8"), encoding="utf-8"
    )
    (sources / "copy.txt").symlink_to(sources / "official.txt")  # inside: fine
    found, _ = walk_documents(str(sources))
    assert [Path(p).name for p in found] == ["copy.txt", "official.txt"]
    (sources / "zz.txt").symlink_to(private / "token.txt")
    with pytest.raises(InputError, match=r"zz\.txt: links outside the folder"):
        walk_documents(str(sources))
    code, out, err = run_cli(
        [str(SEED / "article.txt"), "--against", str(sources), "-f", "json"], capsys
    )
    assert code == 2 and "secret" not in out and err.count("\n") == 1
    assert "zz.txt: links outside the folder" in err


def test_a_forced_decoding_that_yields_a_lone_surrogate_is_refused(tmp_path, capsys):
    """``--encoding unicode_escape`` turns the six characters ``\\ud800`` into a lone surrogate,
    which no report can be written with (an internal error writing HTML): one line naming
    the file and the line, exit 2."""
    from tests.conftest import run_cli

    article = tmp_path / "a.txt"
    article.write_text('Intro.\nHe said \\ud800 "hello there friend".\n', encoding="utf-8")
    with pytest.raises(InputError, match="line 2 holds a lone surrogate"):
        decode(article.read_bytes(), str(article), "unicode_escape")
    code, _, err = run_cli(
        [
            str(article),
            "--against",
            str(SEED / "official.txt"),
            "--encoding",
            "unicode_escape",
            "--html",
            str(tmp_path / "r.html"),
            "-o",
            str(tmp_path / "r.txt"),
        ],
        capsys,
    )
    assert code == 2 and err.count("\n") == 1 and "lone surrogate (U+D800)" in err
    assert not (tmp_path / "r.html").exists()
