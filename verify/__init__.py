"""verify: check quotations and claims in published copy against the official sources."""

from __future__ import annotations

from verify.api import verify_documents, verify_files, verify_many, verify_texts
from verify.config import Settings, Thresholds
from verify.errors import ConfigError, InputError, ModelError, VerifyError
from verify.model import Report, Unit
from verify.version import __version__

__all__ = [
    "ConfigError",
    "InputError",
    "ModelError",
    "Report",
    "Settings",
    "Thresholds",
    "Unit",
    "VerifyError",
    "__version__",
    "verify_documents",
    "verify_files",
    "verify_many",
    "verify_texts",
]
