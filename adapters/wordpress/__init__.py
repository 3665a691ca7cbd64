"""The WordPress platform: adapter, fake, preview view and notes live in this folder."""

from adapters.wordpress.adapter import WordPressAdapter, WordPressSettings

__all__ = ["WordPressAdapter", "WordPressSettings"]
