"""Whether a quantity is a change from a base rather than a level.

* Relative targets ("较上年提高5%", "同比增长10%以上", "下降2个百分点") keep the
  change as value and unit, never a level, and their label (base and
  direction) as the note; nothing is computed from a base the cell does not
  print.  ``relative`` says which way (vocab/relative.tsv).  Without a number
  ("不低于上年") they are plain qualitative.
"""

from __future__ import annotations

from dataclasses import replace

from .document import Target
from .value_vocab import _Vocab, _fold, _is_digit, _vocab


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
