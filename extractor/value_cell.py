"""Which reading one 指标值 cell gets: a qualitative word, a deadline, a
number in digits, a number in Chinese numerals, or none.

* Phrases without a number ("控制在预算以内", "按时完成") are plain
  qualitative, no problem; no comparator is recorded without a value to
  compare.  Text that looks numeric but reads as none of these is
  qualitative with a problem.
"""

from __future__ import annotations

from typing import Optional

from .value_dates import _parse_date
from .value_parts import _EDGE_PUNCT, _Result, _qualitative
from .value_quantities import _parse_chinese, _parse_quantity
from .value_vocab import _fold, _is_digit, _vocab


def _looks_numeric(s: str) -> bool:
    return any(_is_digit(c) for c in s) or "%" in s or "‰" in s or "百分之" in s


def _parse(raw: str, year: Optional[int] = None) -> _Result:
    V = _vocab()
    s, pos = _fold(raw)
    if not s:
        return _qualitative(raw)
    if _EDGE_PUNCT.sub("", s) in V.qualitative:
        return _qualitative(raw)
    r = _parse_date(raw, s, pos, V, year if isinstance(year, int) and 1900 <= year <= 2100 else None)
    for step in (_parse_quantity, _parse_chinese):
        r = r or step(raw, s, pos, V)
    if r is not None:
        return r
    if _looks_numeric(s):
        return _qualitative(raw, f"no target value could be read from {raw!r}, which contains a number")
    return _qualitative(raw)
