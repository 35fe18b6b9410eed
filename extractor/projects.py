"""Stage 4: logical forms -> contract ``Project`` records.

Reads the label values of the project block (amounts, spending plan, goals)
and normalizes every 指标值 into a ``Target``.  Everything that cannot be
read becomes ``None`` plus a ``Warning`` that names the page and the field,
never a guess.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Sequence

import regex

from .document import Budget, Execution, Project, SpendingStep, Warning
from .forms import MONTH_LABEL, ProjectForm, Span, split_title
from .forms.kinds import form_kind
from .header_block import BlockValues, Warn, amount_of, parse_amount, parse_percent, read_block, sources_of
from .indicators import row_to_indicator

#: A goal's printed number: "1.", "2、", "（3）", "目标4：".
_GOAL_MARK = regex.compile(r"\s*(?:[（(]\s*(?P<n>\d{1,2})\s*[)）]|目标\s*(?P<n>\d{1,2})\s*[:：.．、]|(?P<n>\d{1,2})\s*(?:[.．](?!\d)|、))\s*")
_CN_QUARTER = {"一": 3, "二": 6, "三": 9, "四": 12, "1": 3, "2": 6, "3": 9, "4": 12}


@dataclass(frozen=True)
class ProjectResult:
    project: Project
    warnings: tuple[Warning, ...]


def split_goals(span: Span) -> list[str]:
    """Goals by their printed numbering, numbering stripped.  The cell's
    wrapped lines are rejoined first; a number ("1.", "（2）", "3、",
    "目标4：") opens a goal where it starts the cell or follows a
    separator (。；; ，, or a line break), and only the numbers that count
    1, 2, 3 … from the cell's start do (a "2.5%" inside a goal opens none)."""
    from .rejoin import join_pair

    lines = [line for line in (span.lines or (span.text,)) if line.strip()]
    text, breaks = "", []
    for line in lines:
        breaks.append(len(text))
        text = join_pair(text, line, first_filled=True) if text else line
    starts = {0} | set(breaks)
    opens = []
    expected = 1
    for m in _GOAL_MARK.finditer(text):
        at = m.start()
        before = text[:at].rstrip()
        if at not in starts and before and before[-1] not in "。；;，,":
            continue
        n = int(m.group("n"))
        # the next number, or the one after it (a list that skips one: 目标4, 目标6)
        if (n == expected or (expected > 1 and n == expected + 1)) and (expected > 1 or not text[:at].strip()):
            opens.append((at, m.end()))
            expected = n + 1
    if len(opens) >= 2 or (opens and opens[0][0] == 0 and len(lines) == 1 and text[opens[0][1]:].strip()):
        goals = [text[a_end:(opens[k + 1][0] if k + 1 < len(opens) else len(text))]
                 for k, (_, a_end) in enumerate(opens)]
    else:
        m = _GOAL_MARK.match(text)
        goals = [text[m.end():] if m and int(m.group("n")) == 1 else text]
    # Trailing separators belong to the printed list, not to the goal.
    return [g.strip().rstrip("；;，,。.").strip() for g in goals if g.strip()]


def month_of(label: str) -> Optional[int]:
    m = MONTH_LABEL.match(label.replace(" ", ""))
    if not m:
        return None
    if m.group(1):
        month = int(m.group(1))
        return month if 1 <= month <= 12 else None
    return _CN_QUARTER[m.group(2)]


def spending_plan(form: ProjectForm, warn: Warn) -> list[SpendingStep]:
    plan: list[SpendingStep] = []
    for label, value in form.spending:
        month = month_of(label.text)
        parsed = parse_amount(value.text) if value.text else None
        if month is None or parsed is None:
            if value.text:
                warn("unparsed_amount", value, f"资金支出计划 {label.text}", f"amount {value.text!r} is not a number")
            continue
        plan.append(SpendingStep(label=label.text, month=month, amount=parsed))
    return plan


def execution_of(block: BlockValues, warn: Warn) -> Optional[Execution]:
    """The budget execution row of a self-evaluation (年初预算数 …
    执行率, 分值, 得分), or None when the block has none."""
    if not any(role in block.values for role in _EXECUTION):
        return None
    numbers = {field: amount_of(block, role, label, warn) for role, (field, label) in _EXECUTION.items()
               if role != "exec_rate"}
    rate_span = block.values.get("exec_rate")
    rate = parse_percent(rate_span.text) if rate_span is not None and rate_span.text else None
    if rate is None and rate_span is not None and rate_span.text:
        rate = amount_of(block, "exec_rate", "执行率", warn)
    return Execution(rate=rate, **numbers)


_EXECUTION = {
    "exec_planned": ("planned", "年初预算数"), "exec_adjusted": ("adjusted", "全年预算数"),
    "exec_spent": ("spent", "全年执行数"), "exec_rate": ("rate", "执行率"),
    "exec_weight": ("weight", "分值"), "exec_score": ("score", "得分"),
}


def goals_of(block: BlockValues) -> list[str]:
    span = block.values.get("goals")
    return split_goals(span) if span is not None and span.text else []


def form_to_project(form: ProjectForm, ordinal: int, year: Optional[int] = None) -> ProjectResult:
    """``ordinal`` numbers projects whose title carries no number; ``year``
    (the budget year) dates deadlines printed without one ("12月底前")."""
    warnings: list[Warning] = []
    number, title = (None, "")
    if form.title is not None:
        number, title = split_title(form.title.text) or (None, form.title.text)
    index = number if number is not None else ordinal
    where = f"project {index}"

    def warn(code: str, span: Optional[Span], field: str, message: str) -> None:
        page = f"page {span.page}, " if span is not None else ""
        warnings.append(Warning(code, f"{page}{where}, {field}", message))

    kind = form_kind(form)
    block = read_block(form)
    execution = execution_of(block, warn)
    total = amount_of(block, "total", "预算数", warn)
    if total is None and execution is not None:
        # a self-evaluation's 年度资金总额 is printed under 年初预算数 (or,
        # where that is blank, under 全年预算数)
        total = execution.planned if execution.planned is not None else execution.adjusted
    budget = Budget(
        total=total, fiscal=amount_of(block, "fiscal", "财政资金", warn),
        other=amount_of(block, "other", "其他资金", warn), sources=sources_of(block, warn), execution=execution,
    )
    # Where the form begins: its title, or (a row group of a listing table,
    # under a title printed pages before) its first label.
    anchor = form.title if form.title is not None and form.pages and form.title.page == form.pages[0] else next(
        (span for _, _, span in form.labels), form.title)
    for role, field in (("code", "项目编码"), ("name", "项目名称")):
        if block.text(role) is None:
            warn("missing_field", anchor, field, f"the project block has no {field}")

    if not form.columns:
        warn("no_indicator_grid", form.title, "绩效指标",
             "the form's indicator grid was not found (its header names no indicator columns): the project has no indicators")
    indicators = [row_to_indicator(row, form.columns, n, warn, year) for n, row in enumerate(form.rows, start=1)]
    project = Project(
        index=index,
        title=title or None,
        code=block.text("code"),
        name=block.text("name"),
        budget=budget,
        purpose=block.text("purpose"),
        spending_plan=spending_plan(form, warn),
        goals=goals_of(block),
        indicators=indicators,
        pages=list(form.pages),
        extra=block.extra,
        form=kind.kind,  # type: ignore[arg-type]
        stage=kind.stage,  # type: ignore[arg-type]
        department=block.text("department"),
        implementer=block.text("implementer"),
        category=block.text("category"),
        period=block.text("period"),
        outcome=block.text("outcome"),
    )
    return ProjectResult(project, tuple(warnings))


def forms_to_projects(forms: Sequence[ProjectForm], year: Optional[int] = None) -> tuple[list[Project], list[Warning]]:
    projects, warnings = [], []
    for ordinal, form in enumerate(forms, start=1):
        result = form_to_project(form, ordinal, year=year)
        projects.append(result.project)
        warnings.extend(result.warnings)
    return projects, warnings
