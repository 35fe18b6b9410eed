"""Templates that print a 指标值 over separate operator, value and unit
columns ("≥" | "95" | "%"): how the three cells make one Target.

Decisions (the contract leaves them open):

* ``raw`` joins operator, value and unit ("≥95%"); "=" (the reading of a
  bare number) and 定性 / 定量 are not repeated in it.
* The operator column's comparator applies unless the value cell states
  another (then: problem).
* A unit column that holds no unit ("44,561" again) is ignored and flagged;
  an unknown word there is kept as the unit.
* A deadline takes no unit from the unit column ("2025年度内" under "年");
  "2023.07" over a unit column is a number, not a date.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Optional

from .value_cell import _parse
from .value_parts import _Result, _squash, _unit_at
from .value_quantities import _parse_quantity
from .value_vocab import _fold, _is_digit, _key, _vocab


#: Words that make a value a date, not a number ("2025年度内", "6月底前").
_DATE_WORD = re.compile(r"[年月日内前底]")


def _parse_split(text: str, operator: str, unit: str, year: Optional[int] = None) -> _Result:
    """Templates with separate operator / value / unit columns."""
    V = _vocab()
    problems: list[str] = []
    value_text = text.strip()
    op_key = _key(operator)
    op_cmp = None
    qualitative_op = False
    show_op = False
    if op_key:
        entry = V.operator.get(op_key) or V.prefix.get(op_key) or V.suffix.get(op_key)
        if entry is None or entry[0] in ("-", "range"):
            problems.append(f"operator cell {operator.strip()!r} is not a comparator; ignored")
            show_op = True
        elif entry[0] == "qualitative":
            qualitative_op = True
        elif op_key not in V.operator:  # an operator-only word ("定量") states no comparator
            # "=" is how a bare number reads anyway: raw shows "100百分比",
            # not "=100百分比", as the single-column templates print it
            op_cmp, show_op = entry[0], entry[0] != "="

    unit_key = _key(unit)
    unit_parsed: Optional[tuple[str, str]] = None
    if unit_key:
        u = _unit_at(unit_key, 0, V)
        if u and u[0] == len(unit_key):
            unit_parsed = (u[1], _squash(unit))
        elif unit_key == _key(text) or any(_is_digit(c) for c in unit_key) or len(unit_key) > 6:
            problems.append(f"unit cell {unit.strip()!r} is not a unit; ignored")
        else:  # a unit column holds units: an unknown one is kept as written
            unit_parsed = (unit_key, _squash(unit))

    op_text = operator.strip() if show_op and not value_text.startswith(operator.strip()) else ""
    unit_text = unit.strip() if unit_parsed is None or not value_text.endswith(unit.strip()) else ""
    digits_meet = _is_digit(_key(value_text[-1:])[:1]) and _is_digit(_key(unit_text[:1])[:1])
    gap = " " if digits_meet else ""  # "44,561 44,561", not "44,56144,561"
    raw = op_text + value_text + gap + unit_text
    if not raw and qualitative_op:
        raw = operator.strip()

    r = _parse(value_text, year)
    if r.target.date is not None and unit_parsed is not None and not _DATE_WORD.search(value_text):
        # "2023.07" over a unit column is a number, not a date ("2025年度内"
        # is a date whatever the unit column says)
        s, pos = _fold(value_text)
        r = _parse_quantity(value_text, s, pos, V) or r
    t = r.target
    if r.problem:
        problems.append(r.problem)
    if t.kind == "quantitative":
        if op_cmp is not None:
            if r.cmp_stated and t.cmp != op_cmp:
                problems.append(f"operator {operator.strip()!r} contradicts {value_text!r}")
            else:
                t = replace(t, cmp=op_cmp)
        if unit_parsed is not None:
            if t.unit is None:
                t = replace(t, unit=unit_parsed[0], unit_raw=unit_parsed[1])
            elif t.unit != unit_parsed[0]:
                problems.append(f"unit cell {unit.strip()!r} contradicts {value_text!r}")
        if qualitative_op:
            problems.append(f"the operator column says 定性 but the value {value_text!r} is a number")
    elif t.date is not None and op_cmp is not None:
        if r.cmp_stated and t.cmp != op_cmp and op_cmp != "=":
            problems.append(f"operator {operator.strip()!r} contradicts {value_text!r}")
        elif not r.cmp_stated:
            t = replace(t, cmp=op_cmp)
        # ("=" over "2025年度内": the column's usual sign; the deadline says <=)
    if t.date is not None and unit_text and not value_text.endswith(unit_text):
        raw = op_text + value_text  # a date takes no unit from the unit column
    elif not value_text and (op_cmp is not None or unit_parsed is not None):
        problems.append("the value cell is empty")
    t = replace(t, raw=raw)
    return _Result(t, "; ".join(problems) or None)
