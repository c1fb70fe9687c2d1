"""The option table: every command-line option and configuration key, declared once.

The Typer parameters of each command, the configuration-file keys and their types, the
defaults ``verify config`` shows, the paths resolved against the configuration file, the
extra report files ``check`` writes and the fields of ``Settings`` are all read from
``OPTIONS``. Adding an option is one entry here (plus the code that uses its value).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any

import typer

from verify.report import FORMATS
from verify.verdicts import DEFAULT_FAIL_ON

CHECK, CONFIG, BASELINE, INDEX = "check", "config", "baseline create", "index"
#: Commands that take the options shared by every run (sources, model, configuration).
RUNS = (CHECK, CONFIG, BASELINE)


@dataclass(frozen=True)
class Option:
    """One option: its configuration key, its flags, the commands that take it."""

    key: str  # the configuration key ("fail-on") and the key of its resolved value
    param: str  # the Python parameter name in the command functions
    flags: tuple[str, ...]  # the command-line spelling ("--against", "-a")
    help: str  # the command-line help
    annotation: Any = str | None  # the command-line type (Typer reads it)
    commands: tuple[str, ...] = RUNS
    config: type | tuple[type, ...] | None = str  # the accepted TOML type; None: not a config key
    describe: str = ""  # the configuration key's description (default: the help)
    default: Any = None  # the value when neither the configuration nor a flag sets it
    path: bool = False  # a path, relative to the configuration file that sets it
    words: tuple[str, ...] = ()  # values of a path option that are words, not paths ("none")
    report: str | None = None  # the report format written to this path ("also write")
    cli_default: Any = None  # the parameter's default in the function signature
    cli_value: Callable[[Any], Any] | None = None  # command-line value -> configuration value
    help_by_command: tuple[tuple[str, str], ...] = ()  # a command's own help text
    setting: str | None = None  # the Settings field it sets
    to_setting: Callable[[Any], Any] | None = None  # resolved value -> Settings value (checks it)

    def help_for(self, command: str) -> str:
        return dict(self.help_by_command).get(command, self.help)


def _fail_on(value: str) -> tuple[str, ...]:
    from verify.config import parse_fail_on

    return parse_fail_on(value)


def _pair_model(value: str | None) -> str | None:
    """--pair-model checked before any work: a folder, or "none"."""
    from verify.backend.classifier import check_pair_model_path

    return value if value == "none" else check_pair_model_path(value)


def _strength_model(value: str | None) -> str | None:
    from verify.backend.classifier import check_strength_model_path

    return value if value == "none" else check_strength_model_path(value)


def _also(fmt: str, label: str, extra: str = "") -> Option:
    return Option(
        fmt,
        f"{fmt}_path",
        (f"--{fmt}",),
        f"Also write the {label} report {extra or 'to this file'}.",
        commands=(CHECK,),
        describe=f"also write the {label} report here",
        path=True,
        report=fmt,
    )


OPTIONS: tuple[Option, ...] = (
    Option(
        "against",
        "against",
        ("--against", "-a"),
        "A source file or folder (repeat for several).",
        annotation=list[str] | None,
        config=(list, str),
        describe="source files or folders",
        default=[],
        path=True,
    ),
    Option(
        "fail-on",
        "fail_on",
        ("--fail-on",),
        "Verdicts that make the exit code 1: names, comma-separated, or "
        "strict|default|lenient|none.",
        commands=(CHECK, CONFIG),
        config=(list, str),
        describe="verdicts or a level that make the exit code 1",
        default=",".join(DEFAULT_FAIL_ON),
        setting="fail_on",
        to_setting=_fail_on,
    ),
    Option(
        "model",
        "model",
        ("--model",),
        "A sentence-transformers model path instead of the packaged MiniLM.",
        commands=(*RUNS, INDEX),
        describe="a sentence-transformers model path",
        setting="model",
    ),
    Option(
        "pair-model",
        "pair_model",
        ("--pair-model",),
        "The claim verdict model: a folder (model.onnx, tokenizer.json, config.json) instead of "
        "the packaged "
        "one, or 'none' to judge claims by cosine thresholds alone.",
        describe="the claim verdict model: a folder, or none for cosine thresholds only",
        path=True,
        words=("none",),
        setting="pair_model",
        to_setting=_pair_model,
    ),
    Option(
        "strength-model",
        "strength_model",
        ("--strength-model",),
        "The claim-strength classifier (overstated/understated claims): a folder instead of the "
        "packaged one, or 'none' for the strength lexicon alone.",
        describe="the claim-strength classifier: a folder, or none for the lexicon alone",
        path=True,
        words=("none",),
        setting="strength_model",
        to_setting=_strength_model,
    ),
    Option(
        "claim-engine",
        "claim_engine",
        ("--claim-engine",),
        "How claims are judged: hybrid (cosine rules; the verdict model confirms "
        "contradictions; the default), pairs (the verdict model decides) or cosine (no "
        "verdict model).",
        describe="how claims are judged: hybrid (default), pairs or cosine",
        default="hybrid",
        setting="claim_engine",
    ),
    Option(
        "encoding",
        "encoding",
        ("--encoding",),
        "Decode inputs with this encoding instead of detecting it.",
        commands=(*RUNS, INDEX),
        describe="decode inputs with this encoding",
        setting="encoding",
    ),
    Option(
        "runtime",
        "runtime",
        ("--runtime",),
        "Embedding runtime: onnx (default) or torch (sentence-transformers).",
        commands=(*RUNS, INDEX),
        describe="embedding runtime: onnx or torch",
        setting="runtime",
    ),
    Option(
        "cache",
        "no_cache",
        ("--no-cache",),
        "Do not read or write the on-disk cache of source embeddings.",
        annotation=bool,
        config=bool,
        describe="keep source embeddings in the user cache directory",
        default=True,
        cli_default=False,
        cli_value=lambda given: False if given else None,
        setting="cache",
        to_setting=bool,
    ),
    Option(
        "format",
        "fmt",
        ("--format", "-f"),
        f"Output format: {', '.join(FORMATS)}.",
        commands=(CHECK,),
        describe="standard-output format",
        default="text",
    ),
    Option(
        "output",
        "output",
        ("--output", "-o"),
        "Write the --format output here (- = stdout).",
        commands=(CHECK,),
        describe="file for the --format output",
        default="-",
        path=True,
    ),
    _also("json", "JSON"),
    _also("html", "HTML", "here (a folder for several articles)"),
    _also("sarif", "SARIF"),
    _also("markdown", "Markdown"),
    Option(
        "baseline",
        "baseline",
        ("--baseline",),
        "Report only findings this baseline file does not accept.",
        commands=(CHECK, BASELINE),
        describe="accepted findings file",
        path=True,
        help_by_command=((BASELINE, "The file to write (default verify-baseline.json)."),),
    ),
    Option(
        "engine",
        "engine",
        ("--engine",),
        "Where the work runs: local (this process, the default) or ray (needs verify[ray]).",
        commands=(CHECK, INDEX),
        describe="where the work runs: local or ray",
        default="local",
        setting="engine",
    ),
    Option(
        "workers",
        "workers",
        ("--workers",),
        "With --engine ray: the CPUs Ray starts here (default: all cores).",
        annotation=int | None,
        commands=(CHECK, INDEX),
        config=int,
        describe="with engine ray: the CPUs Ray starts here",
        setting="workers",
    ),
    Option(
        "address",
        "address",
        ("--address",),
        "With --engine ray: join this Ray cluster (HOST:PORT, or auto) instead of starting one.",
        commands=(CHECK, INDEX),
        describe="with engine ray: the Ray cluster to join",
        setting="address",
    ),
    # --- command-line only ---
    Option(
        "exit-zero",
        "exit_zero",
        ("--exit-zero",),
        "Exit 0 even with findings (never hides a 2).",
        annotation=bool,
        commands=(CHECK,),
        config=None,
        cli_default=False,
    ),
    Option(
        "shards",
        "shards",
        ("--shards",),
        "Write a folder of this many archive shards (queried together with --against FOLDER); "
        "with --engine ray the default is one per worker.",
        annotation=int | None,
        commands=(INDEX,),
        config=None,
    ),
    Option(
        "out",
        "out",
        ("--out",),
        "The archive file to create or update.",
        annotation=str,
        commands=(INDEX,),
        config=None,
        cli_default=...,
    ),
    Option(
        "config-file",
        "config",
        ("--config",),
        "Read settings from this file instead of searching.",
        commands=(*RUNS, INDEX),
        config=None,
    ),
    Option(
        "isolated",
        "isolated",
        ("--isolated",),
        "Ignore configuration files.",
        annotation=bool,
        commands=(*RUNS, INDEX),
        config=None,
        cli_default=False,
    ),
    Option(
        "color",
        "color",
        ("--color/--no-color",),
        "Colour the text output.",
        annotation=bool | None,
        commands=(CHECK,),
        config=None,
    ),
)

#: Configuration keys besides the options: the threshold overrides.
THRESHOLDS_KEY = ("thresholds", dict, "overrides of verify.config.Thresholds")


def config_options() -> tuple[Option, ...]:
    """The options a configuration file may set, in the order ``verify config`` lists them."""
    return tuple(o for o in OPTIONS if o.config is not None)


def config_keys() -> dict[str, tuple[type | tuple[type, ...], str]]:
    """Configuration key -> (accepted TOML type, description), thresholds included."""
    keys: dict[str, tuple[type | tuple[type, ...], str]] = {}
    for o in config_options():
        assert o.config is not None
        keys[o.key] = (o.config, o.describe or o.help)
    keys[THRESHOLDS_KEY[0]] = (THRESHOLDS_KEY[1], THRESHOLDS_KEY[2])
    return keys


def path_keys() -> dict[str, tuple[str, ...]]:
    """The path options' keys, each with the values it takes that are words, not paths."""
    return {o.key: o.words for o in config_options() if o.path}


def report_keys() -> tuple[str, ...]:
    """The "also write" report options of ``check``, in the order they are written."""
    return tuple(o.key for o in OPTIONS if o.report)


def defaults() -> dict[str, Any]:
    return {
        o.key: (list(o.default) if isinstance(o.default, list) else o.default)
        for o in config_options()
    }


def for_command(command: str) -> tuple[Option, ...]:
    return tuple(o for o in OPTIONS if command in o.commands)


def given(command: str, params: dict[str, Any]) -> dict[str, Any]:
    """The configuration values a command's parameters set (None where not given)."""
    out = {}
    for o in for_command(command):
        if o.config is None or o.param not in params:
            continue
        value = params[o.param]
        out[o.key] = o.cli_value(value) if o.cli_value is not None else value
    return out


def typer_parameter(
    o: Option, command: str, callback: Callable[..., Any] | None = None
) -> inspect.Parameter:
    """The Typer parameter of an option in a command."""
    extra: dict[str, Any] = {}
    if callback is not None:
        extra = {"callback": callback, "is_eager": True}
    info = typer.Option(*o.flags, help=o.help_for(command), **extra)
    default = o.cli_default
    return inspect.Parameter(
        o.param,
        inspect.Parameter.KEYWORD_ONLY,
        default=default,
        annotation=Annotated[o.annotation, info],
    )


def with_options(
    command: str, *leading: inspect.Parameter, trailing: tuple[inspect.Parameter, ...] = ()
) -> Callable[[Callable[..., int]], Callable[..., int]]:
    """Give ``fn(**params)`` the signature Typer reads: the ``leading`` parameters (arguments),
    then every option of ``command`` from the table, then ``trailing``."""

    def decorate(fn: Callable[..., int]) -> Callable[..., int]:
        params = [*leading, *(typer_parameter(o, command) for o in for_command(command)), *trailing]
        fn.__signature__ = inspect.Signature(params)  # type: ignore[attr-defined]
        fn.__annotations__ = {p.name: p.annotation for p in params} | {"return": int}
        return fn

    return decorate
