"""The ``syndicate`` command's entry point: a plain ``syndicate plan`` on a site where
nothing changed is answered from the plan memo before the CLI framework is even imported.

Everything else — any option this small reader does not know, ``--help``, ``--post``,
a memo that does not match — goes to the real CLI in ``syndicate.cli``, which is the one
place options are defined. The quick path only ever prints a plan that the full path
computed and remembered (see ``planmemo``).
"""

from __future__ import annotations

import os
import sys

from syndicate.layout import MEMO_SWITCH_ENV


def plain_plan_options(args: list[str]) -> tuple[str, list[str], bool] | None:
    """(site, platforms, json) for ``plan [--site DIR] [--platform NAME]... [--json]``, else None."""
    site, platforms, json_out = ".", [], False
    rest = list(args)
    while rest:
        arg = rest.pop(0)
        name, eq, value = arg.partition("=")
        if arg == "--json":
            json_out = True
        elif name in ("--site", "--platform", "-p"):
            if not eq:
                if not rest:
                    return None
                value = rest.pop(0)
            if name == "--site":
                site = value
            else:
                platforms.append(value)
        else:
            return None
    return site, platforms, json_out


def quick_plan(args: list[str]) -> int | None:
    """The exit code of a remembered plan, once printed; None if a full run is needed."""
    options = plain_plan_options(args)
    if options is None:
        return None
    site, platforms, json_out = options
    from syndicate import planmemo

    result = planmemo.recall(os.path.realpath(site), platforms)
    if result is None:
        return None
    from syndicate.planview import show_plan

    return show_plan(result, json_out=json_out)


def main() -> None:
    args = sys.argv[1:]
    if args[:1] == ["plan"] and not os.environ.get(MEMO_SWITCH_ENV):
        code = quick_plan(args[1:])
        if code is not None:
            sys.exit(code)
    from syndicate.cli import app

    app()


if __name__ == "__main__":
    main()
