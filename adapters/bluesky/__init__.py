"""Bluesky (AT Protocol): see adapter.py and README.md."""

from adapters.bluesky.adapter import BlueskyAdapter, BlueskySettings

__all__ = ["BlueskyAdapter", "BlueskySettings"]
