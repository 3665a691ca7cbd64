"""Commit the state file back to the branch, as the Actions bot, surviving a race.

The state file is what stops a post from going out twice, so the run that published
must get its state into the repository even if someone pushed meanwhile: the push is
retried a bounded number of times, each time after integrating the newer branch tip —
a rebase when git can do it alone, else a merge in which the state file is the union of
both sides' entries (per post and platform, the entry updated last wins). Every git call
is an argument list, never a shell line, so nothing from a post can reach a shell.
"""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from syndicate.state import State

BOT_NAME = "github-actions[bot]"
BOT_EMAIL = "41898282+github-actions[bot]@users.noreply.github.com"
MESSAGE = "syndicate: record where posts were published [skip ci]"
IDENTITY = ("-c", f"user.name={BOT_NAME}", "-c", f"user.email={BOT_EMAIL}",
            "-c", "commit.gpgsign=false")
REJECTED_MARKS = ("fetch first", "non-fast-forward", "[rejected]", "stale info")


class GitFailed(Exception):
    """A git command exited non-zero; the message carries its stderr."""


def git(repo: Path, *args: str, check: bool = True) -> str:
    """Run git with an argument list (never a shell), returning stdout."""
    done = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True,
                          check=False)
    if check and done.returncode != 0:
        raise GitFailed(f"git {args[0] if args[0] != '-c' else 'command'}: "
                        f"{done.stderr.strip() or done.stdout.strip()}")
    return done.stdout


@dataclass(frozen=True)
class CommitResult:
    status: str
    """committed, unchanged or failed."""
    attempts: int = 0
    detail: str = ""
    commit: str = ""

    def as_json(self) -> dict[str, Any]:
        return {"status": self.status, "attempts": self.attempts, "detail": self.detail,
                "commit": self.commit}


def merge_state_texts(ours: str, theirs: str | None) -> str:
    """Union of two state files; where both hold an entry, the one updated last wins.

    Entries are only ever added or moved forward by runs, so the newest ``updated_at``
    is the truest; on a tie ours wins (it is the run that just talked to the platform).
    """
    def parsed(text: str | None) -> State:
        return State.parse(json.loads(text), Path("state.json")) if text else State(Path("state.json"))

    mine, other = parsed(ours), parsed(theirs)
    merged = other.posts
    for key, platforms in mine.posts.items():
        for name, entry in platforms.items():
            known = merged.get(key, {}).get(name)
            if known is None or (entry.updated_at or "") >= (known.updated_at or ""):
                merged.setdefault(key, {})[name] = entry
    return State(Path("state.json"), merged, site=mine.site or other.site,
                 accounts={**other.accounts, **mine.accounts}).to_text()


def commit_state(repo: Path, state_path: Path, *, branch: str, remote: str = "origin",
                 attempts: int = 5, message: str = MESSAGE) -> CommitResult:
    """Commit ``state_path`` alone and push it to ``branch``, integrating newer commits."""
    try:
        top = Path(git(repo, "rev-parse", "--show-toplevel").strip()).resolve()
        rel = state_path.resolve().relative_to(top).as_posix()
        # --ignored and --force: the state file is committed even where a .gitignore
        # (the author's, or the sandbox's own) covers it; it is the one file we mean to add.
        if not git(top, "status", "--porcelain", "--ignored", "--", rel).strip():
            return CommitResult("unchanged", detail=f"{rel} has no change to commit")
        git(top, "add", "--force", "--", rel)
        git(top, *IDENTITY, "commit", "--quiet", "-m", message, "--", rel)
    except (GitFailed, ValueError) as exc:
        return CommitResult("failed", detail=str(exc))
    last = ""
    for attempt in range(1, attempts + 1):
        done = subprocess.run(["git", "-C", str(top), "push", "--porcelain", remote,
                               f"HEAD:refs/heads/{branch}"], capture_output=True, text=True,
                              check=False)
        if done.returncode == 0:
            return CommitResult("committed", attempt, commit=git(top, "rev-parse", "HEAD").strip())
        last = (done.stderr.strip() + "\n" + done.stdout.strip()).strip()
        if not any(mark in last for mark in REJECTED_MARKS):
            return CommitResult("failed", attempt, detail=explain(last, rel))
        if attempt == attempts:
            break
        try:
            integrate(top, rel, remote, branch, message)
        except GitFailed as exc:
            return CommitResult("failed", attempt, detail=f"could not integrate {branch}: {exc}")
    return CommitResult("failed", attempts,
                        detail=f"the push was rejected {attempts} times (busy branch): {last} "
                        + not_saved(rel))


def integrate(top: Path, rel: str, remote: str, branch: str, message: str) -> None:
    """Bring the remote tip in: rebase if clean, else merge with the state files united."""
    git(top, "fetch", "--quiet", remote, f"refs/heads/{branch}")
    rebased = subprocess.run(["git", "-C", str(top), *IDENTITY, "rebase", "--autostash",
                              "FETCH_HEAD"], capture_output=True, text=True, check=False)
    if rebased.returncode == 0:
        return
    git(top, "rebase", "--abort", check=False)
    ours = git(top, "show", f"HEAD:{rel}")
    theirs_show = subprocess.run(["git", "-C", str(top), "show", f"FETCH_HEAD:{rel}"],
                                 capture_output=True, text=True, check=False)
    theirs = theirs_show.stdout if theirs_show.returncode == 0 else None
    git(top, *IDENTITY, "merge", "--no-ff", "--no-commit", "FETCH_HEAD", check=False)
    unmerged = set(filter(None, git(top, "diff", "--name-only", "--diff-filter=U").splitlines()))
    if unmerged - {rel}:
        git(top, "merge", "--abort", check=False)
        raise GitFailed("files other than the state file conflict: " + ", ".join(sorted(unmerged)))
    try:
        merged = merge_state_texts(ours, theirs)
    except (ValueError, TypeError, AttributeError) as exc:  # their file is not a state file
        git(top, "merge", "--abort", check=False)
        raise GitFailed(f"the branch's {rel} could not be read ({exc}); not merged") from None
    (top / rel).write_text(merged, encoding="utf-8")
    git(top, "add", "--force", "--", rel)
    git(top, *IDENTITY, "commit", "--quiet", "--no-edit", "-m", message)


def explain(stderr: str, rel: str) -> str:
    """A refused push that retrying cannot fix: say why and what to do with the state."""
    hint = not_saved(rel)
    if "protected branch" in stderr or "GH006" in stderr or "GH013" in stderr:
        return ("the branch is protected and refused the Actions bot's push; allow "
                "github-actions[bot] to bypass the rule or run syndicate on an unprotected "
                f"branch. {hint}")
    if "403" in stderr or "Permission" in stderr or "denied" in stderr:
        return ("the push was refused for lack of permission; give the workflow "
                f"'permissions: contents: write'. {hint}")
    return f"git push failed: {stderr.strip()} {hint}"


def not_saved(rel: str) -> str:
    return (f"The state file {rel} was NOT saved to the repository: commit it by hand (the "
            "workflow uploads it as the 'syndicate-state' artifact) or the next run may publish "
            "these posts again.")
