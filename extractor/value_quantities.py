"""指标值 cells whose value is a number: in digits ("≥95百分比", "3.5万元",
"10-20人") or in Chinese numerals ("不少于两次", "三至五个").

Decisions (the contract leaves them open):

* Magnitudes stay in the unit, never converted: "3.5万元" is 3.5 万元,
  "250万" is 250 万.
* Unit or note: after the number, the longest known unit is taken.  If none
  is known, a single CJK measure word or a short Latin word that ends the
  cell is kept as the unit, canonical = as written ("5棵").  Any other
  trailing text is the ``note``: "16按计提的…" -> 16, note "按计提的…" (numbers
  inside it are not values).
* Text before the number: comparator words are read off its end ("满意度不低于
  90%"); what remains is a label that becomes the ``note``.  A label ending in
  每 + a unit word or 人均 also divides the unit ("每季度1次" -> 1 次/季度, note
  "每季度"; "人均1000元" -> 1000 元/人, note "人均"), so it groups with "1次/季度".
  A number with text on both sides ("严格按照预算标准1000元/人给补助…"), a label
  that is itself a sentence, several values ("2.6万平方米,展示面积1万平方米",
  "95%,98%"), a strong comparator in the label apart from the number ("每年至少
  开展1次") or right before a digit in the note ("≥90%且≤100%"), a sign no
  table knows ("±5%", "+5%") and a number glued to a code ("4A级") are not
  guessed at: qualitative + problem.
* A range of two year-like integers without a unit ("2019-2023") is flagged,
  not read as a numeric range.
* Values in Chinese numerals are read only when the whole cell is [每/人均
  label] [comparator] numeral [unit] [comparator], or a range of two numerals
  ("不少于两次", "十二个月", "三至五个", "九十五点五分"), so words such as "一流"
  or "十分满意" never become numbers; after 百分之 / 百分 a note may follow
  ("百分之百覆盖").
"""

from __future__ import annotations

import math
import re
import unicodedata
from typing import Optional

from .document import Target
from .value_parts import (_EDGE_PUNCT, _OPEN_CLOSE, _Result, _alternative_unit, _boundary, _comparator_in,
                          _divisors_before, _is_cjk, _is_punct, _label, _qualitative, _resolve, _slice, _squash,
                          _trailing, _unit_at, _words_at, _words_before)
from .value_vocab import _Vocab


_NUM = re.compile(r"[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?|[0-9]+(?:\.[0-9]+)?")
_LATIN_UNIT = re.compile(r"[A-Za-z]{1,6}")


def _number(text: str) -> float:
    return float(text.replace(",", ""))


def _parse_quantity(raw: str, s: str, pos: list[int], V: _Vocab) -> Optional[_Result]:
    m = _NUM.search(s)
    if m is None:
        return None
    i0, i1 = m.span()
    cmps: list = []
    negative = False
    j = i0
    if j > 0 and s[j - 1] in "-−" and (j == 1 or V.prefix.before(s, j - 1) is not None):  # "-5%", "≥−5%"
        negative, j = True, j - 1
    lead_unit: Optional[tuple[int, int, str]] = None
    while True:
        j = _words_before(s, j, (V.prefix,), cmps)
        word = V.leading.before(s, j) if lead_unit is None else None
        if word is None:
            break
        lead_unit = (j - len(word), j, V.leading[word])
        j -= len(word)
    label, sentence = _label(raw, s, pos, j)
    divisors = _divisors_before(s, j, V)  # "每季度1次", "人均500元": they stay in the label too
    problem = None
    if j > 0 and (unicodedata.category(s[j - 1]) in ("Sm", "Sc") or _stray_mark(s, j)):
        # "±5%", "+5%", "¥50": a sign or symbol the vocabulary does not know;
        # "》90%", "#90%": a mark that is no label's punctuation (a mistyped
        # comparator, read as "=" it would be a silent error)
        problem = f"{s[j - 1]!r} before the number in {raw!r} is not understood; kept as text"
    elif _comparator_in(s, 0, j, V, V.prefix):
        # "每年至少开展1次": the comparison may not be the number's
        problem = f"a comparator stands apart from the number in {raw!r}; kept as text"

    value = _number(m.group()) * (-1 if negative else 1)
    k = i1
    unit_span: Optional[tuple[int, int, str]] = None
    u = _unit_at(s, k, V)
    if u:
        unit_span, k = (k, u[0], u[1]), u[0]

    upper = None
    sep = V.infix.at(s, k)
    if sep:
        m2 = _NUM.match(s, k + len(sep))
        if m2:
            upper, k = _number(m2.group()), m2.end()
            u2 = _unit_at(s, k, V)
            if u2:
                if unit_span and unit_span[2] != u2[1]:
                    problem = f"the two ends of the range in {raw!r} have different units"
                unit_span, k = (k, u2[0], u2[1]), u2[0]

    k = _words_at(s, k, (V.suffix,), cmps)
    if unit_span is None and lead_unit is None and upper is None:
        # An unknown measure word or Latin unit that ends the cell ("5棵", "10Gbps").
        lm = _LATIN_UNIT.match(s, k)
        if lm and _boundary(s, lm.end(), V):
            unit_span = (k, lm.end(), lm.group())
        elif k < len(s) and _is_cjk(s[k]) and s[k] not in V.qualitative and s[k] not in V.numerals \
                and _boundary(s, k + 1, V):
            unit_span = (k, k + 1, s[k])
        if unit_span:
            k = _words_at(s, unit_span[1], (V.suffix,), cmps)
        elif k < len(s) and s[k].isascii() and s[k].isalpha():
            problem = problem or f"the number in {raw!r} is part of a code; kept as text"  # "4A级", "3D打印"
    elif unit_span and unit_span[2] in V.multipliers.values() and k == unit_span[1] and k < len(s) \
            and _is_cjk(s[k]) and s[k] not in V.qualitative and _boundary(s, k + 1, V):
        # "200万棵": a magnitude before an unknown measure word
        unit_span = (unit_span[0], k + 1, unit_span[2] + s[k])
        k = _words_at(s, k + 1, (V.suffix,), cmps)

    note = None
    if k < len(s) and s[k] in _OPEN_CLOSE:
        # "100%（含）以上": a bracketed remark before the comparator word
        close = s.find(_OPEN_CLOSE[s[k]], k + 1)
        extra: list = []
        after = _words_at(s, close + 1, (V.suffix,), extra) if close > 0 else k
        if extra:
            cmps += extra
            note = _slice(raw, pos, k + 1, close).strip() or None
            k = after
    trail_note, trail_problem = _trailing(raw, s, pos, k)
    if note and trail_note:
        trail_problem = f"unexpected {trail_note!r} after the value in {raw!r}; kept as text"
    if trail_note and not trail_problem and _comparator_in(s, k, len(s), V, V.prefix, V.infix, before_digit=True):
        # "60岁以上老年人体检率≥90%", "90%（含）-100%", "≥90%且≤100%"
        trail_problem = f"{raw!r} holds a second comparison; kept as text"
    note = note or trail_note
    problem = problem or trail_problem
    if label and note and not problem:
        problem = f"the number in {raw!r} sits inside a sentence; kept as text"
    elif sentence:
        problem = f"the number in {raw!r} follows a sentence; kept as text"
    if label:
        note = label

    if lead_unit and unit_span:
        problem = problem or f"{raw!r} names two units"
    if lead_unit:
        unit_span = lead_unit
    if unit_span and divisors:
        unit_span = (unit_span[0], unit_span[1], unit_span[2] + "".join("/" + d for d in divisors))

    if upper is not None and not problem:
        if upper < value:
            problem = f"the range in {raw!r} ends below its start"
        elif unit_span is None and value.is_integer() and upper.is_integer() \
                and 1900 <= value <= 2100 and 1900 <= upper <= 2100:
            problem = f"{raw!r} looks like a span of years, not a numeric range"

    cmp, stated, cmp_problem = _resolve(cmps, upper is not None, raw)
    problem = problem or cmp_problem
    if not all(math.isfinite(v) for v in (value, upper or 0.0)):
        problem = f"the number in {raw!r} is too large"
    if unit_span and not problem and _alternative_unit(s, unit_span[1], V):
        problem = f"{raw!r} names alternative units; kept as text"  # "≥325人、户": people or households?
    if problem:
        return _qualitative(raw, problem)
    unit = unit_raw = None
    if unit_span:
        unit = unit_span[2]
        unit_raw = _squash(_slice(raw, pos, unit_span[0], unit_span[1])) or None
    return _Result(
        Target(raw=raw, kind="quantitative", cmp=cmp, value=value, upper=upper, unit=unit, unit_raw=unit_raw, note=note),
        None,
        stated,
    )


def _cn_number(run: str, V: _Vocab, spelled: bool = False) -> Optional[int]:
    """Value of a run of Chinese numerals ("十二", "一千二百", "一亿二千万");
    with ``spelled``, also digit by digit ("二〇二三", for years)."""
    digits = [V.numerals[c] for c in run]
    if all(role == "digit" for _, role in digits):
        if len(digits) == 1:
            return digits[0][0]
        return int("".join(str(v) for v, _ in digits)) if spelled else None
    total = section = 0
    number: Optional[int] = None
    last: Optional[tuple[int, str]] = None  # the last multiplier read
    biggest = 1
    after_zero = False
    for n, (v, role) in enumerate(digits):
        if role == "digit":
            if v == 0 and n > 0:
                after_zero = True  # "一百零五": 零 only holds a place
                continue
            if number is not None:
                return None  # "一二十"
            number = v
        elif role == "unit":
            if (number is None and n > 0 and not after_zero) or (last and last[1] == "unit" and v >= last[0]):
                return None  # "百十", "十百"
            section += (1 if number is None else number) * v
            number, last = None, (v, role)
        else:
            section += number or 0
            if v >= biggest:  # 亿 multiplies all before it, 万 after 亿 only its section
                total, biggest = (total + section) * v, v
            else:
                total += section * v
            section, number, last = 0, None, (v, role)
        after_zero = False
    if number is not None:
        if last and last[0] >= 100 and digits[-2][1] != "digit":
            number *= last[0] // 10  # "二百五" is 250, "一万五" 15000
        section += number
    return total + section


def _cn_run(s: str, k: int, V: _Vocab) -> Optional[tuple[float, int, str]]:
    """A number in Chinese numerals at ``s[k]``: (value, end, run).  A final
    万 / 亿 is left to the unit ("三万人" is 3 万人, as "3万人")."""
    e = k
    while e < len(s) and s[e] in V.numerals:
        e += 1
    run = s[k:e]
    if not run:
        return None
    sections = [c for c in run if V.numerals[c][1] == "section"]
    if len(run) > 1 and sections == [run[-1]]:
        e -= 1
        run = run[:-1]
    if V.numerals[run[0]][1] == "section":
        return None
    value: Optional[float] = _cn_number(run, V)
    if value is None or value > 1e300:
        return None
    if e < len(s) and s[e] in V.points:
        # "九十五点五": the digits after the point are read one by one
        f = e + 1
        while f < len(s) and V.numerals.get(s[f], (0, ""))[1] == "digit":
            f += 1
        if f > e + 1:
            value = float(f"{value}." + "".join(str(V.numerals[c][0]) for c in s[e + 1:f]))
            run, e = s[k:f], f
    return value, e, run


def _parse_chinese(raw: str, s: str, pos: list[int], V: _Vocab) -> Optional[_Result]:
    """A value written in Chinese numerals: "三个", "不少于两次", "百分之九十五",
    "三至五个", "每年两次"."""
    cmps: list = []
    k = 0
    lead_unit = None
    divisors: list[str] = []
    label_end = 0
    while True:
        word = V.prefix.at(s, k)
        if word is not None and V.prefix[word][0] != "-":
            cmps.append(V.prefix[word])
            k += len(word)
            continue
        word = V.leading.at(s, k)
        if word is not None and lead_unit is None:
            lead_unit = (k, k + len(word), V.leading[word])
            k += len(word)
            continue
        word = V.per.at(s, k)
        unit = V.units.at(s, k + len(word)) if word is not None and not V.per[word] else None
        if word is not None and (V.per[word] or unit):
            # "每年两次", "人均两千元": the label divides the unit, as in "每年2次"
            divisors.append(V.per[word] or V.units[unit])
            k += len(word) + (len(unit) if unit else 0)
            label_end = k
            continue
        break
    first = _cn_run(s, k, V)
    if first is None:
        return None
    value, e, run = first
    end = e
    unit_span = None
    u = _unit_at(s, e, V)
    if u:
        unit_span, end = (e, u[0], u[1]), u[0]
    upper = None
    sep = V.infix.at(s, end)
    second = _cn_run(s, end + len(sep), V) if sep else None
    if second is not None:
        # "三至五个", "两到三次", "一至两个月"
        upper, end, run2 = second
        u2 = _unit_at(s, end, V)
        if u2:
            if unit_span and unit_span[2] != u2[1]:
                return _qualitative(raw, f"the two ends of the range in {raw!r} have different units")
            unit_span, end = (end, u2[0], u2[1]), u2[0]
        if upper < value:
            return _qualitative(raw, f"the range in {raw!r} ends below its start")
        run += run2
    end = _words_at(s, end, (V.suffix,), cmps)
    note = None
    if not all(_is_punct(c) for c in s[end:]):
        if not lead_unit or s[end] in V.numerals or s[end] in V.points:
            return None
        # after 百分之 the run is a number beyond doubt: "百分之百覆盖" is 100 % + note
        note, problem = _trailing(raw, s, pos, end)
        if problem:
            return _qualitative(raw, problem)
    if not (unit_span or lead_unit or cmps or len(run) >= 2):
        return None
    if len(run) == 1 and V.numerals[run][0] > 10 and not (lead_unit or cmps):
        return None  # "千元", "百人": a unit or a word more likely than a number
    if lead_unit and unit_span:
        return None
    unit_span = unit_span or lead_unit
    cmp, stated, problem = _resolve(cmps, upper is not None, raw)
    if problem:
        return _qualitative(raw, problem)
    unit = unit_raw = None
    if unit_span:
        unit, unit_raw = unit_span[2], _squash(_slice(raw, pos, unit_span[0], unit_span[1]))
        unit += "".join("/" + d for d in divisors)
    if label_end:
        note = _EDGE_PUNCT.sub("", _slice(raw, pos, 0, label_end)) or None
    return _Result(
        Target(raw=raw, kind="quantitative", cmp=cmp, value=float(value), upper=None if upper is None else float(upper),
               unit=unit, unit_raw=unit_raw, note=note),
        None,
        stated,
    )


#: Punctuation that may end a label before its value ("目标值：90%", "1、90%").
_LABEL_ENDS = set(":：,，;；、/|。.·")
#: Brackets and quotes: the opener's closer, the closer's opener.
_PAIRS = {**_OPEN_CLOSE, "（": "）", "“": "”", "‘": "’"}
_OPENERS = {close: open_ for open_, close in _PAIRS.items()}


def _stray_mark(s: str, j: int) -> bool:
    """Is ``s[j - 1]``, right before a value (and its comparator), a mark that
    ends no label: a closing bracket or quote nothing opened ("》90%"), or
    an opening one nothing closes ("《5天"), or other punctuation that
    separates nothing ("#90%")?  Brackets around the value ("满意度（≥90%）"),
    quotations and the ends of labels are not."""
    ch = s[j - 1]
    kind = unicodedata.category(ch)
    if ch in "\"'":
        return False  # a straight quote opens or closes: either way it marks a quotation
    if kind in ("Ps", "Pi"):  # "满意度（≥90%）" opens and closes; "《5天" does not
        return _PAIRS.get(ch, "") not in s[j:]
    if kind in ("Pe", "Pf"):  # "“优良”90%" closed what it opened; "》90%" did not
        return _OPENERS.get(ch, "") not in s[:j - 1]
    return kind == "Po" and ch not in _LABEL_ENDS
