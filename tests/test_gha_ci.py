"""Issue 4's acceptance checks: `syndicate ci --sandbox` in a real git repository with an origin.

Counts come from the sandbox fakes' own records, commits from origin's own log.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from syndicate import registry
from syndicate.cli import app
from syndicate.gha.run import run_ci
from tests.gha_repo import STATE, Repo, build_template, copy_template, git, post_text

PLATFORMS = tuple(sorted(registry.available()))
EVERYWHERE = str(len(PLATFORMS))
"""One new post, created on every registered platform."""
NEW = "_posts/tech/2025-03-01-action-test.md"


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # The Action's tests count the three seed platforms; every other platform has its own
    # sandbox tests (and a changed post is blocked on some, which these do not expect).
    return build_template(tmp_path_factory.mktemp("gha-template"), PLATFORMS)


@pytest.fixture
def repo(template: Path, tmp_path: Path) -> Repo:
    return copy_template(template, tmp_path / "repo")


def ci(repo: Repo, environ: dict[str, str], *, dry_run: bool = False) -> tuple[int, str]:
    out = io.StringIO()
    code = run_ci(repo.site, None, dry_run=dry_run, commit_state=True, sandbox=True,
                  environ=environ, stream=out)
    return code, out.getvalue()


def push_event(repo: Repo, before: str, after: str) -> dict[str, str]:
    return repo.environ("push", {"ref": "refs/heads/main", "before": before, "after": after,
                                 "forced": False})


def titles(records: list[dict[str, object]]) -> list[str]:
    return [str(r["title"]) for r in records]


def test_a_push_adding_one_post_creates_exactly_that_post_everywhere(repo: Repo) -> None:
    before_records = repo.fakes()
    before, after = repo.commit_post(NEW, post_text("Action test post"))
    code, annotations = ci(repo, push_event(repo, before, after))
    assert code == 0, annotations
    records = repo.fakes()
    for platform in PLATFORMS:
        added = len(records[platform]) - len(before_records[platform])
        assert added == 1, platform
        new = [t for t in titles(records[platform]) if t not in titles(before_records[platform])]
        assert len(new) == 1 and "Action test post" in new[0], (platform, new)
    outputs = repo.outputs()
    assert outputs["created"] == EVERYWHERE and outputs["failed"] == "0"
    assert outputs["state-committed"] == "true"
    report = json.loads(Path(outputs["report"]).read_text(encoding="utf-8"))
    assert {r["platform"] for r in report["results"] if r["outcome"] == "created"} == set(PLATFORMS)
    assert report["changed"] == [NEW]


def test_the_state_is_committed_to_origin_as_the_bot_with_skip_ci(repo: Repo) -> None:
    before, after = repo.commit_post(NEW, post_text("Action test post"))
    ci(repo, push_event(repo, before, after))
    log = git(repo.origin, "log", "-1", "--format=%an <%ae>%n%s", "main").splitlines()
    assert log[0] == "github-actions[bot] <41898282+github-actions[bot]@users.noreply.github.com>"
    assert log[1].endswith("[skip ci]")
    assert git(repo.origin, "diff", "--name-only", "main~1", "main").split() == [STATE]
    state = json.loads(git(repo.origin, "show", f"main:{STATE}"))
    assert set(PLATFORMS) <= set(state["posts"][NEW])


def test_a_push_editing_one_post_updates_it_and_creates_nothing(repo: Repo) -> None:
    first = repo.commit_post(NEW, post_text("Action test post"))
    ci(repo, push_event(repo, *first))
    counts = {p: len(r) for p, r in repo.fakes().items()}
    edited = post_text("Action test post, revised").replace("A short new post", "An edited post")
    before, after = repo.commit_post(NEW, edited, "edit")
    code, annotations = ci(repo, push_event(repo, before, after))
    assert code == 0
    records = repo.fakes()
    assert {p: len(r) for p, r in records.items()} == counts, "an edit must not create"
    assert any("revised" in t for t in titles(records["wordpress"]))
    report = json.loads(Path(repo.outputs()["report"]).read_text(encoding="utf-8"))
    outcomes = {r["platform"]: r["outcome"] for r in report["results"] if r["post"] == NEW}
    assert set(outcomes) == set(PLATFORMS) and set(outcomes.values()) <= {"updated", "blocked"}
    assert all(outcomes[p] == "blocked" for p in PLATFORMS
               if not registry.get(p).capabilities.can_update)  # the rest: as each copy allows
    assert outcomes["wordpress"] == "updated" and outcomes["medium"] == "blocked"
    assert "blocked" in repo.summary() and "::warning file=blog/_posts/tech/" in annotations


def test_a_pull_request_run_sends_nothing_and_commits_nothing(repo: Repo) -> None:
    git(repo.work, "checkout", "--quiet", "-b", "feature")
    (repo.site / NEW).write_text(post_text("Proposed post"), encoding="utf-8")
    git(repo.work, "add", str(repo.site / NEW))
    git(repo.work, "commit", "--quiet", "-m", "proposal")
    records, origin_head = repo.fakes(), repo.head()
    state_before = (repo.work / STATE).read_bytes()
    code, _ = ci(repo, repo.environ("pull_request", {"number": 7}))
    assert code == 0
    assert repo.fakes() == records
    assert (repo.work / STATE).read_bytes() == state_before
    assert repo.head() == origin_head
    assert git(repo.work, "log", "-1", "--format=%s").strip() == "proposal"
    summary = repo.summary()
    assert summary.count("| would create |") == len(PLATFORMS) and "Proposed post" in summary


def test_a_push_rejected_because_someone_pushed_meanwhile_is_retried(repo: Repo) -> None:
    before, after = repo.commit_post(NEW, post_text("Action test post"))
    other = repo.other_clone()
    (other / "README.md").write_text("pushed while the Action ran\n", encoding="utf-8")
    git(other, "add", "README.md")
    git(other, "commit", "--quiet", "-m", "meanwhile")
    git(other, "push", "--quiet", "origin", "main")
    code, _ = ci(repo, push_event(repo, before, after))
    assert code == 0
    subjects = git(repo.origin, "log", "--format=%s", "main").splitlines()
    assert subjects[0].endswith("[skip ci]") and subjects[1] == "meanwhile"
    report = json.loads(Path(repo.outputs()["report"]).read_text(encoding="utf-8"))
    assert report["state"]["status"] == "committed" and report["state"]["attempts"] == 2


def test_a_state_file_changed_meanwhile_is_merged_entry_by_entry(repo: Repo) -> None:
    before, after = repo.commit_post(NEW, post_text("Action test post"))
    other = repo.other_clone()
    theirs = json.loads((other / STATE).read_text(encoding="utf-8"))
    theirs["posts"]["_posts/elsewhere.md"] = {"medium": {
        "status": "published", "remote_id": "m-1", "updated_at": "2026-01-01T00:00:00+00:00"}}
    (other / STATE).write_text(json.dumps(theirs, indent=2), encoding="utf-8")
    git(other, "commit", "--quiet", "-am", "another run's state")
    git(other, "push", "--quiet", "origin", "main")
    code, _ = ci(repo, push_event(repo, before, after))
    assert code == 0
    merged = json.loads(git(repo.origin, "show", f"main:{STATE}"))
    assert "_posts/elsewhere.md" in merged["posts"] and NEW in merged["posts"]
    assert git(repo.origin, "log", "-1", "--format=%s", "main").strip().endswith("[skip ci]")


def test_an_unknown_before_commit_falls_back_to_the_state_file(repo: Repo) -> None:
    before_records = repo.fakes()
    _before, after = repo.commit_post(NEW, post_text("Action test post"))
    code, _ = ci(repo, push_event(repo, "1" * 40, after))
    assert code == 0
    assert all(len(repo.fakes()[p]) == len(before_records[p]) + 1 for p in PLATFORMS)
    assert "state file alone decided" in repo.summary()


def test_a_hostile_title_runs_nothing_and_stays_one_table_row(repo: Repo, tmp_path: Path) -> None:
    pwned, pwned_too = tmp_path / "pwned", tmp_path / "pwned-too"
    title = f"$(touch {pwned}) `touch {pwned_too}` | ::error::x\r\n::warning::y %0A"
    before, after = repo.commit_post(NEW, post_text(title))
    code, annotations = ci(repo, push_event(repo, before, after))
    assert code == 0
    assert not pwned.exists() and not pwned_too.exists()
    for line in annotations.splitlines():
        assert line.startswith(("::warning", "::error")) and line.count("::") == 2, line
    rows = [line for line in repo.summary().splitlines() if "pwned" in line]
    assert len(rows) == len(PLATFORMS) and all(r.count(" | ") == 3 for r in rows)


def test_the_cli_command_runs_the_same_thing(repo: Repo) -> None:
    before, after = repo.commit_post(NEW, post_text("Action test post"))
    environ = push_event(repo, before, after)
    result = CliRunner().invoke(app, ["ci", "--site", str(repo.site), "--sandbox"], env=environ)
    assert result.exit_code == 0, result.output
    assert repo.outputs()["created"] == EVERYWHERE
    assert git(repo.origin, "log", "-1", "--format=%s", "main").strip().endswith("[skip ci]")


def test_dry_run_input_on_a_push_sends_and_commits_nothing(repo: Repo) -> None:
    records = repo.fakes()
    before, after = repo.commit_post(NEW, post_text("Action test post"))
    code, _ = ci(repo, push_event(repo, before, after), dry_run=True)
    assert code == 0 and repo.fakes() == records and repo.head() == after
    assert repo.outputs()["created"] == EVERYWHERE and repo.outputs()["state-committed"] == "false"


def test_a_protected_branch_fails_clearly_and_says_the_state_was_not_saved(repo: Repo) -> None:
    hook = repo.origin / "hooks" / "pre-receive"
    hook.write_text("#!/bin/sh\necho 'error: GH006: Protected branch update failed' >&2\nexit 1\n",
                    encoding="utf-8")
    before, after = repo.commit_post(NEW, post_text("Action test post"))
    hook.chmod(0o755)
    code, annotations = ci(repo, push_event(repo, before, after))
    assert code == 1
    assert repo.head() == after, "nothing reached the protected branch"
    assert repo.outputs()["state"] == "failed" and repo.outputs()["created"] == EVERYWHERE
    assert "::error::state not committed: the branch is protected" in annotations
    assert "NOT saved" in repo.summary() and "syndicate-state" in repo.summary()


def test_a_push_touching_a_draft_lists_it_with_the_reason(repo: Repo) -> None:
    draft = post_text("Half written").replace("tags: [notes]", "tags: [notes]\npublished: false")
    records = repo.fakes()
    before, after = repo.commit_post(NEW, draft)
    code, _ = ci(repo, push_event(repo, before, after))
    assert code == 0 and repo.fakes() == records
    rows = [line for line in repo.summary().splitlines() if "Half written" in line]
    assert len(rows) == len(PLATFORMS) and all("published: false" in row for row in rows)


def test_a_branch_that_keeps_moving_gives_up_after_five_attempts(
        repo: Repo, monkeypatch: pytest.MonkeyPatch) -> None:
    from syndicate.gha import gitstate

    before, after = repo.commit_post(NEW, post_text("Action test post"))
    other = repo.other_clone()
    real_integrate = gitstate.integrate
    moves: list[int] = []

    def integrate_then_someone_pushes(*args: str) -> None:
        real_integrate(*args)  # type: ignore[arg-type]
        moves.append(1)
        (other / "busy.txt").write_text(str(len(moves)), encoding="utf-8")
        git(other, "add", "busy.txt")
        git(other, "commit", "--quiet", "-m", f"busy {len(moves)}")
        git(other, "push", "--quiet", "origin", "main")

    git(other, "commit", "--quiet", "--allow-empty", "-m", "busy 0")
    git(other, "push", "--quiet", "origin", "main")
    monkeypatch.setattr(gitstate, "integrate", integrate_then_someone_pushes)
    code, annotations = ci(repo, push_event(repo, before, after))
    assert code == 1
    assert len(moves) == 4, "five push attempts, integrating between them, then stop"
    assert "rejected 5 times" in annotations
    assert not git(repo.origin, "log", "-1", "--format=%s", "main").endswith("[skip ci]\n")


def test_outside_a_workflow_the_state_is_not_committed(repo: Repo) -> None:
    before, after = repo.commit_post(NEW, post_text("Action test post"))
    environ = push_event(repo, before, after)
    del environ["GITHUB_EVENT_NAME"]
    code, _ = ci(repo, environ)
    assert code == 0 and repo.head() == after
    assert "left uncommitted" in repo.summary()


def test_an_unknown_liquid_tag_is_annotated_on_its_line_and_listed(repo: Repo) -> None:
    text = post_text("Tagged post").replace("A short new post",
                                            "Before.\n\n{% newsletter abc123 %}\n\nAfter")
    line = text.splitlines().index("{% newsletter abc123 %}") + 1
    before, after = repo.commit_post(NEW, text)
    code, annotations = ci(repo, push_event(repo, before, after))
    assert code == 0
    expected = f"::warning file=blog/{NEW},line={line}::"
    assert [a for a in annotations.splitlines() if a.startswith(expected) and "newsletter" in a]
    assert f"`blog/{NEW}:{line}`" in repo.summary()


def test_a_tag_push_does_not_create_a_branch_for_the_state(repo: Repo) -> None:
    before, after = repo.commit_post(NEW, post_text("Action test post"))
    environ = repo.environ("push", {"ref": "refs/tags/v1", "before": before, "after": after})
    environ.update(GITHUB_REF="refs/tags/v1", GITHUB_REF_NAME="v1")
    code, annotations = ci(repo, environ)
    assert code == 1 and "not a branch" in annotations
    assert "v1" not in git(repo.origin, "branch", "--list")


def test_a_state_file_new_to_git_is_added_and_committed(repo: Repo) -> None:
    git(repo.work, "rm", "--quiet", "--cached", STATE)
    git(repo.work, "commit", "--quiet", "-m", "state not tracked yet")
    git(repo.work, "push", "--quiet", "origin", "main")
    before, after = repo.commit_post(NEW, post_text("Action test post"))
    code, _ = ci(repo, push_event(repo, before, after))
    assert code == 0
    assert NEW in json.loads(git(repo.origin, "show", f"main:{STATE}"))["posts"]
