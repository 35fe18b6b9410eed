"""指标值 cells -> :class:`extractor.document.Target`.

``normalize_target(text)`` reads one rejoined cell ("≥95百分比", "16按计提的工会经费
60%拨付给…", "2023年12月31日前", "有效提升"); ``normalize_target(value,
operator=..., unit=...)`` reads templates that print operator, value and unit
in separate columns; ``year=`` is the document's budget year, for deadlines
printed without one ("12月底前").  It never raises: what it cannot read comes
back as a qualitative Target carrying the raw text, plus ``problem`` (a
sentence for the caller's warning) when the text looks numeric.

Every word the reader knows -- comparators, units, numerals, date words,
qualitative values -- lives in the TSV tables of ``extractor/vocab/``
(``comparators``, ``units``, ``numerals``, ``dates``, ``qualitative``); see
docs/vocabulary.md.  This module holds only the grammar.

Decisions (the contract leaves them open):

* A cell is parsed on a folded copy (NFKC per character: full-width digits and
  symbols become ASCII; whitespace dropped, except between two digits, where
  it keeps the numbers apart).  ``raw`` is the text as given; ``unit_raw`` and
  ``note`` are slices of it (``unit_raw`` without whitespace).
* Magnitudes stay in the unit, never converted: "3.5万元" is 3.5 万元,
  "250万" is 250 万.
* Unit or note: after the number, the longest known unit is taken (compounds
  "元/人·年", "次/月" are built part by part).  If none is known, a single CJK
  measure word or a short Latin word that ends the cell is kept as the unit,
  canonical = as written ("5棵").  Any other trailing text is the ``note``:
  "16按计提的…" -> 16, note "按计提的…" (numbers inside it are not values).  A
  note wholly in brackets loses the brackets: "100%(历史标准)" -> note "历史标准".
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
* Relative targets ("较上年提高5%", "同比增长10%以上", "下降2个百分点") keep the
  change as value and unit, never a level, and their label (base and
  direction) as the note; nothing is computed from a base the cell does not
  print.  Without a number ("不低于上年") they are plain qualitative.
* Deadlines are kind "qualitative" (they have no numeric value) with ``date``
  set to the end of the named period when a year is known (to its first day
  for a start: "2024年7月起" -> 2024-07-01, cmp ">="): "2023年12月31日前"
  -> date 2023-12-31, cmp "<="; "2020年1月--2020年11月" -> 2020-11-30, "<=";
  "2019年12月(计划标准)" -> 2019-12-31, cmp None, note "计划标准".  ``cmp``
  relates to ``date`` and is only set with one.  A month without a printed
  year ("12月底前", "第三季度末", "3-6月") takes the budget year passed as
  ``year`` (a year word counts from it: "次年3月底前"), but only when a date
  word pins it (a part, a day, 前/截止, a period) and no label precedes it;
  otherwise, and without ``year``, the cell is plain qualitative: no date, and
  never 12 or 2023 as a value.  A bare "N月" is a month of the year; with a
  comparator ("≥1月") it is a duration.  A bare 4-digit year between 1900 and
  2100 with 年 is a year.  A date after a strong >= / > comparator or before a
  level word ("不低于2023年水平") is a comparison with a period, flagged.
* Phrases without a number ("控制在预算以内", "按时完成") are plain qualitative,
  no problem; no comparator is recorded without a value to compare.
* A range of two year-like integers without a unit ("2019-2023") is flagged,
  not read as a numeric range.  "YYYY.MM" with a two-digit month and no unit
  after it ("2023.07") is a date; over a unit column it is a number.
* Values in Chinese numerals are read only when the whole cell is [每/人均
  label] [comparator] numeral [unit] [comparator], or a range of two numerals
  ("不少于两次", "十二个月", "三至五个", "九十五点五分"), so words such as "一流"
  or "十分满意" never become numbers; after 百分之 / 百分 a note may follow
  ("百分之百覆盖").
* Split cells: ``raw`` joins operator, value and unit ("≥95%"); "=" (the
  reading of a bare number) and 定性 / 定量 are not repeated in it.  The
  operator column's comparator applies unless the value cell states another
  (then: problem).  A unit column that holds no unit ("44,561" again) is
  ignored and flagged; an unknown word there is kept as the unit.
"""

from __future__ import annotations

import calendar
import functools
import math
import re
import unicodedata
from dataclasses import dataclass, replace
from typing import Optional

from .document import Target
from .vocab import read_table
from .timing import timed

__all__ = ["ParsedTarget", "normalize_target"]


@dataclass(frozen=True)
class ParsedTarget:
    target: Target
    #: Set when the text looks numeric but could not be understood; the
    #: caller turns it into a warning.
    problem: Optional[str] = None


@timed("normalize")
def normalize_target(
    text: str, *, operator: str | None = None, unit: str | None = None, year: int | None = None
) -> ParsedTarget:
    """Read one 指标值 cell (or the operator / value / unit cells of templates
    that print them separately).  ``year`` is the document's budget year: it
    dates deadlines printed without one ("12月底前"); without it they get no
    ``date``.  Never raises."""
    try:
        if operator is None and unit is None:
            r = _parse(text, year)
            return ParsedTarget(_mark_relative(r.target), r.problem)
        parsed = _parse_split(text, operator or "", unit or "", year)
        return ParsedTarget(_mark_relative(parsed.target), parsed.problem)
    except Exception as exc:  # pragma: no cover - defensive: input must never crash a run
        raw = text if isinstance(text, str) else str(text)
        return ParsedTarget(Target(raw=raw, kind="qualitative"), f"internal error reading {raw!r}: {exc!r}")


# -- vocabulary ------------------------------------------------------------------


class _Words(dict):
    """Words -> data, with longest-match lookups at a position."""

    def __init__(self, items=()):
        super().__init__(items)
        self.maxlen = max(map(len, self), default=0)

    def at(self, s: str, i: int) -> Optional[str]:
        for k in range(min(self.maxlen, len(s) - i), 0, -1):
            if s[i:i + k] in self:
                return s[i:i + k]
        return None

    def before(self, s: str, j: int) -> Optional[str]:
        for k in range(min(self.maxlen, j), 0, -1):
            if s[j - k:j] in self:
                return s[j - k:j]
        return None


@dataclass(frozen=True)
class _Vocab:
    prefix: _Words       # word -> (cmp, strength)
    suffix: _Words
    infix: _Words
    operator: _Words
    units: _Words        # word -> canonical
    multipliers: _Words
    leading: _Words
    per: _Words          # word -> divisor ("人均" -> "人"), or "" for "每" + a unit word
    numerals: dict       # char -> (value, role)
    points: frozenset    # decimal points of Chinese numerals ("点")
    date_edges: _Words   # word -> ("<=" | ">=", "strong")
    date_parts: _Words   # word -> (month | None, day: "end" | int)
    date_years: _Words   # word -> years after the budget year ("次年" -> 1)
    date_levels: _Words  # words after a date that make it a level ("水平")
    qualitative: frozenset
    relative: _Words     # word -> "base" | "increase" | "decrease" | "-" (a guard)


def _key(word: str) -> str:
    return _fold(word)[0]


def _table(name: str, columns: tuple[str, ...]) -> list[tuple[str, ...]]:
    rows = []
    for n, row in enumerate(read_table(name), start=1):
        cells = tuple(row.get(c, "") or "" for c in columns)
        if not cells[0]:
            raise ValueError(f"vocab/{name}.tsv row {n}: empty {columns[0]!r}")
        rows.append(cells)
    return rows


def _add(target: dict, name: str, key: str, value) -> None:
    if target.get(key, value) != value:
        raise ValueError(f"vocab/{name}.tsv: {key!r} is listed twice with different meanings")
    target[key] = value


@functools.cache
def _vocab() -> _Vocab:
    cmp_tables: dict[str, dict] = {"prefix": {}, "suffix": {}, "infix": {}, "operator": {}}
    for word, cmp, position, strength in _table("comparators", ("word", "cmp", "position", "strength")):
        if position not in cmp_tables or cmp not in (">=", "<=", ">", "<", "=", "range", "qualitative", "-") \
                or strength not in ("strong", "weak"):
            raise ValueError(f"vocab/comparators.tsv: bad row for {word!r}")
        _add(cmp_tables[position], "comparators", _key(word), (cmp, strength))

    units: dict = {}
    multipliers: dict = {}
    leading: dict = {}
    per: dict = {}
    for written, canonical, dimension in _table("units", ("written", "canonical", "dimension")):
        if dimension == "per":  # an empty canonical form marks "每": the next unit word divides
            _add(per, "units", _key(written), canonical)
            continue
        target = {"multiplier": multipliers, "leading": leading}.get(dimension, units)
        _add(target, "units", _key(written), canonical or written)

    numerals: dict = {}
    points: set = set()
    for char, value, role in _table("numerals", ("char", "value", "role")):
        if role == "point" and len(char) == 1:
            points.add(char)
            continue
        if role not in ("digit", "unit", "section") or len(char) != 1:
            raise ValueError(f"vocab/numerals.tsv: bad row for {char!r}")
        _add(numerals, "numerals", char, (int(value), role))

    edges: dict = {}
    parts: dict = {}
    years: dict = {}
    levels: dict = {}
    for word, role, month, day, offset in _table("dates", ("word", "role", "month", "day", "offset")):
        if role in ("before", "after"):
            _add(edges, "dates", _key(word), ("<=" if role == "before" else ">=", "strong"))
        elif role == "part":
            _add(parts, "dates", _key(word), (int(month) if month else None, "end" if day == "end" else int(day)))
        elif role == "year":
            _add(years, "dates", _key(word), int(offset or 0))
        elif role == "level":
            _add(levels, "dates", _key(word), True)
        else:
            raise ValueError(f"vocab/dates.tsv: bad role for {word!r}")

    qualitative = frozenset(_key(w) for (w,) in _table("qualitative", ("word",)))
    relative: dict = {}
    for word, role in _table("relative", ("word", "role")):
        if role not in ("base", "increase", "decrease", "-"):
            raise ValueError(f"vocab/relative.tsv: bad row for {word!r}")
        _add(relative, "relative", _key(word), role)

    return _Vocab(
        prefix=_Words(cmp_tables["prefix"]),
        suffix=_Words(cmp_tables["suffix"]),
        infix=_Words(cmp_tables["infix"]),
        operator=_Words(cmp_tables["operator"]),
        units=_Words(units),
        multipliers=_Words(multipliers),
        leading=_Words(leading),
        per=_Words(per),
        numerals=numerals,
        points=frozenset(points),
        date_edges=_Words(edges),
        date_parts=_Words(parts),
        date_years=_Words(years),
        date_levels=_Words(levels),
        qualitative=qualitative,
        relative=_Words(relative),
    )


# -- folding ---------------------------------------------------------------------

_KEEP = {"，": "，"}  # the CJK comma separates clauses; inside a digit group see _fold


def _is_digit(ch: str) -> bool:
    return "0" <= ch <= "9"


def _fold(raw: str) -> tuple[str, list[int]]:
    """The parsing form of ``raw`` and, for each of its characters (plus the
    end), the index in ``raw`` it came from."""
    chars: list[str] = []
    pos: list[int] = []
    gap = False
    for i, ch in enumerate(raw):
        if ch.isspace():
            gap = True
            continue
        piece = _KEEP.get(ch) or unicodedata.normalize("NFKC", ch)
        piece = "".join(c for c in piece if not c.isspace())
        if gap and chars and _is_digit(chars[-1]) and piece[:1] and _is_digit(piece[0]):
            chars.append(" ")  # "10 20" stays two numbers
            pos.append(i)
        gap = False
        for c in piece:
            chars.append(c)
            pos.append(i)
    # "１，２００": a CJK comma inside a digit group is a thousands separator.
    for k, c in enumerate(chars):
        group = chars[k + 1:k + 4]
        if c == "，" and k > 0 and _is_digit(chars[k - 1]) and len(group) == 3 and all(map(_is_digit, group)) \
                and not (k + 4 < len(chars) and _is_digit(chars[k + 4])):
            chars[k] = ","
    pos.append(len(raw))
    return "".join(chars), pos


# -- shared pieces -----------------------------------------------------------------

_NUM = re.compile(r"[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?|[0-9]+(?:\.[0-9]+)?")
_LATIN_UNIT = re.compile(r"[A-Za-z]{1,6}")
_OPEN_CLOSE = {"(": ")", "[": "]", "【": "】", "〔": "〕", "《": "》", "〈": "〉", "「": "」", "『": "』", "{": "}"}
_SEPARATORS = set(",，;、/:|")
_SENTENCE_PUNCT = set(",，;。、!?")
_EDGE_PUNCT = re.compile(r"^[\W_]+|[\W_]+$")
_PLAIN_NUM = re.compile(r"[0-9]+(?:\.[0-9]+)?")


def _is_cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf" or "\uf900" <= ch <= "\ufaff"


def _is_punct(ch: str) -> bool:
    return (unicodedata.category(ch)[0] in "PZ" or ch == "…") and ch not in "%‰#&*@"


def _looks_numeric(s: str) -> bool:
    return any(_is_digit(c) for c in s) or "%" in s or "‰" in s or "百分之" in s


def _slice(raw: str, pos: list[int], a: int, b: int) -> str:
    return raw[pos[a]:pos[b]]


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _number(text: str) -> float:
    return float(text.replace(",", ""))


@dataclass
class _Result:
    target: Target
    problem: Optional[str] = None
    #: the cell itself stated a comparator (used when merging split cells)
    cmp_stated: bool = False


def _qualitative(raw: str, problem: Optional[str] = None) -> _Result:
    return _Result(Target(raw=raw, kind="qualitative"), problem)


def _unit_part(s: str, i: int, V: _Vocab, allow_number: bool) -> Optional[tuple[int, str]]:
    """One part of a unit at ``s[i]``: [number] [multiplier] unit ("·" unit)*."""
    j = i
    lead = ""
    if allow_number:
        m = _PLAIN_NUM.match(s, j)
        if m:
            lead, j = m.group(), m.end()
    best: Optional[tuple[int, str]] = None
    word = V.units.at(s, j)
    if word:
        best = (j + len(word), V.units[word])
    mult = V.multipliers.at(s, j)
    if mult:
        base = V.units.at(s, j + len(mult))
        if base and (best is None or j + len(mult) + len(base) > best[0]):
            best = (j + len(mult) + len(base), V.multipliers[mult] + V.units[base])
        elif best is None and not lead:
            best = (j + len(mult), V.multipliers[mult])
    if best is None:
        return None
    end, canonical = best
    while end < len(s) and s[end] in "·・•*":
        word = V.units.at(s, end + 1)
        if not word:
            break
        end, canonical = end + 1 + len(word), canonical + "·" + V.units[word]
    return end, lead + canonical


def _alternative_unit(s: str, end: int, V: _Vocab) -> bool:
    """Whether the unit ending at ``s[end]`` is followed by another unit it
    is an alternative to ("人、户", "个或所"): nothing else after it."""
    i = end
    while i < len(s) and s[i] == " ":
        i += 1
    if i >= len(s) or s[i] not in "、或":
        return False
    found = _unit_at(s, i + 1, V)
    return found is not None and found[0] >= len(s.rstrip("。.；; "))


def _unit_at(s: str, i: int, V: _Vocab) -> Optional[tuple[int, str]]:
    """A (compound) unit at ``s[i]``: its end and canonical form."""
    part = _unit_part(s, i, V, allow_number=False)
    if part is None:
        return None
    end, canonical = part
    while end < len(s) and s[end] in "/每":
        nxt = _unit_part(s, end + 1, V, allow_number=True)
        if nxt is None:
            break
        end, canonical = nxt[0], canonical + "/" + nxt[1]
    written = s[i:end]
    if written in V.units:  # a row for the whole compound overrides its parts
        canonical = V.units[written]
    return end, canonical


def _words_at(s: str, k: int, tables: tuple[_Words, ...], cmps: list, stop: tuple[str, ...] = ("-",),
              seen: Optional[list] = None) -> int:
    """Read comparator words at ``s[k]`` (longest first, across ``tables``)
    into ``cmps`` (and the words into ``seen``); a guard ("-") or a cmp in
    ``stop`` ends the run."""
    while True:
        word, table = max(((t.at(s, k), t) for t in tables), key=lambda wt: len(wt[0] or ""))
        if word is None or table[word][0] in stop:
            return k
        cmps.append(table[word])
        if seen is not None:
            seen.append(word)
        k += len(word)


def _words_before(s: str, j: int, tables: tuple[_Words, ...], cmps: list, seen: Optional[list] = None) -> int:
    """Read comparator words off the end of ``s[:j]``, like ``_words_at``."""
    while j > 0:
        word, table = max(((t.before(s, j), t) for t in tables), key=lambda wt: len(wt[0] or ""))
        if word is None or table[word][0] == "-":
            return j
        cmps.append(table[word])
        if seen is not None:
            seen.append(word)
        j -= len(word)
    return j


def _boundary(s: str, k: int, V: _Vocab) -> bool:
    """Whether a word may end before ``s[k]`` (end, punctuation, a suffix)."""
    if k >= len(s) or _is_punct(s[k]) or s[k] in _OPEN_CLOSE:
        return True
    word = V.suffix.at(s, k)
    return word is not None and V.suffix[word][0] != "-"


def _trailing(raw: str, s: str, pos: list[int], k: int) -> tuple[Optional[str], Optional[str]]:
    """What follows the value: (note, problem)."""
    rest = s[k:]
    if not rest or all(_is_punct(c) for c in rest):
        return None, None
    head = rest[0]
    if head in _OPEN_CLOSE:
        close = rest.find(_OPEN_CLOSE[head])
        if close == len(rest) - 1 or (close > 0 and all(_is_punct(c) for c in rest[close + 1:])):
            inner = _slice(raw, pos, k + 1, k + close).strip()
            return (inner or None), None
        return _slice(raw, pos, k, len(s)).strip(), None
    if _is_cjk(head) or head.isalpha():
        return _slice(raw, pos, k, len(s)).strip(), None
    if head in _SEPARATORS:
        body = rest.lstrip("".join(_SEPARATORS))
        if any(_is_digit(c) for c in body):
            return None, f"{raw!r} holds more than one value; kept as text"
        j = len(s) - len(body)
        return _slice(raw, pos, j, len(s)).strip() or None, None
    return None, f"unexpected {rest!r} after the value in {raw!r}; kept as text"


def _resolve(cmps: list, is_range: bool, raw: str) -> tuple[Optional[str], bool, Optional[str]]:
    """One comparator from the words read: (cmp, stated, problem)."""
    strong = {c for c, strength in cmps if strength == "strong"}
    weak = {c for c, strength in cmps if strength == "weak"}
    if is_range:
        if strong - {"range"}:
            return None, True, f"a comparator and a range together in {raw!r}"
        return "range", True, None
    if "range" in strong:
        return None, True, f"{raw!r} names a range (之间) but holds one number"
    if len(strong) > 1:
        return None, True, f"conflicting comparators in {raw!r}"
    if strong:
        return strong.pop(), True, None
    if len(weak) > 1:
        weak.discard("=")
    if len(weak) > 1:
        return None, True, f"conflicting comparators in {raw!r}"
    if weak:
        return weak.pop(), True, None
    return "=", False, None


def _label(raw: str, s: str, pos: list[int], j: int) -> tuple[Optional[str], bool]:
    """The label text before the value, without outer punctuation: (label, is_sentence)."""
    body = _EDGE_PUNCT.sub("", s[:j])
    if not body:
        return None, False
    return _EDGE_PUNCT.sub("", _slice(raw, pos, 0, j)), any(c in _SENTENCE_PUNCT for c in body)


def _comparator_in(s: str, a: int, b: int, V: _Vocab, *tables: _Words, before_digit: bool = False) -> bool:
    """Whether ``s[a:b]`` holds a strong comparator word (guards excepted;
    with ``before_digit`` only one right before a digit).  Range words of
    the infix table count only as symbols ("-", "~"): 至 and 到 before a
    number are prose ("截至2024年底")."""
    i = a
    while i < b:
        word, table = max(((t.at(s[:b], i), t) for t in tables), key=lambda wt: len(wt[0] or ""))
        if word is None:
            i += 1
            continue
        cmp, strength = table[word]
        after = i + len(word)
        if cmp != "-" and strength == "strong" and (not before_digit or (after < b and _is_digit(s[after]))) \
                and not (table is V.infix and any(map(_is_cjk, word))):
            return True
        i += len(word)
    return False


def _divisors_before(s: str, j: int, V: _Vocab) -> list[str]:
    """The divisors a label ends with: "每人每月" -> ["人", "月"], "人均" -> ["人"]."""
    found: list[str] = []
    while j > 0:
        word = V.per.before(s, j)
        if word is not None and V.per[word]:
            found.insert(0, V.per[word])
            j -= len(word)
            continue
        unit = V.units.before(s, j)
        marker = V.per.before(s, j - len(unit)) if unit else None
        if marker is None or V.per[marker]:
            break
        found.insert(0, V.units[unit])
        j -= len(unit) + len(marker)
    return found


# -- quantities ------------------------------------------------------------------


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
    if j > 0 and unicodedata.category(s[j - 1]) in ("Sm", "Sc"):
        # "±5%", "+5%", "¥50": a sign or symbol the vocabulary does not know
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


# -- dates -----------------------------------------------------------------------


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
        start, last = _Date(0, int(m.group(1)), None, None), _Date(m.end(), int(m.group(2)), None, None)
        return (start, last, m.end(), True) if _valid(start) and _valid(last) and start.year <= last.year else None
    d1 = _date_at(s, k, V)
    if d1 is None or (d1.month is None and d1.day is None):
        # "2023年1-12月", "1-12月": a run of months
        j, year = (d1.end, d1.year) if d1 else (k, None)
        m = bare_month.match(s, j)
        sep = V.infix.at(s, m.end()) if m else None
        d2 = _date_at(s, m.end() + len(sep), V) if sep else None
        if d2 is not None and d2.year is None and d2.month is not None:
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
        problem = f"{raw!r} compares with the level of a period; kept as text"
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


# -- changes from a base ------------------------------------------------------------

#: After a rise or fall word, these name the level reached ("提高到95%"), so
#: the value is a level, not a change.
_REACHES = ("到", "至", "为")


def _mark_relative(t: Target) -> Target:
    """``t`` with ``relative`` set when its value is a change from a base
    rather than a level (vocab/relative.tsv): the cell names a base
    ("较上年", "同比") or is in 百分点, or a rise or fall word stands right
    before the number ("增长10%", "下降≥2个百分点").  The direction is the
    one the cell's rise or fall words agree on, else "unstated"."""
    if t.kind != "quantitative":
        return t
    V = _vocab()
    s = _fold(t.raw)[0]
    base, before_number, ways = False, False, set()
    i = 0
    while i < len(s):
        word = V.relative.at(s, i)
        if word is None:
            i += 1
            continue
        role, j = V.relative[word], i + len(word)
        if role == "base":
            base = True
        elif role in ("increase", "decrease") and not s.startswith(_REACHES, j):
            ways.add(role)
            before_number = before_number or _number_follows(s, j, V)
        i = j
    if not (base or before_number or t.unit == "百分点"):
        return t
    return replace(t, relative=ways.pop() if len(ways) == 1 else "unstated")


def _number_follows(s: str, j: int, V: _Vocab) -> bool:
    """Whether the number of the cell starts at ``s[j]``, comparator words
    ("不低于", "≥") aside."""
    while j < len(s):
        word = V.prefix.at(s, j)
        if word is None or V.prefix[word][0] == "-":
            break
        j += len(word)
    return j < len(s) and (_is_digit(s[j]) or s[j] in V.numerals or s.startswith("百分之", j))


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


#: Words that make a value a date, not a number ("2025年度内", "6月底前").
_DATE_WORD = re.compile(r"[年月日内前底]")


def _parse_split(text: str, operator: str, unit: str, year: Optional[int] = None) -> ParsedTarget:
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
    return ParsedTarget(t, "; ".join(problems) or None)
