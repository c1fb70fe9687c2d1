"""The report-writing plan of a run: which format goes to which path (standard output, the
"also write" files, one HTML file per article inside an --html folder), checked before any
work (no two reports on one path, no report replacing an input), then written."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from verify.errors import ConfigError
from verify.model import Report
from verify.report import Reporter, get_reporter, render_reports, write_output


@dataclass(frozen=True)
class Plan:
    """The main report (``output``: a path or "-") and the extra ones, in the order written;
    ``html_folder``: the extra HTML report is a folder of one file per article."""

    reporter: Reporter
    output: str
    extra: tuple[tuple[str, str], ...]  # (format, path)
    html_folder: bool

    def targets(self) -> list[str]:
        return [p for p in (self.output, *(p for _, p in self.extra)) if p != "-"]


def plan_outputs(
    fmt: str, output: str, extra: Sequence[tuple[str, str]], color: bool | None, tty: bool
) -> Plan:
    """The plan for ``--format fmt --output output`` and the extra ``(format, path)`` files
    (``color`` None: colour when the main report goes to a terminal, ``tty``)."""
    reporter = get_reporter(fmt, color=bool(tty if color is None and output == "-" else color))
    for name, _ in extra:
        get_reporter(name)
    plan = Plan(reporter, output, tuple(extra), False)
    seen: dict[str, str] = {}
    for target in plan.targets():  # by resolved path and by inode: two spellings are one file
        keys = _identity(target)
        hit = next((seen[k] for k in keys if k in seen), None)
        if hit is not None:
            raise ConfigError(
                f"two reports would be written to the same file ({hit} and {target}); "
                "give each its own path"
            )
        seen |= dict.fromkeys(keys, target)
    return plan


def for_articles(
    plan: Plan, articles: Sequence[str], inputs: Sequence[str], configured: Sequence[str] = ()
) -> Plan:
    """The plan for these article files: whether --html names a folder (several articles, a
    trailing slash, an existing folder), no report replacing one of ``inputs``, and no
    ``configured`` path (a report path a configuration file names) replacing a file that is
    not a report of ours."""
    html = dict(plan.extra).get("html") or ""
    folder = bool(html) and (
        len(articles) > 1 or html.endswith(("/", os.sep)) or os.path.isdir(html)
    )
    out = Plan(plan.reporter, plan.output, plan.extra, folder)
    outputs = out.targets()
    if folder and html:
        outputs = [o for o in outputs if o != html] + [
            os.path.join(html, n) for n in html_names(list(articles)).values()
        ]
    refuse_overwriting(inputs, outputs)
    for path in configured:
        if path != "-" and os.path.isfile(path) and not is_our_report(path):
            raise ConfigError(
                f"the configuration names {path} for a report, but that file exists and is not "
                "a verify report; give the report another path (or pass it on the command line)"
            )
    return out


#: How each format's report begins (or, for JSON, SARIF and HTML, what its first bytes hold).
_OURS = (
    re.compile(r"\Averify "),  # text
    re.compile(r"\A### verify: "),  # Markdown
    re.compile(r'"schema": "verify-(report|run)/'),  # JSON
    re.compile(r'"driver": \{\s*"name": "verify"'),  # SARIF
    re.compile(r"<title>verify: "),  # HTML
    re.compile(r"\A::(error|warning|notice) "),  # GitHub annotations
)


def is_our_report(path: str) -> bool:
    """Whether the file at ``path`` is empty or reads as a report verify wrote."""
    try:
        with open(path, encoding="utf-8", errors="replace") as fh:
            head = fh.read(8192)
    except OSError:
        return False
    return not head or any(p.search(head) for p in _OURS)


def html_names(articles: list[str]) -> dict[str, str]:
    """Each article's HTML report name inside the --html folder: its path relative to the
    articles' common folder with ".html" added ("x/a.txt" -> "x/a.txt.html", "a.md" ->
    "a.md.html"): unique because the paths are, stable because nothing else decides it."""
    real = [a for a in articles if a != "-"]
    common = os.path.commonpath([os.path.dirname(os.path.abspath(a)) for a in real]) if real else ""
    out = {}
    for a in articles:
        rel = "stdin" if a == "-" else os.path.relpath(os.path.abspath(a), common)
        out[a] = rel + ".html"
    return out


def _identity(path: str) -> list[str]:
    """The keys one file is known by: its resolved path, and its device and inode where it
    exists (so a symlink or a hard link is the same file)."""
    real = os.path.realpath(path)
    try:
        st = os.stat(real)
    except OSError:
        return [real]
    return [real, f"{st.st_dev}:{st.st_ino}"]


def refuse_overwriting(inputs: Sequence[str], outputs: Sequence[str]) -> None:
    """No report may replace an input (an article, a source, the baseline, the
    configuration): compared by resolved path and by inode, so a symlink cannot hide it."""
    known: dict[str, str] = {}
    for p in inputs:
        if p != "-":
            known |= dict.fromkeys(_identity(p), p)
    for o in outputs:
        if not o or o == "-":
            continue
        hit = next((known[k] for k in _identity(o) if k in known), None)
        if hit is not None:
            raise ConfigError(
                f"the report {o} would replace the input {hit}; give the report another path"
            )


def write_reports(plan: Plan, reports: Sequence[Report], say: Callable[[str], None]) -> None:
    """Write every report of the plan, telling ``say`` of each file as it is written."""
    write_output(plan.output, render_reports(plan.reporter, reports))
    if plan.output != "-":
        say(f"Wrote {plan.reporter.label} report to {plan.output}")
    for name, path in plan.extra:
        reporter = get_reporter(name)
        if name == "html" and plan.html_folder:
            names = html_names([r.article.path for r in reports])
            for r in reports:
                target = os.path.join(path, names[r.article.path])
                write_output(target, reporter.render(r))
                say(f"Wrote HTML report to {target}")
            continue
        write_output(path, render_reports(reporter, reports))
        if path != "-":
            say(f"Wrote {reporter.label} report to {path}")
