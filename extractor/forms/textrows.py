"""Indicators written as text in one cell: "1－产出指标，11－数量指标，
111－培训人次，年度指标值：≥100人次；112－…".  The printed codes give the
level (one digit a 一级指标, two a 二级指标, three or more a 三级指标), the
word before a colon that names a value column (年度指标值, 指标值 …:
``vocab/headers.tsv``) gives its value.  A cell of prose goals holds no such
codes and gives no rows."""

from __future__ import annotations

from typing import Optional

import regex

from ..layout import Cell
from ..vocab import header_role
from .model import HeaderColumn, IndicatorRow, Span

_ITEM = regex.compile(r"(?<![\d.])(\d{1,4})\s*[－\-—–]\s*([^，,；;。\n]+)")
_VALUE = regex.compile(r"([\p{Han}（）()]{2,10})\s*[:：]\s*([^，,；;\n]+)")
#: Columns of the rows read from text (their headers as the cell names them).
TEXT_COLUMNS = (
    HeaderColumn("level1", "一级指标", 0.0, 0.0), HeaderColumn("level2", "二级指标", 0.0, 0.0),
    HeaderColumn("level3", "三级指标", 0.0, 0.0), HeaderColumn("value", "指标值", 0.0, 0.0),
)


def rows_from_text(cell: Cell) -> Optional[list[IndicatorRow]]:
    """The indicator rows a cell writes as text, or None when it writes
    none (two coded items and a value at least)."""
    text = cell.text
    events: list[tuple[int, str, str]] = []
    for m in _ITEM.finditer(text):
        events.append((m.start(), f"code{len(m.group(1))}", m.group(2).strip()))
    for m in _VALUE.finditer(text):
        if header_role(m.group(1)) == "value":
            events.append((m.start(), "value", m.group(2).strip()))
    events.sort()
    if sum(1 for _, kind, _ in events if kind.startswith("code")) < 2 or not any(k == "value" for _, k, _ in events):
        return None
    rows: list[IndicatorRow] = []
    levels: dict[str, str] = {}

    def span(t: str) -> Span:
        return Span(t, cell.page, cell.box, (t,))

    current: Optional[dict[str, Span]] = None
    for _, kind, word in events:
        if kind == "value":
            if current is not None:
                current["value"] = span(word)
            continue
        depth = int(kind[4:])
        if depth == 1:
            levels = {"level1": word}
        elif depth == 2:
            levels = {"level1": levels.get("level1", ""), "level2": word}
        else:
            current = {role: span(t) for role, t in levels.items() if t}
            current["level3"] = span(word)
            rows.append(IndicatorRow(current, {}, (cell.page,)))
    return rows or None
