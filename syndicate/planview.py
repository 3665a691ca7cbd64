"""How a plan is shown: one function for a plan computed in full and for a remembered one,
so the two can never look different."""

from __future__ import annotations

from typing import Any


def show_plan(data: dict[str, Any], *, json_out: bool, show_all: bool = False) -> int:
    """Print the plan's JSON form (``--json``) or what will happen, then a one-line summary.

    Skips (unchanged, held, not for that platform) are counted, and listed only with
    ``show_all``, except those a cap put off: those posts were meant to go out. The exit
    code says if posts failed to read."""
    if json_out:
        from syndicate.jsonout import emit_json

        emit_json(data)
    else:
        from syndicate import report

        out = report.console()
        for note in data.get("notes", ()):
            out.print(f"[yellow]note:[/yellow] {report.safe(note)}", soft_wrap=True)
        actions = data["actions"]
        rows = [(a["post"], a["platform"], a["action"], a["reason"]) for a in actions
                if show_all or a["action"] != "skip" or a["reason"].startswith("over ")]
        if rows:
            report.table("plan", ["post", "platform", "action", "why"], rows)
        out.print(report.counts_line(data.get("summary", {}), label="plan"))
        renderers = sorted({str(a["renderer"]) for a in actions if a.get("renderer")})
        if renderers:
            out.print(f"Post bodies rendered by: {', '.join(renderers)}.")
        report.print_errors(data["errors"])
    return 1 if data["errors"] else 0
