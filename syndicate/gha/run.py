"""``syndicate ci``: one step of a GitHub workflow, decided by the event that started it.

- ``push`` (and ``workflow_dispatch``, ``schedule``…): publish what the plan says is new
  or changed, then commit the state file back. The state file is the truth; the push
  range (``before..after``) is only used to tell the reader which posts this push
  touched, because narrowing the plan to it would lose work the state still owes
  (a post whose date has come, a retry of an earlier failure, an edit made in a
  ``[skip ci]`` commit). A forced push, a first push or an unknown commit simply has
  no range; nothing else changes.
- ``pull_request``: a dry run from the plan, without credentials, sending nothing and
  committing nothing; the preview goes to the job summary.

Everything a person reads (summary, annotations, JSON report) passes the secret mask.
"""

from __future__ import annotations

import functools
import json
import os
import sys
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from syndicate.gha import gitstate
from syndicate.gha.event import GitHubEnv, changed_files, push_range
from syndicate.gha.gitstate import CommitResult, GitFailed, git
from syndicate.gha.summary import Problem, Row, annotation, markdown
from syndicate.redact import redact

PREVIEW_EVENTS = frozenset({"pull_request", "pull_request_target"})
NOTEWORTHY = frozenset({"created", "updated", "reconciled", "failed", "blocked", "uncertain",
                        "would create", "would update", "would reconcile"})
MAX_ANNOTATIONS = 50


@dataclass
class CiResult:
    """What one ``syndicate ci`` run did, for the summary, the outputs and the report."""

    mode: str
    rows: list[Row] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    results: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    changed: list[str] | None = None
    appendix: str = ""
    """Already-escaped Markdown shown after the table (the preview overview on PRs)."""
    commit: CommitResult | None = None
    failed: bool = False

    def count(self, *kinds: str) -> int:
        return sum(1 for r in self.results if r.get("outcome") in kinds or r.get("action") in kinds)


def run_ci(site: Path, platforms: list[str] | None, *, dry_run: bool, commit_state: bool,
           sandbox: bool, environ: Mapping[str, str] | None = None,
           stream: TextIO | None = None) -> int:
    """Run once for the current GitHub event; returns the exit code (0 ok, 1 something failed)."""
    env = GitHubEnv.from_environ(os.environ if environ is None else environ)
    out = stream or sys.stdout
    root = Path(site).resolve()
    if env.event_name in PREVIEW_EVENTS:
        result = preview_run(root, platforms, sandbox=sandbox)
    else:
        result = push_run(root, platforms, env, dry_run=dry_run, sandbox=sandbox)
        if commit_state and not dry_run and not env.event_name:
            result.notes.append("Not inside a GitHub workflow (no GITHUB_EVENT_NAME): the state "
                                "file was left uncommitted.")
        elif commit_state and not dry_run:
            result.commit = save_state(root, env, sandbox=sandbox)
            if result.commit.status == "failed":
                result.failed = True
                result.problems.append(
                    Problem("error", "state not committed: " + result.commit.detail))
    publish(result, root, env, out)
    return 1 if result.failed else 0


def push_run(root: Path, platforms: list[str] | None, env: GitHubEnv, *, dry_run: bool,
             sandbox: bool) -> CiResult:
    from syndicate.commands import push_outcomes

    result = CiResult("dry run" if dry_run else "push")
    span = push_range(env)
    changed = changed_files(root, span, root) if span is not None else None
    result.changed = sorted(changed) if changed is not None else None
    if env.event_name == "push" and result.changed is None:
        result.notes.append("No usable push range (first push, new branch, forced push or a "
                            "commit missing from the clone), so the posts this push touched are "
                            "not listed; the state file alone decided what to send.")
    outcomes, errors = push_outcomes(root, platforms, None, dry_run=dry_run, sandbox=sandbox,
                                     json_out=True)
    result.results = [o.as_json() for o in outcomes]
    sources = sources_by_key(root, sandbox)
    touched = set(result.changed or ())
    for o in outcomes:
        source = sources.get(o.key, o.key)
        # A post this push touched is listed even when skipped, so the author sees why
        # (a draft, a baseline edit that is not sent, an edit that changed nothing).
        if o.outcome in NOTEWORTHY or source in touched:
            result.rows.append(Row(o.title or o.key, o.platform, o.outcome, o.url,
                                   o.error or o.reason))
        if o.outcome == "failed":
            result.problems.append(Problem("error", f"{o.platform}: {o.error}", rel(root, source)))
        elif o.outcome in ("blocked", "uncertain"):
            why = o.reason or o.error or ""
            result.problems.append(Problem("warning", f"{o.platform}: {o.outcome}: {why}",
                                           rel(root, source)))
    acted = sorted({sources.get(o.key, o.key) for o in outcomes
                    if o.outcome in NOTEWORTHY and o.outcome != "failed"})
    result.problems += notices_of(root, platforms, acted)
    result.problems += [source_problem(root, e) for e in errors]
    skipped = sum(1 for o in outcomes if o.outcome == "skipped")
    result.notes.append(f"{skipped} post × platform pair(s) skipped in all (unchanged, held or "
                        "not for that platform); the table lists those this push touched.")
    result.failed = bool(errors) or any(o.outcome in ("failed", "uncertain") for o in outcomes)
    return result


def preview_run(root: Path, platforms: list[str] | None, *, sandbox: bool) -> CiResult:
    """Plan without credentials and send nothing: what merging this pull request would do."""
    from syndicate import planner
    from syndicate.commands import open_run
    from syndicate.state import State

    result = CiResult("pull request preview")
    run = open_run(root, platforms, sandbox=sandbox, push=False)
    adapters = {name: a for name, a in run.adapters.items() if not a.settings.missing()}
    if not adapters:
        # A fork's pull request gets no secrets: show every enabled platform instead.
        adapters = dict(run.adapters)
        result.notes.append("No platform credentials reach this run (a pull request from a "
                            "fork?): every enabled platform is shown.")
    actions, errors = planner.plan(run.site, adapters, State.read(run.state_path),
                                   run.site.config, run.fingerprints)
    seen: set[tuple[str, str]] = set()
    for action in actions:
        kind = f"would {action.kind}" if action.kind in planner.WRITES else action.kind
        result.results.append({**action.as_json(), "outcome": kind})
        if kind in NOTEWORTHY:
            result.rows.append(Row(action.title or action.key, action.platform, kind,
                                   detail=action.reason))
        if action.kind in ("blocked", "uncertain"):
            result.problems.append(Problem("warning", f"{action.platform}: {action.reason}",
                                           rel(root, action.source)))
        if action.post is not None and action.kind in planner.WRITES:
            for notice in action.post.notices:
                if (str(notice), "") not in seen:
                    seen.add((str(notice), ""))
                    result.problems.append(Problem("warning", notice.message,
                                                   rel(root, notice.path), notice.line))
            for text in action.payload.notices if action.payload else ():
                if (text, action.platform) not in seen:
                    seen.add((text, action.platform))
                    result.problems.append(Problem("warning", f"{action.platform}: {text}",
                                                   rel(root, action.source)))
    result.problems += [source_problem(root, e) for e in errors]
    result.notes.append("Pull request: nothing was sent and the state file was not changed.")
    result.appendix = preview_overview(root, list(adapters), sorted(
        {a.source for a in actions if a.kind in planner.WRITES}))
    result.failed = bool(errors)
    return result


def preview_overview(root: Path, platforms: list[str], sources: list[str]) -> str:
    """The preview site's Markdown overview of the posts a merge would send (escaped there)."""
    from syndicate.commands import build_previews
    from syndicate.preview_site import preview_markdown

    if not sources:  # build_previews reads every post when given none
        return ""
    items, held, _errors = build_previews(root, platforms, sources)
    return preview_markdown(items, held, [])


def sources_by_key(root: Path, sandbox: bool) -> dict[str, str]:
    """Post key → site-relative source file, from the state file the run just wrote."""
    from syndicate.errors import StateError
    from syndicate.state import State

    try:
        state = State.read(state_file(root, sandbox))
    except StateError:
        return {}
    return {key: entry.source for key, _name, entry in state.entries() if entry.source}


def notices_of(root: Path, platforms: list[str] | None, sources: list[str]) -> list[Problem]:
    """Warnings from rendering the posts this run acted on (unknown Liquid tags, dropped parts)."""
    from syndicate.commands import build_previews

    if not sources:
        return []
    items, _held, _errors = build_previews(root, platforms, sources)
    seen: set[str] = set()
    problems: list[Problem] = []
    for item in items:
        for notice in item.post.notices:
            if str(notice) not in seen:
                seen.add(str(notice))
                problems.append(Problem("warning", notice.message, rel(root, notice.path),
                                        notice.line))
        for text in item.payload.notices:
            marker = f"{item.platform}:{item.post.key}:{text}"
            if marker not in seen:
                seen.add(marker)
                problems.append(Problem("warning", f"{item.platform}: {text}",
                                        rel(root, item.post.source_path)))
    return problems


def source_problem(root: Path, error: Any) -> Problem:
    path = getattr(error, "path", None)
    return Problem("error", str(getattr(error, "reason", None) or error),
                   rel(root, str(path)) if path else None, getattr(error, "line", None))


def rel(root: Path, source: str) -> str:
    """A path as GitHub wants it for annotations: relative to the repository root."""
    path = Path(source)
    full = path if path.is_absolute() else root / path
    top = repo_top(root)
    try:
        return full.resolve().relative_to(top).as_posix() if top else path.as_posix()
    except (ValueError, OSError):
        return path.as_posix()


@functools.cache
def repo_top(root: Path) -> Path | None:
    try:
        return Path(git(root, "rev-parse", "--show-toplevel").strip()).resolve()
    except GitFailed:
        return None


def state_file(root: Path, sandbox: bool) -> Path:
    from syndicate import state

    return state.state_file(root, sandbox=sandbox)


def save_state(root: Path, env: GitHubEnv, *, sandbox: bool) -> CommitResult:
    path = state_file(root, sandbox)
    if not path.exists():
        return CommitResult("unchanged", detail="no state file was written")
    branch = env.branch
    if env.full_ref and not branch:
        return CommitResult("failed", detail=f"the run is on {env.full_ref}, not a branch: "
                            "run syndicate on pushes to a branch")
    if not branch:
        try:
            branch = git(root, "rev-parse", "--abbrev-ref", "HEAD").strip()
        except GitFailed as exc:
            return CommitResult("failed", detail=str(exc))
        if branch in ("", "HEAD"):
            return CommitResult("failed", detail="detached HEAD and no GITHUB_REF_NAME: "
                                "no branch to commit the state file to")
    return gitstate.commit_state(root, path, branch=branch)


def publish(result: CiResult, root: Path, env: GitHubEnv, out: TextIO) -> None:
    """Annotations on stdout, the job summary, the JSON report and the step outputs."""
    for problem in result.problems[:MAX_ANNOTATIONS]:
        out.write(annotation(problem) + "\n")
    notes = list(result.notes)
    if result.changed is not None:
        notes.insert(0, f"This push changed {len(result.changed)} file(s) in the site.")
    if result.commit is not None:
        notes.append(f"State file: {result.commit.status}"
                     + (f" after {result.commit.attempts} push attempt(s)" if result.commit.attempts
                        else "")
                     + (" (see the error above)" if result.commit.status == "failed" else ""))
    text = markdown(f"syndicate: {result.mode}", result.rows, result.problems, notes,
                    result.appendix)
    if env.step_summary is not None:
        with env.step_summary.open("a", encoding="utf-8") as handle:
            handle.write(text + "\n")
    report_dir = env.runner_temp or (root / ".syndicate")
    report_dir.mkdir(parents=True, exist_ok=True)
    report = report_dir / "syndicate-report.json"
    report.write_text(redact(json.dumps({
        "event": env.event_name, "mode": result.mode, "results": result.results,
        "problems": [p.__dict__ for p in result.problems], "changed": result.changed,
        "state": result.commit.as_json() if result.commit else None,
    }, ensure_ascii=False, indent=2)) + "\n", encoding="utf-8")
    if env.output is not None:
        committed = result.commit is not None and result.commit.status == "committed"
        values = {
            "created": result.count("created", "reconciled", "would create", "would reconcile"),
            "updated": result.count("updated", "would update"),
            "failed": result.count("failed", "uncertain"),
            "report": str(report),
            "state-committed": "true" if committed else "false",
            "state": result.commit.status if result.commit else "not-needed",
        }
        with env.output.open("a", encoding="utf-8") as handle:
            for name, value in values.items():
                delimiter = f"syndicate_{uuid.uuid4().hex}"
                handle.write(f"{name}<<{delimiter}\n{value}\n{delimiter}\n")
