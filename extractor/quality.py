"""Data-quality checks: consistency rules over an extracted document.

The extraction keeps what the form says; these rules say where the form
contradicts itself, so that analysts see it before they sum or chart
anything.  Each rule is a small named function ``(Document) -> list[Warning]``
with a stable warning code, registered in ``RULES``; ``check`` runs them all
and the pipeline appends what they find to ``Document.warnings``.

Amounts are compared in the document's own money unit and never converted:
an amount in another unit (元/年, 元/人 …) is not comparable and is skipped.
Two amounts are equal when they differ by at most ``TOLERANCE``.

Words the rules look for (which 二级指标 are cost headings, which words make an
indicator a count) live in ``vocab/quality.tsv``.
"""

from __future__ import annotations

import functools
from typing import Callable, Iterable, Optional, Sequence

from .document import Document, Indicator, Project, Warning
from .vocab import label_key, read_table, words

#: Amounts closer than this (in the document's money unit) are equal.
TOLERANCE = 0.005

Rule = Callable[[Document], "list[Warning]"]


def rule(code: str) -> Callable[[Rule], Rule]:
    """Mark a function as the rule that reports warnings with ``code``."""

    def mark(fn: Rule) -> Rule:
        fn.code = code  # type: ignore[attr-defined]
        return fn

    return mark


# -- helpers ------------------------------------------------------------------

def _close(a: float, b: float) -> bool:
    return abs(a - b) <= TOLERANCE


def _num(value: float) -> str:
    return f"{round(value, 6):g}"


def _money(doc: Document) -> str:
    return f" {doc.money_unit}" if doc.money_unit else ""


def _project_where(p: Project, field: str) -> str:
    page = f"page {p.pages[0]}, " if p.pages else ""
    return f"{page}project {p.index}, {field}"


def _indicator_where(p: Project, n: int, i: Indicator) -> str:
    pages = i.pages or p.pages
    page = f"page {pages[0]}, " if pages else ""
    return f"{page}project {p.index}, indicator {n} 指标值"


@functools.cache
def _cost_headings() -> frozenset[str]:
    return frozenset(label_key(w) for w in words("quality", "cost_level2", "word"))


@functools.cache
def _percent_units() -> frozenset[str]:
    """Canonical units that are percentages (``units.tsv`` dimension)."""
    return frozenset(r["canonical"] for r in read_table("units") if r["dimension"] in ("percent", "permille"))


def _has(text: Optional[str], role: str) -> bool:
    return bool(text) and any(w in text for w in words("quality", role, "word"))


def _is_count(text: Optional[str]) -> bool:
    return _has(text, "count_word") and not _has(text, "ratio_word")


# -- rules --------------------------------------------------------------------

@rule("plan_end_differs_from_budget")
def plan_end_differs_from_budget(doc: Document) -> list[Warning]:
    """The 12月底 amount of the spending plan differs from 预算数."""
    out = []
    for p in doc.projects:
        total = p.budget.total
        end = [s for s in p.spending_plan if s.month == 12]
        if total is None or not end:
            continue
        amount = end[-1].amount
        if _close(amount, total):
            continue
        hint = " (a plan ending at 100 may be stated in percent of the budget)" if _close(amount, 100) else ""
        out.append(Warning(
            plan_end_differs_from_budget.code,
            _project_where(p, f"资金支出计划 {end[-1].label}"),
            f"the spending plan ends at {_num(amount)}{_money(doc)} by {end[-1].label} "
            f"but 预算数 is {_num(total)}{_money(doc)}{hint}",
        ))
    return out


@rule("plan_not_monotonic")
def plan_not_monotonic(doc: Document) -> list[Warning]:
    """The spending plan, cumulative by month, decreases from one step to the next."""
    out = []
    for p in doc.projects:
        steps = sorted(p.spending_plan, key=lambda s: s.month)
        drops = [(a, b) for a, b in zip(steps, steps[1:]) if b.amount < a.amount - TOLERANCE]
        if drops:
            listed = "; ".join(f"{a.label} {_num(a.amount)} -> {b.label} {_num(b.amount)}" for a, b in drops)
            out.append(Warning(
                plan_not_monotonic.code,
                _project_where(p, "资金支出计划"),
                f"the spending plan is cumulative but decreases: {listed}",
            ))
    return out


@rule("budget_parts_differ")
def budget_parts_differ(doc: Document) -> list[Warning]:
    """财政资金 + 其他资金 differs from 预算数 (a missing part counts as 0)."""
    out = []
    for p in doc.projects:
        b = p.budget
        if b.total is None or (b.fiscal is None and b.other is None):
            continue
        parts = (b.fiscal or 0.0) + (b.other or 0.0)
        if not _close(parts, b.total):
            out.append(Warning(
                budget_parts_differ.code,
                _project_where(p, "预算数"),
                f"财政资金 {_num(b.fiscal) if b.fiscal is not None else '-'} + 其他资金 "
                f"{_num(b.other) if b.other is not None else '-'} = {_num(parts)}{_money(doc)} "
                f"but 预算数 is {_num(b.total)}{_money(doc)}",
            ))
    return out


def _cost_amounts(doc: Document, p: Project) -> list[tuple[int, Indicator]]:
    """The project's 成本指标 targets that are amounts in the money unit."""
    out = []
    for n, i in enumerate(p.indicators, start=1):
        t = i.target
        if label_key(i.level2 or "") not in _cost_headings() or t.kind != "quantitative" or t.value is None:
            continue
        if (t.unit is None and t.unit_raw is None) or (t.unit is not None and t.unit == doc.money_unit):
            out.append((n, i))
    return out


def _matches(i: Indicator, total: float) -> bool:
    t = i.target
    if t.cmp == "range" and t.upper is not None:
        return t.value - TOLERANCE <= total <= t.upper + TOLERANCE
    return _close(t.value, total)


@rule("cost_differs_from_budget")
def cost_differs_from_budget(doc: Document) -> list[Warning]:
    """A 成本指标 amount differs from 预算数.

    Only targets in the document's money unit, or with no unit at all (the
    sample's "16按计提…"), are amounts of the project: per-person or per-year
    costs (元/年, 元/人) and non-money cost targets (天) are not comparable.
    When a project has several such amounts, they may break the budget down:
    the rule is satisfied when one of them, or their sum, equals 预算数.
    """
    out = []
    for p in doc.projects:
        total = p.budget.total
        costs = _cost_amounts(doc, p)
        if total is None or not costs or any(_matches(i, total) for _, i in costs):
            continue
        if len(costs) == 1:
            n, i = costs[0]
            out.append(Warning(
                cost_differs_from_budget.code,
                _indicator_where(p, n, i),
                f"成本指标 {i.level3 or i.description or ''} is {_num(i.target.value)}{_money(doc)} "
                f"but 预算数 is {_num(total)}{_money(doc)}",
            ))
            continue
        total_cost = sum(i.target.value for _, i in costs)
        if _close(total_cost, total):
            continue
        listed = ", ".join(f"{i.level3} {_num(i.target.value)}" for _, i in costs)
        out.append(Warning(
            cost_differs_from_budget.code,
            _project_where(p, "成本指标"),
            f"the 成本指标 amounts ({listed}; sum {_num(total_cost)}{_money(doc)}) "
            f"differ from 预算数 {_num(total)}{_money(doc)}",
        ))
    return out


@rule("count_with_percent_unit")
def count_with_percent_unit(doc: Document) -> list[Warning]:
    """A count-type indicator (人数, 个数, 人次, 户数 …) has a percentage target.

    The indicator counts when its 三级指标 names a count word, or (when the
    三级指标 names no ratio) its description does; a ratio word (率, 比例,
    占比 …) next to the count word makes it a share, which may be a percentage.
    """
    out = []
    for p in doc.projects:
        for n, i in enumerate(p.indicators, start=1):
            t = i.target
            if t.kind != "quantitative" or t.unit not in _percent_units():
                continue
            counted = _is_count(i.level3) or (not _has(i.level3, "ratio_word") and _is_count(i.description))
            if counted:
                name = i.level3 if _is_count(i.level3) else i.description
                out.append(Warning(
                    count_with_percent_unit.code,
                    _indicator_where(p, n, i),
                    f"{name} is a count but its target {t.raw!r} is a percentage",
                ))
    return out


#: Every rule, in the order their warnings are reported.
RULES: tuple[Rule, ...] = (
    plan_end_differs_from_budget,
    plan_not_monotonic,
    budget_parts_differ,
    cost_differs_from_budget,
    count_with_percent_unit,
)


def check(doc: Document, rules: Sequence[Rule] = RULES) -> list[Warning]:
    """The warnings of every rule on ``doc``, rule by rule in ``RULES`` order."""
    return [w for r in rules for w in r(doc)]


def describe(rules: Iterable[Rule] = RULES) -> list[tuple[str, str, str]]:
    """``(name, code, what it checks)`` of each rule, for docs and notebooks."""
    return [(r.__name__, r.code, (r.__doc__ or "").strip().splitlines()[0]) for r in rules]  # type: ignore[attr-defined]
