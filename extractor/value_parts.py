"""The parts around a number that every reading of a 指标值 cell shares.

* The comparator: the comparator words read before and after a value
  resolve to one (a strong word beats a weak one; two strong ones that
  disagree, or a range word over one number, are a problem); a value with no
  comparator word is "=".
* The unit at a position: the longest known unit, compounds ("元/人·年",
  "次/月") built part by part, a row for the whole compound overriding its
  parts; a label ending in 每 + a unit word or 人均 divides it.
* The label before a value (a sentence when it holds sentence punctuation)
  and the note after it: a note wholly in brackets loses the brackets
  ("100%(历史标准)" -> "历史标准"); a separator followed by another number
  means several values, which are not guessed at.
* What a reading returns (``_Result``): a Target, a problem for the
  caller's warning, and whether the cell stated its comparator.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Optional

from .document import Comparator, Target
from .value_vocab import _Vocab, _Words, _is_digit


_OPEN_CLOSE = {"(": ")", "[": "]", "【": "】", "〔": "〕", "《": "》", "〈": "〉", "「": "」", "『": "』", "{": "}"}
_SEPARATORS = set(",，;、/:|")
_SENTENCE_PUNCT = set(",，;。、!?")
_EDGE_PUNCT = re.compile(r"^[\W_]+|[\W_]+$")
_PLAIN_NUM = re.compile(r"[0-9]+(?:\.[0-9]+)?")


def _is_cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf" or "\uf900" <= ch <= "\ufaff"


def _is_punct(ch: str) -> bool:
    return (unicodedata.category(ch)[0] in "PZ" or ch == "…") and ch not in "%‰#&*@"


def _slice(raw: str, pos: list[int], a: int, b: int) -> str:
    return raw[pos[a]:pos[b]]


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


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


def _resolve(cmps: list[tuple[Comparator, str]], is_range: bool,
             raw: str) -> tuple[Optional[Comparator], bool, Optional[str]]:
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
        if unit is None:
            break
        marker = V.per.before(s, j - len(unit))
        if marker is None or V.per[marker]:
            break
        found.insert(0, V.units[unit])
        j -= len(unit) + len(marker)
    return found
