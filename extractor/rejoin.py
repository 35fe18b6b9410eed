"""Stage 3: characters -> text lines -> cell text, with CJK-aware joining.

Three problems are solved here, each by a small pure function:

* ``chars_to_lines``: characters that share a baseline become a line.
* ``line_text``: gaps inside a line become spaces only between two Latin
  letters/digits.  The gap a word processor's CJK/Latin autospacing draws
  ("3 月底", "2023 年") is layout, not text, and is dropped.
* ``join_lines``: lines wrapped inside a narrow cell are rejoined.  A break
  next to a CJK character joins with nothing ("发放工会经" + "费精确性");
  a break between two Latin words joins with a space unless the first line
  was filled to the cell's edge (a long token broken by the cell width).

``joins_as_word`` asks jieba's dictionary (``cjk_words``) whether the text
across a line break forms one word; segmentation uses it where no ruling
line says whether two lines are one cell.
"""

from __future__ import annotations

import functools
import unicodedata
from typing import Iterable, Sequence

from .layout import Box, Char, TextLine, union_all
from .settings import Settings
from .timing import timed


def is_cjk(ch: str) -> bool:
    """Han characters, kana/hangul, and full-width CJK punctuation."""
    if not ch:
        return False
    o = ord(ch[0])
    if 0x2E80 <= o <= 0x9FFF or 0xF900 <= o <= 0xFAFF or 0x20000 <= o <= 0x3FFFF:
        return True  # radicals, CJK symbols & punctuation, kana, Han
    if 0xFF00 <= o <= 0xFFEF:
        return True  # full-width forms: （）：，；！
    if 0xFE30 <= o <= 0xFE4F:
        return True  # CJK compatibility forms ﹒
    return ch[0] in "“”‘’—…·、《》【】〔〕"


def _is_word_char(ch: str) -> bool:
    """Letters and digits that need a space to stay apart from each other."""
    return bool(ch) and not is_cjk(ch) and (ch.isalnum() or ch in "%.,)]")


@timed("rejoin")
def chars_to_lines(chars: Iterable[Char], page: int, settings: Settings) -> list[TextLine]:
    """Group characters into lines: sort by vertical centre and merge chars
    whose vertical extents overlap (superscripts and mixed fonts included)."""
    rows: list[list[Char]] = []
    # The vertical extent of the last row (all a row's box is needed for).
    top = bottom = 0.0
    ratio = settings.line_overlap
    # By vertical centre, then left edge: top + bottom orders as the centre
    # does, without a property call per comparison key.  The comparisons
    # below are min() and max() written out (a call each, at every glyph).
    for ch in sorted(chars, key=_centre_then_left):
        if ch.text.isspace() and not rows:
            continue
        box = ch.box
        b_top, b_bottom = box.top, box.bottom
        if rows:
            # min() and max() keep their first argument unless the second is
            # strictly beyond it (a NaN too): the same order here.
            overlap = (b_bottom if b_bottom < bottom else bottom) - (b_top if b_top > top else top)
            overlap = overlap if overlap > 0.0 else 0.0
            extent = b_bottom - b_top or 1.0
            if overlap >= ratio * (extent if extent < bottom - top else bottom - top):
                rows[-1].append(ch)
                if b_top < top:
                    top = b_top
                if b_bottom > bottom:
                    bottom = b_bottom
                continue
        rows.append([ch])
        top, bottom = b_top, b_bottom
    lines = []
    for row in rows:
        if len(row) > 1:
            row.sort(key=_left)
        # The box of the row's visible characters: min() and max() over
        # them written out (most cells hold a line of a few glyphs, where
        # four list comprehensions cost more than the glyphs).
        x0 = y0 = x1 = y1 = 0.0
        first = True
        for c in row:
            if c.text.isspace():
                continue
            b = c.box
            if first:
                x0, y0, x1, y1 = b.x0, b.top, b.x1, b.bottom
                first = False
                continue
            if b.x0 < x0:
                x0 = b.x0
            if b.top < y0:
                y0 = b.top
            if b.x1 > x1:
                x1 = b.x1
            if b.bottom > y1:
                y1 = b.bottom
        if first:
            continue  # spaces only
        lines.append(TextLine(page=page, chars=tuple(row), box=Box(x0, y0, x1, y1), text=line_text(row, settings)))
    return lines


def _centre_then_left(c: Char) -> tuple[float, float]:
    box = c.box
    return box.top + box.bottom, box.x0


def _left(c: Char) -> float:
    return c.box.x0


def line_text(chars: Sequence[Char], settings: Settings) -> str:
    """The text of one line, with spaces only where two Latin words meet."""
    out: list[str] = []
    prev: Char | None = None
    pending_space = False
    column_gap, space_gap = settings.column_gap, settings.space_gap
    for ch in chars:
        text = ch.text
        if text.isspace():
            pending_space = prev is not None
            continue
        if prev is not None:
            # max(min(prev.size, ch.size), 1.0), written out: a call each per glyph
            em = ch.size if ch.size < prev.size else prev.size
            if em < 1.0:
                em = 1.0
            gap = ch.box.x0 - prev.box.x1
            if gap > column_gap * em:
                out.append(" ")  # a field separation, whatever the script
            elif pending_space or gap > space_gap * em:
                if _is_word_char(out[-1][-1]) and _is_word_char(text[0]):
                    out.append(" ")
        out.append(text)
        prev = ch
        pending_space = False
    return unicodedata.normalize("NFC", "".join(out))


@timed("rejoin")
def split_runs(line: TextLine, settings: Settings, gap: float | None = None) -> list[TextLine]:
    """Split a line at gaps wider than ``gap`` em (default
    ``settings.column_gap``): the columns of a table drawn without rulings.
    ``line`` as ``chars_to_lines`` makes it: its box and text those of its
    characters, so that a line of one run without spaces is that run."""
    gap = settings.column_gap if gap is None else gap
    visible = [c for c in line.chars if not c.text.isspace()]
    runs: list[list[Char]] = [[visible[0]]] if visible else []
    for ch in visible[1:]:
        prev = runs[-1][-1]
        em = max(min(prev.size, ch.size), 1.0)
        if ch.box.x0 - prev.box.x1 > gap * em:
            runs.append([ch])
        else:
            runs[-1].append(ch)
    if len(runs) == 1 and len(visible) == len(line.chars) and not line.runs:
        # One run of the whole line (most lines): the run is the line, box
        # (that of its visible characters) and text alike.
        return [line]
    return [
        TextLine(page=line.page, chars=tuple(r), box=union_all(c.box for c in r), text=line_text(r, settings))
        for r in runs
    ]


def join_pair(first: str, second: str, *, first_filled: bool) -> str:
    """Join two wrapped fragments of one piece of text."""
    if not first:
        return second
    if not second:
        return first
    a, b = first[-1], second[0]
    if is_cjk(a) or is_cjk(b):
        return first + second
    if first_filled or a in "-/([" or b in ")],.;:%":
        return first + second
    return first + " " + second


@timed("rejoin")
def join_lines(lines: Sequence[TextLine], right_edge: float | None = None) -> str:
    """Rejoin the lines of one cell (or paragraph) into one string.

    ``right_edge`` is the x where wrapped text can end (a cell's right side);
    a line reaching it within one character was broken by the width, so a
    Latin token continues on the next line without a space.
    """
    text = ""
    prev: TextLine | None = None
    for line in lines:
        if prev is None:
            text = line.text
        else:
            filled = right_edge is not None and right_edge - prev.box.x1 < prev.size * 1.2
            text = join_pair(text, line.text, first_filled=filled)
        prev = line
    return text


def collapse_gaps(text: str) -> str:
    """Remove whitespace next to CJK characters in already-extracted text;
    keep single spaces between Latin words."""
    out: list[str] = []
    i = 0
    n = len(text)
    while i < n:
        ch = text[i]
        if ch.isspace():
            j = i
            while j < n and text[j].isspace():
                j += 1
            before = out[-1] if out else ""
            after = text[j] if j < n else ""
            if before and after and not is_cjk(before) and not is_cjk(after):
                out.append(" ")
            i = j
            continue
        out.append(ch)
        i += 1
    return "".join(out)


@timed("rejoin")
def joins_as_word(first: str, second: str, window: int = 4) -> bool:
    """True when jieba's dictionary segments the text across the break so
    that one word straddles it ("…工会经" | "费精确性" -> "经费" straddles):
    strong evidence the two lines are one wrapped text."""
    if not first or not second or not (is_cjk(first[-1]) and is_cjk(second[0])):
        return False
    return _straddles(first[-window:], second[:window])


@functools.lru_cache(maxsize=4096)
def _straddles(left: str, right: str) -> bool:
    from .cjk_words import words

    pos = 0
    for word in words().cut(left + right):
        end = pos + len(word)
        if pos < len(left) < end:
            return True
        pos = end
    return False
