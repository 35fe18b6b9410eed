"""Page furniture: page numbers and running headers/footers, set aside
before the text is read as content.

Two signals, neither tied to one layout:

* a line at the very top or bottom of a page (above or below everything
  else, inside ``Settings.furniture_band``) that matches a page-number
  pattern of ``vocab/furniture.tsv``;
* a line at that edge whose text, digits masked, repeats at the same edge
  on other pages (a running header such as "XX县2023年部门预算"), unless
  it is a form's title ("2026年项目支出绩效目标表" atop every form).
"""

from __future__ import annotations

import functools
from collections import Counter
from dataclasses import replace
from typing import Sequence

import regex

from .forms.titles import split_title
from .layout import PageLayout, TextLine
from .settings import Settings
from .vocab import read_table


@functools.cache
def _patterns() -> tuple[regex.Pattern, ...]:
    return tuple(regex.compile(row["pattern"]) for row in read_table("furniture"))


def is_page_number(text: str) -> bool:
    bare = regex.sub(r"\s+", "", text)
    return any(p.fullmatch(bare) for p in _patterns())


def _mask(text: str) -> str:
    return regex.sub(r"\d+", "#", regex.sub(r"\s+", "", text))


def edge_lines(layout: PageLayout, settings: Settings) -> tuple[list[TextLine], list[TextLine]]:
    """Candidates at the top (the first two lines, if above every grid and
    inside the top band) and at the bottom (the last two, likewise), each
    list ordered from the page edge inwards."""
    page = layout.page
    band = settings.furniture_band * page.height
    lines = sorted(layout.lines, key=lambda l: l.box.top)
    top = [l for l in lines[:2] if l.box.bottom <= band and all(l.box.bottom <= g.box.top for g in layout.grids)]
    bottom = [
        l
        for l in reversed(lines[-2:])
        if l.box.top >= page.height - band and all(l.box.top >= g.box.bottom for g in layout.grids) and l not in top
    ]
    return top, bottom


def remove_furniture(layouts: Sequence[PageLayout], settings: Settings) -> list[PageLayout]:
    edges = [edge_lines(layout, settings) for layout in layouts]
    # Only the outermost line at each edge can be a running header/footer:
    # the second line from the top is content (a table's unit line, say).
    outermost = [[side[0] for side in sides if side] for sides in edges]
    repeats = Counter(_mask(l.text) for lines in outermost for l in lines)
    needed = 2 if len(layouts) <= 3 else 3
    out = []
    for layout, (top, bottom), outer in zip(layouts, edges, outermost):
        # A form's title printed atop every page names each form: content.
        gone = [l for l in top + bottom if is_page_number(l.text)
                or (l in outer and repeats[_mask(l.text)] >= needed and split_title(l.text) is None)]
        if gone:
            layout = replace(layout, lines=tuple(l for l in layout.lines if l not in gone), furniture=tuple(gone))
        out.append(layout)
    return out
