"""Command line: options → configuration → library → reporters. Errors become one line
``Error: …`` and exit code 2; findings at or above --fail-on give 1; else 0.

    verify ARTICLE... --against SOURCE...       (the same as: verify check ...)
    verify config                                the resolved configuration and its origins
    verify baseline create ARTICLE... --against SOURCE... [--baseline FILE]
    verify index FOLDER --out ARCHIVE [--shards N] [--engine ray]
"""

from __future__ import annotations

import inspect
import sys
from typing import Annotated, Any

import typer

from verify import configfile, options
from verify.configfile import Resolved
from verify.errors import VerifyError
from verify.version import __version__

app = typer.Typer(
    add_completion=False,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    no_args_is_help=True,
    help="Check quotations and claims in copy against official sources.",
)
baseline_app = typer.Typer(
    add_completion=False, rich_markup_mode=None, help="Accepted findings (a baseline file)."
)
app.add_typer(baseline_app, name="baseline")

SUBCOMMANDS = ("check", "config", "baseline", "index")
DEFAULT_BASELINE = "verify-baseline.json"


def _version(value: bool) -> None:
    if value:
        print(f"verify {__version__}")
        raise typer.Exit(0)


ARTICLES = inspect.Parameter(
    "articles",
    inspect.Parameter.KEYWORD_ONLY,
    annotation=Annotated[
        list[str],
        typer.Argument(help="The copy to check: files, folders, or - for standard input."),
    ],
)
VERSION = inspect.Parameter(
    "version",
    inspect.Parameter.KEYWORD_ONLY,
    default=False,
    annotation=Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Print the version and exit."
        ),
    ],
)


def _resolve(command: str, params: dict[str, Any], **fixed: Any) -> Resolved:
    """The configuration of a run: defaults, the configuration file, then the flags given."""
    from verify.configfile import resolve

    return resolve(
        options.given(command, params) | fixed, params.get("config"), bool(params.get("isolated"))
    )


@app.command(help="Check the quotations and claims of each ARTICLE against the --against sources.")
@options.with_options(options.CHECK, ARTICLES, trailing=(VERSION,))
def check(**params: Any) -> int:
    from verify import api
    from verify.report import plan

    res = _resolve(options.CHECK, params)
    settings = configfile.settings(res)
    extra = [(name, res.get(name)) for name in options.report_keys() if res.get(name)]
    wanted = plan.plan_outputs(
        res.get("format"), res.get("output"), extra, params["color"], sys.stdout.isatty()
    )
    inputs = api.collect_inputs(params["articles"], res.get("against"))
    baseline = res.get("baseline")
    configured = [
        res.get(k) for k in ("output", *options.report_keys()) if res.get(k) and res.from_file(k)
    ]
    wanted = plan.for_articles(
        wanted,
        inputs.articles,
        [*inputs.articles, *inputs.sources, *inputs.archives, *([baseline] if baseline else [])],
        configured,
    )
    reports = api.check(inputs, settings, baseline)
    plan.write_reports(wanted, reports, _say)
    return 0 if params["exit_zero"] else max(r.exit_code for r in reports)


def _say(message: str) -> None:
    """One line on standard error; file names and copy in it cannot break the line or speak
    to the terminal or the CI (see report.view.one_line)."""
    from verify.report.view import one_line

    try:
        print(one_line(message), file=sys.stderr)
    except (OSError, ValueError):  # a closed stderr never turns a result into a crash
        pass


@app.command(name="config", help="Print the resolved configuration and where each value came from.")
@options.with_options(options.CONFIG)
def config_cmd(**params: Any) -> int:
    sys.stdout.write(configfile.describe(_resolve(options.CONFIG, params)))
    return 0


@baseline_app.command(
    name="create", help="Accept every current finding: write them to a baseline file."
)
@options.with_options(options.BASELINE, ARTICLES)
def baseline_create(**params: Any) -> int:
    from verify import api
    from verify import baseline as baseline_mod
    from verify.report import write_output

    res = _resolve(options.BASELINE, params)
    settings = configfile.settings(res)
    reports = api.check(api.collect_inputs(params["articles"], res.get("against")), settings)
    path = res.get("baseline") or DEFAULT_BASELINE
    content = baseline_mod.create(reports)
    write_output(path, content)
    n = content.count('"fingerprint"')
    _say(f"Wrote baseline with {n} accepted finding{'s' if n != 1 else ''} to {path}")
    return 0


FOLDER = inspect.Parameter(
    "folder",
    inspect.Parameter.KEYWORD_ONLY,
    annotation=Annotated[
        str, typer.Argument(help="A folder of official documents (txt, md, html, pdf).")
    ],
)


@app.command(
    name="index",
    help="Build or update an archive of official documents (SQLite + ANN + full text).",
)
@options.with_options(options.INDEX, FOLDER)
def index_cmd(**params: Any) -> int:
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    folder, out = params["folder"], params["out"]
    res = _resolve(options.INDEX, params, cache=False)
    settings = configfile.settings(res)
    columns = (
        TextColumn("indexing"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        TextColumn("{task.description}"),
    )
    with Progress(*columns, transient=True, disable=not sys.stderr.isatty()) as bar:
        task = bar.add_task("", total=None)

        def progress(done: int, total: int, name: str) -> None:
            bar.update(task, completed=done, total=total, description=name[-40:])

        from verify.api import build_archive

        stats = build_archive(folder, out, settings, params.get("shards"), progress)
    shards = f" in {stats.shards} shards" if hasattr(stats, "shards") else ""
    _say(
        f"Indexed {stats.documents} documents{shards} ({stats.added} added, "
        f"{stats.updated} updated, {stats.removed} removed, "
        f"{stats.unchanged} unchanged; {stats.sentences} sentences, {stats.encoded} texts encoded) "
        f"into {out} "
        f"({stats.size_bytes / 1e6:.1f} MB) in {stats.seconds:.1f} s"
    )
    if stats.skipped:
        _say(
            f"Skipped {len(stats.skipped)} file{'s' if len(stats.skipped) != 1 else ''} without a "
            "document extension: "
            + ", ".join(stats.skipped[:5])
            + (" …" if len(stats.skipped) > 5 else "")
        )
    return 0


def _click_errors() -> tuple[type[Exception], type[Exception]]:
    """(UsageError, ClickException) of the click typer runs on: recent typer releases ship their
    own copy (``typer._click``), whose errors are not ``click``'s."""
    import importlib

    try:
        errors = importlib.import_module("typer._click.exceptions")
    except ImportError:  # an older typer, on click itself
        errors = importlib.import_module("click.exceptions")
    return errors.UsageError, errors.ClickException


def main(argv: list[str] | None = None) -> None:
    """Entry point of the ``verify`` console script."""
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] not in SUBCOMMANDS and args[0] not in ("--help", "-h"):
        args.insert(0, "check")  # `verify ARTICLE --against SOURCE` is `verify check ...`
    command = typer.main.get_command(app)
    usage_error, click_error = _click_errors()
    try:
        code = command.main(args=args, prog_name="verify", standalone_mode=False)
        if code == 130:  # typer turns Ctrl-C into a silent exit code 130: say it
            _say("Error: interrupted")
    except typer.Exit as exc:
        code = exc.exit_code
    except (typer.Abort, KeyboardInterrupt):  # click turns Ctrl-C into Abort
        _say("Error: interrupted")
        code = 130
    except usage_error as exc:
        # the user's: the usage line, the error, "Try 'verify check --help' for help." (``verify``
        # alone: the help), as click shows them
        exc.show()  # type: ignore[attr-defined]
        code = 2
    except click_error as exc:
        _say(f"Error: {exc.format_message()}")  # type: ignore[attr-defined]
        code = 2
    except VerifyError as exc:
        _say(f"Error: {exc}")
        code = 2
    except BrokenPipeError:
        code = 2
    except Exception as exc:  # a bug: still one line and exit 2, never a traceback
        _say(f"Error: internal error ({type(exc).__name__}: {exc}); please report it")
        code = 2
    from verify.api import wait_for_prefetch

    wait_for_prefetch()
    sys.exit(code if isinstance(code, int) else 0)
