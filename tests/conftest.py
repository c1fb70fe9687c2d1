"""Shared fixtures: paths to the corpora, a fake embedder for unit tests, the real one
for end-to-end tests."""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

# The tests (and the processes they start) keep their embedding cache and ONNX export
# apart from the user's.
os.environ.setdefault("VERIFY_CACHE_DIR", tempfile.mkdtemp(prefix="verify-test-cache-"))

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "corpora" / "seed"
SHARED = ROOT.parent / "shared" / "corpora"
DEV = SHARED / "dev"
ADVERSARIAL = SHARED / "adversarial"


def need(path: Path) -> Path:
    if not path.exists():
        pytest.skip(f"needs {path} (the shared corpora beside the checkout)")
    return path


class FakeEmbedder:
    """Deterministic bag-of-words hashing embedder: similar words, similar vectors.
    Stands in for the model in unit tests of alignment and judging."""

    name = "fake-bow"
    key = "fake-bow-512"
    dims = 512

    def __init__(self) -> None:
        self.calls = 0

    def prefetch(self) -> None:
        """As the runtime embedders: nothing to load."""

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        self.calls += 1
        out = np.zeros((len(texts), self.dims), dtype=np.float32)
        for i, text in enumerate(texts):
            for word in re.findall(r"\w+", text.casefold()):
                word = word[:-1] if word.endswith("s") and len(word) > 3 else word
                h = int.from_bytes(hashlib.blake2b(word.encode(), digest_size=4).digest(), "little")
                out[i, h % self.dims] += 1.0
            norm = np.linalg.norm(out[i])
            out[i] = out[i] / norm if norm else out[i]
        return out


_NUMBER_WORDS = {
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "hundred",
    "thousand",
}
_NEGATIONS = {"not", "no", "never", "nobody", "nothing", "none", "n't", "neither", "nor"}


class FakePairModel:
    """Deterministic stand-in for the verdict model in unit tests: P(entailed) grows with the
    square of the share of the claim's longer words found in the passage; a negation on one side only, or another
    number, over shared words, is a contradiction."""

    name = "fake-pairs"
    key = "fake-pairs"

    def __init__(self) -> None:
        self.calls = 0

    def predict(self, pairs: Sequence[tuple[str, str]]) -> np.ndarray:
        self.calls += 1
        out = np.zeros((len(pairs), 3), dtype=np.float32)
        for i, (premise, hypothesis) in enumerate(pairs):
            pw = set(re.findall(r"[\w']+", premise.casefold()))
            hw = re.findall(r"[\w']+", hypothesis.casefold())
            content = [w for w in hw if len(w) > 3]
            cover = sum(w in pw for w in content) / len(content) if content else 0.0
            flipped = bool(_NEGATIONS & set(hw)) != bool(_NEGATIONS & pw)
            numbers = {w for w in hw if w.isdigit() or w in _NUMBER_WORDS}
            other_number = bool(numbers - pw) and bool(
                {w for w in pw if w.isdigit() or w in _NUMBER_WORDS} - set(hw)
            )
            if (flipped or other_number) and cover >= 0.6:
                out[i] = (0.05, 0.05, 0.9)
            else:
                out[i] = (cover * cover * 0.95, 1.0 - cover * cover * 0.95 - 0.02, 0.02)
        return out


@pytest.fixture
def fake_pairs() -> FakePairModel:
    return FakePairModel()


@pytest.fixture
def fake_embedder() -> FakeEmbedder:
    return FakeEmbedder()


@pytest.fixture(scope="session")
def real_embedder():
    from verify.backend.embedder import load_embedder

    return load_embedder(None)


@pytest.fixture(scope="session")
def seed_report(real_embedder):
    from verify import verify_files

    return verify_files(SEED / "article.txt", [SEED / "official.txt"], embedder=real_embedder)


def pytest_addoption(parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        default=False,
        help="rewrite tests/golden/* from the current output instead of comparing",
    )


@pytest.fixture
def update_golden(request) -> bool:
    return bool(request.config.getoption("--update-golden"))


def run_cli(args: list[str], capsys) -> tuple[int, str, str]:
    """Run the command line in-process: (exit code, stdout, stderr)."""
    from verify.cli import main

    with pytest.raises(SystemExit) as info:
        main(args)
    out, err = capsys.readouterr()
    return int(info.value.code), out, err


def hostile_lines() -> list[str]:
    """Every non-comment line of the RSnake XSS list and the Big List of Naughty Strings
    (skips the test where the shared corpora are absent)."""
    out = []
    for rel in ("xss/RSNAKE_XSS.txt", "blns/blns.txt"):
        text = need(ADVERSARIAL / rel).read_text(encoding="utf-8")
        out += [ln for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]
    return out
