"""Platform settings: one shared .env for every platform, and clear words for a wrong key."""

from __future__ import annotations

from pathlib import Path

import pytest

from syndicate import registry
from syndicate.errors import ConfigError


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    for name in list(os.environ):
        if name.upper().startswith("SYNDICATE_"):
            monkeypatch.delenv(name)


def test_one_env_file_holds_every_platforms_settings(tmp_path: Path) -> None:
    env = tmp_path / ".env"
    env.write_text("SYNDICATE_MEDIUM__TOKEN=medium-token-1234\n"
                   "SYNDICATE_TELEGRAM__BOT_TOKEN=123:telegram-token\n"
                   "SYNDICATE_TELEGRAM__CHAT_ID=@channel\n"
                   "SYNDICATE_WORDPRESS__BASE_URL=https://wp.example\n"
                   "UNRELATED=1\n", encoding="utf-8")
    telegram = registry.get("telegram").settings_model.load({}, env)
    medium = registry.get("medium").settings_model.load({}, env)
    wordpress = registry.get("wordpress").settings_model.load({}, env)
    assert telegram.bot_token.get_secret_value() == "123:telegram-token"  # type: ignore[attr-defined]
    assert telegram.chat_id == "@channel"  # type: ignore[attr-defined]
    assert medium.token.get_secret_value() == "medium-token-1234"  # type: ignore[attr-defined]
    assert wordpress.base_url == "https://wp.example"


def test_an_unknown_key_in_syndicate_toml_is_named_with_the_known_ones() -> None:
    model = registry.get("telegram").settings_model
    with pytest.raises(ConfigError) as caught:
        model.load({"chat_idd": "@x"}, None)
    message = str(caught.value)
    assert "'chat_idd'" in message and "chat_id" in message and "platforms.telegram" in message


def test_a_secret_in_syndicate_toml_is_refused() -> None:
    model = registry.get("telegram").settings_model
    with pytest.raises(ConfigError, match="SYNDICATE_TELEGRAM__BOT_TOKEN"):
        model.load({"bot_token": "123:abc"}, None)
