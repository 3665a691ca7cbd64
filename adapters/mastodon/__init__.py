"""Mastodon: see adapter.py and README.md."""

from adapters.mastodon.adapter import MastodonAdapter, MastodonSettings

__all__ = ["MastodonAdapter", "MastodonSettings"]
