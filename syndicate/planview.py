"""How a plan is shown: one function for a plan computed in full and for a remembered one,
so the two can never look different."""

from __future__ import annotations

from typing import Any

UNCHANGED = "unchanged"


def show_plan(data: dict[str, Any], *, json_out: bool) -> int:
    """Print the plan's JSON form (``--json``) or its table; the exit code says if posts failed."""
    if json_out:
        from syndicate.jsonout import emit_json

        emit_json(data)
    else:
        from syndicate import report

        actions = data["actions"]
        report.table("plan", ["post", "platform", "action", "why"],
                     [(a["title"] or a["post"], a["platform"], a["action"], a["reason"])
                      for a in actions if a["action"] != "skip" or a["reason"] != UNCHANGED])
        unchanged = sum(1 for a in actions if a["action"] == "skip" and a["reason"] == UNCHANGED)
        report.console().print(f"{unchanged} post × platform pair(s) unchanged.")
        renderers = sorted({str(a["renderer"]) for a in actions if a.get("renderer")})
        if renderers:
            report.console().print(f"Post bodies rendered by: {', '.join(renderers)}.")
        report.print_errors(data["errors"])
    return 1 if data["errors"] else 0
