"""What a push shows while it works: a bar per platform on a terminal, plain lines elsewhere.

A long run must never look hung. On an interactive terminal each platform gets a Rich
progress bar with counts and an ETA; in CI, in a pipe or in a log file, each outcome is
one plain line (bars there are noise). Rate-limit waits and retries come through the
logging handler as one readable line each, above the bars.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.progress import Progress, TaskID

    from syndicate.engine import Outcome


def wants_bars() -> bool:
    """Bars only on a real terminal, and never in CI (where a terminal may be faked)."""
    if os.environ.get("CI") or os.environ.get("GITHUB_ACTIONS") or os.environ.get("TERM") == "dumb":
        return False
    return sys.stderr.isatty()


class Watcher:
    """Receives each outcome as the engine settles it; the default shows nothing."""

    def start(self, totals: Mapping[str, int]) -> None:
        """``totals``: the writes planned per platform."""

    def outcome(self, outcome: Outcome, *, wrote: bool) -> None:
        """``wrote``: the plan had a write for it (only those count towards the bars)."""

    def stop(self) -> None:
        pass


class Lines(Watcher):
    """One line per outcome that did something, on stderr."""

    def outcome(self, outcome: Outcome, *, wrote: bool) -> None:
        from syndicate import report

        if wrote or outcome.outcome != "skipped":
            report.console(stderr=True).print(report.outcome_line(outcome), soft_wrap=True)


class Bars(Watcher):
    """A Rich progress bar per platform: done / planned, elapsed, ETA."""

    def __init__(self) -> None:
        self.progress: Progress | None = None
        self.tasks: dict[str, TaskID] = {}

    def start(self, totals: Mapping[str, int]) -> None:
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        from syndicate import report

        wanted = {name: total for name, total in totals.items() if total}
        if not wanted:
            return
        self.progress = Progress(TextColumn("{task.description:<10}"), BarColumn(),
                                 MofNCompleteColumn(), TimeElapsedColumn(), TextColumn("eta"),
                                 TimeRemainingColumn(), console=report.console(stderr=True),
                                 transient=True)
        for name, total in wanted.items():
            self.tasks[name] = self.progress.add_task(name, total=total)
        self.progress.start()

    def outcome(self, outcome: Outcome, *, wrote: bool) -> None:
        from syndicate import report

        if self.progress is None:
            return
        task = self.tasks.get(outcome.platform)
        if wrote and task is not None:
            self.progress.advance(task)
        if outcome.outcome in ("failed", "uncertain", "blocked"):
            self.progress.console.print(report.outcome_line(outcome), soft_wrap=True)

    def stop(self) -> None:
        if self.progress is not None:
            self.progress.stop()
            self.progress = None


def watcher(*, quiet: bool) -> Watcher:
    if quiet:
        return Watcher()
    return Bars() if wants_bars() else Lines()
