"""Command line: options → configuration → library → reporters. Errors become one line
``Error: …`` and exit code 2; findings at or above --fail-on give 1; else 0.

    verify ARTICLE... --against SOURCE...       (the same as: verify check ...)
    verify config                                the resolved configuration and its origins
    verify baseline create ARTICLE... --against SOURCE... [--baseline FILE]
    verify index FOLDER --out ARCHIVE [--shards N] [--engine ray]

Long because the checks that guard the user's files (no report replaces an input, HTML names)
sit beside the commands that write them.
"""

from __future__ import annotations

import inspect
import os
import sys
from dataclasses import replace
from typing import Annotated, Any

import typer

from verify import configfile, options
from verify.config import Settings
from verify.configfile import Resolved
from verify.errors import ConfigError, VerifyError
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


def _need_sources(res: Resolved) -> None:
    if not res.get("against"):
        raise ConfigError(
            "no source given: pass --against FILE or set 'against' in the configuration"
        )


@app.command(help="Check the quotations and claims of each ARTICLE against the --against sources.")
@options.with_options(options.CHECK, ARTICLES, trailing=(VERSION,))
def check(**params: Any) -> int:
    from verify import baseline as baseline_mod
    from verify.api import verify_many
    from verify.report import get_reporter, render_reports, write_output

    res = _resolve(options.CHECK, params)
    settings = configfile.settings(res)
    out = res.get("output")
    color = params["color"]
    reporter = get_reporter(
        res.get("format"),
        color=bool(sys.stdout.isatty() if color is None and out == "-" else color),
    )
    extra = [(name, res.get(name)) for name in options.report_keys() if res.get(name)]
    targets = [p for p in (out, *(p for _, p in extra)) if p != "-"]
    if len(set(targets)) != len(targets):
        raise ConfigError("two reports would be written to the same file; give each its own path")
    _need_sources(res)
    from verify.read import collect_files

    article_files = collect_files(params["articles"], "article")  # folders walked once, here
    html_folder = _html_folder(res.get("html"), article_files)
    _refuse_overwriting_inputs(article_files, res, targets, html_folder)
    accepted = baseline_mod.load(res.get("baseline")) if res.get("baseline") else None
    engine = _engine(res)
    if engine == "ray":
        from verify import rayengine

        reports = rayengine.check_many(
            verify_many,
            article_files,
            res.get("against"),
            settings,
            res.get("workers"),
            res.get("address"),
        )
    else:
        _prefetch(settings)
        reports = verify_many(article_files, res.get("against"), settings)
    if accepted is not None:
        reports = [baseline_mod.apply(r, accepted) for r in reports]
    write_output(out, render_reports(reporter, reports))
    if out != "-":
        _say(f"Wrote {reporter.label} report to {out}")
    for name, path in extra:
        extra_reporter = get_reporter(name)
        if name == "html" and html_folder:
            names = html_names([r.article.path for r in reports])
            for r in reports:
                target = os.path.join(path, names[r.article.path])
                write_output(target, extra_reporter.render(r))
                _say(f"Wrote HTML report to {target}")
            continue
        write_output(path, render_reports(extra_reporter, reports))
        if path != "-":
            _say(f"Wrote {extra_reporter.label} report to {path}")
    return 0 if params["exit_zero"] else max(r.exit_code for r in reports)


def _prefetch(settings: Settings) -> None:
    """Start loading the model while the inputs are read (it is almost always needed)."""
    from verify.embed import load_embedder

    try:
        embedder = load_embedder(settings.model, settings.runtime)
    except VerifyError:
        return
    embedder.prefetch()


def _early_prefetch(args: list[str]) -> None:
    """Start loading the model before the options are parsed, where the command line
    names it (or the default) and no configuration file may name another."""
    if any(a in ("--help", "-h", "--version", "--config") for a in args):
        return
    model = runtime = None
    for i, a in enumerate(args[:-1]):
        if a == "--model":
            model = args[i + 1]
        elif a == "--runtime":
            runtime = args[i + 1]
    if "--isolated" not in args:
        from verify.configfile import find_config

        try:
            found = find_config()
        except VerifyError:
            return
        if found and ("model" in found[1] or "runtime" in found[1]):
            return  # check() prefetches once the configuration is resolved
    _prefetch(replace(Settings(), model=model, runtime=runtime))


def _say(message: str) -> None:
    """One line on standard error; file names and copy in it cannot break the line or speak
    to the terminal or the CI (see report.view.one_line)."""
    from verify.report.view import one_line

    try:
        print(one_line(message), file=sys.stderr)
    except (OSError, ValueError):  # a closed stderr never turns a result into a crash
        pass


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


def _html_folder(path: str | None, article_files: list[str]) -> bool:
    """Whether --html names a folder (several articles, a trailing slash, an existing folder)."""
    if not path:
        return False
    return len(article_files) > 1 or path.endswith(("/", os.sep)) or os.path.isdir(path)


def _identity(path: str) -> tuple[str, tuple[int, int] | None]:
    real = os.path.realpath(path)
    try:
        st = os.stat(real)
        return real, (st.st_dev, st.st_ino)
    except OSError:
        return real, None


def _refuse_overwriting_inputs(
    article_files: list[str], res: Any, targets: list[str], html_folder: bool
) -> None:
    """No report may replace an input (an article, a source, the baseline, the
    configuration): compared by resolved path and by inode, so a symlink cannot hide it."""
    from verify.archive import is_archive
    from verify.read import collect_files

    inputs: list[str] = [p for p in article_files if p != "-"]
    sources = res.get("against") or []
    plain_paths = [p for p in sources if p == "-" or not is_archive(p)]
    try:
        inputs += [p for p in collect_files(plain_paths, "source") if p != "-"]
    except VerifyError:
        pass  # reading reports the missing input properly
    inputs += [p for p in sources if p != "-" and p not in plain_paths]
    if res.get("baseline"):
        inputs.append(res.get("baseline"))
    outputs = [t for t in targets if t and t != "-"]
    if html_folder and res.get("html"):
        names = html_names(article_files)
        outputs = [o for o in outputs if o != res.get("html")] + [
            os.path.join(res.get("html"), n) for n in names.values()
        ]
    known = {}
    for p in inputs:
        real, ident = _identity(p)
        known[real] = p
        if ident is not None:
            known[str(ident)] = p
    for o in outputs:
        real, ident = _identity(o)
        hit = known.get(real) or (known.get(str(ident)) if ident is not None else None)
        if hit is not None:
            raise ConfigError(
                f"the report {o} would replace the input {hit}; give the report another path"
            )


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
    from verify import baseline as baseline_mod
    from verify.api import verify_many
    from verify.report import write_output

    res = _resolve(options.BASELINE, params)
    _need_sources(res)
    reports = verify_many(params["articles"], res.get("against"), configfile.settings(res))
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
    engine = _engine(res)
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

        stats = build_archive(
            folder,
            out,
            settings,
            engine,
            params.get("shards"),
            res.get("workers"),
            res.get("address"),
            progress,
        )
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


def _engine(res: Resolved) -> str:
    from verify.rayengine import ENGINES, require_ray

    engine = res.get("engine")
    if engine not in ENGINES:
        raise ConfigError(f"unknown engine {engine!r}; expected one of {', '.join(ENGINES)}")
    workers = res.get("workers")
    if workers is not None and workers < 1:
        raise ConfigError(f"--workers must be at least 1, not {workers}")
    if engine == "ray":
        require_ray()  # says how to install it, before any work
    return str(engine)


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
    if args and args[0] == "check":
        _early_prefetch(args)
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
    from verify.embed import wait_for_prefetch

    wait_for_prefetch()
    sys.exit(code if isinstance(code, int) else 0)
