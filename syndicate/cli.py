"""The command line: each command parses options and calls one function.

Heavy modules are imported inside the commands so that ``syndicate --help`` stays fast.
One domain exception becomes one friendly line and an exit code at this edge:
0 ok, 1 some posts or platforms failed, 2 usage, configuration or state problem.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Annotated, NoReturn

import typer

app = typer.Typer(
    name="syndicate",
    help="Cross-post a static blog to Medium, WordPress, Telegram and more — never twice.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,  # locals could hold tokens
    add_completion=False,
)

SiteOpt = Annotated[Path, typer.Option("--site", help="The blog folder.", show_default=True)]
PlatformOpt = Annotated[
    list[str] | None, typer.Option("--platform", "-p", help="Only this platform (repeatable).")]
PostOpt = Annotated[
    list[str] | None, typer.Option("--post", help="Only this post: key or path (repeatable).")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Machine-readable output on stdout.")]
VerboseOpt = Annotated[bool, typer.Option("--verbose", "-v", help="Log each request and retry.")]


def fail(message: str, code: int = 2) -> NoReturn:
    from syndicate.redact import redact

    typer.echo(f"error: {redact(message)}", err=True)
    raise typer.Exit(code)


def setup_logging(verbose: bool) -> None:
    """Logs go to stderr, through the secret mask; httpx's request lines only with -v."""
    from syndicate.redact import RedactingFilter

    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(RedactingFilter())
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.INFO if verbose else logging.WARNING)
    logging.getLogger("httpx").setLevel(logging.INFO if verbose else logging.WARNING)


def guarded(func):  # type: ignore[no-untyped-def]
    """Turn syndicate's own errors into one line and exit code 2 at the CLI edge."""
    import functools

    @functools.wraps(func)
    def wrapper(*args, **kwargs):  # type: ignore[no-untyped-def]
        from syndicate.errors import ConfigError, StateError, SyndicateError

        try:
            return func(*args, **kwargs)
        except (ConfigError, StateError) as exc:
            fail(str(exc), 2)
        except SyndicateError as exc:
            fail(str(exc), 1)

    return wrapper


@app.command()
@guarded
def preview(
    site: SiteOpt = Path("."),
    platform: PlatformOpt = None,
    post: PostOpt = None,
    json_out: JsonOpt = False,
    html: Annotated[Path | None, typer.Option("--html", help="Write a browsable preview site here.")] = None,
    open_browser: Annotated[bool, typer.Option("--open", help="Open the --html preview.")] = False,
) -> None:
    """Show, for each post and platform, the exact requests a push would send (offline)."""
    from syndicate import commands

    setup_logging(False)
    code = commands.preview(site, platform, post, json_out=json_out, html_dir=html,
                            open_browser=open_browser)
    raise typer.Exit(code)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
