"""Discord: see adapter.py and README.md."""

from adapters.discord.adapter import DiscordAdapter, DiscordSettings

__all__ = ["DiscordAdapter", "DiscordSettings"]
