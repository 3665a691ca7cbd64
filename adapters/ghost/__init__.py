"""Ghost: the Admin API, HTML posts with ?source=html (see adapter.py)."""

from adapters.ghost.adapter import GhostAdapter, GhostSettings

__all__ = ["GhostAdapter", "GhostSettings"]
