"""Listing tables: one grid holding several projects (or units) as row
groups — 单位编码 | 单位（项目）名称 | 资金总额 | 绩效目标 | 一级指标 … — each
group's own cells merged over its indicator rows.

``split_listing`` turns such a form into one form per group: the group's
cells become the labels of its header block (code, name, amount, goals,
funds by source), its rows its indicators.  A group starts where a new
name cell starts (a merged cell split by a page break repeats its text on
the next page: the same text continues the group).  Rows of a group that
hold no indicator (a 合计 row, a unit's own total row above its projects)
are no indicators; a group without any is a summary, not a form.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Optional

from ..vocab import label_role, words
from .model import GROUP_ROLES, IndicatorRow, ProjectForm, Span

#: The header-block role each group column feeds.
_LABEL_OF = {
    "group_code": "code", "group_name": "name", "group_amount": "total", "group_goals": "goals",
    "group_basic": "basic", "group_project": "project_funds", "group_source": "source",
}
#: Columns of an indicator itself: a row with none of them is no indicator.
_INDICATOR_ROLES = ("level3", "value", "operator", "unit", "description", "explanation")


def is_listing(form: ProjectForm) -> bool:
    return any(c.role == "group_name" for c in form.columns)


def _group_text(row: IndicatorRow, role: str) -> str:
    span = row.fields.get(role)
    return span.text if span is not None else ""


def _is_indicator(row: IndicatorRow) -> bool:
    return any(_group_text(row, role).strip() for role in _INDICATOR_ROLES)


def _is_total(row: IndicatorRow) -> bool:
    """A 合计 / 总计 row (its name cell, or its code cell, says so)."""
    totals = words("sections", "total_row")
    texts = [_group_text(row, r).replace(" ", "") for r in ("group_name", "group_code")]
    return any(t in totals for t in texts if t)


def _same_group(name: Span, current: Optional[Span]) -> bool:
    if current is None:
        return False
    if name.page == current.page:
        return name.box == current.box
    return name.text == current.text  # a merged cell's text repeated after a page break


def _labels(row: IndicatorRow, form: ProjectForm) -> list[tuple[str, str, Span]]:
    labels = []
    for col in form.columns:
        if col.role not in GROUP_ROLES:
            continue
        span = row.extra.get(col.header) if col.role == "group_source" else row.fields.get(col.role)
        if span is not None and span.text:
            role = _LABEL_OF[col.role]
            printed = label_role(col.header)
            if role == "source" and printed in ("fiscal", "other"):
                role = printed  # 一般公共预算 is the fiscal amount, named as printed
            if role == "code" and printed == "unit_code":
                role = printed  # 单位编码 is the unit's code, not the project's
            labels.append((role, col.header, span))
    return labels


def split_listing(form: ProjectForm) -> list[ProjectForm]:
    """One form per row group of a listing table (a form that is no
    listing comes back alone)."""
    if not is_listing(form):
        return [form]
    sources = {c.header for c in form.columns if c.role == "group_source"}
    columns = tuple(c for c in form.columns if c.role not in GROUP_ROLES)
    groups: list[tuple[list[tuple[str, str, Span]], list[IndicatorRow]]] = []
    current: Optional[Span] = None
    for row in form.rows:
        name = row.fields.get("group_name")
        if name is not None and name.text and not _same_group(name, current):
            current = name
            groups.append((_labels(row, form), []))
        if not groups or _is_total(row) or not _is_indicator(row):
            continue
        fields = {k: v for k, v in row.fields.items() if k not in GROUP_ROLES}
        extra = {k: v for k, v in row.extra.items() if k not in sources}
        groups[-1][1].append(IndicatorRow(fields, extra, row.pages))
    out = []
    for labels, rows in groups:
        if not rows:
            continue
        pages = sorted({p for r in rows for p in r.pages} | {s.page for _, _, s in labels})
        out.append(replace(form, labels=tuple(form.labels) + tuple(labels), columns=columns, rows=tuple(rows),
                           pages=tuple(pages), row_ends=()))
    return out
