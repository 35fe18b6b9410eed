"""Tidy pandas frames across many documents (``extractor.to_frames``).

Built from the output model (``document.py``), never from JSON text: one row
per project, indicator, spending-plan step, overall target and warning, each
row keyed by ``doc`` (the document's position in the input) and ``file``, and
rows about a project by ``project`` (its index in the document), so frames
join on ``["doc", "project"]``.

Dtypes carry meaning: amounts and target values are ``float64`` (NaN when
the document has none), counts are ``int64``, pages, years and parsed warning
locations are nullable ``Int64``, deadlines are ``datetime64``, and closed
vocabularies (kind, comparator, unit, indicator levels, warning code) are
categoricals; text stays text.  Amounts keep each document's ``money_unit``
(a column of the projects frame): frames never convert money.

Frames (columns in order):

projects
    doc, file, unit, unit_code, year, money_unit, project, title, form, stage,
    code, name, department, implementer, category, period, budget_total,
    budget_fiscal, budget_other, budget_planned, budget_adjusted, budget_spent,
    execution_rate, execution_score (self-evaluations), plan_end (12月底
    amount), purpose, goals (count), outcome, indicators, quantitative,
    qualitative, warnings (count of warnings naming the project), first_page,
    last_page
indicators
    doc, file, project, project_name, form, row (1-based within the project),
    level1, level2, level3, description, raw, kind, cmp, cmp_raw, value,
    upper, unit, unit_raw, note, date, relative, basis, weight, direction,
    core, explanation, scoring, remark, actual_raw, actual_cmp, actual_value,
    actual_unit, score, deviation, periods (count), first_page, last_page
overall_indicators
    the same columns for the department forms' indicators, with
    department_form (its index), department_code and department_name in
    place of project and project_name
departments
    doc, file, department_form, title, form, stage, code, name, funds_total,
    funds_basic, funds_project, funds_fiscal, funds_other, goals, duties,
    indicators, outcome, first_page, last_page
duties
    doc, file, department_form, row, function, task, project, amount, first_page
funds_sources
    doc, file, scope ("project" or "department"), index (project or
    department form), label (as printed), amount
indicator_periods
    doc, file, scope, index, row (the indicator's), period (header as
    printed), year, actual, raw, cmp, value, upper, unit
spending_plan
    doc, file, project, project_name, step (1-based), label, month, amount,
    budget_total, share (amount / budget_total)
overall_targets
    doc, file, unit, no, title, goal, indicator, satisfaction_raw,
    satisfaction_cmp, satisfaction_value, satisfaction_unit
warnings
    doc, file, code, where, message, project, page
"""

from __future__ import annotations

import typing
from typing import Any, Iterable, Union

import pandas as pd

from .document import Comparator, Direction, Document, FormKind, FormStage, Indicator, Kind, Relative, Target

#: Comparators in reading order, from the model's ``Comparator`` type.
COMPARATORS = pd.CategoricalDtype(list(typing.get_args(Comparator)))
KINDS = pd.CategoricalDtype(list(typing.get_args(Kind)))
RELATIVE = pd.CategoricalDtype(list(typing.get_args(Relative)))
FORMS = pd.CategoricalDtype(list(typing.get_args(FormKind)))
STAGES = pd.CategoricalDtype(list(typing.get_args(FormStage)))
DIRECTIONS = pd.CategoricalDtype(list(typing.get_args(Direction)))

#: Text columns get pandas' default dtype for strings (object in pandas 2,
#: str in pandas 3), also when empty or all missing.
_TEXT = None
TEXT = pd.Series(["text"]).dtype

_DOC = {"doc": "int64", "file": _TEXT}

#: The columns of an indicator of any form, after its form's key columns.
_INDICATOR = {
    "row": "int64", "level1": "category", "level2": "category", "level3": _TEXT, "description": _TEXT,
    "raw": _TEXT, "kind": KINDS, "cmp": COMPARATORS, "cmp_raw": "category", "value": "float64", "upper": "float64",
    "unit": "category", "unit_raw": "category", "note": _TEXT, "date": "datetime64[ns]",
    "relative": RELATIVE, "basis": _TEXT, "weight": "float64", "direction": DIRECTIONS, "core": "boolean",
    "explanation": _TEXT, "scoring": _TEXT, "remark": _TEXT, "actual_raw": _TEXT, "actual_cmp": COMPARATORS,
    "actual_value": "float64", "actual_unit": "category", "score": "float64", "deviation": _TEXT,
    "periods": "int64", "first_page": "Int64", "last_page": "Int64",
}

SPECS: dict[str, dict[str, Any]] = {
    "projects": {
        **_DOC, "unit": _TEXT, "unit_code": _TEXT, "year": "Int64", "money_unit": "category",
        "project": "int64", "title": _TEXT, "form": FORMS, "stage": STAGES, "code": _TEXT, "name": _TEXT,
        "department": _TEXT, "implementer": _TEXT, "category": _TEXT, "period": _TEXT,
        "budget_total": "float64", "budget_fiscal": "float64", "budget_other": "float64",
        "budget_planned": "float64", "budget_adjusted": "float64", "budget_spent": "float64",
        "execution_rate": "float64", "execution_score": "float64",
        "plan_end": "float64", "purpose": _TEXT, "goals": "int64", "outcome": _TEXT, "indicators": "int64",
        "quantitative": "int64", "qualitative": "int64", "warnings": "int64",
        "first_page": "Int64", "last_page": "Int64",
    },
    "indicators": {**_DOC, "project": "int64", "project_name": _TEXT, "form": FORMS, **_INDICATOR},
    "overall_indicators": {
        **_DOC, "department_form": "int64", "department_code": _TEXT, "department_name": _TEXT, "form": FORMS,
        **_INDICATOR,
    },
    "departments": {
        **_DOC, "department_form": "int64", "title": _TEXT, "form": FORMS, "stage": STAGES, "code": _TEXT,
        "name": _TEXT, "money_unit": "category", "funds_total": "float64", "funds_basic": "float64",
        "funds_project": "float64", "funds_fiscal": "float64", "funds_other": "float64", "goals": "int64",
        "duties": "int64", "indicators": "int64", "outcome": _TEXT, "first_page": "Int64", "last_page": "Int64",
    },
    "duties": {
        **_DOC, "department_form": "int64", "row": "int64", "function": _TEXT, "task": _TEXT, "project": _TEXT,
        "amount": "float64", "first_page": "Int64",
    },
    "funds_sources": {**_DOC, "scope": "category", "index": "int64", "label": _TEXT, "amount": "float64"},
    "indicator_periods": {
        **_DOC, "scope": "category", "index": "int64", "row": "int64", "period": _TEXT, "year": "Int64",
        "actual": "bool", "raw": _TEXT, "cmp": COMPARATORS, "value": "float64", "upper": "float64",
        "unit": "category",
    },
    "spending_plan": {
        **_DOC, "project": "int64", "project_name": _TEXT, "step": "int64", "label": _TEXT,
        "month": "int64", "amount": "float64", "budget_total": "float64", "share": "float64",
    },
    "overall_targets": {
        **_DOC, "unit": _TEXT, "no": "int64", "title": _TEXT, "goal": _TEXT, "indicator": _TEXT,
        "satisfaction_raw": _TEXT, "satisfaction_cmp": COMPARATORS,
        "satisfaction_value": "float64", "satisfaction_unit": "category",
    },
    "warnings": {
        **_DOC, "code": "category", "where": _TEXT, "message": _TEXT, "project": "Int64", "page": "Int64",
    },
}


def _frame(name: str, rows: list[dict[str, Any]]) -> pd.DataFrame:
    spec = SPECS[name]
    df = pd.DataFrame(rows, columns=list(spec))
    for column, dtype in spec.items():
        if dtype is None:
            df[column] = df[column].astype(TEXT)
        elif dtype == "datetime64[ns]":
            df[column] = pd.to_datetime(df[column]).astype(dtype)
        else:
            df[column] = df[column].astype(dtype)
    return df


def _pages(pages: list[int]) -> dict[str, Any]:
    return {"first_page": min(pages) if pages else None, "last_page": max(pages) if pages else None}


def _share(amount: float, total: float | None) -> float | None:
    return amount / total if total else None


def _target(t: Target | None, prefix: str) -> dict[str, Any]:
    return {
        f"{prefix}raw": t.raw if t else None,
        f"{prefix}cmp": t.cmp if t else None,
        f"{prefix}value": t.value if t else None,
        f"{prefix}unit": t.unit if t else None,
    }


def _indicator(row: int, i: Indicator) -> dict[str, Any]:
    t, a = i.target, i.actual
    return {
        "row": row, "level1": i.level1, "level2": i.level2, "level3": i.level3,
        "description": i.description, "raw": t.raw, "kind": t.kind, "cmp": t.cmp, "cmp_raw": t.cmp_raw,
        "value": t.value, "upper": t.upper, "unit": t.unit, "unit_raw": t.unit_raw,
        "note": t.note, "date": t.date, "relative": t.relative, "basis": i.basis, "weight": i.weight,
        "direction": i.direction, "core": i.core, "explanation": i.explanation, "scoring": i.scoring,
        "remark": i.remark, "actual_raw": a.raw if a else None, "actual_cmp": a.cmp if a else None,
        "actual_value": a.value if a else None, "actual_unit": a.unit if a else None, "score": i.score,
        "deviation": i.deviation, "periods": len(i.periods), **_pages(i.pages),
    }


def _periods(key: dict[str, Any], scope: str, index: int, row: int, i: Indicator) -> list[dict[str, Any]]:
    return [{**key, "scope": scope, "index": index, "row": row, "period": p.period, "year": p.year,
             "actual": p.actual, "raw": p.target.raw, "cmp": p.target.cmp, "value": p.target.value,
             "upper": p.target.upper, "unit": p.target.unit} for p in i.periods]


def _rows(n: int, doc: Document) -> dict[str, list[dict[str, Any]]]:
    key = {"doc": n, "file": doc.source.file}
    per_project: dict[int | None, int] = {}
    for w in doc.warnings:
        per_project[w.project] = per_project.get(w.project, 0) + 1
    out: dict[str, list[dict[str, Any]]] = {name: [] for name in SPECS}
    for p in doc.projects:
        b, ex = p.budget, p.budget.execution
        end = [s.amount for s in p.spending_plan if s.month == 12]
        quant = sum(1 for i in p.indicators if i.target.kind == "quantitative")
        out["projects"].append({
            **key, "unit": doc.unit.name, "unit_code": doc.unit.code, "year": doc.year,
            "money_unit": doc.money_unit, "project": p.index, "title": p.title, "form": p.form, "stage": p.stage,
            "code": p.code, "name": p.name, "department": p.department, "implementer": p.implementer,
            "category": p.category, "period": p.period,
            "budget_total": b.total, "budget_fiscal": b.fiscal, "budget_other": b.other,
            "budget_planned": ex.planned if ex else None, "budget_adjusted": ex.adjusted if ex else None,
            "budget_spent": ex.spent if ex else None, "execution_rate": ex.rate if ex else None,
            "execution_score": ex.score if ex else None,
            "plan_end": end[-1] if end else None, "purpose": p.purpose, "goals": len(p.goals), "outcome": p.outcome,
            "indicators": len(p.indicators), "quantitative": quant, "qualitative": len(p.indicators) - quant,
            "warnings": per_project.get(p.index, 0), **_pages(p.pages),
        })
        about = {**key, "project": p.index, "project_name": p.name}
        for row, i in enumerate(p.indicators, start=1):
            out["indicators"].append({**about, "form": p.form, **_indicator(row, i)})
            out["indicator_periods"].extend(_periods(key, "project", p.index, row, i))
        for step, s in enumerate(p.spending_plan, start=1):
            out["spending_plan"].append({
                **about, "step": step, "label": s.label, "month": s.month, "amount": s.amount,
                "budget_total": b.total, "share": _share(s.amount, b.total),
            })
        out["funds_sources"].extend({**key, "scope": "project", "index": p.index, "label": label, "amount": amount}
                                    for label, amount in b.sources.items())
    if doc.overall is not None:
        for t in doc.overall.targets:
            out["overall_targets"].append({
                **key, "unit": doc.unit.name, "no": t.no, "title": t.title, "goal": t.goal,
                "indicator": t.indicator, **_target(t.satisfaction, "satisfaction_"),
            })
        for d in doc.overall.forms:
            f = d.funds
            out["departments"].append({
                **key, "department_form": d.index, "title": d.title, "form": d.form, "stage": d.stage,
                "code": d.code, "name": d.name, "money_unit": doc.money_unit, "funds_total": f.total,
                "funds_basic": f.basic, "funds_project": f.project, "funds_fiscal": f.fiscal,
                "funds_other": f.other, "goals": len(d.goals), "duties": len(d.duties),
                "indicators": len(d.indicators), "outcome": d.outcome, **_pages(d.pages),
            })
            about = {**key, "department_form": d.index, "department_code": d.code, "department_name": d.name}
            for row, i in enumerate(d.indicators, start=1):
                out["overall_indicators"].append({**about, "form": d.form, **_indicator(row, i)})
                out["indicator_periods"].extend(_periods(key, "department", d.index, row, i))
            for row, duty in enumerate(d.duties, start=1):
                out["duties"].append({
                    **key, "department_form": d.index, "row": row, "function": duty.function, "task": duty.task,
                    "project": duty.project, "amount": duty.amount,
                    "first_page": min(duty.pages) if duty.pages else None,
                })
            out["funds_sources"].extend({**key, "scope": "department", "index": d.index, "label": label,
                                         "amount": amount} for label, amount in f.sources.items())
    for w in doc.warnings:
        out["warnings"].append({**key, "code": w.code, "where": w.where, "message": w.message,
                                "project": w.project, "page": w.page})
    return out


def to_frames(docs: Union[Document, Iterable[Document]]) -> dict[str, pd.DataFrame]:
    """Tidy frames of one or many documents (``SPECS`` names them; see the
    module docstring for their columns and dtypes).  Every frame has its columns and
    dtypes even when empty."""
    if isinstance(docs, Document):
        docs = [docs]
    rows: dict[str, list[dict[str, Any]]] = {name: [] for name in SPECS}
    for n, doc in enumerate(docs):
        if not isinstance(doc, Document):
            raise TypeError(f"to_frames takes Documents (extract() or load() them), not {type(doc).__name__}")
        for name, part in _rows(n, doc).items():
            rows[name].extend(part)
    return {name: _frame(name, part) for name, part in rows.items()}
