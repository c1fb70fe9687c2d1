"""Reporters: one module per format behind one protocol, and the one helper that
writes an output file."""

from __future__ import annotations

import os
import stat
import sys
import tempfile
import threading
from collections.abc import Sequence
from typing import Protocol

from verify.errors import ConfigError, InputError
from verify.model import Report


class Reporter(Protocol):
    """Renders a Report to text; never recomputes a verdict."""

    name: str
    label: str

    def render(self, report: Report) -> str: ...


_UMASK_LOCK = threading.Lock()

#: Format name -> "module:class" of its reporter. Adding a format: its module in report/, one
#: line here, and (for an "also write" file option) one entry in verify/options.py.
REPORTERS = {
    "text": "verify.report.text:TextReporter",
    "json": "verify.report.json:JsonReporter",
    "html": "verify.report.html:HtmlReporter",
    "sarif": "verify.report.sarif:SarifReporter",
    "github": "verify.report.github:GithubReporter",
    "markdown": "verify.report.markdown:MarkdownReporter",
}
FORMATS = tuple(REPORTERS)


def get_reporter(name: str, color: bool = False) -> Reporter:
    """The reporter for a format name (see FORMATS)."""
    import importlib
    import inspect

    if name not in REPORTERS:
        raise ConfigError(f"unknown format {name!r}; expected one of {', '.join(FORMATS)}")
    module, cls = REPORTERS[name].split(":")
    factory = getattr(importlib.import_module(module), cls)
    takes_color = "color" in inspect.signature(factory).parameters  # the terminal formats
    return factory(color=color) if takes_color else factory()  # type: ignore[no-any-return]


def render_reports(reporter: Reporter, reports: Sequence[Report]) -> str:
    """One article: ``render``; several: the reporter's ``render_many`` where it has one,
    else the reports one after another."""
    if len(reports) == 1:
        return reporter.render(reports[0])
    many = getattr(reporter, "render_many", None)
    if many is not None:
        return str(many(reports))
    if reporter.name == "html":
        raise ConfigError("an HTML report holds one article; with several, give --html a folder")
    return "".join(reporter.render(r) for r in reports)


def _report_mode(path: str) -> int:
    """The mode a plain ``open(path, "w")`` would leave: an existing file keeps its own,
    a new one gets 0666 less the umask (0644 under the usual 022). The atomic temporary
    file is created 0600, which would make every report private."""
    try:
        return stat.S_IMODE(os.stat(path).st_mode)
    except OSError:
        pass
    with _UMASK_LOCK:  # reading the umask means setting it; keep that moment private
        mask = os.umask(0o022)
        os.umask(mask)
    return 0o666 & ~mask


def write_output(path: str, content: str) -> None:
    """Write ``content`` to ``path`` ("-" is standard output) atomically: a half-written
    file is never left behind."""
    if path == "-":
        encoding = getattr(sys.stdout, "encoding", None) or "utf-8"
        try:
            content.encode(encoding, errors="strict")
        except (UnicodeEncodeError, LookupError):
            raise InputError(
                f"standard output ({encoding}) cannot show this report's characters; "
                "set PYTHONIOENCODING=utf-8 or write it to a file with --output"
            ) from None
        sys.stdout.write(content)
        sys.stdout.flush()
        return
    if os.path.exists(path) and not os.path.isfile(path):
        if os.path.isdir(path):
            raise InputError(f"{path}: is a folder; give a file name for the report")
        # a device or a pipe (/dev/null, /dev/stdout, a FIFO): write into it, never replace it
        try:
            with open(path, "w", encoding="utf-8", newline="\n") as fh:
                fh.write(content)
        except OSError as exc:
            raise InputError(f"{path}: cannot write ({exc.strerror or exc})") from None
        return
    directory = os.path.dirname(os.path.abspath(path))
    try:
        os.makedirs(directory, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".verify-", suffix=".tmp", dir=directory)
    except OSError as exc:
        raise InputError(f"{path}: cannot write ({exc.strerror or exc})") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(content)
        os.chmod(tmp, _report_mode(path))
        os.replace(tmp, path)
    except BaseException as exc:  # a failed write or an interrupt never leaves the temporary file
        try:
            os.unlink(tmp)
        except OSError:
            pass
        if isinstance(exc, OSError):
            raise InputError(f"{path}: cannot write ({exc.strerror or exc})") from None
        raise
