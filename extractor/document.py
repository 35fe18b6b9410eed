"""The output model: one document, as promised by the contract.

Everything users see derives from these dataclasses: the JSON written by the
CLI (``Document.to_dict``), the JSON Schema shipped in ``extractor/schema``
(``contract.json_schema()``), and the pandas frames of ``extractor.frames``.
Field order here is the order of the contract; JSON output sorts keys anyway.

``None`` means "not in the document".  A value that could not be parsed is
``None`` *and* has an entry in ``Document.warnings``.

Schema 2.0 holds every template's forms: project forms (``Project``) and
department forms (``DepartmentForm``, under ``Overall.forms``), each saying
what it is (``form``: targets or a self-evaluation; ``stage``: 申报, 批复,
审核); indicators with weights, direction, core flag, explanations, targets
per period and, in self-evaluations, the actual value and score.  Files of
schema 1.0 load into this model (``contract.migrate``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Literal, Optional

SCHEMA_VERSION = "2.0"

Comparator = Literal[">=", "<=", ">", "<", "=", "range"]
Kind = Literal["quantitative", "qualitative"]
Relative = Literal["increase", "decrease", "unstated"]
#: What a form is: performance targets (目标表, 申报表, 批复表, 审核表) or a
#: self-evaluation of a past year (绩效自评表), whose indicators carry the
#: actual values and scores.
FormKind = Literal["targets", "self_evaluation"]
#: Which step of the budget procedure a targets form belongs to, when its
#: title says so: 申报 (declared), 审核 (reviewed), 批复 (approved).
FormStage = Literal["declared", "reviewed", "approved"]
#: 指标方向 / 指标方向性: 正向 (higher is better) or 反向 (lower is better).
Direction = Literal["positive", "negative"]


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
    #: The comparator as printed in a column of its own (指标值类型, 计算符号,
    #: 指标性质: "≥", "＞＝", "定性"); None when the value cell states it.
    cmp_raw: Optional[str] = None


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
class Execution:
    """How a self-evaluated budget was spent (项目资金 of a 绩效自评表)."""

    #: 年初预算数
    planned: Optional[float] = None
    #: 全年预算数 (the budget after adjustments)
    adjusted: Optional[float] = None
    #: 全年执行数
    spent: Optional[float] = None
    #: 执行率, in percent as printed ("95.49%" -> 95.49)
    rate: Optional[float] = None
    #: 分值 and 得分 of the execution row
    weight: Optional[float] = None
    score: Optional[float] = None


@dataclass(frozen=True)
class Budget:
    """A project's funds, in the document's ``money_unit``."""

    total: Optional[float] = None
    fiscal: Optional[float] = None
    other: Optional[float] = None
    #: Every amount by source as printed (财政拨款, 上级资金, 财政专户,
    #: 单位资金, 上年结转 …), keyed by the printed label.
    sources: dict[str, float] = field(default_factory=dict)
    #: Self-evaluations: budgeted, adjusted and spent amounts and the score.
    execution: Optional[Execution] = None


@dataclass(frozen=True)
class Funds:
    """A department's funds (资金总额, 基本支出, 项目支出, by source)."""

    total: Optional[float] = None
    #: 基本支出 (staff and running costs)
    basic: Optional[float] = None
    #: 项目支出
    project: Optional[float] = None
    fiscal: Optional[float] = None
    other: Optional[float] = None
    sources: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Duty:
    """A row of 年度履职目标 (a department form's duties and their funds)."""

    #: 部门职能 / 职能职责
    function: Optional[str]
    #: 年度目标任务 / 工作任务
    task: Optional[str]
    #: 支出项目名称 (the project that funds it)
    project: Optional[str]
    #: 预算金额
    amount: Optional[float]
    pages: list[int] = field(default_factory=list)
    extra: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class SpendingStep:
    label: str
    month: int
    amount: float


@dataclass(frozen=True)
class PeriodTarget:
    """A target (or an actual value) of one period, printed in a column of
    its own beside the annual target: 实施周期指标值 | 年度指标值,
    2021年实际实现值 | 预期2022年实现值."""

    #: The column's header as printed ("实施周期指标值", "2021年实际实现值").
    period: str
    #: The year the header names, if any.
    year: Optional[int]
    #: What the column holds: a target to reach, or a value achieved.
    actual: bool
    target: Target


@dataclass(frozen=True)
class Indicator:
    #: 一级 / 二级 指标: None when the form has no such column (never guessed).
    level1: Optional[str]
    level2: Optional[str]
    level3: str
    #: 绩效指标描述
    description: Optional[str]
    #: The annual target (指标值, 年度指标值, 目标值 …).
    target: Target
    #: 指标值确定依据
    basis: Optional[str]
    pages: list[int]
    #: Columns the form prints that no field takes, keyed by their header
    #: as printed: never dropped.
    extra: dict[str, str] = field(default_factory=dict)
    #: 权重, 指标权重(%), 分值权重(90), 分值: the indicator's weight as printed.
    weight: Optional[float] = None
    #: 指标方向 / 指标方向性: 正向 or 反向.
    direction: Optional[Direction] = None
    #: 是否核心 (核心指标).
    core: Optional[bool] = None
    #: 指标值内容, 指标值说明: what the value means (指标解释 and 指标说明,
    #: what the indicator is, are its ``description``).
    explanation: Optional[str] = None
    #: 评（扣）分标准, 评分标准: how it is scored.
    scoring: Optional[str] = None
    #: 备注
    remark: Optional[str] = None
    #: Targets of other periods printed beside the annual one.
    periods: list[PeriodTarget] = field(default_factory=list)
    #: Self-evaluations: 实际完成值, 得分 and 偏差原因分析及改进措施.
    actual: Optional[Target] = None
    score: Optional[float] = None
    deviation: Optional[str] = None


@dataclass(frozen=True)
class Project:
    index: int
    #: The form's title as printed, when it has one.
    title: Optional[str]
    #: 项目编码 / 项目代码, 项目名称: None, with a warning, where the form prints none.
    code: Optional[str]
    name: Optional[str]
    budget: Budget
    purpose: Optional[str]
    spending_plan: list[SpendingStep]
    goals: list[str]
    indicators: list[Indicator]
    pages: list[int]
    #: Project-block fields a template has beyond the contract's, keyed by
    #: their label as printed.
    extra: dict[str, str] = field(default_factory=dict)
    form: FormKind = "targets"
    stage: Optional[FormStage] = None
    #: 主管部门, 实施单位
    department: Optional[str] = None
    implementer: Optional[str] = None
    #: 项目类别 / 项目类型 / 项目属性
    category: Optional[str] = None
    #: 项目期 / 起止时间 / 实施期限, as printed
    period: Optional[str] = None
    #: Self-evaluations: 实际完成情况 of the year's goals.
    outcome: Optional[str] = None


@dataclass(frozen=True)
class DepartmentForm:
    """A department-level grid (部门整体绩效目标表, 部门整体支出绩效目标表,
    or its self-evaluation): identity, funds, duties, goals, indicators."""

    index: int
    title: Optional[str]
    form: FormKind
    stage: Optional[FormStage]
    #: 部门编码 / 单位编码 and 部门名称 / 单位名称
    code: Optional[str]
    name: Optional[str]
    funds: Funds
    #: 整体绩效目标 / 年度总体目标, split by their printed numbering
    goals: list[str]
    #: 年度履职目标 rows
    duties: list[Duty]
    indicators: list[Indicator]
    pages: list[int]
    extra: dict[str, str] = field(default_factory=dict)
    #: Self-evaluations: 实际完成情况 of the year's goals.
    outcome: Optional[str] = None


@dataclass(frozen=True)
class Overall:
    """The department as a whole: the prose of 部门整体绩效目标 (summary,
    分项绩效目标, 保障措施) and its department-level forms."""

    summary: Optional[str]
    targets: list[OverallTarget] = field(default_factory=list)
    measures: list[Measure] = field(default_factory=list)
    forms: list[DepartmentForm] = field(default_factory=list)

    @property
    def indicators(self) -> list[Indicator]:
        """Every indicator of every department form, in document order."""
        return [i for f in self.forms for i in f.indicators]


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

    @property
    def overall_indicators(self) -> list[Indicator]:
        """Every indicator of the department forms (``overall.forms``)."""
        return self.overall.indicators if self.overall is not None else []

    def to_dict(self) -> dict[str, Any]:
        """The contract's plain dict (what ``to_json`` serializes)."""
        from .contract import to_plain

        return to_plain(self)

    def to_json(self, *, indent: int | None = 2) -> str:
        """Canonical JSON: sorted keys, floats rounded, no timestamps."""
        from .contract import canonical_json

        return canonical_json(self.to_dict(), indent=indent)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Document":
        """The inverse of ``to_dict``; a dict of schema 1.0 is migrated
        first (``contract.migrate``).  ``extractor.load`` validates too."""
        from .contract import document_from_dict

        return document_from_dict(data)

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
                f"<tr>{cell(p.index)}<td>{_html(p.name or p.title or '')}</td>"
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
