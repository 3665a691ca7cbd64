"""HTML tables as aligned monospace text, for dialects that have no tables.

Telegram, Telegraph and plain text cannot show a table, but a ``<pre>`` block of
aligned columns reads well in all three. Chinese, Japanese and Korean characters take
two columns in a monospace font, so widths are measured East-Asian-aware.
"""

from __future__ import annotations

import re
import unicodedata

from bs4 import Tag

SPACES = re.compile(r"\s+")


def display_width(text: str) -> int:
    """Columns a monospace font gives ``text``: East Asian wide characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def table_text(table: Tag) -> str:
    """Rows as lines, cells padded to their column's width and joined by `` | ``;
    a rule under the first row when the table has header cells."""
    rows = [[SPACES.sub(" ", cell.get_text()).strip() for cell in row.find_all(["th", "td"])]
            for row in table.find_all("tr")]
    rows = [row for row in rows if row]
    if not rows:
        return ""
    columns = max(len(row) for row in rows)
    widths = [max((display_width(row[i]) for row in rows if i < len(row)), default=0)
              for i in range(columns)]
    lines = []
    for index, row in enumerate(rows):
        cells = [cell + " " * (widths[i] - display_width(cell)) for i, cell in enumerate(row)]
        lines.append(" | ".join(cells).rstrip())
        if index == 0 and table.find("th"):
            lines.append("-+-".join("-" * w for w in widths))
    return "\n".join(lines)
