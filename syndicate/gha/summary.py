"""The job summary (a Markdown table) and GitHub annotations, safe against hostile titles.

On a pull request every title and message comes from whoever opened it, so each piece
of user text is escaped for the exact place it lands: a table cell (``|`` and newlines
would break the row, ``<``/``[`` could inject HTML or links), a link target (only
http(s), with the characters that end a Markdown link encoded), or a workflow command
(``%``, CR and LF per GitHub's rules, and ``::`` so no text can look like a command).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from urllib.parse import quote

from syndicate.redact import redact

MAX_ROWS = 1000
"""GitHub refuses a job summary over 1 MiB; the JSON report always has every row."""
CELL_SPECIALS = re.compile(r"([\\`*_{}\[\]()#+!|~>])")


@dataclass(frozen=True)
class Row:
    """One post on one platform in the summary table."""

    title: str
    platform: str
    outcome: str
    url: str | None = None
    detail: str = ""


@dataclass(frozen=True)
class Problem:
    """A per-post problem shown under the table and as an annotation on the commit."""

    level: str
    """warning or error."""
    message: str
    file: str | None = None
    line: int | None = None


def cell(text: str) -> str:
    """Text safe inside one Markdown table cell: one line, no markup, no HTML."""
    text = redact(text)
    text = " ".join(text.split())
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return CELL_SPECIALS.sub(r"\\\1", text)


def link(label: str, url: str | None) -> str:
    """``[label](url)`` for an http(s) URL, else the label alone (no javascript: links)."""
    shown = cell(label)
    if not url or not re.match(r"^https?://", url, re.IGNORECASE):
        return shown
    target = quote(redact(url), safe=":/?#@!$&*+,;=%-._~")
    return f"[{shown}]({target})"


def table(rows: Sequence[Row]) -> str:
    lines = ["| Post | Platform | Outcome | Where / why |", "| --- | --- | --- | --- |"]
    for row in rows:
        where = link(row.url, row.url) if row.url else cell(row.detail)
        lines.append(f"| {link(row.title, row.url)} | {cell(row.platform)} | "
                     f"{cell(row.outcome)} | {where} |")
    return "\n".join(lines)


def markdown(heading: str, rows: Sequence[Row], problems: Sequence[Problem],
             notes: Iterable[str] = (), appendix: str = "") -> str:
    """The whole job summary: heading, counts, table, problems, notes, then ``appendix``.

    ``appendix`` is Markdown that its producer has already escaped (the preview overview).
    """
    parts = [f"## {cell(heading)}", ""]
    counts: dict[str, int] = {}
    for row in rows:
        counts[row.outcome] = counts.get(row.outcome, 0) + 1
    parts.append(", ".join(f"{n} {cell(kind)}" for kind, n in sorted(counts.items()))
                 or "Nothing to do.")
    parts.append("")
    if rows:
        parts += [table(rows[:MAX_ROWS]), ""]
        if len(rows) > MAX_ROWS:
            parts += [f"… and {len(rows) - MAX_ROWS} more row(s) in the JSON report.", ""]
    if problems:
        parts += ["### Warnings", ""]
        for problem in problems:
            where = problem.file or ""
            if where and problem.line:
                where += f":{problem.line}"
            prefix = f"`{where.replace('`', '')}` " if where else ""
            parts.append(f"- **{problem.level}** {prefix}{cell(problem.message)}")
        parts.append("")
    for note in notes:
        parts += [cell(note), ""]
    if appendix:
        parts += [appendix, ""]
    return "\n".join(parts)


def escape_data(text: str) -> str:
    """Workflow-command message: GitHub's data escapes, and no ``::`` left in it."""
    text = redact(text).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    while "::" in text:
        text = text.replace("::", ": :")
    return text


def escape_property(text: str) -> str:
    """Workflow-command property value (file, title): data escapes plus ``:`` and ``,``."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(problem: Problem) -> str:
    """``::warning file=…,line=…::message`` for one problem (one line, always)."""
    props = []
    if problem.file:
        props.append(f"file={escape_property(problem.file)}")
        if problem.line:
            props.append(f"line={int(problem.line)}")
    level = problem.level if problem.level in ("warning", "error", "notice") else "warning"
    head = f"::{level} {','.join(props)}" if props else f"::{level}"
    return f"{head}::{escape_data(problem.message)}"
