"""The pure parts of the real-WordPress plugin: reading exports, choosing a server to reuse."""

from __future__ import annotations

from tests.realwp import RealWordPress, from_environment, parse_exports

CREDS = {"SYNDICATE_WORDPRESS__USERNAME": "u", "SYNDICATE_WORDPRESS__APP_PASSWORD": "p" * 24}


def test_parse_exports_reads_only_export_lines() -> None:
    out = "noise\nexport A=http://127.0.0.1:1\nexport B=x=y\n"
    assert parse_exports(out) == {"A": "http://127.0.0.1:1", "B": "x=y"}


def test_non_loopback_url_is_never_reused() -> None:
    env = {"SYNDICATE_WORDPRESS__BASE_URL": "https://blog.example.com", **CREDS}
    assert from_environment(env) is None


def test_incomplete_environment_is_not_reused() -> None:
    assert from_environment({"SYNDICATE_WORDPRESS__BASE_URL": "http://127.0.0.1:9"}) is None


def test_loopback_url_nobody_answers_is_not_reused() -> None:
    env = {"SYNDICATE_WORDPRESS__BASE_URL": "http://127.0.0.1:1", **CREDS}
    assert from_environment(env) is None


def test_real_wordpress_urls() -> None:
    wp = RealWordPress("http://127.0.0.1:8080", "u", "pw")
    assert (wp.api, wp.auth) == ("http://127.0.0.1:8080/wp-json", ("u", "pw"))
