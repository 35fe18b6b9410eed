"""Text outside grids: heading blocks and the titles of forms."""

from __future__ import annotations

from typing import Iterable, Optional, Sequence

import regex

from ..layout import PageLayout, TextLine
from ..rejoin import join_lines
from ..vocab import words


def lines_to_blocks(lines: Sequence[TextLine], body_size: float | None = None) -> list[list[TextLine]]:
    """Consecutive heading lines (set larger than the page's body text) of
    one size and tight spacing form a block: a title wrapped over two lines
    is one block.  Body text lines stay separate for the prose stage."""
    body_size = body_size if body_size is not None else median_size(lines)
    blocks: list[list[TextLine]] = []
    for line in lines:
        if blocks:
            prev = blocks[-1][-1]
            same_size = abs(prev.size - line.size) <= 0.5
            close = line.box.top - prev.box.bottom <= 0.6 * line.size
            if prev.page == line.page and same_size and close and _is_heading(prev, body_size):
                blocks[-1].append(line)
                continue
        blocks.append([line])
    return blocks


def median_size(lines: Iterable[TextLine]) -> float:
    """The size most characters are set in."""
    sizes = sorted(ch.size for l in lines for ch in l.chars)
    return sizes[len(sizes) // 2] if sizes else 0.0


def page_body_size(layout: PageLayout) -> float:
    return median_size(list(layout.lines) + [l for g in layout.grids for c in g.cells for l in c.lines])


#: Text set larger than this times the body text is a heading.
HEADING_RATIO = 1.15


def _is_heading(line: TextLine, body_size: float) -> bool:
    complete = line.text.endswith(tuple(words("sections", "table_title")))
    return line.size > HEADING_RATIO * body_size and not complete


def same_type(size: float, other: float) -> bool:
    """Two texts set in one size: neither is a heading over the other (nor
    smaller print, such as a running header, under it)."""
    return max(size, other) <= HEADING_RATIO * min(size, other)


_TITLE_NUMBER = regex.compile(r"^\s*(?:(\d{1,3})\s*[.．、]|表\s*(\d{1,3})(?!\d))\s*")
#: A section heading's enumerator ("（三）", "三、", "(2)"): a heading that
#: ends in a table title word ("（三）部门预算项目绩效目标表") introduces
#: the forms; it titles none of them.
_SECTION_NUMBER = regex.compile(r"^\s*(?:[（(]\s*[一二三四五六七八九十\d]{1,3}\s*[)）]|[一二三四五六七八九十]{1,3}\s*[、.．])")
#: A year of account printed above the title, read with it: "(2026年度)".
_LEADING_QUALIFIER = regex.compile(r"^[（(]\s*\d{4}\s*年度?\s*[)）]\s*")
#: A qualifier after the title word: "（一级项目）", "(2023年度)".
_TRAILING_QUALIFIER = regex.compile(r"\s*[（(][^（()）]{1,12}[)）]\s*$")


def title_of(block: Sequence[TextLine]) -> Optional[tuple[Optional[int], str]]:
    """(number, title) when the block is a project table's title."""
    return split_title(join_lines(block))


def split_title(text: str) -> Optional[tuple[Optional[int], str]]:
    """(number, title) when ``text`` is the title of a form: it ends with a
    table title word (``vocab/sections.tsv``), perhaps followed by a
    bracketed qualifier; a leading "3." or "表15" is its number."""
    bare = _LEADING_QUALIFIER.sub("", text.strip().rstrip("。.：: "))
    core = _TRAILING_QUALIFIER.sub("", bare)
    if not core.endswith(tuple(words("sections", "table_title"))) or _SECTION_NUMBER.match(bare):
        return None
    m = _TITLE_NUMBER.match(bare)
    if m:
        return int(m.group(1) or m.group(2)), bare[m.end():]
    return None, bare
