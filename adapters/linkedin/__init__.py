"""LinkedIn: see adapter.py and README.md."""

from adapters.linkedin.adapter import LinkedInAdapter, LinkedInSettings

__all__ = ["LinkedInAdapter", "LinkedInSettings"]
