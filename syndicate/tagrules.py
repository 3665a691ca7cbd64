"""Applying a platform's declared tag rules, once for every adapter.

Platforms drop tags silently (Medium keeps three, of at most 25 characters); doing it
here, with a notice per dropped tag, makes the silence visible in previews.
"""

from __future__ import annotations

import re

from syndicate.adapter import TagRules


def apply_tag_rules(tags: tuple[str, ...], rules: TagRules) -> tuple[list[str], list[str]]:
    """(kept tags, notices about the ones dropped)."""
    kept: list[str] = []
    notices: list[str] = []
    for tag in tags:
        if rules.max_length is not None and len(tag) > rules.max_length:
            notices.append(f"tag {tag!r} dropped: longer than {rules.max_length} characters")
        elif rules.pattern is not None and not re.fullmatch(rules.pattern, tag):
            notices.append(f"tag {tag!r} dropped: not allowed by the platform's tag rules")
        elif rules.max_count is not None and len(kept) >= rules.max_count:
            notices.append(f"tag {tag!r} dropped: only {rules.max_count} tags are kept")
        else:
            kept.append(tag)
    return kept, notices
