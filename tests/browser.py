"""A headless Chromium for tests: the rendered DOM and screenshots of local pages.

Playwright cannot download browsers here, so this drives Debian's ``chromium`` through
its command line: one launch per call, a fresh profile each time, every background
service that could reach the network switched off. A missing browser is installed with
apt when running as root; if that fails the test FAILS, because a preview that was never
looked at in a browser is exactly what these tests exist to prevent.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from functools import cache
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
PACKAGES = ("chromium", "fonts-wqy-microhei", "fonts-noto-color-emoji")
"""The browser, plus fonts for Chinese and emoji so screenshots show text, not boxes."""
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
         "--disable-extensions", "--hide-scrollbars")
TIMEOUT = 60


def has_cjk_font() -> bool:
    try:
        listed = subprocess.run(["fc-list", ":lang=zh"], capture_output=True, text=True,
                                timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return bool(listed.stdout.strip())


@cache
def ensure_chromium() -> Path:
    """The chromium binary, installed with apt first if it is missing (fail, never skip)."""
    if CHROMIUM.exists() and has_cjk_font():
        return CHROMIUM
    steps = (["apt-get", "update"],
             ["apt-get", "install", "-y", "--no-install-recommends", *PACKAGES])
    for step in steps:
        try:
            done = subprocess.run(step, capture_output=True, text=True, timeout=900,
                                  env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"})
        except (OSError, subprocess.TimeoutExpired) as exc:
            pytest.fail(f"could not install chromium ({' '.join(step)}): {exc}")
        if done.returncode != 0:
            pytest.fail(f"could not install chromium ({' '.join(step)}): {done.stderr[-2000:]}")
    if not CHROMIUM.exists():
        pytest.fail("apt-get reported success but /usr/bin/chromium is still missing")
    return CHROMIUM


def run_chromium(*args: str) -> subprocess.CompletedProcess[str]:
    """One headless launch with a throw-away profile."""
    binary = ensure_chromium()
    profile = tempfile.mkdtemp(prefix="syndicate-chromium-")
    try:
        done = subprocess.run([str(binary), *FLAGS, f"--user-data-dir={profile}", *args],
                              capture_output=True, text=True, timeout=TIMEOUT)
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    if done.returncode != 0:
        pytest.fail(f"chromium exited with {done.returncode}: {done.stderr[-2000:]}")
    return done


def dump_dom(page: Path | str) -> str:
    """The DOM after Chromium parsed and laid out ``page`` (a local file or a loopback URL)."""
    url = page if isinstance(page, str) else page.resolve().as_uri()
    return run_chromium("--virtual-time-budget=2000", "--dump-dom", url).stdout


def screenshot(page: Path, target: Path, width: int, height: int) -> Path:
    """A PNG of ``page`` at ``width``×``height`` CSS pixels, written to ``target``."""
    target.parent.mkdir(parents=True, exist_ok=True)
    run_chromium(f"--screenshot={target.resolve()}", f"--window-size={width},{height}",
                 "--virtual-time-budget=2000", page.resolve().as_uri())
    if not target.exists() or target.stat().st_size == 0:
        pytest.fail(f"chromium wrote no screenshot to {target}")
    return target
