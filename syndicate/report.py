"""Rich renderings for people; every string passes the secret mask before it is shown."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from rich.cells import cell_len
from rich.console import Console
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table

from syndicate.errors import SourceError
from syndicate.redact import redact

if TYPE_CHECKING:
    from syndicate.engine import Outcome
    from syndicate.post import Post
    from syndicate.previews import PreviewItem


def console(stderr: bool = False) -> Console:
    return Console(stderr=stderr, highlight=False, soft_wrap=False)


CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
"""C0 and C1 controls (ESC among them) but tab and newline: a title or error text holding
an escape sequence must not reach the terminal raw (rich strips only a few controls)."""


def safe(text: str) -> str:
    return escape(redact(CONTROLS.sub("", text)))


def print_preview(items: Sequence[PreviewItem], held: Sequence[Post],
                  actions: Mapping[tuple[str, str], tuple[str, str]] | None = None) -> None:
    """A panel per post and platform, titled with what a push would do with it."""
    out = console()
    for item in items:
        body = [f"[dim]body rendered by: {item.post.renderer}[/dim]"]
        for request in item.requests:
            body.append(f"[bold]{safe(request.method)}[/bold] {safe(request.url)}")
            if request.body is not None:
                shown = request.body if isinstance(request.body, str) else json.dumps(
                    request.body, ensure_ascii=False, indent=2)
                body.append(safe(shown))
        for warning in item.warnings():
            body.append(f"[yellow]warning:[/yellow] {safe(warning)}")
        kind, reason = (actions or {}).get((item.post.key, item.platform), ("create", ""))
        why = f" ({safe(reason)})" if reason and kind not in ("create", "update") else ""
        out.print(Panel("\n".join(body),
                        title=f"{coloured(kind)}{why}: {safe(item.post.title)} → {item.platform}",
                        subtitle=safe(item.post.canonical_url), title_align="left"))
    for post in held:
        out.print(f"[dim]skipped {safe(post.key)}: {safe(post.hold or '')}[/dim]")


def print_errors(errors: Sequence[SourceError | str]) -> None:
    if not errors:
        return
    err = console(stderr=True)
    for error in errors:  # one line each, however narrow the terminal: logs are grepped
        err.print(f"[red]error:[/red] {safe(str(error))}", soft_wrap=True)


WHOLE = frozenset({"post", "key", "where", "url"})
MARKED = frozenset({"action", "outcome", "status", "result"})
"""Columns whose words are coloured (create, failed, blocked...); Rich drops colour when
the output is not a terminal."""
"""Columns printed whole, never cut: keys to copy into ``--post`` or ``resolve``, and URLs.
Other columns wrap to make room."""


def table(title: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    out = console()
    marked = {i for i, column in enumerate(columns) if column in MARKED}
    cells = [[coloured(str(cell)) if i in marked else safe("" if cell is None else str(cell))
              for i, cell in enumerate(row)] for row in rows]
    grid = Table(title=title)
    needed = 1
    for index, column in enumerate(columns):
        if column in WHOLE:
            width = max([cell_len(column), *(cell_len(row[index]) for row in cells)])
            grid.add_column(column, no_wrap=True, min_width=width, overflow="ignore")
            needed += width + 3
        else:
            grid.add_column(column, overflow="fold", ratio=1)
            needed += 12
    for row in cells:
        grid.add_row(*row)
    if needed > out.width:  # wider than the terminal: let it wrap the line, never cut a URL
        out = Console(highlight=False, soft_wrap=False, width=needed)
    out.print(grid)


STYLE = {"created": "green", "updated": "green", "reconciled": "green", "failed": "red",
         "FAILED": "red", "NOT CONFIGURED": "red", "ok": "green", "published": "green",
         "uncertain": "yellow", "blocked": "yellow", "skipped": "dim",
         "create": "green", "update": "green", "reconcile": "green", "would create": "green",
         "would update": "green", "would reconcile": "green"}


def coloured(word: str) -> str:
    colour = STYLE.get(word)
    return f"[{colour}]{safe(word)}[/{colour}]" if colour else safe(word)


def outcome_line(outcome: Outcome) -> str:
    detail = outcome.url or outcome.error or outcome.reason or ""
    return (f"{coloured(f'{outcome.outcome:>10}')} {outcome.platform:<10} "
            f"{safe(outcome.key)}  [dim]{safe(detail)}[/dim]")


def counts_line(counts: Mapping[str, int], *, label: str, empty: str = "nothing to do") -> str:
    """One line: what will happen or happened, by kind, with the unchanged pairs last."""
    quiet = ("skip", "skipped", "unchanged")
    busy = [f"{n} {kind}" for kind, n in counts.items() if n and kind not in quiet]
    rest = [f"{counts[kind]} {kind}" for kind in quiet if counts.get(kind)]
    if not busy:
        return f"{label}: {empty}" + (f" ({', '.join(rest)})" if rest else "")
    return f"{label}: " + ", ".join(busy) + (f" ({', '.join(rest)})" if rest else "")


def print_outcomes(outcomes: Sequence[Outcome], *, dry_run: bool, show_all: bool = False,
                   table_too: bool = True) -> dict[str, int]:
    """What happened (unchanged pairs only with ``show_all``), then the one-line summary."""
    shown = [o for o in outcomes if show_all or o.outcome != "skipped" or o.reason.startswith("over ")]
    if shown and table_too:
        table("dry run" if dry_run else "push",
              ["post", "platform", "outcome", "where", "why"],
              [(o.key, o.platform, o.outcome, o.url or "", o.error or o.reason) for o in shown])
    counts = outcome_counts(outcomes)
    console().print(counts_line(counts, label="dry run" if dry_run else "push"))
    return counts


def outcome_counts(outcomes: Sequence[Outcome]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for outcome in outcomes:
        kind = "unchanged" if outcome.outcome == "skipped" and outcome.reason == "unchanged" \
            else str(outcome.outcome)
        counts[kind] = counts.get(kind, 0) + 1
    return dict(sorted(counts.items(), key=lambda item: (item[0] == "unchanged", item[0])))
