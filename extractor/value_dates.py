"""Deadlines and periods in 指标值 cells: "2023年12月31日前", "12月底前",
"第三季度末", "2020年1月--2020年11月", "2024年7月起".

Decisions (the contract leaves them open):

* Deadlines are kind "qualitative" (they have no numeric value) with ``date``
  set to the end of the named period when a year is known (to its first day
  for a start: "2024年7月起" -> 2024-07-01, cmp ">="): "2023年12月31日前"
  -> date 2023-12-31, cmp "<="; "2020年1月--2020年11月" -> 2020-11-30, "<=";
  "2019年12月(计划标准)" -> 2019-12-31, cmp None, note "计划标准".  ``cmp``
  relates to ``date`` and is only set with one.
* A month without a printed year ("12月底前", "第三季度末", "3-6月") takes the
  budget year passed as ``year`` (a year word counts from it: "次年3月底前"),
  but only when a date word pins it (a part, a day, 前/截止, a period) and no
  label precedes it; otherwise, and without ``year``, the cell is plain
  qualitative: no date, and never 12 or 2023 as a value.
* A bare "N月" is a month of the year; with a comparator ("≥1月") it is a
  duration.  A bare 4-digit year between 1900 and 2100 with 年 is a year.
  "YYYY.MM" with a two-digit month and no unit after it ("2023.07") is a
  date ("2023.5万元" is an amount).
* A date after a strong >= / > comparator or before a level word
  ("不低于2023年水平") is a comparison with a period, flagged.
"""

from __future__ import annotations

import calendar
import functools
import re
from dataclasses import dataclass
from typing import Optional

from .document import Target
from .value_parts import _Result, _label, _qualitative, _resolve, _trailing, _unit_at, _words_at, _words_before
from .value_quantities import _cn_number
from .value_vocab import _Vocab, _is_digit, _vocab


@dataclass
class _Date:
    end: int
    year: Optional[int]
    month: Optional[int]
    day: Optional[int]


@functools.cache
def _date_patterns() -> tuple[re.Pattern, ...]:
    V = _vocab()
    digit = "".join(c for c, (_, role) in V.numerals.items() if role == "digit")
    small = digit + "".join(c for c, (v, role) in V.numerals.items() if role == "unit" and v == 10)
    year = re.compile(rf"([0-9]{{4}}|[{digit}]{{4}})(?:年度|年)")
    month = re.compile(rf"([0-9]{{1,2}}|[{small}]{{1,3}})(?:月份|月)")
    day = re.compile(rf"([0-9]{{1,2}}|[{small}]{{1,3}})[日号]")
    bare_month = re.compile(rf"([0-9]{{1,2}}|[{small}]{{1,3}})")
    dotted = re.compile(r"([0-9]{4})([./-])([0-9]{1,2})(?:\2([0-9]{1,2}))?(?![0-9])")
    return year, month, day, bare_month, dotted


def _small(text: str, V: _Vocab) -> Optional[int]:
    return int(text) if text.isascii() else _cn_number(text, V, spelled=True)


def _date_at(s: str, i: int, V: _Vocab) -> Optional[_Date]:
    """A date at ``s[i]``: "2023年12月31日", "12月", "2023年", "2023.07", "2023-12-31"."""
    year_re, month_re, day_re, _, dotted = _date_patterns()
    m = dotted.match(s, i)
    if m and (m.group(2) != "." or len(m.group(3)) == 2):
        # "2023.5万元" is an amount: a dotted date is never followed by a unit
        if _unit_at(s, m.end(), V) is None:
            return _Date(m.end(), int(m.group(1)), int(m.group(3)), int(m.group(4)) if m.group(4) else None)
    j, y = i, None
    m = year_re.match(s, j)
    if m:
        y, j = _small(m.group(1), V), m.end()
    m = month_re.match(s, j)
    if m is None:
        return _Date(j, y, None, None) if y is not None else None
    month, j = _small(m.group(1), V), m.end()
    d = None
    m = day_re.match(s, j)
    if m:
        d, j = _small(m.group(1), V), m.end()
    return _Date(j, y, month, d)


def _valid(d: _Date) -> bool:
    if d.year is not None and not 1900 <= d.year <= 2100:
        return False
    if d.month is not None and not 1 <= d.month <= 12:
        return False
    if d.day is not None:
        if d.month is None:
            return False
        last = calendar.monthrange(d.year or 2000, d.month)[1]
        if not 1 <= d.day <= last:
            return False
    return True


def _date_span(s: str, k: int, V: _Vocab) -> Optional[tuple[_Date, _Date, int, bool]]:
    """A date or a period at ``s[k]``: (start, last, end, is_period)."""
    _, _, _, bare_month, _ = _date_patterns()
    m = _year_span().match(s, k)
    if m:
        first, final = int(m.group(1)), int(m.group(2))
        start, last = _Date(0, first, None, None), _Date(m.end(), final, None, None)
        return (start, last, m.end(), True) if _valid(start) and _valid(last) and first <= final else None
    d1 = _date_at(s, k, V)
    if d1 is None or (d1.month is None and d1.day is None):
        # "2023年1-12月", "1-12月": a run of months
        j, year = (d1.end, d1.year) if d1 else (k, None)
        m = bare_month.match(s, j)
        sep = V.infix.at(s, m.end()) if m else None
        d2 = _date_at(s, m.end() + len(sep), V) if m and sep else None
        if m and d2 is not None and d2.year is None and d2.month is not None:
            start = _Date(m.end(), year, _small(m.group(1), V), None)
            last = _Date(d2.end, year, d2.month, d2.day)
            return (start, last, d2.end, True) if _valid(start) and _valid(last) else None
    if d1 is None or not _valid(d1):
        return None
    sep = V.infix.at(s, d1.end)
    d2 = _date_at(s, d1.end + len(sep), V) if sep else None
    if d2 is not None and (d2.month is not None or d2.year is not None):
        # "2021年1月-12月", "2023.07-2024.01", "2020年1月--2020年11月"
        last = _Date(d2.end, d2.year if d2.year is not None else d1.year, d2.month, d2.day)
        if _valid(last):
            return d1, last, d2.end, True
    return d1, d1, d1.end, False


@functools.cache
def _year_span() -> re.Pattern:
    """ "2019-2023年", "2019年至2023年": a period of whole years."""
    seps = "|".join(re.escape(w) for w in sorted(_vocab().infix, key=len, reverse=True))
    return re.compile(rf"([0-9]{{4}})(?:年度|年)?(?:{seps})([0-9]{{4}})(?:年度|年)")


def _parse_date(raw: str, s: str, pos: list[int], V: _Vocab, budget_year: Optional[int] = None) -> Optional[_Result]:
    cmps: list = []
    read: list = []  # the comparator and date words read, to tell date words from comparators
    k = _words_at(s, 0, (V.date_edges, V.prefix), cmps, seen=read)
    year_word = V.date_years.at(s, k)  # "当年12月底前", "次年3月底前"
    if year_word is not None:
        k += len(year_word)
    label = None
    span = _date_span(s, k, V)
    if span is None:
        part = V.date_parts.at(s, k)
        if part is not None and (V.date_parts[part][0] is not None or year_word is not None):
            # "年底前完成", "上半年", "第三季度末", "当年底": a part of the year the
            # cell does not print (the budget year, when the caller knows it)
            end = _words_at(s, k + len(part), (V.date_edges, V.suffix), [], stop=("-", "range"))
            if any(_is_digit(c) for c in s[end:]):
                return None
            unnamed = _Date(k, None, None, None)
            span = (unnamed, unnamed, k, False)
        elif year_word is not None:
            return None
        else:
            # A date after a label: "完成时间2023年12月"
            m = re.search(r"[0-9]", s)
            if m is None or m.start() <= k:
                return None
            cmps, read = [], []
            j = _words_before(s, m.start(), (V.prefix, V.date_edges), cmps, seen=read)
            year_word = V.date_years.before(s, j)
            if year_word is not None:
                j -= len(year_word)
            span = _date_span(s, m.start(), V)
            if span is None:
                return None
            label, sentence = _label(raw, s, pos, j)
            if sentence:
                return None
    start, last, end, period = span

    # part of the month or year: "底", "上旬", "上半年"
    month, day = last.month, last.day
    part = V.date_parts.at(s, end)
    had_part = False
    if part is not None and day is None:
        p_month, p_day = V.date_parts[part]
        if p_month is None or month is None:
            month = p_month if p_month is not None else month
            day, end, had_part = p_day, end + len(part), True
            again = V.date_parts.at(s, end)
            if p_month is not None and p_day == "end" and again is not None and V.date_parts[again] == (None, "end"):
                end += len(again)  # "第三季度末": the end of a quarter that already ends on its last day
    n_before = len(cmps)
    end = _words_at(s, end, (V.date_edges, V.suffix), cmps, stop=("-", "range"), seen=read)

    # a date word that is no quantity comparator ("截止", "前"; not "以内")
    dated = any(w in V.date_edges and w not in V.suffix and w not in V.prefix for w in read)
    year = last.year
    if year is None and cmps and not (had_part or period or last.day is not None or dated or len(cmps) > n_before
                                      or s[end:]):
        return None  # a bare "3月" after a numeric comparator is a duration ("≥1月")
    # "不低于2023年水平", "高于2023年": a comparison with the level of a period,
    # not a deadline (deadlines are met by or before a date)
    if V.date_levels.at(s, end) is not None or any(
        w in V.prefix and w not in V.date_edges and V.prefix[w] in ((">=", "strong"), (">", "strong")) for w in read
    ):
        problem: Optional[str] = f"{raw!r} compares with the level of a period; kept as text"
        return _qualitative(raw, problem if any(_is_digit(c) for c in s) else None)
    if year is None:
        # No printed year: the budget year, when the caller passes it and a
        # date word pins the month ("12月底前", "11月30日", "第三季度末", "3-6月";
        # not a bare "3月", which may be a duration, nor "3月以内") and no
        # label might name another period.  A year word ("次年") counts from it.
        pinned = had_part or period or last.day is not None or dated
        if budget_year is not None and year_word is not None:
            year = budget_year + V.date_years[year_word]
        elif budget_year is not None and pinned and label is None:
            year = budget_year
    if year is None:
        note, problem = _trailing(raw, s, pos, end)
        if problem is None and note and any(_is_digit(c) for c in note):
            problem = f"a number follows the date in {raw!r}; kept as text"
        return _qualitative(raw, problem)

    month = month or 12
    if day == "end" or day is None:
        day = calendar.monthrange(year, month)[1]
    if not _valid(_Date(0, year, month, day)):
        return None
    note, problem = _trailing(raw, s, pos, end)
    if problem is None and note and any(_is_digit(c) for c in note):
        problem = f"a number follows the date in {raw!r}; kept as text"
    if problem is None and label and note:
        problem = f"the date in {raw!r} sits inside a sentence; kept as text"
    if problem:
        return _qualitative(raw, problem)
    if label:
        note = label
    if period:
        cmps.append(("<=", "weak"))
    cmp, stated, problem = _resolve(cmps, False, raw) if cmps else (None, False, None)
    if problem:
        return _qualitative(raw, problem)
    if cmp == ">=" and not (period or last.day is not None):
        if had_part:
            # "下半年起": the table knows where parts end, not where they
            # begin; no date rather than a wrong one
            return _qualitative(raw)
        # "2024年7月起", "2024年以后": on or after the day the named month or
        # year begins, not its last day
        month, day = last.month or 1, 1
    return _Result(
        Target(raw=raw, kind="qualitative", cmp=cmp, note=note, date=f"{year:04d}-{month:02d}-{day:02d}"), None, stated
    )
