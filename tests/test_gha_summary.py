"""The job summary and annotations: valid Markdown for the example blog, and hostile text
(titles on pull requests come from strangers) cannot break a row, inject a link or HTML,
or forge a workflow command."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from markdown_it.token import Token

from syndicate.gha.run import run_ci
from syndicate.gha.summary import Problem, Row, annotation, cell, escape_data, link, markdown
from syndicate.registry import available

HEADERS = ["Post", "Platform", "Outcome", "Where / why"]


def parse_table(text: str) -> list[list[str]]:
    """Rows of the first table, each as the list of its cells' rendered text."""
    tokens = MarkdownIt("commonmark").enable("table").parse(text)
    rows: list[list[str]] = []
    inside = False
    for token in tokens:
        if token.type == "table_open":
            inside = True
        elif token.type == "table_close":
            break
        elif inside and token.type == "tr_open":
            rows.append([])
        elif inside and token.type == "inline":
            rows[-1].append(plain(token))
    return rows


def plain(token: Token) -> str:
    return "".join(c.content for c in token.children or [] if c.type in ("text", "code_inline"))


def test_the_example_blogs_pull_request_summary_is_a_valid_table(example_blog: Path,
                                                                   tmp_path: Path) -> None:
    summary = tmp_path / "summary.md"
    environ = {"GITHUB_EVENT_NAME": "pull_request", "GITHUB_STEP_SUMMARY": str(summary),
               "RUNNER_TEMP": str(tmp_path)}
    code = run_ci(example_blog, None, dry_run=False, commit_state=True, sandbox=True,
                  environ=environ, stream=io.StringIO())
    assert code == 0
    rows = parse_table(summary.read_text(encoding="utf-8"))
    assert rows[0] == HEADERS
    body = rows[1:]
    assert len(body) >= 15 and all(len(r) == 4 for r in body)
    assert {r[2] for r in body} == {"would create"}
    assert {r[1] for r in body} == set(available())
    assert any("小米" in r[0] for r in body), "the Chinese seed post is listed by its title"
    overview = summary.read_text(encoding="utf-8").split("### syndicate preview", 1)[1]
    overview_rows = parse_table(overview)[1:]
    assert len(overview_rows) == len(body) and all(len(r) == 4 for r in overview_rows)


def test_hostile_titles_stay_inside_their_cell() -> None:
    title = "a | b\nc\r| --- |<script>alert(1)</script>[x](javascript:alert(1))`code`"
    rows = parse_table(table_of(Row(title, "wordpress", "created", "https://e.x/p?a=1|2)"),
                                Row("ok", "medium", "failed", None, "bad | reason\nsecond line")))
    assert [len(r) for r in rows] == [4, 4, 4]
    assert rows[1][0] == " ".join(title.split())
    assert rows[2][3] == "bad | reason second line"
    rendered = MarkdownIt("commonmark").enable("table").render(table_of(Row(title, "t", "o")))
    assert "<script>" not in rendered and "javascript:" not in rendered.split('href="')[-1][:12]


def table_of(*rows: Row) -> str:
    return markdown("syndicate", list(rows), [])


def test_only_http_links_are_links() -> None:
    assert link("x", "javascript:alert(1)") == "x"
    assert link("x", "https://example.com/a b(c)") == "[x](https://example.com/a%20b%28c%29)"


def test_a_problem_is_listed_under_the_table_with_its_place() -> None:
    text = markdown("s", [Row("t", "medium", "blocked")],
                    [Problem("warning", "unknown Liquid tag 'gist'", "blog/_posts/a.md", 12)])
    assert "### Warnings" in text and "`blog/_posts/a.md:12`" in text


def test_annotation_escapes_per_github_rules() -> None:
    line = annotation(Problem("warning", "50% done\r\nnext::error::x", "a,b:c.md", 3))
    assert line == "::warning file=a%2Cb%3Ac.md,line=3::50%25 done%0D%0Anext: :error: :x"


@given(st.text(), st.one_of(st.none(), st.text()), st.one_of(st.none(), st.integers(1, 10**6)))
def test_any_text_gives_one_command_line_with_exactly_two_separators(
        message: str, file: str | None, line: int | None) -> None:
    out = annotation(Problem("error", message, file, line))
    assert "\n" not in out and "\r" not in out
    assert out.startswith("::error") and out.count("::") == 2


@given(st.text())
def test_any_text_is_one_table_cell(text: str) -> None:
    rows = parse_table(f"| a |\n| --- |\n| {cell(text)} |\n")
    assert len(rows) == 2 and len(rows[1]) <= 1
    assert "\n" not in cell(text) and "|" not in cell(text).replace("\\|", "")


def test_escape_data_leaves_no_double_colon() -> None:
    assert "::" not in escape_data(":::::")


def test_a_pull_request_preview_shows_only_platforms_with_credentials(
        example_blog: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith("SYNDICATE_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("SYNDICATE_TELEGRAM__BOT_TOKEN", "123456:test-token-for-preview")
    monkeypatch.setenv("SYNDICATE_TELEGRAM__CHAT_ID", "@example")
    summary = tmp_path / "summary.md"
    environ = {"GITHUB_EVENT_NAME": "pull_request", "GITHUB_STEP_SUMMARY": str(summary),
               "RUNNER_TEMP": str(tmp_path)}
    code = run_ci(example_blog, None, dry_run=False, commit_state=True, sandbox=False,
                  environ=environ, stream=io.StringIO())
    assert code == 0
    rows = parse_table(summary.read_text(encoding="utf-8"))[1:]
    assert rows and {r[1] for r in rows} == {"telegram"}
    assert "123456:test-token" not in summary.read_text(encoding="utf-8")
