"""Highlighted code from a generator, reduced to what a platform can show: ``<pre><code>``
with the language class and the code's text.

Rouge and Chroma wrap every token in a span and may add a line-number column (a table,
or inline spans); off the site those are noise (the styles do not travel), they make the
body many times larger, and line numbers would end up inside the copied code. Done with
regular expressions on the generator's own, regular output, before any HTML parse.
"""

from __future__ import annotations

import re

LINE_NUMBER_SPAN = re.compile(
    r'<span[^>]*?(?:user-select:\s*none|class="(?:lnt|ln)")[^>]*>[^<]*</span>', re.I)
GUTTER = re.compile(r'<td[^>]*class="[^"]*(?:rouge-gutter|gutter)[^"]*"[^>]*>.*?</td>'
                    r'|<pre[^>]*class="[^"]*lineno[^"]*"[^>]*>.*?</pre>', re.S | re.I)
ROUGE_TABLE = re.compile(r'<table class="rouge-table">\s*<tbody>\s*<tr>\s*<td class="rouge-code">\s*'
                         r"<pre>(.*?)</pre>\s*</td>\s*</tr>\s*</tbody>\s*</table>", re.S | re.I)
PRE = re.compile(r"(<pre\b[^>]*>)(.*?)</pre>", re.S | re.I)
INNER_TAG = re.compile(r"<(?!/?code\b)[^>]*>", re.I)
EMPTY_PRE = re.compile(r"<pre\b[^>]*>\s*(?:<code\b[^>]*>\s*</code>)?\s*</pre>", re.I)
ONE_CELL_TABLE = re.compile(
    r"<table\b[^>]*>\s*(?:<tbody>)?\s*<tr>\s*(?:<td\b[^>]*>\s*</td>\s*)?<td\b[^>]*>\s*"
    r"(<pre\b.*?</pre>)\s*</td>\s*</tr>\s*(?:</tbody>)?\s*</table>", re.S | re.I)


DIAGRAM_PRE = re.compile(r'class="[^"]*\bmermaid\b', re.I)


def diagram(opening: str, code: str) -> str:
    """A theme's ``<pre class="mermaid">`` (hugo-coder) holds a diagram's source: it stays
    code marked as Mermaid, as a fenced ``mermaid`` block is, not anonymous text."""
    if DIAGRAM_PRE.search(opening) and "<code" not in code:
        return f'<code class="language-mermaid">{code.strip(chr(10))}</code>'
    return code


def plain_code(html: str) -> str:
    if "<pre" not in html:
        return html
    html = LINE_NUMBER_SPAN.sub("", html)
    html = GUTTER.sub("", html)
    html = ROUGE_TABLE.sub(r"\1", html)
    html = PRE.sub(lambda m: "<pre>" + diagram(m.group(1), INNER_TAG.sub("", m.group(2))) + "</pre>",
                   html)
    html = EMPTY_PRE.sub("", html)
    return ONE_CELL_TABLE.sub(r"\1", html)
