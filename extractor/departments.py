"""Stage 4b: department forms -> ``DepartmentForm`` records (``overall.forms``).

A department form (部门整体绩效目标表, 部门整体支出绩效目标表, or its
self-evaluation) has the shape of a project form: a header block — the
unit's code and name, its funds (资金总额, 基本支出, 项目支出, by source),
its 年度履职目标 / 年度主要任务 rows and its goals — over an indicator
grid, read like a project's (``indicators.py``).
"""

from __future__ import annotations

from typing import Optional, Sequence

from .document import DepartmentForm, Duty, Funds, Warning
from .forms import ProjectForm, Span, split_title
from .forms.kinds import form_kind
from .header_block import amount_of, parse_amount, read_block, sources_of
from .indicators import row_to_indicator
from .projects import goals_of


def duties_of(form: ProjectForm, warn) -> list[Duty]:
    duties = []
    for row in form.duties:
        amount = None
        if row.amount is not None and row.amount.text.strip():
            amount = parse_amount(row.amount.text)
            if amount is None:
                warn("unparsed_amount", row.amount, "年度主要任务 预算金额", f"amount {row.amount.text!r} is not a number")
        duties.append(Duty(
            function=row.function.text if row.function is not None and row.function.text else None,
            task=row.task.text if row.task is not None and row.task.text else None,
            project=row.project.text if row.project is not None and row.project.text else None,
            amount=amount, pages=sorted(row.pages),
            extra={k: v.text for k, v in row.extra.items() if v.text},
        ))
    return duties


def form_to_department(form: ProjectForm, ordinal: int, year: Optional[int] = None) -> tuple[DepartmentForm, list[Warning]]:
    warnings: list[Warning] = []
    where = f"department form {ordinal}"

    def warn(code: str, span: Optional[Span], field: str, message: str) -> None:
        page = f"page {span.page}, " if span is not None else ""
        warnings.append(Warning(code, f"{page}{where}, {field}", message))

    title = None
    if form.title is not None:
        title = (split_title(form.title.text) or (None, form.title.text))[1] or None
    kind = form_kind(form)
    block = read_block(form)
    funds = Funds(
        total=amount_of(block, "total", "资金总额", warn), basic=amount_of(block, "basic", "基本支出", warn),
        project=amount_of(block, "project_funds", "项目支出", warn), fiscal=amount_of(block, "fiscal", "财政拨款", warn),
        other=amount_of(block, "other", "其他资金", warn), sources=sources_of(block, warn),
    )
    indicators = [row_to_indicator(row, form.columns, n, warn, year) for n, row in enumerate(form.rows, start=1)]
    department = DepartmentForm(
        index=ordinal,
        title=title,
        form=kind.kind,  # type: ignore[arg-type]
        stage=kind.stage,  # type: ignore[arg-type]
        code=block.text("unit_code") or block.text("code"),
        name=block.text("unit_name") or block.text("name"),
        funds=funds,
        goals=goals_of(block),
        duties=duties_of(form, warn),
        indicators=indicators,
        pages=list(form.pages),
        extra=block.extra,
        outcome=block.text("outcome"),
    )
    return department, warnings


def forms_to_departments(forms: Sequence[ProjectForm], year: Optional[int] = None) -> tuple[list[DepartmentForm], list[Warning]]:
    out, warnings = [], []
    for ordinal, form in enumerate(forms, start=1):
        department, found = form_to_department(form, ordinal, year)
        out.append(department)
        warnings.extend(found)
    return out, warnings
