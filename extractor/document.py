"""The output model: one document, as promised by the contract.

Everything users see derives from these dataclasses: the JSON written by the
CLI (``Document.to_dict``), the JSON Schema shipped in ``extractor/schema``
(``json_schema()``), and the pandas frames of ``extractor.frames``.  Field
order here is the order of the contract; JSON output sorts keys anyway.

``None`` means "not in the document".  A value that could not be parsed is
``None`` *and* has an entry in ``Document.warnings``.
"""

from __future__ import annotations

import dataclasses
import json
import re
import types
import typing
from dataclasses import dataclass, field
from typing import Any, Literal, Optional, Union

SCHEMA_VERSION = "1.0"

Comparator = Literal[">=", "<=", ">", "<", "=", "range"]
Kind = Literal["quantitative", "qualitative"]
Relative = Literal["increase", "decrease", "unstated"]


@dataclass(frozen=True)
class Target:
    """A normalized 指标值 cell (or a target phrase in prose)."""

    raw: str
    kind: Kind
    cmp: Optional[Comparator] = None
    value: Optional[float] = None
    upper: Optional[float] = None
    unit: Optional[str] = None
    unit_raw: Optional[str] = None
    note: Optional[str] = None
    #: ISO date (``YYYY-MM-DD``; day and month default to the period's end)
    #: for deadline targets such as "2023年12月31日前" or "12月底前".
    date: Optional[str] = None
    #: Set when the value is a change from a base, not a level ("较上年提高5%",
    #: "同比增长10%以上", "下降2个百分点", "5%（同比）"): which way the cell
    #: says it moves, or "unstated"; ``note`` names the base.  None for a
    #: level and for qualitative targets.
    relative: Optional[Relative] = None


@dataclass(frozen=True)
class Source:
    file: str
    sha256: str
    pages: int


@dataclass(frozen=True)
class Unit:
    code: Optional[str] = None
    name: Optional[str] = None


@dataclass(frozen=True)
class OverallTarget:
    no: int
    title: str
    goal: str
    indicator: str
    satisfaction: Optional[Target] = None


@dataclass(frozen=True)
class Measure:
    no: str
    title: str
    text: str


@dataclass(frozen=True)
class Overall:
    summary: str
    targets: list[OverallTarget] = field(default_factory=list)
    measures: list[Measure] = field(default_factory=list)


@dataclass(frozen=True)
class Budget:
    total: Optional[float] = None
    fiscal: Optional[float] = None
    other: Optional[float] = None


@dataclass(frozen=True)
class SpendingStep:
    label: str
    month: int
    amount: float


@dataclass(frozen=True)
class Indicator:
    level1: str
    level2: str
    level3: str
    description: Optional[str]
    target: Target
    basis: Optional[str]
    pages: list[int]
    #: Columns a template has beyond the contract's (评分标准, 分值, 权重 …),
    #: keyed by their header text as printed.
    extra: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Project:
    index: int
    title: str
    code: str
    name: str
    budget: Budget
    purpose: Optional[str]
    spending_plan: list[SpendingStep]
    goals: list[str]
    indicators: list[Indicator]
    pages: list[int]
    #: Project-block fields a template has beyond the contract's
    #: (主管部门, 实施单位 …), keyed by their label as printed.
    extra: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Warning:
    code: str
    where: str
    message: str

    @property
    def project(self) -> Optional[int]:
        """The project index named in ``where`` ("page 6, project 2, …"), if any."""
        m = _WHERE_PROJECT.search(self.where)
        return int(m.group(1)) if m else None

    @property
    def page(self) -> Optional[int]:
        """The (first) page named in ``where`` ("page 6", "pages 3-5"), if any."""
        m = _WHERE_PAGE.search(self.where)
        return int(m.group(1)) if m else None


@dataclass(frozen=True)
class Document:
    source: Source
    unit: Unit
    year: Optional[int]
    money_unit: Optional[str]
    overall: Optional[Overall]
    projects: list[Project]
    warnings: list[Warning]
    schema_version: str = SCHEMA_VERSION

    # -- derived views -------------------------------------------------
    @property
    def indicators(self) -> list[Indicator]:
        """Every indicator of every project, flat, in document order
        (``indicator_pairs()`` keeps each one's project)."""
        return [i for p in self.projects for i in p.indicators]

    def indicator_pairs(self) -> list[tuple[Project, Indicator]]:
        """``(project, indicator)`` for every indicator, in document order."""
        return [(p, i) for p in self.projects for i in p.indicators]

    def to_dict(self) -> dict[str, Any]:
        """The contract's plain dict (what ``to_json`` serializes)."""
        return _to_plain(self)

    def to_json(self, *, indent: int | None = 2) -> str:
        """Canonical JSON: sorted keys, floats rounded, no timestamps."""
        return canonical_json(self.to_dict(), indent=indent)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Document":
        """The inverse of ``to_dict`` (``extractor.load`` reads a file with it)."""
        return _from_plain(cls, data)

    def __repr__(self) -> str:
        """Short: the full content is ``to_dict()``, the notebook view ``_repr_html_``."""
        return (
            f"Document(file={self.source.file!r}, unit={self.unit.name!r}, year={self.year!r}, "
            f"projects={len(self.projects)}, indicators={len(self.indicators)}, warnings={len(self.warnings)})"
        )

    def _repr_html_(self) -> str:
        """Notebook display: one summary row per project, then the warnings."""
        per_project: dict[Optional[int], int] = {}
        for w in self.warnings:
            per_project[w.project] = per_project.get(w.project, 0) + 1
        money = _html(self.money_unit or "")
        cell = '<td style="text-align:right">{}</td>'.format
        rows = []
        for p in self.projects:
            quant = sum(1 for i in p.indicators if i.target.kind == "quantitative")
            end = [s.amount for s in p.spending_plan if s.month == 12]
            rows.append(
                f"<tr>{cell(p.index)}<td>{_html(p.name or p.title)}</td>"
                f"{cell(_fmt(p.budget.total))}{cell(_fmt(p.budget.fiscal))}{cell(_fmt(p.budget.other))}"
                f"{cell(_fmt(end[-1]) if end else '')}{cell(len(p.indicators))}{cell(quant)}"
                f"{cell(len(p.indicators) - quant)}{cell(per_project.get(p.index, '') or '')}"
                f"<td>{_html(', '.join(map(str, p.pages)))}</td></tr>"
            )
        totals = [p.budget.total for p in self.projects if p.budget.total is not None]
        n_quant = sum(1 for i in self.indicators if i.target.kind == "quantitative")
        rows.append(
            f"<tr style=\"font-weight:bold\"><td></td><td>total</td>{cell(_fmt(sum(totals)) if totals else '')}"
            f"<td></td><td></td><td></td>{cell(len(self.indicators))}{cell(n_quant)}"
            f"{cell(len(self.indicators) - n_quant)}{cell(len(self.warnings) or '')}<td></td></tr>"
        )
        head = (
            "<tr><th>#</th><th>project</th>"
            f"<th>预算数 ({money})</th><th>财政资金</th><th>其他资金</th><th>12月底</th>"
            "<th>indicators</th><th>quantitative</th><th>qualitative</th><th>warnings</th><th>pages</th></tr>"
        )
        title = (
            f"<b>{_html(self.unit.name or self.source.file)}</b>"
            f"{' (' + _html(self.unit.code) + ')' if self.unit.code else ''}"
            f"{' · ' + str(self.year) if self.year else ''} · {_html(self.source.file)}, "
            f"{self.source.pages} pages · {len(self.projects)} projects · "
            f"{len(self.indicators)} indicators · {len(self.warnings)} warnings"
        )
        warnings = ""
        if self.warnings:
            items = "".join(
                f"<tr><td><code>{_html(w.code)}</code></td><td>{_html(w.where)}</td><td>{_html(w.message)}</td></tr>"
                for w in self.warnings
            )
            opened = " open" if len(self.warnings) <= 10 else ""
            warnings = (
                f"<details{opened}><summary>{len(self.warnings)} warnings</summary>"
                f"<table><tr><th>code</th><th>where</th><th>message</th></tr>{items}</table></details>"
            )
        return f"<div>{title}<table>{head}{''.join(rows)}</table>{warnings}</div>"


_WHERE_PROJECT = re.compile(r"\bproject (\d+)\b")
_WHERE_PAGE = re.compile(r"\bpages? (\d+)")


def _html(text: str) -> str:
    import html

    return html.escape(text)


def _fmt(value: float | None) -> str:
    """12345.678 -> "12345.678", 16.0 -> "16" (no exponent, no float noise)."""
    return "" if value is None else format(round(value, 6), "f").rstrip("0").rstrip(".")


# -- plain-data conversion ---------------------------------------------------

FLOAT_DIGITS = 6


def _to_plain(obj: Any) -> Any:
    if dataclasses.is_dataclass(obj):
        return {f.name: _to_plain(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
    if isinstance(obj, (list, tuple)):
        return [_to_plain(v) for v in obj]
    if isinstance(obj, dict):
        return {k: _to_plain(v) for k, v in obj.items()}
    if isinstance(obj, float):
        # Integral amounts print as integers so that 16.00 and 16 compare equal.
        r = round(obj, FLOAT_DIGITS)
        return int(r) if r.is_integer() else r
    return obj


def canonical_json(data: Any, *, indent: int | None = 2) -> str:
    """Byte-stable JSON for golden files and outputs."""
    return json.dumps(data, ensure_ascii=False, sort_keys=True, indent=indent) + "\n"


def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _from_plain(tp: Any, data: Any) -> Any:
    origin = typing.get_origin(tp)
    if dataclasses.is_dataclass(tp):
        hints = _hints(tp)
        kwargs = {f.name: _from_plain(hints[f.name], data[f.name]) for f in dataclasses.fields(tp) if f.name in data}
        return tp(**kwargs)
    if origin in (Union, types.UnionType):
        if data is None:
            return None
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        return _from_plain(args[0], data)
    if origin is list:
        (arg,) = typing.get_args(tp)
        return [_from_plain(arg, v) for v in data]
    if tp is float and isinstance(data, int):
        return float(data)
    return data


# -- JSON Schema ----------------------------------------------------------------

def _schema_for(tp: Any, defs: dict[str, Any]) -> dict[str, Any]:
    origin = typing.get_origin(tp)
    if dataclasses.is_dataclass(tp):
        name = tp.__name__
        if name not in defs:
            defs[name] = {}  # placeholder against recursion
            hints = _hints(tp)
            props = {f.name: _schema_for(hints[f.name], defs) for f in dataclasses.fields(tp)}
            doc = (tp.__doc__ or "").strip().splitlines()
            defs[name] = {
                "type": "object",
                "properties": props,
                "required": [f.name for f in dataclasses.fields(tp)],
                "additionalProperties": False,
                **({"description": doc[0]} if doc and not doc[0].startswith(name + "(") else {}),
            }
        return {"$ref": f"#/$defs/{name}"}
    if origin in (Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        inner = _schema_for(args[0], defs)
        return {"anyOf": [inner, {"type": "null"}]}
    if origin is Literal:
        return {"enum": list(typing.get_args(tp))}
    if origin is list:
        (arg,) = typing.get_args(tp)
        return {"type": "array", "items": _schema_for(arg, defs)}
    if origin is dict:
        _, val = typing.get_args(tp)
        return {"type": "object", "additionalProperties": _schema_for(val, defs)}
    return {str: {"type": "string"}, int: {"type": "integer"}, float: {"type": "number"}}[tp]


def json_schema() -> dict[str, Any]:
    """The JSON Schema of ``Document.to_dict()``, derived from this module."""
    defs: dict[str, Any] = {}
    root = _schema_for(Document, defs)
    document = defs.pop("Document")
    document["properties"]["schema_version"] = {"const": SCHEMA_VERSION}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"extractor/document-{SCHEMA_VERSION}.schema.json",
        "title": "Budget performance-target document",
        **document,
        "$defs": dict(sorted(defs.items())),
    } if root else {}


def schema_path():
    from importlib import resources

    return resources.files("extractor") / "schema" / f"document-{SCHEMA_VERSION}.schema.json"


def load_schema() -> dict[str, Any]:
    return json.loads(schema_path().read_text(encoding="utf-8"))
