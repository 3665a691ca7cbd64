"""dev.to (Forem API v1): Markdown articles with a canonical URL (see adapter.py)."""

from adapters.devto.adapter import DevtoAdapter, DevtoSettings

__all__ = ["DevtoAdapter", "DevtoSettings"]
