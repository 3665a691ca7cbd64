"""Mistakes a user makes in syndicate.toml or on the command line: one line, exit 2, no traceback.

Each of these once passed silently (a typo'd table, ``enabled = "no"``, ``--post`` naming
nothing) or crashed on the first post (a bad selector or footer template).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from syndicate.cli import app

runner = CliRunner()


def invoke(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stderr


def with_config(blog: Path, toml: str) -> Path:
    (blog / "syndicate.toml").write_text(toml, encoding="utf-8")
    return blog


@pytest.mark.parametrize(("toml", "expected"), [
    ('[parts]\nfooter = "{nope}"\n', "unknown field '{nope}'"),
    ('[parts]\nfooter = "Read {title"\n', "footer template"),
    ('[parts]\nfooter = "{title!r:>9}"\n', "takes no '!' conversion"),
    ('[platforms.telegram]\nfooter = "{title.__class__}"\n', "platforms.telegram.footer"),
    ('[parts]\ndrop = ["<<<"]\n', "invalid CSS selector '<<<'"),
    ('[parts]\nreplace = {"p:nth(" = "x"}\n', "invalid CSS selector 'p:nth('"),
    ('[platforms.wordpress]\ndrop = ["a["]\n', "platforms.wordpress.drop"),
    ('[platforms.telegram]\ndrop = ".x"\n', "platforms.telegram.drop: Input should be a valid list"),
    ('[platforms.telegram]\nenabled = "no"\n', "platforms.telegram.enabled: expected true or false"),
    ('[platforms.telegarm]\nmode = "full"\n', "unknown platform 'telegarm'"),
])
def test_a_bad_setting_is_one_line_naming_it(example_blog: Path, toml: str, expected: str) -> None:
    code, err = invoke("plan", "--site", str(with_config(example_blog, toml)))
    assert code == 2, err
    assert err.startswith("error: ") and expected in err
    assert "Traceback" not in err and "errors.pydantic.dev" not in err
    assert len(err.strip().splitlines()) == 1, err


def test_a_footer_with_literal_braces_and_known_fields_is_accepted(example_blog: Path) -> None:
    toml = '[parts]\nfooter = "{{via}} {title} at {canonical_url} on {site_url}"\n'
    code, err = invoke("preview", "--site", str(with_config(example_blog, toml)), "--json")
    assert code == 0, err


def test_init_on_a_missing_folder_is_a_usage_error_and_creates_nothing(tmp_path: Path) -> None:
    code, err = invoke("init", "--site", str(tmp_path / "nope"))
    assert code == 2 and "no such folder" in err
    assert not (tmp_path / "nope").exists()
    a_file = tmp_path / "a-file"
    a_file.write_text("x", encoding="utf-8")
    code, err = invoke("init", "--site", str(a_file))
    assert code == 2 and "no such folder" in err


@pytest.mark.parametrize("command", [["plan"], ["preview"], ["push", "--sandbox"],
                                     ["push", "--sandbox", "--dry-run"]])
def test_a_post_option_naming_no_post_is_a_usage_error(example_blog: Path, command: list[str]) -> None:
    code, err = invoke(*command, "--site", str(example_blog), "--post", "_posts/2024-01-01-typo.md")
    assert code == 2 and "'_posts/2024-01-01-typo.md'" in err and "--post" in err
    assert not (example_blog / ".syndicate" / "sandbox" / "state.json").exists()


def test_a_post_option_naming_a_real_post_still_works(example_blog: Path) -> None:
    real = "_posts/想法/2021-01-28-xiaomi.md"
    code, err = invoke("push", "--sandbox", "--site", str(example_blog), "--post", real)
    assert code == 0, err
    code, err = invoke("push", "--sandbox", "--site", str(example_blog), "--post", real)
    assert code == 0, err  # now matched through the state file's key: still not an error


@pytest.mark.parametrize(("block", "expected"), [
    ("syndicate: {platforms: [wordpres]}", "unknown platform 'wordpres'"),
    ("syndicate: {telegarm: {title: Short}}", "unknown platform 'telegarm'"),
    ("syndicate: {platforms: {a: 1}}", "expected a list"),
    ("syndicate: {telegram: {tags: {x: 1}}}", "expected a list"),
    ("syndicate: {enabled: maybe}", "expected true or false"),
])
def test_a_bad_syndicate_block_is_that_posts_error_on_one_line(example_blog: Path, block: str,
                                                                expected: str,
                                                                configured: dict[str, str]) -> None:
    bad = example_blog / "_posts" / "2024-01-01-a-rather-long-file-name-for-a-narrow-terminal.md"
    bad.write_text(f"---\ntitle: Bad block\n{block}\n---\nbody\n", encoding="utf-8")
    code, err = invoke("plan", "--site", str(example_blog))
    assert code == 1
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err  # the error is not wrapped, whatever the terminal width
    assert bad.name in lines[0] and expected in lines[0] and "(field 'syndicate')" in lines[0]


def test_enabled_no_in_the_syndicate_block_keeps_the_post_off_every_platform(
        example_blog: Path, configured: dict[str, str]) -> None:
    post = example_blog / "_posts" / "2024-01-01-off.md"
    post.write_text("---\ntitle: Off\nsyndicate: {enabled: \"no\"}\n---\nbody\n", encoding="utf-8")
    result = runner.invoke(app, ["plan", "--site", str(example_blog), "--json"])
    import json

    mine = [a for a in json.loads(result.stdout)["actions"] if a["post"] == "_posts/2024-01-01-off.md"]
    assert mine and all(a["action"] == "skip" for a in mine), mine


def test_preview_html_into_a_file_is_a_usage_error_before_any_output(example_blog: Path,
                                                                     tmp_path: Path) -> None:
    target = tmp_path / "not-a-folder"
    target.write_text("x", encoding="utf-8")
    result = runner.invoke(app, ["preview", "--site", str(example_blog), "--html", str(target)])
    assert result.exit_code == 2 and "--html" in result.stderr and "is a file" in result.stderr
    assert result.stdout == ""


def test_a_file_where_syndicate_keeps_its_folder_is_one_line_not_a_traceback(example_blog: Path) -> None:
    (example_blog / ".syndicate").write_text("oops", encoding="utf-8")
    code, err = invoke("push", "--sandbox", "--site", str(example_blog))
    assert code == 2 and err.startswith("error: ") and ".syndicate" in err
    assert len(err.strip().splitlines()) == 1, err
