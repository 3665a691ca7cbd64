"""action.yml: marketplace metadata, and no input can become shell code.

The run step is executed for real with bash, a stub ``syndicate`` on PATH recording the
arguments it received, and hostile input values.
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import ROOT

ACTION = ROOT / "action.yml"


def action() -> dict[str, Any]:
    data = yaml.safe_load(ACTION.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def steps() -> list[dict[str, Any]]:
    return list(action()["runs"]["steps"])


def test_no_run_script_contains_an_expression() -> None:
    scripts = [step["run"] for step in steps() if "run" in step]
    assert scripts, "the action has shell steps"
    for script in scripts:
        assert "${{" not in script, script


def test_marketplace_metadata_and_documented_inputs_and_outputs() -> None:
    data = action()
    assert data["name"] and data["description"] and data["author"]
    assert set(data["branding"]) == {"icon", "color"}
    assert data["runs"]["using"] == "composite"
    inputs = data["inputs"]
    assert set(inputs) == {"site", "config", "platforms", "dry-run", "commit-state",
                           "python-version"}
    assert inputs["commit-state"]["default"] == "true"
    assert all(spec["description"].strip() for spec in inputs.values())
    outputs = data["outputs"]
    assert {"created", "updated", "failed", "report"} <= set(outputs)
    for spec in outputs.values():
        assert spec["description"].strip()
        assert re.fullmatch(r"\$\{\{ steps\.syndicate\.outputs\.[a-z-]+ \}\}", spec["value"])


def test_syndicate_is_installed_from_the_actions_own_checkout() -> None:
    installs = [s["run"] for s in steps() if "run" in s and "pip install" in s["run"]]
    assert len(installs) == 1 and '"$GITHUB_ACTION_PATH"' in installs[0]


def test_every_input_reaches_the_shell_through_env() -> None:
    run_step = next(s for s in steps() if s.get("id") == "syndicate")
    env_values = " ".join(run_step["env"].values())
    for name in ("site", "config", "platforms", "dry-run", "commit-state"):
        assert f"inputs.{name}" in env_values


def run_step(tmp_path: Path, **inputs: str) -> tuple[subprocess.CompletedProcess[str], list[str]]:
    """Execute the 'Run syndicate' script with a stub syndicate; returns the args it got."""
    script = next(s for s in steps() if s.get("id") == "syndicate")["run"]
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    record = tmp_path / "args"
    stub = bin_dir / "syndicate"
    stub.write_text(f'#!/bin/bash\nprintf "%s\\0" "$@" > "{record}"\n', encoding="utf-8")
    stub.chmod(0o755)
    env = {"PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}", "GITHUB_WORKSPACE": str(tmp_path),
           "ACTION_SITE": ".", "ACTION_CONFIG": "", "ACTION_PLATFORMS": "",
           "ACTION_DRY_RUN": "false", "ACTION_COMMIT_STATE": "true"}
    env.update({f"ACTION_{k.upper()}": v for k, v in inputs.items()})
    done = subprocess.run(["bash", "-c", script], env=env, cwd=tmp_path, capture_output=True,
                          text=True, check=False)
    args = record.read_text(encoding="utf-8").split("\0")[:-1] if record.exists() else []
    return done, args


def test_inputs_become_arguments(tmp_path: Path) -> None:
    done, args = run_step(tmp_path, platforms="wordpress, telegram", dry_run="true")
    assert done.returncode == 0, done.stderr
    assert args == ["ci", "--site", ".", "--platform", "wordpress", "--platform", "telegram",
                    "--dry-run", "--commit-state"]


@pytest.mark.parametrize("field", ["site", "platforms", "config", "dry_run", "commit_state"])
def test_hostile_inputs_run_nothing(tmp_path: Path, field: str) -> None:
    pwned = tmp_path / "pwned"
    hostile = f"$(touch {pwned})`touch {pwned}`;touch {pwned}"
    done, args = run_step(tmp_path, **{field: hostile})
    assert not pwned.exists()
    if field == "site":
        assert args[:3] == ["ci", "--site", hostile]
    else:
        assert done.returncode == 2 and args == []
