"""The vocabulary of 指标值 cells, and the folded form in which cells and
its words are compared.

Every word the readers of a cell know -- comparators, units, numerals, date
words, qualitative values, words of change -- is a row of a TSV table in
``extractor/vocab/`` (``comparators``, ``units``, ``numerals``, ``dates``,
``qualitative``, ``relative``; see docs/vocabulary.md).  This module decides
what each row means (a comparator and its strength, a unit's canonical
form, a numeral's value and role, a date word's role), refuses a table that
lists a word twice with different meanings, and loads the tables once.

* A cell is read on a folded copy (NFKC per character: full-width digits and
  symbols become ASCII; whitespace dropped, except between two digits, where
  it keeps the numbers apart; a CJK comma inside a digit group is a
  thousands separator).  Words are folded the same way before lookup.  The
  fold keeps, for each character, its index in the text as given, so what
  a reader keeps of the cell (``unit_raw``, ``note``) is a slice of ``raw``.
"""

from __future__ import annotations

import functools
import unicodedata
from dataclasses import dataclass
from typing import Optional

from .vocab import read_table


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
