"""One folder per platform: the registry is the one list, and each folder is complete.

Everything here loops over the registry, so a platform added by its folder and entry
point is checked the moment it is installed.
"""

from __future__ import annotations

import ast
import sys
import tomllib
from pathlib import Path
from types import SimpleNamespace

import pytest

from syndicate.adapter import Capabilities, Dialect, Limit, Payload, Unit, values_at
from syndicate.folders import env_block, package_of, sibling, starter_tables
from syndicate.generate import env_example, env_names, platform_table, with_table
from syndicate.registry import available
from syndicate.sandbox.base import SandboxContext
from syndicate.sandbox.router import Sandbox
from tests.conftest import ROOT

PLATFORMS = sorted(available().items())


def test_dot_env_example_is_generated_from_the_folders_and_current() -> None:
    committed = (ROOT / ".env.example").read_text(encoding="utf-8")
    assert committed == env_example(), "run `python -m syndicate.generate`"


def test_readme_platform_table_is_generated_from_the_adapters_and_current() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert readme == with_table(readme), "run `python -m syndicate.generate`"
    table = platform_table()
    for _name, cls in PLATFORMS:
        assert f"| {cls.described().title} |" in table


@pytest.mark.parametrize(("name", "cls"), PLATFORMS)
def test_each_folder_holds_adapter_fake_view_env_and_notes(name: str, cls: type) -> None:
    package = package_of(cls)
    folder = Path(sys.modules[package].__file__ or "").parent
    assert folder.name == name, "the folder is named as the registry key"
    for part in ("adapter.py", "fake.py", "view.py", "env.example", "README.md"):
        assert (folder / part).is_file(), f"{folder.name}/{part}"
    fake, view = sibling(cls, "fake"), sibling(cls, "view")
    assert fake is not None and callable(fake.fakes) and callable(fake.sandbox_env)
    assert view is not None and callable(view.view)
    prefix = f"SYNDICATE_{name.upper()}__"
    fields = set(cls.settings_model.model_fields)
    for var in env_names(env_block(cls)):
        assert var.startswith(prefix) and var.removeprefix(prefix).lower() in fields, var
    for var in fake.sandbox_env(f"http://sandbox.invalid/{name}"):
        assert var.startswith(prefix) and var.removeprefix(prefix).lower() in fields, var


@pytest.mark.parametrize(("name", "cls"), PLATFORMS)
def test_a_fake_never_imports_the_adapter_it_checks(name: str, cls: type) -> None:
    package = package_of(cls)
    folder = Path(sys.modules[package].__file__ or "").parent
    for source in folder.glob("fake*.py"):
        tree = ast.parse(source.read_text(encoding="utf-8"))
        imported = {node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
        imported |= {a.name for node in ast.walk(tree) if isinstance(node, ast.Import)
                     for a in node.names}
        assert not {m for m in imported if m in (package, f"{package}.adapter")}, source
        assert not any(isinstance(n, ast.ImportFrom) and n.level and n.module in (None, "adapter")
                       for n in ast.walk(tree)), source


@pytest.mark.parametrize(("name", "cls"), PLATFORMS)
def test_each_platforms_fakes_mount_under_its_name(name: str, cls: type) -> None:
    fake = sibling(cls, "fake")
    assert fake is not None
    mounted = [f.name for f in fake.fakes(SandboxContext(site="http://sandbox.invalid"))]
    assert mounted[0] == name, "the platform's own fake comes first, mounted at /<name>"
    assert set(mounted) <= set(Sandbox().fakes)


def test_sandbox_env_points_every_platform_at_its_own_mount() -> None:
    env = Sandbox(fakes=[]).settings_env("http://127.0.0.1:9/")
    for name, _cls in PLATFORMS:
        # BASE_URL for most; a webhook platform's URL setting is its WEBHOOK_URL
        urls = [value for key, value in env.items()
                if key.startswith(f"SYNDICATE_{name.upper()}__") and value.startswith("http")]
        assert any(url.startswith(f"http://127.0.0.1:9/{name}") for url in urls), name


def test_a_missing_part_is_none_but_a_broken_one_is_an_error(tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    package = tmp_path / "halfplatform"
    package.mkdir()
    (package / "__init__.py").write_text(
        "from halfplatform.adapter import HalfAdapter\n", encoding="utf-8")
    (package / "adapter.py").write_text("class HalfAdapter:\n    name = 'half'\n", encoding="utf-8")
    (package / "view.py").write_text("import no_such_dependency_xyz\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    try:
        from halfplatform import HalfAdapter  # type: ignore[import-not-found]

        assert sibling(HalfAdapter, "fake") is None
        assert env_block(HalfAdapter) == ""
        with pytest.raises(ModuleNotFoundError, match="no_such_dependency_xyz"):
            sibling(HalfAdapter, "view")
    finally:
        for module in [m for m in sys.modules if m.startswith("halfplatform")]:
            del sys.modules[module]


def test_limit_paths_reach_nested_payloads_and_list_elements() -> None:
    data = {"article": {"title": "t", "body_markdown": "body"},
            "messages": [{"params": {"text": "one"}}, {"params": {"caption": "two"}},
                         {"params": {"text": "three"}}], "n": 3}
    assert values_at(data, "article.body_markdown") == ["body"]
    assert values_at(data, "messages[].params.text") == ["one", "three"]
    assert values_at(data, "messages[].params.caption") == ["two"]
    assert values_at(data, "article.missing") == [] and values_at(data, "n") == []
    assert values_at(data, "n[].x") == [] and values_at(data, "article[].title") == []


def test_measured_texts_of_a_nested_payload_warn_in_the_preview() -> None:
    from syndicate.adapter import Adapter
    from syndicate.preview_site.warnings import collect

    class Nested(Adapter):  # type: ignore[type-arg]
        name = "nested"
        capabilities = Capabilities(Dialect.MARKDOWN, limits=(
            Limit("article.body_markdown", 5, Unit.CODEPOINTS),))

    payload = Payload("nested", "k", {"article": {"body_markdown": "far too long"}})
    measured = Nested.measured(payload)
    assert measured == [(Nested.capabilities.limits[0], "far too long")]

    post = SimpleNamespace(notices=(), cover_image=None, summary="")
    item = SimpleNamespace(platform="nested", post=post, payload=payload)
    [alert] = [a for a in collect(item, measured) if a.kind == "limit"]
    assert "article.body_markdown is 12 codepoints" in alert.message


def test_starter_config_offers_each_platforms_choices_and_each_is_valid() -> None:
    text = starter_tables()
    assert tomllib.loads(text) == {}, "all commented out"
    uncommented = tomllib.loads("\n".join(line.removeprefix("# ").split("  #")[0]
                                          for line in text.splitlines()))
    assert sorted(uncommented["platforms"]) == [name for name, _ in PLATFORMS]
    for name, cls in PLATFORMS:
        cls.settings_model.load(uncommented["platforms"][name], None)
