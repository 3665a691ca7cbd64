"""A third party's platform package gets the sandbox and the preview for free.

``tests/example_platform`` is a package of its own (``pigeon_post``), laid out as a
folder under ``adapters/`` is and registered by one entry point. It is installed here
with pip into a private folder (offline: ``--no-index --no-build-isolation``, built by
hatchling from the test extras), and syndicate runs in a subprocess with that folder on
PYTHONPATH, so importlib.metadata finds the entry point exactly as after a real install.
Nothing in syndicate is changed or told about it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

EXAMPLE = ROOT / "tests" / "example_platform"


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("pigeon")
    source = work / "src"
    shutil.copytree(EXAMPLE, source, ignore=shutil.ignore_patterns("__pycache__"))
    target = work / "site-packages"
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-index",
                    "--no-build-isolation", "--target", str(target), str(source)],
                   check=True, capture_output=True, text=True)
    assert list(target.glob("syndicate_pigeon_post-*.dist-info"))
    return target


def run(installed: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(cwd),
           "PYTHONPATH": str(installed), "SYNDICATE_NO_MEMO": "1"}
    return subprocess.run([sys.executable, *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=300)


def test_the_registry_sandbox_and_env_example_see_the_installed_platform(installed: Path,
                                                                         tmp_path: Path) -> None:
    probe = ("import json\n"
             "from syndicate.registry import available\n"
             "from syndicate.sandbox.router import Sandbox\n"
             "from syndicate.generate import env_example, platform_table\n"
             "box = Sandbox()\n"
             "print(json.dumps({'platforms': list(available()), 'mounted': list(box.fakes),\n"
             "  'env': box.settings_env('http://127.0.0.1:9'), 'example': env_example(),\n"
             "  'table': platform_table()}))\n")
    result = run(installed, "-c", probe, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout)
    assert "pigeon" in seen["platforms"] and "pigeon" in seen["mounted"]
    assert seen["env"]["SYNDICATE_PIGEON__BASE_URL"] == "http://127.0.0.1:9/pigeon"
    assert "SYNDICATE_PIGEON__TOKEN=" in seen["example"]
    assert "| Pigeon Post | title and link |" in seen["table"]


def test_a_sandbox_push_publishes_to_the_third_party_fake(installed: Path,
                                                         example_blog: Path) -> None:
    result = run(installed, "-m", "syndicate.cli", "push", "--sandbox", "--site", str(example_blog),
                 "--platform", "pigeon", "--json", cwd=example_blog)
    assert result.returncode == 0, result.stderr
    outcomes = [(r["platform"], r["outcome"]) for r in json.loads(result.stdout)["results"]]
    created = [r for r in json.loads(result.stdout)["results"] if r["outcome"] == "created"]
    assert created and {p for p, _ in outcomes} == {"pigeon"}
    assert all(r["url"].startswith("http://127.0.0.1/pigeon/notes/") for r in created)
    held = json.loads((example_blog / ".syndicate" / "sandbox" / "fakes" / "pigeon.json")
                      .read_text(encoding="utf-8"))
    assert len(held["notes"]) == len(created), "the fake holds exactly what was sent"
    again = run(installed, "-m", "syndicate.cli", "push", "--sandbox", "--site", str(example_blog),
                "--platform", "pigeon", "--json", cwd=example_blog)
    assert again.returncode == 0, again.stderr
    assert not [r for r in json.loads(again.stdout)["results"] if r["outcome"] == "created"]

def test_the_preview_draws_the_third_party_view_with_its_css(installed: Path, example_blog: Path,
                                                             tmp_path: Path) -> None:
    out = tmp_path / "site"
    result = run(installed, "-m", "syndicate.cli", "preview", "--site", str(example_blog),
                 "--platform", "pigeon", "--html", str(out), cwd=example_blog)
    assert result.returncode == 0, result.stderr
    pages = [p.read_text(encoding="utf-8") for p in out.glob("post-*.html")]
    assert pages and all('class="pigeon-slip"' in page and ".pigeon-slip {" in page
                         for page in pages)
    assert "Pigeon Post" in (out / "index.html").read_text(encoding="utf-8")
