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
docs/vocabulary.md.  The code holds only the grammar.

This module is the entry point.  Each part of the reading is a module of its
own, whose docstring lists the decisions it makes where the contract leaves
them open:

* ``value_vocab``: what the words of the tables mean, and the folded form in
  which cells and words are compared;
* ``value_cell``: which reading one cell gets (a qualitative word, a
  deadline, a number);
* ``value_parts``: what stands around a number: comparator, unit, label, note;
* ``value_quantities``: numbers in digits or Chinese numerals, ranges, units;
* ``value_dates``: deadlines and periods, and the budget year;
* ``value_changes``: whether a quantity is a change from a base;
* ``value_columns``: operator, value and unit printed in separate columns.

``raw`` is always the text as given (for split columns: the columns joined);
``unit_raw`` and ``note`` are slices of it (``unit_raw`` without whitespace).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Optional

from .document import Target
from .timing import timed
from .value_cell import _parse
from .value_changes import _mark_relative
from .value_columns import _parse_split
from .value_vocab import _vocab as _vocab  # the loaded tables, for the tests

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
        if type(text) is str and type(operator) in _PLAIN and type(unit) in _PLAIN and type(year) in _PLAIN:
            return _read_once(text, operator, unit, year)
        return _read(text, operator, unit, year)
    except Exception as exc:  # pragma: no cover - defensive: input must never crash a run
        raw = text if isinstance(text, str) else str(text)
        return ParsedTarget(Target(raw=raw, kind="qualitative"), f"internal error reading {raw!r}: {exc!r}")


#: Argument types whose values stand for themselves (cached by value).
_PLAIN = frozenset((str, int, type(None)))


def _read(text: str, operator: Optional[str], unit: Optional[str], year: Optional[int]) -> ParsedTarget:
    if operator is None and unit is None:
        r = _parse(text, year)
        return ParsedTarget(_mark_relative(r.target), r.problem)
    parsed = _parse_split(text, operator or "", unit or "", year)
    return ParsedTarget(_mark_relative(parsed.target), parsed.problem)


#: ``_read``, once for each cell text: a document repeats its values ("100%",
#: "≥95%", "12月底前") over hundreds of indicators, and a batch over its
#: documents; the result, frozen and made of strings and numbers, can be
#: shared.  A reading that raises is not kept (``normalize_target`` turns the
#: error into a problem each time).
_read_once = functools.lru_cache(maxsize=4096)(_read)
