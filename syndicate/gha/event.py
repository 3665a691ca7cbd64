"""What GitHub tells a step about its run, read once from the environment.

Only the variables GitHub documents for every job are used, and nothing here trusts
their content beyond its type: the event file is JSON written by GitHub, but the
commits it names may be unknown to the local clone (shallow checkout, forced push),
so every git question has an honest "don't know" answer (``None``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from syndicate.gha.gitstate import GitFailed, git

ZERO_SHA = re.compile(r"^0+$")
SHA = re.compile(r"^[0-9a-f]{7,64}$")


@dataclass(frozen=True)
class GitHubEnv:
    """The GITHUB_* variables ``syndicate ci`` reads; empty values mean "not in a workflow"."""

    event_name: str = ""
    event_path: Path | None = None
    step_summary: Path | None = None
    output: Path | None = None
    workspace: Path | None = None
    ref: str = ""
    ref_name: str = ""
    server_url: str = "https://github.com"
    repository: str = ""
    sha: str = ""
    runner_temp: Path | None = None
    payload: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def from_environ(cls, environ: Mapping[str, str]) -> GitHubEnv:
        def path(name: str) -> Path | None:
            value = environ.get(name, "")
            return Path(value) if value else None

        event_path = path("GITHUB_EVENT_PATH")
        return cls(
            event_name=environ.get("GITHUB_EVENT_NAME", ""),
            event_path=event_path,
            step_summary=path("GITHUB_STEP_SUMMARY"),
            output=path("GITHUB_OUTPUT"),
            workspace=path("GITHUB_WORKSPACE"),
            ref=environ.get("GITHUB_REF", ""),
            ref_name=environ.get("GITHUB_REF_NAME", ""),
            server_url=environ.get("GITHUB_SERVER_URL", "") or "https://github.com",
            repository=environ.get("GITHUB_REPOSITORY", ""),
            sha=environ.get("GITHUB_SHA", ""),
            runner_temp=path("RUNNER_TEMP"),
            payload=read_payload(event_path),
        )

    @property
    def full_ref(self) -> str:
        ref = self.ref or self.payload.get("ref")
        return ref if isinstance(ref, str) else ""

    @property
    def branch(self) -> str:
        """The branch the run is on; empty for a tag or when GitHub did not say."""
        ref = self.full_ref
        if ref:
            return ref.removeprefix("refs/heads/") if ref.startswith("refs/heads/") else ""
        return self.ref_name


def read_payload(path: Path | None) -> Mapping[str, Any]:
    """The webhook payload; a missing or unreadable file is an empty event (state alone decides)."""
    if path is None or not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return {}
    return data if isinstance(data, dict) else {}


@dataclass(frozen=True)
class PushRange:
    before: str
    after: str


def push_range(env: GitHubEnv) -> PushRange | None:
    """The commits a push moved the branch between, or None when they cannot be trusted.

    None for: not a push, a first push or a new branch (``before`` all zeros), a forced
    push (``before`` is no longer an ancestor, so a diff would mislead), or malformed SHAs.
    """
    if env.event_name != "push":
        return None
    before, after = env.payload.get("before"), env.payload.get("after")
    if not isinstance(before, str) or not isinstance(after, str):
        return None
    if env.payload.get("forced") is True or ZERO_SHA.match(before) or ZERO_SHA.match(after):
        return None
    if not SHA.match(before) or not SHA.match(after):
        return None
    return PushRange(before, after)


def changed_files(repo: Path, span: PushRange, site_root: Path) -> set[str] | None:
    """Site-relative paths the push touched, or None if git cannot answer (unknown commit).

    ``before`` may be missing from a shallow clone; that is "don't know", never "nothing".
    """
    try:
        top = Path(git(repo, "rev-parse", "--show-toplevel").strip()).resolve()
        git(repo, "cat-file", "-e", f"{span.before}^{{commit}}")
        git(repo, "cat-file", "-e", f"{span.after}^{{commit}}")
        out = git(repo, "diff", "--name-only", "-z", "--no-renames", span.before, span.after)
    except GitFailed:
        return None
    site = site_root.resolve()
    changed: set[str] = set()
    for name in filter(None, out.split("\0")):
        full = top / name
        try:
            changed.add(full.relative_to(site).as_posix())
        except ValueError:
            continue  # outside the site folder
    return changed
