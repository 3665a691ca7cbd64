"""The command line: each command parses options and calls one function.

Heavy modules are imported inside the commands so that ``syndicate --help`` stays fast.
One domain exception becomes one friendly line and an exit code at this edge:
0 ok, 1 some posts or platforms failed, 2 usage, configuration or state problem.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, NoReturn, ParamSpec

import typer

app = typer.Typer(
    name="syndicate",
    help="Cross-post a static blog to the platforms you use — never twice.",
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


P = ParamSpec("P")


def guarded(func: Callable[P, None]) -> Callable[P, None]:
    """Turn syndicate's own errors into one line and an exit code at the CLI edge."""
    import functools

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> None:
        from syndicate.errors import ConfigError, StateError, SyndicateError

        try:
            return func(*args, **kwargs)
        except (ConfigError, StateError) as exc:
            fail(str(exc), 2)
        except SyndicateError as exc:
            fail(str(exc), 1)
        except OSError as exc:  # a folder that is a file, a read-only disk: one line, not a traceback
            where = f": {exc.filename}" if exc.filename else ""
            fail(f"{exc.strerror or exc}{where}", 2)

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


@app.command()
@guarded
def plan(site: SiteOpt = Path("."), platform: PlatformOpt = None, post: PostOpt = None,
         json_out: JsonOpt = False) -> None:
    """List what a push would do: create, update, skip (why), blocked (why), reconcile, uncertain."""
    from syndicate import commands

    setup_logging(False)
    raise typer.Exit(commands.plan(site, platform, post, json_out=json_out))


@app.command()
@guarded
def push(
    site: SiteOpt = Path("."),
    platform: PlatformOpt = None,
    post: PostOpt = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Plan and preview; send nothing.")] = False,
    sandbox: Annotated[bool, typer.Option(
        "--sandbox", help="Publish to built-in fakes of every platform (no accounts needed).")] = False,
    json_out: JsonOpt = False,
    verbose: VerboseOpt = False,
) -> None:
    """Publish every new or changed post to every configured platform, with retries."""
    from syndicate import commands

    setup_logging(verbose)
    raise typer.Exit(commands.push(site, platform, post, dry_run=dry_run, sandbox=sandbox,
                                   json_out=json_out))


@app.command()
@guarded
def status(site: SiteOpt = Path("."), json_out: JsonOpt = False,
           sandbox: Annotated[bool, typer.Option("--sandbox", help="The sandbox's state.")] = False) -> None:
    """What is published where, with URLs, from the state file."""
    from syndicate import commands

    setup_logging(False)
    raise typer.Exit(commands.status(site, json_out=json_out, sandbox=sandbox))


@app.command()
@guarded
def check(site: SiteOpt = Path("."), platform: PlatformOpt = None,
          sandbox: Annotated[bool, typer.Option("--sandbox")] = False) -> None:
    """Verify credentials and settings for each platform, without posting anything."""
    from syndicate import commands

    setup_logging(False)
    raise typer.Exit(commands.check(site, platform, sandbox=sandbox))


@app.command()
@guarded
def resolve(
    site: SiteOpt = Path("."),
    post: Annotated[str | None, typer.Argument(help="Post key of an uncertain entry.")] = None,
    platform: Annotated[str | None, typer.Argument(help="Platform of that entry.")] = None,
    published: Annotated[str | None, typer.Option(
        "--published", help="It did go out: its URL (or id) on the platform.")] = None,
    retry: Annotated[bool, typer.Option("--retry", help="It did not go out: send it again.")] = False,
    sandbox: Annotated[bool, typer.Option("--sandbox", help="Settle the sandbox's entries.")] = False,
) -> None:
    """Settle entries left uncertain by a timeout on a platform that cannot be searched."""
    from syndicate import commands

    setup_logging(False)
    raise typer.Exit(commands.resolve(site, post, platform, published=published, retry=retry,
                                      sandbox=sandbox))


@app.command()
@guarded
def unpublish(
    post: Annotated[str, typer.Argument(help="Post key of a post whose file is gone.")],
    platform: Annotated[str, typer.Argument(help="Platform to delete its copy from.")],
    site: SiteOpt = Path("."),
    sandbox: Annotated[bool, typer.Option("--sandbox", help="Use the built-in fakes.")] = False,
) -> None:
    """Delete a removed post's copy where the platform can delete (WordPress, Telegram)."""
    from syndicate import commands

    setup_logging(False)
    raise typer.Exit(commands.unpublish(site, post, platform, sandbox=sandbox))


@app.command()
@guarded
def init(site: SiteOpt = Path("."), platform: PlatformOpt = None) -> None:
    """Write a starter syndicate.toml and record every existing post as already published."""
    from syndicate import commands

    setup_logging(False)
    raise typer.Exit(commands.init(site, platform))


@app.command()
@guarded
def sandbox(
    directory: Annotated[Path, typer.Option(
        "--dir", help="Keep what the fakes hold here.")] = Path(".syndicate-sandbox"),
    port: Annotated[int, typer.Option("--port", help="Port on 127.0.0.1 (0: any free).")] = 8765,
    faults: Annotated[float, typer.Option("--faults", min=0.0, max=1.0,
                                          help="Share of write requests that fail at random.")] = 0.0,
    seed: Annotated[int | None, typer.Option("--seed", help="Seed for the fault plan.")] = None,
    latency: Annotated[float, typer.Option(
        "--latency", min=0.0, help="Added latency per request, ms.")] = 0.0,
) -> None:
    """Serve fakes of every platform on 127.0.0.1; prints the settings that point syndicate at them."""
    from syndicate import commands

    setup_logging(False)
    raise typer.Exit(commands.sandbox(directory, port=port, faults=faults, seed=seed,
                                      latency_ms=latency))


@app.command(name="ci")
@guarded
def ci_command(
    site: SiteOpt = Path("."),
    platform: PlatformOpt = None,
    dry_run: Annotated[bool, typer.Option("--dry-run")] = False,
    commit_state: Annotated[bool, typer.Option("--commit-state/--no-commit-state")] = True,
    sandbox: Annotated[bool, typer.Option("--sandbox", help="For tests: use the built-in fakes.")] = False,
) -> None:
    """Run inside GitHub Actions: decide from the event what to do, summarise, commit the state."""
    from syndicate.gha.run import run_ci

    setup_logging(False)
    raise typer.Exit(run_ci(site, platform, dry_run=dry_run, commit_state=commit_state,
                            sandbox=sandbox))


def main() -> None:
    app()


if __name__ == "__main__":
    main()
