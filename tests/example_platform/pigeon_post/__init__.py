"""Pigeon Post: a toy platform laid out as adapters/<name>/ is, in a package of its own."""

from pigeon_post.adapter import PigeonAdapter, PigeonSettings

__all__ = ["PigeonAdapter", "PigeonSettings"]
