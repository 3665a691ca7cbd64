"""What each platform's folder provides besides its adapter: fake, preview view, env block.

A platform is one package (``adapters/<name>/`` for the built-in ones, any installed
package for a third party's) whose adapter class the registry finds by entry point. The
rest of the folder is found by convention, as siblings of that class's package:

- ``fake.py``: ``fakes(ctx) -> list[Fake]`` and ``sandbox_env(base_url) -> dict``;
- ``view.py``: ``view(data, caps) -> str`` and an optional ``CSS``;
- ``env.example``: the platform's block of ``.env.example``.

Each part is optional: a platform without a fake is left out of the sandbox, one without
a view is drawn as a generic card. A part that exists but fails to import is an error,
never a silent gap. Every loop over platforms in the core goes through here, so the
registry stays the one list.
"""

from __future__ import annotations

import importlib
import json
import sys
from collections.abc import Callable, Mapping
from importlib.resources import files
from types import ModuleType
from typing import Any, Literal, cast, get_args, get_origin

from syndicate.adapter import Adapter, Capabilities
from syndicate.registry import available

AdapterClass = type[Adapter]  # type: ignore[type-arg]
View = Callable[[Mapping[str, Any], Capabilities], str]


def package_of(cls: AdapterClass) -> str:
    """The package an adapter class belongs to (its module's own package if it is one)."""
    module = sys.modules[cls.__module__]
    if hasattr(module, "__path__"):
        return module.__name__
    return module.__name__.rpartition(".")[0] or module.__name__


def sibling(cls: AdapterClass, part: str) -> ModuleType | None:
    """``<package>.<part>`` beside the adapter, or None if the folder has no such module."""
    name = f"{package_of(cls)}.{part}"
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as missing:
        if missing.name != name:
            raise  # the module exists but imports something missing: say so
        return None


def env_block(cls: AdapterClass) -> str:
    """The platform's ``env.example`` text, or an empty string if its folder has none."""
    resource = files(package_of(cls)).joinpath("env.example")
    return resource.read_text(encoding="utf-8") if resource.is_file() else ""


def fake_modules() -> dict[str, ModuleType]:
    """Every platform's fake module, by platform name, for those that ship one."""
    found: dict[str, ModuleType] = {}
    for name, cls in available().items():
        module = sibling(cls, "fake")
        if module is not None:
            found[name] = module
    return found


def view_of(platform: str) -> tuple[View | None, str]:
    """The platform's preview view and its CSS (None, "" when it has no view.py)."""
    cls = available().get(platform)
    module = sibling(cls, "view") if cls is not None else None
    if module is None:
        return None, ""
    return cast(View, module.view), str(getattr(module, "CSS", ""))


def starter_tables() -> str:
    """Commented ``[platforms.<name>]`` tables for a starter ``syndicate.toml``.

    One per registered platform, listing its settings that are a choice among fixed
    values, with the default first: the few decisions a new user makes per platform.
    """
    out = []
    for name, cls in available().items():
        lines = [f"# [platforms.{name}]"]
        for field, info in cls.settings_model.model_fields.items():
            choices = get_args(info.annotation) if get_origin(info.annotation) is Literal else ()
            if choices:
                lines.append(f"# {field} = {json.dumps(info.default)}"
                             f"  # {' | '.join(str(c) for c in choices)}")
        out.append("\n".join(lines) + "\n")
    return "\n".join(out)
