"""WeChat Official Accounts (微信公众号): drafts, and publishing when the account may."""

from adapters.wechat.adapter import WeChatAdapter

__all__ = ["WeChatAdapter"]
