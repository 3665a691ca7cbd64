"""The Medium platform: adapter, fake, preview view and notes live in this folder."""

from adapters.medium.adapter import MediumAdapter, MediumSettings

__all__ = ["MediumAdapter", "MediumSettings"]
