"""Maths reaches every platform as the author's source text, delimiters included.

No platform we post to typesets LaTeX the way the site's MathJax or KaTeX does, and
Markdown must never run inside it: ``p_{i} … x_{j}`` is not emphasis and ``\\\\`` is a
line break of the formula, not an escaped backslash. mdit-py-plugins' dollarmath finds
``$…$`` and ``$$…$$`` (not ``$5 and $6``); the renderers here write the source back,
in an element marked ``class="math"`` so that every dialect can keep it verbatim. Under
CommonMark (Hugo's Goldmark, which has no maths and leaves a display formula as the
paragraph the author typed) a display formula keeps its line breaks inside the ``$$``;
kramdown's display maths is trimmed of them, as kramdown does.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.token import Token

MATH_CLASS = "math"


def inline(_renderer: Any, tokens: Sequence[Token], index: int, _options: Any, _env: Any) -> str:
    token = tokens[index]
    mark = token.markup or "$"
    return f'<span class="{MATH_CLASS}">{escapeHtml(mark + token.content + mark)}</span>'


def block(_renderer: Any, tokens: Sequence[Token], index: int, _options: Any, _env: Any) -> str:
    token = tokens[index]
    source = "$$" + token.content.strip("\n") + "$$"
    return f'<div class="{MATH_CLASS}">{escapeHtml(source)}</div>\n'


def block_as_typed(_renderer: Any, tokens: Sequence[Token], index: int, _options: Any,
                   _env: Any) -> str:
    source = "$$" + tokens[index].content + "$$"
    return f'<div class="{MATH_CLASS}">{escapeHtml(source)}</div>\n'


def maths_plugin(md: MarkdownIt, *, as_typed: bool = False) -> None:
    from mdit_py_plugins.dollarmath import dollarmath_plugin

    dollarmath_plugin(md, allow_labels=False, allow_space=False, allow_digits=False,
                      allow_blank_lines=False, double_inline=True)
    md.add_render_rule("math_inline", inline)
    md.add_render_rule("math_inline_double", inline)
    md.add_render_rule("math_block", block_as_typed if as_typed else block)
