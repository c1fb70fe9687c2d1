"""Command line: options → library → reporters. Errors become one line and exit code 2."""

from __future__ import annotations

import sys
from dataclasses import replace
from typing import Annotated

import click
import typer

from verify import __version__
from verify.api import verify_files
from verify.config import DEFAULT_FAIL_ON, Settings, parse_fail_on
from verify.errors import ConfigError, VerifyError
from verify.report import FORMATS, get_reporter, write_output

app = typer.Typer(add_completion=False, rich_markup_mode=None, pretty_exceptions_enable=False)


def _version(value: bool) -> None:
    if value:
        print(f"verify {__version__}")
        raise typer.Exit(0)


@app.command(help="Check the quotations and claims of ARTICLE against the --against sources.")
def check(
    article: Annotated[str, typer.Argument(help="The copy to check: a file, or - for standard input.")],
    against: Annotated[
        list[str], typer.Option("--against", "-a", help="A source text (repeat for several).")
    ],
    fmt: Annotated[str, typer.Option("--format", "-f", help=f"Output format: {', '.join(FORMATS)}.")] = "text",
    output: Annotated[str, typer.Option("--output", "-o", help="Write the --format output here (- = stdout).")] = "-",
    json_path: Annotated[str | None, typer.Option("--json", help="Also write the JSON report to this file.")] = None,
    html_path: Annotated[str | None, typer.Option("--html", help="Also write the HTML report to this file.")] = None,
    sarif_path: Annotated[str | None, typer.Option("--sarif", help="Also write the SARIF report to this file.")] = None,
    markdown_path: Annotated[str | None, typer.Option("--markdown", help="Also write the Markdown report to this file.")] = None,
    fail_on: Annotated[
        str,
        typer.Option(help="Verdicts that make the exit code 1: names, comma-separated, or strict|default|lenient|none."),
    ] = ",".join(DEFAULT_FAIL_ON),
    exit_zero: Annotated[bool, typer.Option("--exit-zero", help="Exit 0 even with findings (never hides a 2).")] = False,
    model: Annotated[
        str | None, typer.Option(help="A sentence-transformers model path instead of the packaged MiniLM.")
    ] = None,
    encoding: Annotated[str | None, typer.Option(help="Decode inputs with this encoding instead of detecting it.")] = None,
    color: Annotated[bool | None, typer.Option("--color/--no-color", help="Colour the text output.")] = None,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> int:
    settings = replace(Settings(), fail_on=parse_fail_on(fail_on), model=model, encoding=encoding)
    reporter = get_reporter(fmt, color=bool(sys.stdout.isatty() if color is None and output == "-" else color))
    extra = [(name, path) for name, path in (("json", json_path), ("html", html_path), ("sarif", sarif_path),
                                             ("markdown", markdown_path)) if path]
    targets = [p for p in (output, *(p for _, p in extra)) if p != "-"]
    if len(set(targets)) != len(targets):
        raise ConfigError("two reports would be written to the same file; give each its own path")
    report = verify_files(article, against, settings)
    write_output(output, reporter.render(report))
    if output != "-":
        print(f"Wrote {reporter.label} report to {output}", file=sys.stderr)
    for name, path in extra:
        extra_reporter = get_reporter(name)
        write_output(path, extra_reporter.render(report))
        if path != "-":
            print(f"Wrote {extra_reporter.label} report to {path}", file=sys.stderr)
    return 0 if exit_zero else report.exit_code


def main(argv: list[str] | None = None) -> None:
    """Entry point of the ``verify`` console script."""
    command = typer.main.get_command(app)
    try:
        code = command.main(args=argv, prog_name="verify", standalone_mode=False)
    except click.exceptions.Exit as exc:
        code = exc.exit_code
    except click.exceptions.Abort:
        print("Error: aborted", file=sys.stderr)
        code = 2
    except click.exceptions.ClickException as exc:
        print(f"Error: {exc.format_message()}", file=sys.stderr)
        code = 2
    except VerifyError as exc:
        print(f"Error: {exc}", file=sys.stderr)
        code = 2
    except KeyboardInterrupt:
        print("Error: interrupted", file=sys.stderr)
        code = 2
    except BrokenPipeError:
        code = 2
    except Exception as exc:  # a bug: still one line and exit 2, never a traceback
        print(f"Error: internal error ({type(exc).__name__}: {exc}); please report it", file=sys.stderr)
        code = 2
    sys.exit(code if isinstance(code, int) else 0)
