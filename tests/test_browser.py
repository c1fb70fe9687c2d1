"""The HTML report opened as a person opens it: in a real headless Chromium (Debian's
``chromium``, driven by Playwright; never a browser download). Skipped, with the reason,
where Playwright or the browser cannot be had; ``.ci/run`` installs both."""

from __future__ import annotations

import importlib.util
import os
import shutil
from pathlib import Path

import pytest

from tests.conftest import ADVERSARIAL, ROOT, FakeEmbedder
from verify import verify_documents
from verify.read import document_from_text
from verify.report import get_reporter, write_output

CHROMIUM = os.environ.get("VERIFY_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"

if importlib.util.find_spec("playwright") is None:
    pytest.skip(
        "browser tests need Playwright for Python (pip install playwright)", allow_module_level=True
    )
if not Path(CHROMIUM).exists():
    pytest.skip(
        f"browser tests need Chromium at {CHROMIUM} (apt-get install chromium chromium-driver)",
        allow_module_level=True,
    )

from playwright.sync_api import sync_playwright


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
        )
        yield b
        b.close()


class Watched:
    """A page with everything that should not happen recorded."""

    def __init__(self, browser, path: Path, width: int = 1400, height: int = 900) -> None:
        self.page = browser.new_page(viewport={"width": width, "height": height})
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.requests: list[str] = []
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on(
            "console",
            lambda m: self.errors.append(m.text) if m.type in ("error", "warning") else None,
        )
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.url = path.resolve().as_uri()
        self.page.goto(self.url)

    def in_view(self, selector: str) -> bool:
        """Whether the first element matching ``selector`` is inside the window and every
        scrolled box around it."""
        return bool(
            self.page.eval_on_selector(
                selector,
                """el => {
            const r = el.getBoundingClientRect();
            if (r.bottom < 0 || r.top > window.innerHeight) return false;
            for (let p = el.parentElement; p; p = p.parentElement) {
                const s = getComputedStyle(p);
                if (!/(auto|scroll)/.test(s.overflowY)) continue;
                const b = p.getBoundingClientRect();
                if (r.bottom < b.top || r.top > b.bottom) return false;
            }
            return true;
        }""",
            )
        )


pytestmark = pytest.mark.model


@pytest.fixture(scope="module")
def seed_html(seed_report, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("html") / "seed.html"
    write_output(str(path), get_reporter("html").render(seed_report))
    return path


def test_click_a_unit_brings_its_evidence_into_view(browser, seed_html: Path, seed_report) -> None:
    w = Watched(browser, seed_html)
    page = w.page
    assert page.title().startswith("verify: ")
    q2 = next(u for u in seed_report.units if u.id == "Q2")
    page.eval_on_selector(
        ".sources", "e => { e.scrollTop = e.scrollHeight; }"
    )  # the reader was elsewhere
    assert not w.in_view('.sources [data-ev~="Q2"]')
    page.click('#article [data-units^="Q2"]')
    assert page.eval_on_selector_all(
        ".sources .hit", "els => els.map(e => e.getAttribute('data-ev'))"
    )
    assert all(
        "Q2" in ev.split()
        for ev in page.eval_on_selector_all(
            ".sources .hit", "els => els.map(e => e.getAttribute('data-ev'))"
        )
    )
    assert w.in_view(".sources .hit")
    hit_text = "".join(
        page.eval_on_selector_all(".sources .hit", "els => els.map(e => e.textContent)")
    )
    assert hit_text == q2.evidence[0].text
    bar = page.text_content("#evbar") or ""
    assert "Q2" in bar and "With Russia" in bar and f"line {q2.evidence[0].line}" in bar
    assert page.get_attribute("#card-Q2", "class").split().count("sel") == 1
    # the diff reads at a glance: the source's words struck, the article's set apart
    assert page.inner_text("#card-Q2 .diff del.m") == "USA"
    assert page.eval_on_selector_all(
        "#card-Q2 .diff ins.m", "els => els.map(e => e.textContent)"
    ) == ["us", "our"]
    # clicking a card selects the same evidence
    page.eval_on_selector(".sources", "e => { e.scrollTop = e.scrollHeight; }")
    page.click("#card-Q3")
    assert w.in_view('.sources [data-ev~="Q3"].hit')
    screenshot = ROOT / "reports" / "browser-seed.png"
    page.click('#article [data-units^="Q2"]')
    page.screenshot(path=str(screenshot))
    assert screenshot.stat().st_size > 10_000
    assert not w.errors and not w.dialogs
    assert all(u == w.url for u in w.requests)  # nothing fetched: self-contained


def test_verdict_filter(browser, seed_html: Path, seed_report) -> None:
    w = Watched(browser, seed_html)
    page = w.page
    counts = seed_report.verdict_counts()
    page.click('.bar [data-filter="not_found"]')
    shown = page.eval_on_selector_all(
        ".card:not([hidden])", "els => els.map(e => e.dataset.verdict)"
    )
    assert shown == ["not_found"] * counts["not_found"]
    assert page.get_attribute('.bar [data-filter="not_found"]', "aria-pressed") == "true"
    page.click('.bar [data-filter="altered"]')
    shown = page.eval_on_selector_all(
        ".card:not([hidden])", "els => els.map(e => e.dataset.verdict)"
    )
    assert sorted(shown) == sorted(
        ["not_found"] * counts["not_found"] + ["altered"] * counts["altered"]
    )
    dimmed = page.eval_on_selector_all("#article .dim", "els => els.map(e => e.dataset.verdict)")
    assert dimmed and not {"not_found", "altered"} & set(dimmed)
    page.click('.bar [data-filter=""]')
    assert page.eval_on_selector_all(".card[hidden]", "els => els.length") == 0
    assert not w.errors


def test_narrow_screen_and_print(browser, seed_html: Path) -> None:
    w = Watched(browser, seed_html, width=420, height=800)
    page = w.page
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    page.emulate_media(media="print")
    assert page.eval_on_selector(".bar", "e => getComputedStyle(e).display") == "none"
    assert page.eval_on_selector(".sources", "e => getComputedStyle(e).overflowY") == "visible"
    assert not w.errors


@pytest.mark.parametrize("name", ["RSNAKE_XSS.txt"])
def test_no_script_from_the_inputs_runs(browser, tmp_path: Path, name: str) -> None:
    path = ADVERSARIAL / "xss" / name
    lines = path.read_text(encoding="utf-8").splitlines() if path.exists() else []
    lines.append(
        '<img src=x onerror="document.title=\'pwned\'"><script>document.title="pwned"</script>'
    )
    lines.append('He said "</script><script>alert(1)</script>" and "\u202eevil\u202c".')
    text = "\n\n".join(lines)
    art = document_from_text(text, '"><svg onload=alert(1)>.txt', "A")
    src = document_from_text(text[: len(text) // 2], "<script>alert(2)</script>", "S1")
    page_path = tmp_path / "hostile.html"
    write_output(
        str(page_path),
        get_reporter("html").render(verify_documents(art, [src], embedder=FakeEmbedder())),
    )
    w = Watched(browser, page_path)
    page = w.page
    page.click("#article [data-units]")
    page.click(".card")
    assert page.title().startswith("verify: ")
    assert "pwned" not in page.title()
    assert not w.dialogs
    assert all(u == w.url for u in w.requests), [u for u in w.requests if u != w.url][:5]
    assert page.evaluate("document.querySelectorAll('img, svg, iframe, object, embed').length") == 0
    # the page's own script ran (the bar answered the click) and no CSP violation was reported
    assert "\u2192" in (page.text_content("#evbar") or "") or "no source passage" in (
        page.text_content("#evbar") or ""
    )
    assert not [e for e in w.errors if "Content Security Policy" in e]
