"""Rich renderings for people; every string passes the secret mask before it is shown."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table

from syndicate.errors import SourceError
from syndicate.redact import redact

if TYPE_CHECKING:
    from syndicate.commands import PreviewItem
    from syndicate.post import Post


def console(stderr: bool = False) -> Console:
    return Console(stderr=stderr, highlight=False, soft_wrap=False)


CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
"""C0 and C1 controls (ESC among them) but tab and newline: a title or error text holding
an escape sequence must not reach the terminal raw (rich strips only a few controls)."""


def safe(text: str) -> str:
    return escape(redact(CONTROLS.sub("", text)))


def print_preview(items: Sequence[PreviewItem], held: Sequence[Post]) -> None:
    out = console()
    for item in items:
        body = []
        for request in item.requests:
            body.append(f"[bold]{safe(request.method)}[/bold] {safe(request.url)}")
            if request.body is not None:
                shown = request.body if isinstance(request.body, str) else json.dumps(
                    request.body, ensure_ascii=False, indent=2)
                body.append(safe(shown))
        for warning in item.as_json()["warnings"]:
            body.append(f"[yellow]warning:[/yellow] {safe(warning)}")
        out.print(Panel("\n".join(body), title=f"{safe(item.post.title)} → {item.platform}",
                        subtitle=safe(item.post.canonical_url), title_align="left"))
    for post in held:
        out.print(f"[dim]skipped {safe(post.key)}: {safe(post.hold or '')}[/dim]")


def print_errors(errors: Sequence[SourceError | str]) -> None:
    if not errors:
        return
    err = console(stderr=True)
    for error in errors:  # one line each, however narrow the terminal: logs are grepped
        err.print(f"[red]error:[/red] {safe(str(error))}", soft_wrap=True)


def table(title: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    out = Table(title=title)
    for column in columns:
        out.add_column(column)
    for row in rows:
        out.add_row(*(safe("" if cell is None else str(cell)) for cell in row))
    console().print(out)


STYLE = {"created": "green", "updated": "green", "reconciled": "green", "failed": "red",
         "uncertain": "yellow", "blocked": "yellow", "skipped": "dim"}


def outcome_line(outcome: Any) -> str:
    colour = STYLE.get(outcome.outcome, "white")
    detail = outcome.url or outcome.error or outcome.reason or ""
    return (f"[{colour}]{outcome.outcome:>10}[/{colour}] {outcome.platform:<10} "
            f"{safe(outcome.title or outcome.key)}  [dim]{safe(detail)}[/dim]")


def print_outcomes(outcomes: Sequence[Any], *, dry_run: bool) -> None:
    shown = [o for o in outcomes if o.outcome != "skipped" or o.reason != "unchanged"]
    table("dry run" if dry_run else "push",
          ["post", "platform", "outcome", "where / why"],
          [(o.title or o.key, o.platform, o.outcome, o.url or o.error or o.reason) for o in shown])
    counts: dict[str, int] = {}
    for outcome in outcomes:
        counts[outcome.outcome] = counts.get(outcome.outcome, 0) + 1
    console().print(", ".join(f"{n} {kind}" for kind, n in sorted(counts.items())) or "nothing to do")
