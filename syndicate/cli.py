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
from typing import Annotated, NoReturn, ParamSpec, TextIO

import typer

app = typer.Typer(
    name="syndicate",
    help="Cross-post a static blog to the platforms you use — never twice.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,  # locals could hold tokens
    add_completion=False,
    rich_markup_mode=None,  # plain help: fast, and flags print without a "<bool>" placeholder
)

SiteOpt = Annotated[Path, typer.Option("--site", help="The blog folder.", show_default=True,
                                       metavar="DIR")]
PlatformOpt = Annotated[list[str] | None, typer.Option(
    "--platform", "-p", help="Only this platform (repeatable; any case).", metavar="NAME")]
PostOpt = Annotated[list[str] | None, typer.Option(
    "--post", help="Only this post: its key, path, Hugo bundle folder or exact title (repeatable).",
    metavar="POST")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Machine-readable output on stdout.")]
VerboseOpt = Annotated[bool, typer.Option("--verbose", "-v", help="Log each request and retry.")]
AllOpt = Annotated[bool, typer.Option("--all", help="Also show what is unchanged.")]
SandboxOpt = Annotated[bool, typer.Option(
    "--sandbox", help="Use built-in fakes of every platform and their own state (no accounts).")]


def examples(*lines: str) -> str:
    """An epilog of example command lines, kept as written (\b stops click re-wrapping)."""
    return "\b\nExamples:\n" + "\n".join(f"  {line}" for line in lines)


def show_version(value: bool) -> None:
    if value:
        from syndicate import __version__

        typer.echo(f"syndicate {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(version: Annotated[bool, typer.Option(
        "--version", help="Print the version and exit.", callback=show_version,
        is_eager=True)] = False) -> None:
    """Cross-post a static blog to Medium, WordPress, Telegram and more — never twice."""


def fail(message: str, code: int = 2) -> NoReturn:
    from syndicate.redact import redact

    typer.echo(f"error: {redact(message)}", err=True)
    raise typer.Exit(code)


class CurrentStderr(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever ``sys.stderr`` is now, so lines land above a live progress bar."""

    @property
    def stream(self) -> TextIO:
        return sys.stderr

    @stream.setter
    def stream(self, _value: TextIO) -> None:
        pass


class Readable(logging.Formatter):
    """syndicate's own lines as plain sentences ("telegram: waiting 38 s ..."); others keep
    their level and logger name."""

    def format(self, record: logging.LogRecord) -> str:
        if record.name.startswith("syndicate") and record.levelno < logging.ERROR:
            return record.getMessage()
        return f"{record.levelname} {record.name}: {record.getMessage()}"


def setup_logging(verbose: bool) -> None:
    """Logs go to stderr, through the secret mask; httpx's request lines only with -v."""
    from syndicate.redact import RedactingFilter

    handler = CurrentStderr()
    handler.addFilter(RedactingFilter())
    handler.setFormatter(Readable())
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


@app.command(epilog=examples(
    "syndicate preview --site my-blog",
    "syndicate preview --post _posts/2024-05-01-hello.md",
    "syndicate preview --all --html /tmp/blog-preview --open"))
@guarded
def preview(
    site: SiteOpt = Path("."),
    platform: PlatformOpt = None,
    post: PostOpt = None,
    json_out: JsonOpt = False,
    html: Annotated[Path | None, typer.Option(
        "--html", help="Also write a browsable preview site into this folder.", metavar="DIR")] = None,
    open_browser: Annotated[bool, typer.Option("--open", help="Open the --html preview.")] = False,
    show_all: Annotated[bool, typer.Option(
        "--all", help="Every post, not only those a push would send.")] = False,
    force: Annotated[bool, typer.Option(
        "--force", help="Let --html write into a folder that holds other files.")] = False,
) -> None:
    """Show, for each post a push would send, the exact requests per platform (offline)."""
    from syndicate import commands

    setup_logging(False)
    code = commands.preview(site, platform, post, json_out=json_out, html_dir=html,
                            open_browser=open_browser, show_all=show_all, force=force)
    raise typer.Exit(code)


@app.command(epilog=examples(
    "syndicate plan --site my-blog",
    "syndicate plan --sandbox --all",
    "syndicate plan --post 'Exact title of a post' --json"))
@guarded
def plan(site: SiteOpt = Path("."), platform: PlatformOpt = None, post: PostOpt = None,
         json_out: JsonOpt = False, sandbox: SandboxOpt = False, show_all: AllOpt = False) -> None:
    """List what a push would do: create, update, skip (why), blocked (why), reconcile, uncertain."""
    from syndicate import commands

    setup_logging(False)
    raise typer.Exit(commands.plan(site, platform, post, json_out=json_out, sandbox=sandbox,
                                   show_all=show_all))


@app.command(epilog=examples(
    "syndicate push --sandbox --site examples/blog",
    "syndicate push --dry-run",
    "syndicate push --yes   # a site with no syndicate.toml, sending every post on purpose"))
@guarded
def push(
    site: SiteOpt = Path("."),
    platform: PlatformOpt = None,
    post: PostOpt = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Plan and preview; send nothing.")] = False,
    sandbox: SandboxOpt = False,
    yes: Annotated[bool, typer.Option(
        "--yes", help="Send even many posts from a site with no syndicate.toml.")] = False,
    json_out: JsonOpt = False,
    show_all: AllOpt = False,
    verbose: VerboseOpt = False,
) -> None:
    """Publish every new or changed post to every configured platform, with retries."""
    from syndicate import commands

    setup_logging(verbose)
    raise typer.Exit(commands.push(site, platform, post, dry_run=dry_run, sandbox=sandbox,
                                   json_out=json_out, yes=yes, show_all=show_all))


@app.command(epilog=examples(
    "syndicate status",
    "syndicate status --failed",
    "syndicate status --sandbox --json"))
@guarded
def status(site: SiteOpt = Path("."), platform: PlatformOpt = None, json_out: JsonOpt = False,
           failed: Annotated[bool, typer.Option(
               "--failed", help="Only entries that failed, or are pending or uncertain.")] = False,
           sandbox: Annotated[bool, typer.Option("--sandbox", help="The sandbox's state.")] = False) -> None:
    """What is published where, with URLs, from the state file."""
    from syndicate import commands

    setup_logging(False)
    raise typer.Exit(commands.status(site, json_out=json_out, sandbox=sandbox, platforms=platform,
                                     failed_only=failed))


@app.command(epilog=examples("syndicate check", "syndicate check --site my-blog",
                             "syndicate check --sandbox"))
@guarded
def check(site: SiteOpt = Path("."), platform: PlatformOpt = None,
          sandbox: Annotated[bool, typer.Option(
              "--sandbox", help="Check against the built-in fakes instead.")] = False) -> None:
    """Verify credentials and settings for each platform, without posting anything."""
    from syndicate import commands

    setup_logging(False)
    raise typer.Exit(commands.check(site, platform, sandbox=sandbox))


@app.command(epilog=examples(
    "syndicate resolve",
    "syndicate resolve POST PLATFORM --published URL   # it did go out, there",
    "syndicate resolve POST PLATFORM --retry   # it did not: send it again"))
@guarded
def resolve(
    site: SiteOpt = Path("."),
    post: Annotated[str | None, typer.Argument(help="Post key of an uncertain entry.")] = None,
    platform: Annotated[str | None, typer.Argument(help="Platform of that entry.")] = None,
    published: Annotated[str | None, typer.Option(
        "--published", help="It did go out: its URL (or id) on the platform.", metavar="URL")] = None,
    retry: Annotated[bool, typer.Option("--retry", help="It did not go out: send it again.")] = False,
    sandbox: Annotated[bool, typer.Option("--sandbox", help="Settle the sandbox's entries.")] = False,
) -> None:
    """Settle entries left uncertain by a timeout on a platform that cannot be searched."""
    from syndicate import commands

    setup_logging(False)
    raise typer.Exit(commands.resolve(site, post, platform.lower() if platform else None,
                                      published=published, retry=retry, sandbox=sandbox))


@app.command(epilog=examples("syndicate unpublish POST PLATFORM",
                             "syndicate unpublish POST PLATFORM --sandbox"))
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


@app.command(epilog=examples("syndicate init", "syndicate init --site my-blog -p NAME -p NAME"))
@guarded
def init(site: SiteOpt = Path("."), platform: PlatformOpt = None) -> None:
    """Set a blog up: syndicate.toml, .env, and every existing post recorded as already published."""
    from syndicate import commands

    setup_logging(False)
    raise typer.Exit(commands.init(site, platform))


@app.command(epilog=examples(
    "syndicate sandbox",
    "syndicate sandbox --port 0 --faults 0.2 --seed 7",
    "eval \"$(syndicate sandbox --port 0 &)\"   # then: syndicate push"))
@guarded
def sandbox(
    directory: Annotated[Path, typer.Option(
        "--dir", help="Keep what the fakes hold here.", metavar="DIR")] = Path(".syndicate/sandbox/server"),
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


@app.command(name="ci", epilog=examples("syndicate ci", "syndicate ci --dry-run",
                                        "syndicate ci --no-commit-state"))
@guarded
def ci_command(
    site: SiteOpt = Path("."),
    platform: PlatformOpt = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Plan and summarise; send nothing.")] = False,
    commit_state: Annotated[bool, typer.Option(
        "--commit-state/--no-commit-state", help="Commit the state file back to the branch.")] = True,
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
