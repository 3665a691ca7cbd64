"""Raw HTML in a Hugo post whose site keeps Goldmark's safe default.

Hugo 0.111 renders Markdown with ``markup.goldmark.renderer.unsafe = false`` unless the site
turns it on, and then prints ``<!-- raw HTML omitted -->`` where the author wrote HTML: the
live page lacks it. The copy carries it all the same (the author wrote it for readers, and
the safe default is Hugo's, not a choice to hide it), with one notice naming the first line,
so that the difference is never silent.
"""

from __future__ import annotations

import re

from syndicate.markup.context import MarkupContext, NoticeSink
from syndicate.markup.shortcodes import PAIRED_HIGHLIGHT, SHORTCODE

TAG = re.compile(r"<[A-Za-z/]")


def note_omitted_html(body: str, ctx: MarkupContext, sink: NoticeSink) -> None:
    """One notice when the author's Markdown holds raw HTML the live site omits."""
    if ctx.markdown.raw_html or not TAG.search(body):
        return
    from syndicate.markup.engines import parser

    # Shortcodes are Hugo's, not HTML ({{<youtube x>}} would read as a tag), and a
    # highlight pair holds code: blanked, their line breaks kept so the lines stay the source's.
    def blank(match: re.Match[str]) -> str:
        return "\n" * match.group(0).count("\n")

    text = SHORTCODE.sub(blank, PAIRED_HIGHLIGHT.sub(blank, body))
    lines: list[int] = []
    for token in parser(ctx.markdown).parse(text):
        if token.type == "html_block" and not token.content.lstrip().startswith("<!--"):
            lines.append(token.map[0] if token.map else 0)
        elif token.type == "inline" and any(
                child.type == "html_inline" and not child.content.startswith("<!--")
                for child in token.children or ()):
            lines.append(token.map[0] if token.map else 0)
    if lines:
        offset = sum(len(line) + 1 for line in body.split("\n")[:lines[0]])
        sink.add(offset, f"raw HTML ({len(lines)} place{'s' if len(lines) > 1 else ''}) is "
                 "omitted by Hugo on the live site (markup.goldmark.renderer.unsafe is false); "
                 "the copy carries it")
