"""kramdown's tables, which are not GFM's: any line with an unescaped ``|`` (outside code
spans) that starts a block is a table row, no separator line needed (``| Line one`` is a
one-cell table, ``BU | 2008 | 2010`` a row); separator lines of ``-``/``=``/``+``/``:``
make the rows before the first of them a header, start a new body (``|---+---|``) or a
footer (``|===|``), and are never shown. A line of dashes is a separator only inside a
table, so after ordinary text it stays text.
"""

from __future__ import annotations

import re
from typing import Any

from markdown_it import MarkdownIt

CODE_SPAN = re.compile(r"(`+)(?:(?!\1).)+?\1")
SEPARATOR = re.compile(r" {0,3}[|+]?(?:[ \t]*:?(?:-+|=+):?[ \t]*[|+]?)+[ \t]*")


def cell_bounds(line: str) -> list[str]:
    """``line`` split at its unescaped pipes outside code spans, outer pipes dropped."""
    masked = CODE_SPAN.sub(lambda m: "\0" * len(m.group(0)), line)
    cuts = [i for i, ch in enumerate(masked) if ch == "|" and (i == 0 or masked[i - 1] != "\\")]
    pieces, start = [], 0
    for cut in cuts:
        pieces.append(line[start:cut])
        start = cut + 1
    pieces.append(line[start:])
    if line.lstrip().startswith("|"):
        pieces = pieces[1:]
    if len(pieces) > 1 and not pieces[-1].strip():
        pieces = pieces[:-1]
    return [piece.strip() for piece in pieces]


def is_row(line: str) -> bool:
    masked = CODE_SPAN.sub(lambda m: "\0" * len(m.group(0)), line)
    return bool(line.strip()) and re.search(r"(?<!\\)\|", masked) is not None


def alignments(separator: str) -> list[str]:
    out = []
    for cell in cell_bounds(separator.replace("+", "|")):
        left, right = cell.startswith(":"), cell.endswith(":")
        out.append("center" if left and right else "left" if left else "right" if right else "")
    return out


def kramdown_table(state: Any, start: int, end: int, silent: bool) -> bool:
    first = state.src[state.bMarks[start] + state.tShift[start]:state.eMarks[start]]
    if state.sCount[start] - state.blkIndent >= 4 or first.startswith("$$"):
        return False  # code, or a maths block, which kramdown reads before tables
    lines: list[str] = []
    line_no = start
    while line_no < end:
        text = state.src[state.bMarks[line_no] + state.tShift[line_no]:state.eMarks[line_no]]
        if state.sCount[line_no] < state.blkIndent or not (is_row(text) or (
                lines and SEPARATOR.fullmatch(text))):
            break
        lines.append(text)
        line_no += 1
    if not lines or SEPARATOR.fullmatch(lines[0]) and len(lines) == 1:
        return False
    if silent:
        return True
    head: list[list[str]] = []
    sections: list[tuple[str, list[list[str]]]] = []
    rows: list[list[str]] = []
    align: list[str] = []
    for text in lines:
        if SEPARATOR.fullmatch(text):
            if not head and not sections and rows:
                head, rows, align = rows, [], alignments(text)
            elif rows:
                sections.append(("tbody", rows))
                rows = []
            if "=" in text:
                sections.append(("tfoot-mark", []))
            continue
        rows.append(cell_bounds(text))
    if rows:
        footer = bool(sections) and sections[-1][0] == "tfoot-mark"
        sections.append(("tfoot" if footer else "tbody", rows))
    sections = [s for s in sections if s[0] != "tfoot-mark"]
    width = max(len(row) for row in [*head, *(r for _, rs in sections for r in rs)] or [[""]])
    token = state.push("table_open", "table", 1)
    token.map = [start, line_no]
    for kind, rows_of in ([("thead", head)] if head else []) + sections:
        state.push(f"{kind}_open", kind, 1)
        for row in rows_of:
            state.push("tr_open", "tr", 1)
            for index in range(width):
                cell = "th" if kind == "thead" else "td"
                opened = state.push(f"{cell}_open", cell, 1)
                if index < len(align) and align[index]:
                    opened.attrSet("style", f"text-align:{align[index]}")
                inline = state.push("inline", "", 0)
                inline.content = row[index] if index < len(row) else ""
                inline.map = [start, line_no]
                inline.children = []
                state.push(f"{cell}_close", cell, -1)
            state.push("tr_close", "tr", -1)
        state.push(f"{kind}_close", kind, -1)
    state.push("table_close", "table", -1)
    state.line = line_no
    return True


def kramdown_tables_plugin(md: MarkdownIt) -> None:
    """In place of GFM's table rule; never interrupts a paragraph, as in kramdown. Nor
    does a horizontal rule: in kramdown a line of dashes after text is more text (a
    Pandoc-style table's rule lines stay in its paragraph)."""
    md.block.ruler.at("table", kramdown_table)
    hr = md.block.ruler.__rules__[md.block.ruler.__find__("hr")].fn
    md.block.ruler.at("hr", hr, {"alt": ["reference", "blockquote", "list"]})
