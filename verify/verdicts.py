"""The verdicts: one record each, and every list, level, style and description derived from them.

Adding a verdict is one ``Verdict`` entry here plus the judge rule that produces it; the
fail-on levels, the baseline, and every report format read this table (a test checks that
each format covers each verdict).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

UnitKind = Literal["quote", "claim"]
#: Every verdict name, in the table's order (a test checks the two agree): code that names a
#: verdict is type-checked against it.
VerdictName = Literal[
    "verbatim",
    "altered",
    "paraphrased",
    "not_found",
    "copied",
    "supported",
    "partial",
    "contradicted",
    "unsupported",
]
Tone = Literal["ok", "warn", "bad", "none"]


@dataclass(frozen=True)
class Verdict:
    """What a verdict means and how every report shows it."""

    name: VerdictName
    kind: UnitKind
    #: a clean result: not a finding in CI formats, not kept in a baseline
    clean: bool
    #: in the ``default`` fail-on level
    fails_by_default: bool
    #: in the ``strict`` / ``lenient`` fail-on levels
    strict: bool
    lenient: bool
    #: how a reader should take it (HTML colour group, order in the summary bar)
    tone: Tone
    #: terminal style (rich markup)
    style: str
    #: CI title ("Quotation altered")
    title: str
    #: one-line meaning (HTML tooltip, SARIF rule description)
    description: str
    #: SARIF level when the verdict is below --fail-on ("warning" or "note")
    ci_level: Literal["warning", "note"] = "warning"
    #: its evidence is only the nearest passage, not support
    nearest_only: bool = False
    #: a claim verdict whose claim is checked for strength against its evidence (the others
    #: are not borne out at all)
    strength_checked: bool = False


VERDICT_TABLE: tuple[Verdict, ...] = (
    Verdict(
        name="verbatim",
        kind="quote",
        clean=True,
        fails_by_default=False,
        strict=False,
        lenient=False,
        tone="ok",
        style="green",
        title="Quotation verbatim",
        description="quoted words stand in a source word for word",
    ),
    Verdict(
        name="altered",
        kind="quote",
        clean=False,
        fails_by_default=True,
        strict=True,
        lenient=False,
        tone="warn",
        style="bold yellow",
        title="Quotation altered",
        description="a source has nearly these words, but some were changed",
    ),
    Verdict(
        name="paraphrased",
        kind="quote",
        clean=False,
        fails_by_default=True,
        strict=True,
        lenient=False,
        tone="warn",
        style="yellow",
        title="Quotation only paraphrases the source",
        description="quotation marks around words a source says only in other words",
    ),
    Verdict(
        name="not_found",
        kind="quote",
        clean=False,
        fails_by_default=True,
        strict=True,
        lenient=True,
        tone="bad",
        style="bold red",
        title="Quotation not found in the sources",
        description="no source passage is close",
        nearest_only=True,
    ),
    Verdict(
        name="copied",
        kind="claim",
        clean=False,
        fails_by_default=False,
        strict=False,
        lenient=False,
        tone="ok",
        style="cyan",
        title="Claim copies a source sentence without quotation marks",
        description="repeats a source sentence nearly word for word, without quotation marks",
        ci_level="note",
        strength_checked=True,
    ),
    Verdict(
        name="supported",
        kind="claim",
        clean=True,
        fails_by_default=False,
        strict=False,
        lenient=False,
        tone="ok",
        style="green",
        title="Claim supported",
        description="the sources say the same thing in other words",
        strength_checked=True,
    ),
    Verdict(
        name="partial",
        kind="claim",
        clean=False,
        fails_by_default=False,
        strict=True,
        lenient=False,
        tone="warn",
        style="yellow",
        title="Claim only partly supported",
        description="part is supported, part is added (highlighted)",
        strength_checked=True,
    ),
    Verdict(
        name="contradicted",
        kind="claim",
        clean=False,
        fails_by_default=True,
        strict=True,
        lenient=True,
        tone="bad",
        style="bold red",
        title="Claim contradicted by a source",
        description="the closest source passage says something incompatible",
    ),
    Verdict(
        name="unsupported",
        kind="claim",
        clean=False,
        fails_by_default=False,
        strict=True,
        lenient=False,
        tone="none",
        style="red",
        title="Claim not supported by the sources",
        description="nothing in the sources says it",
        nearest_only=True,
    ),
)


@dataclass(frozen=True)
class Flag:
    """A qualifier of a claim verdict (not a verdict of its own): ``supported`` or ``partial``
    stays the verdict, the flag says the copy states it more strongly or weakly than its
    evidence. ``--fail-on`` can name it; every format shows it beside the verdict."""

    name: str
    strict: bool  # in the ``strict`` fail-on level
    tone: Tone
    style: str
    title: str
    description: str


FLAG_TABLE: tuple[Flag, ...] = (
    Flag(
        name="overstated",
        strict=True,
        tone="warn",
        style="bold magenta",
        title="Claim overstated",
        description="the copy states it more strongly than its source: a hedge dropped, "
        "correlation made cause, a plan made a fact, some made all",
    ),
    Flag(
        name="understated",
        strict=False,
        tone="warn",
        style="magenta",
        title="Claim understated",
        description="the copy states it more weakly than its source: a hedge added, cause "
        "made correlation, a fact made a plan",
    ),
)
FLAGS: tuple[str, ...] = tuple(f.name for f in FLAG_TABLE)
FLAG_BY_NAME: dict[str, Flag] = {f.name: f for f in FLAG_TABLE}

BY_NAME: dict[str, Verdict] = {v.name: v for v in VERDICT_TABLE}
VERDICTS: tuple[VerdictName, ...] = tuple(v.name for v in VERDICT_TABLE)
QUOTE_VERDICTS: tuple[str, ...] = tuple(v.name for v in VERDICT_TABLE if v.kind == "quote")
CLAIM_VERDICTS: tuple[str, ...] = tuple(v.name for v in VERDICT_TABLE if v.kind == "claim")
CLEAN: frozenset[str] = frozenset(v.name for v in VERDICT_TABLE if v.clean)
NEAREST_ONLY: frozenset[str] = frozenset(v.name for v in VERDICT_TABLE if v.nearest_only)
FLAGGABLE: frozenset[str] = frozenset(v.name for v in VERDICT_TABLE if v.strength_checked)
DEFAULT_FAIL_ON: tuple[str, ...] = tuple(v.name for v in VERDICT_TABLE if v.fails_by_default)
FAIL_ON_LEVELS: dict[str, tuple[str, ...]] = {
    "strict": tuple(v.name for v in VERDICT_TABLE if v.strict)
    + tuple(f.name for f in FLAG_TABLE if f.strict),
    "default": DEFAULT_FAIL_ON,
    "lenient": tuple(v.name for v in VERDICT_TABLE if v.lenient),
    "none": (),
}
#: Everything --fail-on can name: the verdicts, then the flags.
FAIL_ON_NAMES: tuple[str, ...] = VERDICTS + FLAGS
_NAMED: tuple[Verdict | Flag, ...] = (*VERDICT_TABLE, *FLAG_TABLE)
TONE: dict[str, str] = {v.name: v.tone for v in _NAMED}
STYLE: dict[str, str] = {v.name: v.style for v in _NAMED}
TITLES: dict[str, str] = {v.name: v.title for v in _NAMED}
DESCRIPTION: dict[str, str] = {v.name: v.description for v in _NAMED}


def ci_level(verdict: str, fail_on: tuple[str, ...] | frozenset[str]) -> str:
    """SARIF/annotation level: error at or above --fail-on, else the verdict's own level."""
    if verdict in FLAG_BY_NAME:
        return "error" if verdict in fail_on else "warning"
    return "error" if verdict in fail_on else BY_NAME[verdict].ci_level
