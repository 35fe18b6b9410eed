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
    doc, file, unit, unit_code, year, money_unit, project, title, code, name,
    budget_total, budget_fiscal, budget_other, plan_end (12月底 amount),
    purpose, goals (count), indicators, quantitative, qualitative, warnings
    (count of warnings naming the project), first_page, last_page
indicators
    doc, file, project, project_name, row (1-based within the project),
    level1, level2, level3, description, raw, kind, cmp, value, upper, unit,
    unit_raw, note, date, relative, basis, first_page, last_page
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

from .document import Comparator, Document, Kind, Relative, Target

#: Comparators in reading order, from the model's ``Comparator`` type.
COMPARATORS = pd.CategoricalDtype(list(typing.get_args(Comparator)))
KINDS = pd.CategoricalDtype(list(typing.get_args(Kind)))
RELATIVE = pd.CategoricalDtype(list(typing.get_args(Relative)))

#: Text columns get pandas' default dtype for strings (object in pandas 2,
#: str in pandas 3), also when empty or all missing.
_TEXT = None
TEXT = pd.Series(["text"]).dtype

_DOC = {"doc": "int64", "file": _TEXT}

SPECS: dict[str, dict[str, Any]] = {
    "projects": {
        **_DOC, "unit": _TEXT, "unit_code": _TEXT, "year": "Int64", "money_unit": "category",
        "project": "int64", "title": _TEXT, "code": _TEXT, "name": _TEXT,
        "budget_total": "float64", "budget_fiscal": "float64", "budget_other": "float64",
        "plan_end": "float64", "purpose": _TEXT, "goals": "int64", "indicators": "int64",
        "quantitative": "int64", "qualitative": "int64", "warnings": "int64",
        "first_page": "Int64", "last_page": "Int64",
    },
    "indicators": {
        **_DOC, "project": "int64", "project_name": _TEXT, "row": "int64",
        "level1": "category", "level2": "category", "level3": _TEXT, "description": _TEXT,
        "raw": _TEXT, "kind": KINDS, "cmp": COMPARATORS, "value": "float64", "upper": "float64",
        "unit": "category", "unit_raw": "category", "note": _TEXT, "date": "datetime64[ns]",
        "relative": RELATIVE, "basis": _TEXT, "first_page": "Int64", "last_page": "Int64",
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


def _rows(n: int, doc: Document) -> dict[str, list[dict[str, Any]]]:
    key = {"doc": n, "file": doc.source.file}
    per_project: dict[int | None, int] = {}
    for w in doc.warnings:
        per_project[w.project] = per_project.get(w.project, 0) + 1
    out: dict[str, list[dict[str, Any]]] = {name: [] for name in SPECS}
    for p in doc.projects:
        b = p.budget
        end = [s.amount for s in p.spending_plan if s.month == 12]
        quant = sum(1 for i in p.indicators if i.target.kind == "quantitative")
        out["projects"].append({
            **key, "unit": doc.unit.name, "unit_code": doc.unit.code, "year": doc.year,
            "money_unit": doc.money_unit, "project": p.index, "title": p.title, "code": p.code,
            "name": p.name, "budget_total": b.total, "budget_fiscal": b.fiscal, "budget_other": b.other,
            "plan_end": end[-1] if end else None, "purpose": p.purpose, "goals": len(p.goals),
            "indicators": len(p.indicators), "quantitative": quant, "qualitative": len(p.indicators) - quant,
            "warnings": per_project.get(p.index, 0), **_pages(p.pages),
        })
        about = {**key, "project": p.index, "project_name": p.name}
        for row, i in enumerate(p.indicators, start=1):
            t = i.target
            out["indicators"].append({
                **about, "row": row, "level1": i.level1, "level2": i.level2, "level3": i.level3,
                "description": i.description, "raw": t.raw, "kind": t.kind, "cmp": t.cmp,
                "value": t.value, "upper": t.upper, "unit": t.unit, "unit_raw": t.unit_raw,
                "note": t.note, "date": t.date, "relative": t.relative, "basis": i.basis, **_pages(i.pages),
            })
        for step, s in enumerate(p.spending_plan, start=1):
            out["spending_plan"].append({
                **about, "step": step, "label": s.label, "month": s.month, "amount": s.amount,
                "budget_total": b.total, "share": _share(s.amount, b.total),
            })
    if doc.overall is not None:
        for t in doc.overall.targets:
            out["overall_targets"].append({
                **key, "unit": doc.unit.name, "no": t.no, "title": t.title, "goal": t.goal,
                "indicator": t.indicator, **_target(t.satisfaction, "satisfaction_"),
            })
    for w in doc.warnings:
        out["warnings"].append({**key, "code": w.code, "where": w.where, "message": w.message,
                                "project": w.project, "page": w.page})
    return out


def to_frames(docs: Union[Document, Iterable[Document]]) -> dict[str, pd.DataFrame]:
    """Tidy frames of one or many documents: ``projects``, ``indicators``,
    ``spending_plan``, ``overall_targets`` and ``warnings`` (see the module
    docstring for their columns and dtypes).  Every frame has its columns and
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
