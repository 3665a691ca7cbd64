"""Hashnode (GraphQL): Markdown posts into a publication (see adapter.py)."""

from adapters.hashnode.adapter import HashnodeAdapter, HashnodeSettings

__all__ = ["HashnodeAdapter", "HashnodeSettings"]
