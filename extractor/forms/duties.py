"""The 年度履职目标 / 年度主要任务 block of a department form: a small table
inside the header block (任务名称 | 主要内容 | 预算金额 …, perhaps with 总额 |
财政拨款 | 其他资金 under 预算金额), one row per duty, closed by a 金额合计
row or the next label."""

from __future__ import annotations

from typing import Optional, Sequence

from ..layout import Cell
from ..vocab import label_key, label_role, roles, words
from .headers import cell_for_column
from .model import Builder, DutyRow, HeaderColumn, Span


def duty_role(text: str) -> Optional[str]:
    return roles("duties", "header").get(label_key(text))


def duty_columns(cells: Sequence[Cell]) -> Optional[tuple[HeaderColumn, ...]]:
    """The columns when ``cells`` are the duty block's header row: two or
    more duty headers, one of them naming the duty (task or function)."""
    cols = [HeaderColumn(duty_role(c.text) or "", c.text, c.box.x0, c.box.x1) for c in cells if c.text]
    if len(cols) < 2 or not all(c.role for c in cols) or not {c.role for c in cols} & {"task", "function"}:
        return None
    return tuple(cols)


def refined_columns(columns: Sequence[HeaderColumn], cells: Sequence[Cell]) -> Optional[tuple[HeaderColumn, ...]]:
    """A second header row (总额 | 财政拨款 | 其他资金 under 预算金额): the
    columns with the spanning one replaced by those under it; None when
    ``cells`` are no such row.  Under the column of the duty's amount the
    sub-columns keep their roles; under any other (全年执行数 beside
    全年预算数) they are kept in extra as "spanning header/sub-header", so
    that neither gives the amount and two 财政拨款 stay two columns."""
    subs = [HeaderColumn(duty_role(c.text) or "", c.text, c.box.x0, c.box.x1) for c in cells if c.text]
    if not subs or not all(s.role for s in subs) or {s.role for s in subs} & {"task", "function"}:
        return None
    out: list[HeaderColumn] = []
    for col in columns:
        under = [s for s in subs if col.x0 - 1 <= (s.x0 + s.x1) / 2 <= col.x1 + 1]
        if col.role != "amount":
            under = [HeaderColumn("extra", f"{_bare(col.header)}/{_bare(s.header)}", s.x0, s.x1) for s in under]
        out.extend(under or [col])
    return tuple(out)


def _bare(text: str) -> str:
    return text.strip().rstrip(":：").strip()


def is_total_row(cells: Sequence[Cell]) -> bool:
    first = next((c for c in sorted(cells, key=lambda c: c.box.x0) if c.text), None)
    return first is not None and first.text.replace(" ", "") in words("sections", "total_row")


def duty_row(columns: Sequence[HeaderColumn], cells: Sequence[Cell]) -> Optional[DutyRow]:
    fields: dict[str, Span] = {}
    extra: dict[str, Span] = {}
    for col in columns:
        cell = cell_for_column(cells, col)
        if cell is None or not cell.text:
            continue
        span = Span.of_cell(cell)
        if col.role == "extra" or col.role in fields:
            extra[col.header] = span
        else:
            fields[col.role] = span
    if not fields and not extra:
        return None
    pages = tuple(sorted({c.page for c in cells}))
    return DutyRow(fields.get("function"), fields.get("task"), fields.get("project"), fields.get("amount"), extra, pages)


def read_duty_row(b: Builder, cells: Sequence[Cell]) -> bool:
    """Read a row of an open duty block; False when the block has ended
    (the row is for the ordinary block reader).  A 金额合计 row ends it,
    its amount the form's total."""
    refined = refined_columns(b.duty_columns, cells)
    if refined is not None:
        b.duty_columns = refined
        return True
    if is_total_row(cells):
        # The sums: 总额 is the total, the amounts by source (财政拨款,
        # 其他资金) under their own columns are the funds by source; the
        # row's other cells (the 全年执行数 sums of a self-evaluation) are
        # kept in extra as "row label/column header".
        label = next(c for c in sorted(cells, key=lambda c: c.box.x0) if c.text)
        for col in b.duty_columns:
            role = "total" if col.role == "amount" else label_role(col.header)
            cell = cell_for_column(cells, col)
            if cell is None or not cell.text or cell is label:
                continue
            if role in ("total", "fiscal", "other", "source"):
                b.labels.append((role, label.text if role == "total" else col.header, Span.of_cell(cell)))
            else:
                b.labels.append(("extra", f"{_bare(label.text)}/{_bare(col.header)}", Span.of_cell(cell)))
        b.duty_columns = ()
        return True
    row = duty_row(b.duty_columns, cells)
    if row is not None:
        b.duties.append(row)
    return True
