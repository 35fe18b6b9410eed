"""Indicator columns without a header row: where a form prints its
indicator rows with no 一级指标 / 二级指标 … header (a label such as 绩效指标
set vertically at the left instead), the columns are found by the words
of the national indicator framework (``vocab/levels.tsv``): the column
whose cell names a 二级指标 (数量指标, 社会效益指标 …), the one left of it
naming a 一级指标, then the 三级指标 and the value."""

from __future__ import annotations

import functools
from typing import Optional, Sequence

from ..layout import Cell
from ..vocab import label_role, read_table
from .model import HeaderColumn


@functools.cache
def _levels() -> dict[str, set[str]]:
    out: dict[str, set[str]] = {"level1": set(), "level2": set()}
    for row in read_table("levels"):
        out[row["role"]].add(row["text"])
    return out


def level_of(text: str) -> Optional[str]:
    """"level2" for a 二级指标 word, "level1" for a 一级指标 word (a word
    of both, 成本指标, is level2 when it stands right of a level1 word)."""
    key = text.replace(" ", "").replace("\n", "")
    levels = _levels()
    if key in levels["level2"] and key not in levels["level1"]:
        return "level2"
    if key in levels["level1"]:
        return "level1"
    return None


def columns_from_levels(cells: Sequence[Cell]) -> Optional[tuple[HeaderColumn, ...]]:
    """The indicator columns of a header-less row: a cell naming a 二级指标
    (with, left of it, one naming a 一级指标, or none), and exactly two
    cells right of it: the 三级指标 and the value.  None when the row is
    not such a row."""
    row = sorted((c for c in cells if c.text and label_role(c.text) != "heading"), key=lambda c: c.box.x0)
    if not row:
        return None
    words = _levels()
    at = next((i for i, c in enumerate(row) if c.text.replace(" ", "") in words["level2"]), None)
    if at is None or at > 1:
        return None
    if at == 1 and level_of(row[0].text) != "level1":
        return None
    rest = row[at + 1:]
    if len(rest) != 2:
        return None
    cols = []
    if at == 1:
        cols.append(HeaderColumn("level1", "一级指标", row[0].box.x0, row[0].box.x1))
    level2 = row[at]
    cols.append(HeaderColumn("level2", "二级指标", level2.box.x0, level2.box.x1))
    cols.append(HeaderColumn("level3", "三级指标", rest[0].box.x0, rest[0].box.x1))
    cols.append(HeaderColumn("value", "指标值", rest[1].box.x0, rest[1].box.x1))
    return tuple(cols)
