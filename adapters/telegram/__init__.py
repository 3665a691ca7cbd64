"""The Telegram platform: adapter, fake, preview view and notes live in this folder."""

from adapters.telegram.adapter import TelegramAdapter, TelegramSettings

__all__ = ["TelegramAdapter", "TelegramSettings"]
