"""One scan for every place a token could leak: output, logs, previews, state, errors.

Every command runs against the loopback sandbox with each platform's secret set in the
environment (verbose logging on, faults injected so error paths run too); then stdout,
stderr and every file syndicate wrote are searched for each secret, whole and in parts.
"""

from __future__ import annotations

import base64
import shutil
import subprocess
import sys
from pathlib import Path

from adapters.medium.fake import MEDIUM_TOKEN
from adapters.telegram.fake import TELEGRAM_BOT_TOKEN, TELEGRAPH_TOKEN
from adapters.wordpress.fake import WORDPRESS_APP_PASSWORD, WORDPRESS_USER
from syndicate.sandbox.faults import FaultPlan
from tests.conftest import EXAMPLE_BLOG
from tests.test_kill_push import LoopbackSandbox

SECRETS = [MEDIUM_TOKEN, TELEGRAM_BOT_TOKEN, TELEGRAPH_TOKEN,
           WORDPRESS_APP_PASSWORD, WORDPRESS_APP_PASSWORD.replace(" ", ""),
           base64.b64encode(
               f"{WORDPRESS_USER}:{WORDPRESS_APP_PASSWORD}".encode()).decode(),
           TELEGRAM_BOT_TOKEN.split(":", 1)[1]]


def run(args: list[str], env: dict[str, str]) -> str:
    result = subprocess.run([sys.executable, "-m", "syndicate.cli", *args], env=env,
                            capture_output=True, text=True, timeout=300)
    return result.stdout + result.stderr


def test_no_secret_appears_in_any_output_log_preview_state_or_error(tmp_path: Path) -> None:
    site = tmp_path / "blog"
    shutil.copytree(EXAMPLE_BLOG, site, ignore=shutil.ignore_patterns(".syndicate"))
    box = LoopbackSandbox(tmp_path / "fakes", FaultPlan(rate=0.5, seed=7))
    try:
        env = {**box.env(), "SYNDICATE_TELEGRAM__MODE": "telegraph"}
        outputs = [
            run(["preview", "--site", str(site)], env),
            run(["preview", "--site", str(site), "--json"], env),
            run(["plan", "--site", str(site), "--json"], env),
            run(["push", "--site", str(site), "--verbose"], env),
            run(["push", "--site", str(site), "--json", "--verbose"], env),
            run(["status", "--site", str(site)], env),
            run(["check", "--site", str(site)], env),
            run(["resolve", "--site", str(site)], env),
            # a settings error must not echo the values it was given
            run(["push", "--site", str(site)],
                {**env, "SYNDICATE_TELEGRAM__MODE": TELEGRAM_BOT_TOKEN}),
        ]
    finally:
        box.close()
    assert any("created" in o for o in outputs), "the pushes must really have run"
    written = [p.read_text(encoding="utf-8", errors="replace") for p in site.rglob("*")
               if p.is_file() and ".syndicate" in p.parts]
    assert written, "the state file must exist"
    for secret in SECRETS:
        for text in outputs + written:
            assert secret not in text
