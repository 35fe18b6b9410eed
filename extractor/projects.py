"""Stage 4: logical forms -> contract ``Project`` records.

Reads the label values of the project block (amounts, spending plan, goals)
and normalizes every 指标值 into a ``Target``.  Everything that cannot be
read becomes ``None`` plus a ``Warning`` that names the page and the field,
never a guess.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Optional, Sequence

import regex

from .document import Budget, Project, SpendingStep, Warning
from .forms import MONTH_LABEL, ProjectForm, Span, split_title
from .indicators import row_to_indicator

_AMOUNT = regex.compile(r"^[-−]?\d{1,3}(?:,\d{3})+(?:\.\d+)?$|^[-−]?\d+(?:\.\d+)?$")
_GOAL_NUMBER = regex.compile(r"^\s*[（(]?\d{1,2}\s*[.．、)）]\s*")
_INLINE_GOAL_NUMBER = regex.compile(r"(?<=[；;。，,\s])\s*\d{1,2}\s*[.．、]\s*")
_CN_QUARTER = {"一": 3, "二": 6, "三": 9, "四": 12, "1": 3, "2": 6, "3": 9, "4": 12}


@dataclass(frozen=True)
class ProjectResult:
    project: Project
    warnings: tuple[Warning, ...]


def parse_amount(text: str) -> Optional[float]:
    """A money amount as printed ("16.00", "1,200.5", "１６"), or None."""
    text = unicodedata.normalize("NFKC", text).replace(" ", "").rstrip("元")
    if text.endswith("万"):
        text = text[:-1]
    if not _AMOUNT.match(text):
        return None
    return float(text.replace(",", "").replace("−", "-"))


def split_goals(span: Span) -> list[str]:
    """Goals by their printed numbering ("1." at a line start), numbering
    stripped; wrapped lines rejoin their goal."""
    from .rejoin import join_pair

    goals: list[str] = []
    lines = span.lines or (span.text,)
    for line in lines:
        m = _GOAL_NUMBER.match(line)
        if m or not goals:
            goals.append(line[m.end():] if m else line)
        else:
            goals[-1] = join_pair(goals[-1], line, first_filled=True)
    if len(goals) == 1 and _INLINE_GOAL_NUMBER.search(goals[0]):
        # Numbered goals printed on one line: "1.…；2.…".
        goals = [g for g in _INLINE_GOAL_NUMBER.split(goals[0]) if g]
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

    values: dict[str, Span] = {}
    extra: dict[str, str] = {}
    for role, label, span in form.labels:
        if role == "extra":
            extra[label] = span.text
        elif role not in values:
            values[role] = span
        elif span.text:
            values[role] = values[role].extended(span)

    def amount(role: str, field: str) -> Optional[float]:
        span = values.get(role)
        if span is None or not span.text:
            return None
        value = parse_amount(span.text)
        if value is None:
            warn("unparsed_amount", span, field, f"{field} {span.text!r} is not a number")
        return value

    budget = Budget(total=amount("total", "预算数"), fiscal=amount("fiscal", "财政资金"), other=amount("other", "其他资金"))

    plan: list[SpendingStep] = []
    for label, value in form.spending:
        month = month_of(label.text)
        parsed = parse_amount(value.text) if value.text else None
        if month is None or parsed is None:
            if value.text:
                warn("unparsed_amount", value, f"资金支出计划 {label.text}", f"amount {value.text!r} is not a number")
            continue
        plan.append(SpendingStep(label=label.text, month=month, amount=parsed))

    for role, field in (("code", "项目编码"), ("name", "项目名称")):
        if role not in values or not values[role].text:
            warn("missing_field", form.title, field, f"the project block has no {field}")

    indicators = [row_to_indicator(row, form.columns, n, warn, year) for n, row in enumerate(form.rows, start=1)]
    goals_span = values.get("goals")
    project = Project(
        index=index,
        title=title or None,
        code=values["code"].text if "code" in values and values["code"].text else None,
        name=values["name"].text if "name" in values and values["name"].text else None,
        budget=budget,
        purpose=values["purpose"].text if "purpose" in values and values["purpose"].text else None,
        spending_plan=plan,
        goals=split_goals(goals_span) if goals_span is not None and goals_span.text else [],
        indicators=indicators,
        pages=list(form.pages),
        extra=extra,
    )
    return ProjectResult(project, tuple(warnings))


def forms_to_projects(forms: Sequence[ProjectForm], year: Optional[int] = None) -> tuple[list[Project], list[Warning]]:
    projects, warnings = [], []
    for ordinal, form in enumerate(forms, start=1):
        result = form_to_project(form, ordinal, year=year)
        projects.append(result.project)
        warnings.extend(result.warnings)
    return projects, warnings
