"""Errors the library raises; the CLI turns each into one line and exit code 2."""

from __future__ import annotations


class VerifyError(Exception):
    """A run that cannot be done. The message is one line, fit for a user."""


class InputError(VerifyError):
    """An input file or text that cannot be read or used."""


class ConfigError(VerifyError):
    """A bad option or setting."""


class ModelError(VerifyError):
    """The embedding model cannot be loaded or run."""


def first_line(exc: BaseException) -> str:
    """The first line of an exception's message (its type where it has none)."""
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
