"""Adapters are found through the ``syndicate.adapters`` entry-point group.

Built-in adapters register the same way a third party's would (see pyproject.toml),
so there is exactly one path from a platform name to its class.
"""

from __future__ import annotations

from functools import cache
from importlib.metadata import entry_points

from syndicate.adapter import Adapter
from syndicate.errors import ConfigError

GROUP = "syndicate.adapters"


@cache
def available() -> dict[str, type[Adapter]]:  # type: ignore[type-arg]
    """Every installed adapter class by platform name, in name order."""
    found: dict[str, type[Adapter]] = {}  # type: ignore[type-arg]
    for ep in sorted(entry_points(group=GROUP), key=lambda e: e.name):
        cls = ep.load()
        if getattr(cls, "name", None) != ep.name:
            raise ConfigError(f"entry point {ep.value} registers '{ep.name}' but the class "
                              f"says '{getattr(cls, 'name', None)}'")
        found[ep.name] = cls
    return found


def get(name: str) -> type[Adapter]:  # type: ignore[type-arg]
    adapters = available()
    if name not in adapters:
        raise ConfigError(f"unknown platform '{name}'; known platforms: {', '.join(adapters)}",
                          key="platform")
    return adapters[name]
