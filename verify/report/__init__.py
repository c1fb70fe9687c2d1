"""Reporters: one module per format behind one protocol, and the one helper that
writes an output file."""

from __future__ import annotations

import os
import sys
import tempfile
from typing import Protocol

from verify.errors import ConfigError, InputError
from verify.model import Report


class Reporter(Protocol):
    """Renders a Report to text; never recomputes a verdict."""

    name: str
    label: str

    def render(self, report: Report) -> str: ...


def get_reporter(name: str, color: bool = False) -> Reporter:
    from verify.report.json import JsonReporter
    from verify.report.text import TextReporter

    reporters: dict[str, Reporter] = {
        "text": TextReporter(color=color),
        "json": JsonReporter(),
    }
    try:
        return reporters[name]
    except KeyError:
        raise ConfigError(f"unknown format {name!r}; expected one of {', '.join(reporters)}") from None


FORMATS = ("text", "json")


def write_output(path: str, content: str) -> None:
    """Write ``content`` to ``path`` ("-" is standard output) atomically: a half-written
    file is never left behind."""
    if path == "-":
        sys.stdout.write(content)
        sys.stdout.flush()
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
        os.replace(tmp, path)
    except OSError as exc:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise InputError(f"{path}: cannot write ({exc.strerror or exc})") from None
