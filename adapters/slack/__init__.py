"""Slack: see adapter.py and README.md."""

from adapters.slack.adapter import SlackAdapter, SlackSettings

__all__ = ["SlackAdapter", "SlackSettings"]
