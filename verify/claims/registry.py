"""The claim engines by name: ``--claim-engine NAME`` runs the ``ENGINE`` of the module named
here. Adding an engine is one module and one entry (tests/test_claims.py does it)."""

from __future__ import annotations

import importlib
from typing import Any

from verify.errors import ConfigError

#: Engine name -> the module that defines its ``ENGINE``. A leaf module (Settings checks names
#: against it), so the engines are imported only when one is run.
ENGINES: dict[str, str] = {
    "hybrid": "verify.claims.hybrid",
    "pairs": "verify.claims.pairs",
    "cosine": "verify.claims.cosine",
}


def check_engine(name: object) -> str:
    """``name`` when it names a registered engine; else the one-line error."""
    if not isinstance(name, str) or name not in ENGINES:
        raise ConfigError(f"unknown claim engine {name!r}; expected one of {', '.join(ENGINES)}")
    return name


def get_engine(name: str) -> Any:
    """The engine registered as ``name`` (a claims.base.Engine: not imported here, so that
    Settings can check names without importing the engines)."""
    return importlib.import_module(ENGINES[check_engine(name)]).ENGINE
