"""Test helpers for the Action: a git repository holding the example blog, a bare origin,
the fakes already holding every existing post, and a faked GitHub environment."""

from __future__ import annotations

import asyncio
import json
import shutil
import subprocess
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from syndicate import planner
from syndicate.engine import Engine
from syndicate.sandbox.server import Sandbox
from syndicate.sources import open_site
from syndicate.state import State
from syndicate.workflow import config_fingerprint, load_adapters, sandbox_overrides, select_platforms
from tests.conftest import EXAMPLE_BLOG
from tests.sandboxing import SimClock

SITE = "blog"
STATE = f"{SITE}/.syndicate/sandbox/state.json"
FAKES = ".syndicate/sandbox/fakes"
ENV = {"GIT_AUTHOR_NAME": "Author", "GIT_AUTHOR_EMAIL": "author@example.com",
       "GIT_COMMITTER_NAME": "Author", "GIT_COMMITTER_EMAIL": "author@example.com",
       "GIT_CONFIG_NOSYSTEM": "1", "HOME": "/nonexistent"}


def git(repo: Path, *args: str) -> str:
    import os

    done = subprocess.run(["git", "-C", str(repo), "-c", "commit.gpgsign=false",
                           "-c", "init.defaultBranch=main", *args],
                          capture_output=True, text=True, env={**os.environ, **ENV}, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout


def prepublish(site: Path) -> None:
    """Every existing post already in the fakes and the sandbox state (simulated time, instant)."""
    clock = SimClock(now=time.time() - 7200)
    box = Sandbox(site / FAKES, sleep=clock.sleep, clock=clock, daily_cap=10_000)
    opened = open_site(site)
    names = select_platforms(opened.config, None)
    adapters = load_adapters(opened.root, opened.config, names,
                             overrides=sandbox_overrides(box.settings_env("http://sandbox.invalid")))
    fingerprints = {n: config_fingerprint(a, opened.config) for n, a in adapters.items()}
    state = State.read(site / ".syndicate" / "sandbox" / "state.json")
    actions, errors = planner.plan(opened, adapters, state, opened.config, fingerprints)
    assert not errors
    outcomes = asyncio.run(Engine(adapters, state, transports={n: box.transport() for n in names},
                                  sleep=clock.sleep).run(actions))
    assert not [o for o in outcomes if o.outcome in ("failed", "uncertain")]


def build_template(root: Path, platforms: Sequence[str] | None = None) -> Path:
    """origin.git (bare) and work/ (a clone with the example blog published and committed).

    ``platforms`` limits the blog to those (``platforms_enabled``), for tests that count them."""
    origin, work = root / "origin.git", root / "work"
    subprocess.run(["git", "init", "--quiet", "--bare", "-b", "main", str(origin)], check=True)
    work.mkdir()
    git(work, "init", "--quiet", "-b", "main")
    shutil.copytree(EXAMPLE_BLOG, work / SITE, ignore=shutil.ignore_patterns(".syndicate"))
    if platforms is not None:
        toml = work / SITE / "syndicate.toml"
        toml.write_text(f"platforms_enabled = {json.dumps(list(platforms))}\n"
                        + toml.read_text(encoding="utf-8"), encoding="utf-8")
    prepublish(work / SITE)
    git(work, "add", "--", SITE, f":!{SITE}/.syndicate")
    git(work, "add", "--", STATE)
    git(work, "commit", "--quiet", "-m", "blog with its state")
    git(work, "remote", "add", "origin", str(origin))
    git(work, "push", "--quiet", "origin", "main")
    return root


@dataclass
class Repo:
    root: Path
    work: Path
    origin: Path

    @property
    def site(self) -> Path:
        return self.work / SITE

    def head(self, where: str = "origin") -> str:
        repo = self.origin if where == "origin" else self.work
        return git(repo, "rev-parse", "main").strip()

    def commit_post(self, rel: str, text: str, message: str = "new post") -> tuple[str, str]:
        """Write a post, commit and push it as the author: the (before, after) of that push."""
        before = self.head()
        path = self.site / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        git(self.work, "add", str(path))
        git(self.work, "commit", "--quiet", "-m", message)
        git(self.work, "push", "--quiet", "origin", "main")
        return before, self.head()

    def environ(self, event: str, payload: dict[str, Any]) -> dict[str, str]:
        """The GITHUB_* variables a runner would set, pointing into this test's folder."""
        gh = self.root / "github"
        gh.mkdir(exist_ok=True)
        (gh / "event.json").write_text(json.dumps(payload), encoding="utf-8")
        for name in ("summary.md", "output.txt"):
            (gh / name).touch()
        return {"GITHUB_EVENT_NAME": event, "GITHUB_EVENT_PATH": str(gh / "event.json"),
                "GITHUB_STEP_SUMMARY": str(gh / "summary.md"),
                "GITHUB_OUTPUT": str(gh / "output.txt"),
                "GITHUB_WORKSPACE": str(self.work), "GITHUB_REF_NAME": "main",
                "RUNNER_TEMP": str(gh)}

    def summary(self) -> str:
        return (self.root / "github" / "summary.md").read_text(encoding="utf-8")

    def outputs(self) -> dict[str, str]:
        lines = (self.root / "github" / "output.txt").read_text(encoding="utf-8").splitlines()
        values: dict[str, str] = {}
        i = 0
        while i < len(lines):
            name, _, delimiter = lines[i].partition("<<")
            end = lines.index(delimiter, i + 1)
            values[name] = "\n".join(lines[i + 1:end])
            i = end + 1
        return values

    def fakes(self) -> dict[str, list[dict[str, Any]]]:
        return Sandbox(self.site / FAKES).posts()

    def other_clone(self, name: str = "other") -> Path:
        """Someone else's clone of origin, to push commits while the Action runs."""
        target = self.root / name
        subprocess.run(["git", "clone", "--quiet", str(self.origin), str(target)], check=True,
                       capture_output=True)
        return target


def copy_template(template: Path, target: Path) -> Repo:
    shutil.copytree(template, target, symlinks=True)
    work = target / "work"
    git(work, "remote", "set-url", "origin", str(target / "origin.git"))
    return Repo(target, work, target / "origin.git")


def post_text(title: str) -> str:
    """A short post whose title is written as a YAML string, whatever it contains."""
    return POST.format(title=json.dumps(title, ensure_ascii=False))


POST = """---
title: {title}
date: 2025-03-01 10:00:00 +0800
tags: [notes]
---

A short new post, written to test the GitHub Action.

```sh
echo "code stays code"
```
"""
