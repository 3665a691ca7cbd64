"""One contract, run over every adapter the registry finds (built-in or third-party)."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from pydantic import SecretStr

from syndicate import registry
from syndicate.adapter import Adapter, Capabilities, Payload
from syndicate.config import SyndicateConfig
from syndicate.settings import PlatformSettings
from syndicate.sources import open_site
from syndicate.workflow import payload_for
from tests.conftest import EXAMPLE_BLOG

NAMES = sorted(registry.available())
SECRET = "contract-secret-0123456789abcdef"


def configured(name: str) -> Adapter:  # type: ignore[type-arg]
    cls = registry.get(name)
    values: dict[str, Any] = {}
    for field in cls.settings_model.secret_fields():
        values[field] = SecretStr(SECRET)
    if "chat_id" in cls.settings_model.model_fields:
        values["chat_id"] = "@contract"
    if "username" in cls.settings_model.model_fields:
        values["username"] = "contract"
    if cls.settings_model.model_fields["base_url"].default == "":
        values["base_url"] = "https://contract.example"
    return cls(cls.settings_model(**values))


def example_posts() -> list[Any]:
    posts, errors = open_site(EXAMPLE_BLOG).read_all()
    assert not errors
    return [p for p in posts if p.hold is None]


def test_the_three_seed_platforms_are_registered_through_entry_points() -> None:
    assert {"medium", "wordpress", "telegram"} <= set(NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_declares_name_settings_and_capabilities_as_data(name: str) -> None:
    cls = registry.get(name)
    assert cls.name == name
    assert issubclass(cls.settings_model, PlatformSettings)
    assert cls.settings_model.platform_name == name
    assert cls.settings_model.env_prefix() == f"SYNDICATE_{name.upper()}__"
    assert isinstance(cls.capabilities, Capabilities)
    assert cls.capabilities.max_concurrency >= 1
    for field in cls.settings_model.required_for_push:
        assert field in cls.settings_model.model_fields


@pytest.mark.parametrize("name", NAMES)
def test_render_is_pure_deterministic_and_json_ready(name: str) -> None:
    adapter = configured(name)
    config = SyndicateConfig()
    for post in example_posts():
        first, second = payload_for(adapter, post, config), payload_for(adapter, post, config)
        assert isinstance(first, Payload) and first.platform == name
        assert first.digest == second.digest
        json.dumps(first.data, ensure_ascii=False)


@pytest.mark.parametrize("name", NAMES)
def test_previewed_requests_never_carry_a_secret(name: str) -> None:
    adapter = configured(name)
    for post in example_posts():
        payload = payload_for(adapter, post, SyndicateConfig())
        shown = json.dumps([r.as_json() for r in adapter.requests(payload)], ensure_ascii=False)
        assert SECRET not in shown
        assert adapter.requests(payload), "a preview must show at least one request"


@pytest.mark.parametrize("name", NAMES)
def test_tags_sent_follow_the_declared_rules(name: str) -> None:
    adapter = configured(name)
    rules = adapter.capabilities.tags
    for post in example_posts():
        tags = payload_for(adapter, post, SyndicateConfig()).data.get("tags", [])
        if rules.max_count is not None:
            assert len(tags) <= rules.max_count
        for tag in tags:
            assert rules.max_length is None or len(tag) <= rules.max_length
            assert rules.pattern is None or re.fullmatch(rules.pattern, tag)


@pytest.mark.parametrize("name", NAMES)
def test_cannot_update_means_no_update_method_is_relied_on(name: str) -> None:
    cls = registry.get(name)
    overrides_update = cls.update is not Adapter.update
    overrides_find = cls.find is not Adapter.find
    assert cls.capabilities.can_update == overrides_update
    assert cls.capabilities.can_find == overrides_find
