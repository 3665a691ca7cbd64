"""WeChat Official Accounts (微信公众号): adapter, fake, preview view and notes live in this folder."""

from adapters.wechat.adapter import WeChatAdapter, WeChatSettings

__all__ = ["WeChatAdapter", "WeChatSettings"]
