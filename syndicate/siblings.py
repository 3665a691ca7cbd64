"""A platform folder's other parts (fake.py, view.py), found next to its adapter class.

Stop-gap until the core's platform-folder support lands: an adapter class living in
``<package>/adapter.py`` may have ``<package>/fake.py`` (``fakes(ctx)``, ``sandbox_env``) and
``<package>/view.py`` (``view(data, caps)``, ``CSS``); the sandbox and the preview use them.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from syndicate.sandbox.base import Clock


@dataclass(frozen=True)
class SandboxContext:
    """What the sandbox hands every platform's ``fakes``."""

    site: str
    clock: Clock
    daily_cap: int


def sibling(cls: type[Any], part: str) -> ModuleType | None:
    """``<package>/<part>.py`` of the adapter class's folder, or None."""
    module = cls.__module__
    if not module.endswith(".adapter"):
        return None
    name = f"{module.rsplit('.', 1)[0]}.{part}"
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as missing:
        if missing.name != name:
            raise
        return None


def parts(part: str, contract: str) -> list[ModuleType]:
    """Every platform folder's ``part`` module that offers ``contract`` (a function name)."""
    from syndicate import registry

    found = (sibling(cls, part) for cls in registry.available().values())
    return [module for module in found if module is not None and hasattr(module, contract)]
