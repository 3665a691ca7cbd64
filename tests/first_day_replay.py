# ruff: noqa: T201  (a replay script: printing the transcript is its job)
"""Replay a new user's first day on a copy of a real blog, and print what happened.

    python -m tests.first_day_replay [BLOG] [--full]

BLOG defaults to the Hux blog in tests/corpus (46 real posts, Chinese and English). The
copy loses any syndicate.toml and state, as a blog that never met syndicate. Then, as the
user would: ``init``, write a new post, ``plan``, ``preview``, ``push`` to the sandbox,
``status``, and a second ``push``. Each step prints the command, the first lines of its
output (all of them with --full), and one line saying what happened, checked against
the output: a step that does not do what the line says stops the replay (exit 1).
No accounts and no network: the sandbox imitates every platform.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_BLOG = ROOT / "tests" / "corpus" / "jekyll-hux"
SYNDICATE = str(Path(sys.executable).parent / "syndicate")
SHOWN_LINES = 10


class ReplayFailed(AssertionError):
    pass


class Replay:
    def __init__(self, site: Path, *, full: bool, write: Callable[[str], object] = print) -> None:
        self.site = site
        self.full = full
        self.write = write
        self.env = {k: v for k, v in os.environ.items() if not k.upper().startswith("SYNDICATE_")}
        self.env.update({"COLUMNS": "100", "NO_COLOR": "1"})

    def run(self, title: str, *args: str) -> subprocess.CompletedProcess[str]:
        shown = " ".join(args).replace(str(self.site), "BLOG")
        self.write(f"\n## {title}\n$ syndicate {shown}")
        done = subprocess.run([SYNDICATE, *args], capture_output=True, text=True, env=self.env,
                              stdin=subprocess.DEVNULL, timeout=600, check=False)
        lines = [line for line in (done.stderr + done.stdout).replace(str(self.site), "BLOG")
                 .splitlines() if line.strip()]
        for line in lines if self.full else lines[:SHOWN_LINES]:
            self.write(f"  {line}")
        if not self.full and len(lines) > SHOWN_LINES:
            self.write(f"  … {len(lines) - SHOWN_LINES} more line(s)")
        return done

    def said(self, ok: bool, what: str) -> None:
        self.write(f"→ {what}" if ok else f"✗ expected: {what}")
        if not ok:
            raise ReplayFailed(what)


def copy_blog(source: Path, into: Path) -> Path:
    site = into / source.name
    shutil.copytree(source, site, ignore=shutil.ignore_patterns(".syndicate", "syndicate.toml",
                                                                 ".env", "_site"))
    if (source / "syndicate.toml").is_file():  # a corpus site whose config lacks its URL
        url = re.search(r'^url\s*=\s*"([^"]+)"', (source / "syndicate.toml").read_text("utf-8"), re.M)
        if url:
            with (site / "_config.yml").open("a", encoding="utf-8") as handle:
                handle.write(f"\nurl: {url.group(1)}\n")
    return site


def first_day(site: Path, *, full: bool = False, write: Callable[[str], object] = print) -> None:
    day = Replay(site, full=full, write=write)
    posts = sum(1 for p in site.rglob("*") if p.suffix in (".md", ".markdown")
                and "_posts" in p.parts)
    write(f"# First day on a copy of {site.name} ({posts} posts), no accounts, no network")

    done = day.run("1. Set the blog up", "init", "--site", str(site))
    baseline = re.search(r"recorded (\d+) post × platform pair", done.stdout)
    day.said(done.returncode == 0 and baseline is not None and (site / "syndicate.toml").is_file()
             and (site / ".env").is_file(),
             f"syndicate.toml, .env and .env.example written; {baseline.group(1) if baseline else '?'} "
             "existing post × platform pairs recorded as a baseline, so none of them is ever sent")

    today = date.today().isoformat()
    new_post = site / "_posts" / f"{today}-hello-syndicate.md"
    new_post.write_text(f"---\ntitle: Hello from syndicate\ndate: {today}\ntags: [meta]\n---\n"
                        "The first post written after setting syndicate up.\n\n"
                        "```python\nprint('never twice')\n```\n", encoding="utf-8")
    write(f"\n## 2. Write a new post\n  {new_post.relative_to(site)}")

    done = day.run("3. Plan (no credentials yet: the sandbox shows what each platform would get)",
                   "plan", "--sandbox", "--site", str(site))
    summary = re.search(r"^plan: (\d+) create \((\d+) skip\)$", done.stdout, re.M)
    rows = [line for line in done.stdout.splitlines() if "│ create" in line]
    creates = len(rows)
    day.said(summary is not None and len(rows) == int(summary.group(1)) >= 3
             and all("hello-syndicate.md" in row for row in rows),
             f"only the new post is to be created, on {len(rows)} platforms; the {posts} old posts "
             "are counted as skipped (dated before the 'since' day init set), not listed")

    out_dir = site.parent / "preview"
    done = day.run("4. Preview", "preview", "--site", str(site), "--html", str(out_dir))
    day.said(done.returncode == 0 and "Hello from syndicate" in done.stdout
             and (out_dir / "index.html").is_file(),
             "the preview shows the new post alone, each panel titled 'create', and the browsable "
             "preview site was written outside the blog")

    done = day.run("5. Push to the sandbox", "push", "--sandbox", "--site", str(site))
    created = re.search(r"^push: (\d+) created", done.stdout, re.M)
    day.said(done.returncode == 0 and created is not None and int(created.group(1)) == creates,
             f"{created.group(1) if created else 0} copies created, one line each as they went out "
             "(plain lines: this is not a terminal), then one summary line")

    done = day.run("6. Status", "status", "--sandbox", "--site", str(site))
    day.said(done.returncode == 0 and "hello-syndicate" in done.stdout and "published" in done.stdout,
             "the state records where the new post lives on each platform, URLs whole")

    done = day.run("7. Push again", "push", "--sandbox", "--site", str(site))
    day.said(done.returncode == 0 and "push: nothing to do" in done.stdout
             and "created" not in done.stderr,
             "nothing is sent twice")


def main(argv: list[str]) -> int:
    full = "--full" in argv
    blog = Path(next((a for a in argv if not a.startswith("--")), DEFAULT_BLOG))
    with tempfile.TemporaryDirectory(prefix="first-day-") as folder:
        try:
            first_day(copy_blog(blog, Path(folder)), full=full)
        except ReplayFailed:
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
