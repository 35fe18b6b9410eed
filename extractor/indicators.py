"""Stage 4a: an indicator grid's rows -> contract ``Indicator`` records.

Shared by project forms and department forms.  Each column's role (from
``vocab/headers.tsv``) says which field its text feeds: the annual target
and the comparator and unit printed in columns of their own become one
``Target``; weights and scores become numbers; 正向/反向 a direction, 是/否
the core flag; targets of other periods (实施周期指标值, 2021年实际实现值)
``PeriodTarget``s; self-evaluations' 实际完成值 a ``Target`` too.  A column
no field takes stays in ``extra`` under its printed header.  What cannot be
read is None plus a warning, never a guess.
"""

from __future__ import annotations

import functools
import unicodedata
from dataclasses import replace
from typing import Any, Callable, Optional, Sequence

import regex

from .document import Direction, Indicator, PeriodTarget, Target
from .forms import HeaderColumn, IndicatorRow, Span
from .normalize import normalize_target
from .vocab import header_year, read_table

#: warn(code, span, field, message): how a reader reports a problem.
Warn = Callable[[str, Optional[Span], str, str], None]

_NUMBER = regex.compile(r"^[-−]?\d+(?:\.\d+)?$")
#: What may follow a weight or score: 分, %, 分值 ("10分", "20%").
_POINTS_SUFFIX = regex.compile(r"(?:分|%|％|分值)$")


def parse_points(text: str) -> Optional[float]:
    """A weight or score as printed ("10", "12.5", "10分", "20%"), or None."""
    # a bracket of the header above spilled into the cell: "）10"
    t = unicodedata.normalize("NFKC", text).replace(" ", "").strip(")）(（")
    t = _POINTS_SUFFIX.sub("", t)
    return float(t.replace("−", "-")) if _NUMBER.match(t) else None


@functools.cache
def _word_table(role: str) -> dict[str, str]:
    return {row["text"]: row["value"] for row in read_table("flags") if row["role"] == role}


_COMPARATOR = regex.compile(r"^[≥≤><=＝＞＜≧≦]{1,2}$")
#: A unit printed in brackets at the end of an indicator's name.
_NAMED_UNIT = regex.compile(r"[（(]([^（()）]{1,6})[)）]\s*$")


def unit_in_name(name: str) -> Optional[tuple[str, str]]:
    """(unit, as printed) of a name ending in a bracketed unit, "培训人次（人）"
    -> ("人", "人"); None when the brackets hold no unit ("（试行）")."""
    m = _NAMED_UNIT.search(name)
    if not m:
        return None
    probe = normalize_target("1" + m.group(1)).target
    if probe.kind == "quantitative" and probe.value == 1 and probe.unit and not probe.note:
        return probe.unit, m.group(1)
    return None


def parse_direction(text: str) -> Optional[Direction]:
    """正向 / 反向 (and their synonyms in ``vocab/flags.tsv``), or None."""
    value = _word_table("direction").get(_squash(text))
    return value  # type: ignore[return-value]


def parse_flag(text: str) -> Optional[bool]:
    """是 / 否 (√, ✓, 核心 …: ``vocab/flags.tsv``), or None."""
    value = _word_table("core").get(_squash(text))
    return None if value is None else value == "yes"


def _squash(text: str) -> str:
    return unicodedata.normalize("NFKC", text).replace(" ", "").strip("。.")


def row_to_indicator(
    row: IndicatorRow, columns: Sequence[HeaderColumn], n: int, warn: Warn, year: Optional[int] = None
) -> Indicator:
    """Indicator ``n`` (1-based, for warnings) of a form from its grid row."""
    f = row.fields
    text = {role: (span.text if span else "") for role, span in f.items()}
    operator, unit = text.get("operator"), text.get("unit")
    if operator and unit and _COMPARATOR.match(unit.strip()) and not _COMPARATOR.match(operator.strip()):
        # The comparator printed under 度量单位 and the unit under 指标值类型
        # (two columns swapped): a comparator is never a unit.
        operator, unit = unit, operator
        warn("swapped_columns", f.get("unit"), f"indicator {n} 指标值",
             f"the comparator {operator.strip()!r} stands in the unit column and the unit {unit.strip()!r} in the "
             "comparator column; read as swapped")
    parsed = normalize_target(text.get("value", ""), operator=operator, unit=unit, year=year)
    target: Target = parsed.target
    if target.kind == "quantitative" and target.unit is None and not unit:
        named = unit_in_name(text.get("level3", ""))
        if named is not None:
            target = replace(target, unit=named[0], unit_raw=named[1])  # "法律援助业务（万元）" | "≤455"
    if operator is not None and operator.strip():
        target = replace(target, cmp_raw=operator.strip())
    if parsed.problem:
        warn("unparsed_value", f.get("value"), f"indicator {n} 指标值", parsed.problem)
    if not text.get("level3"):
        warn("missing_field", f.get("value"), f"indicator {n}", "the indicator has no 三级指标")
    printed = {c.role for c in columns}
    for role, name in (("level1", "一级指标"), ("level2", "二级指标")):
        if role in printed and not text.get(role):
            warn("missing_field", f.get("level3") or f.get("value"), f"indicator {n} {name}",
                 f"the indicator's {name} cell is blank (no merged cell above it reaches it)")

    def read_cell(role: str, field: str, parse: Callable[[str], object], code: str, what: str) -> Any:
        """The cell of ``role`` read by ``parse``; None, with a warning
        that it is not ``what``, where it cannot be read."""
        raw = text.get(role, "").strip()
        if not raw:
            return None
        value = parse(raw)
        if value is None:
            warn(code, f.get(role), f"indicator {n} {field}", f"{field} {raw!r} is not {what}")
        return value

    def number(role: str, field: str) -> Optional[float]:
        return read_cell(role, field, parse_points, "unparsed_number", "a number")

    def word(role: str, field: str, parse: Callable[[str], object]) -> Any:
        return read_cell(role, field, parse, "unparsed_value", "one of its known words")

    actual = None
    if text.get("actual", "").strip():
        read = normalize_target(text["actual"], unit=unit, year=year)
        actual = read.target
        if read.problem:
            warn("unparsed_value", f.get("actual"), f"indicator {n} 实际完成值", read.problem)

    roles = {c.header: c.role for c in columns}
    periods: list[PeriodTarget] = []
    extra: dict[str, str] = {}
    for header, span in row.extra.items():
        role = roles.get(header, "extra")
        if role in ("period", "period_actual"):
            if not span.text.strip():
                continue
            read = normalize_target(span.text, unit=unit, year=year)
            if read.problem:
                warn("unparsed_value", span, f"indicator {n} {header}", read.problem)
            periods.append(PeriodTarget(period=header, year=header_year(header), actual=role == "period_actual",
                                        target=read.target))
        else:
            extra[header] = span.text

    return Indicator(
        level1=text.get("level1") or None,
        level2=text.get("level2") or None,
        level3=text.get("level3", ""),
        description=text.get("description") or None,
        target=target,
        basis=text.get("basis") or None,
        pages=list(row.pages),
        extra=extra,
        weight=number("weight", "权重"),
        direction=word("direction", "指标方向", parse_direction),
        core=word("core", "是否核心", parse_flag),
        explanation=text.get("explanation") or None,
        scoring=text.get("scoring") or None,
        remark=text.get("remark") or None,
        periods=periods,
        actual=actual,
        score=number("score", "得分"),
        deviation=text.get("deviation") or None,
    )
