"""What OCR cannot see and typography settles: which form of a character the
recognizer read, from the characters around it and from the image.

``fix_typography``  one recognized line with its characters corrected: full-
                    width punctuation next to Chinese text, em dash or hyphen
                    by width, a hyphen leading Chinese text as "一", square
                    brackets around a number as one pair, "。" read as a dot
                    (a ring in the image)

numpy and OpenCV are imported on first use.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Optional

from .ocr_text import Glyph, OcrLine
from .rejoin import is_cjk

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np


#: Half-width punctuation and its full-width form.  The recognizer confuses
#: the two (their shapes are alike; only the advance differs), so OCR'd text
#: follows Chinese typesetting: punctuation touching Chinese text is
#: full-width.
_FULL_WIDTH = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！", "(": "（", ")": "）"}
_DASHES = "-一—–－"
_DOTS = "·・.．•°"
#: Square brackets and their closing forms; OCR confuses the shapes.
_BRACKETS = {"〔": "〕", "［": "］", "[": "]", "【": "】"}
_CLOSING = {close: open_ for open_, close in _BRACKETS.items()}


def _han(ch: Optional[str]) -> bool:
    return ch is not None and ch != "" and is_cjk(ch) and ch not in "（）"


def _is_ring(image: "np.ndarray", line: OcrLine, glyph: Glyph, em: float) -> Optional[bool]:
    """Whether the small mark read as ``glyph`` is a ring (the full stop
    "。") rather than a filled dot ("·", "."); None when no small mark is
    found near the glyph's centre."""
    import numpy as np

    if line.vertical:
        return None
    b = line.box
    cx = b.x0 + glyph.at * b.width
    x0, x1 = int(max(0, cx - 0.6 * em)), int(min(image.shape[1], cx + 0.6 * em + 1))
    y0, y1 = int(max(0, b.top)), int(min(image.shape[0], b.bottom + 1))
    if x1 - x0 < 4 or y1 - y0 < 4:
        return None
    crop = image[y0:y1, x0:x1]
    paper, dark = float(np.percentile(crop, 90)), float(crop.min())
    if paper - dark < 40:
        return None
    found = None
    # Two cuts: a thin ring's stroke is lighter than the letters around it.
    for cut in ((paper + dark) / 2, paper - 0.3 * (paper - dark)):
        ring = _ring_at(crop < cut, em)
        if ring:
            return True
        found = ring if ring is not None else found
    return found


def _ring_at(ink: "np.ndarray", em: float) -> Optional[bool]:
    import cv2
    import numpy as np

    count, labels, stats, _ = cv2.connectedComponentsWithStats(ink.astype(np.uint8), connectivity=8)
    best = None
    for k in range(1, count):
        x, y, w, h, area = stats[k]
        if w > 0.45 * em or h > 0.45 * em or x == 0 or x + w >= ink.shape[1] or area < 3:
            continue  # a stroke of a neighbouring character, or a speck
        if best is None or area > stats[best][4]:
            best = k
    if best is None:
        return None
    x, y, w, h, _ = stats[best]
    mark = (labels[y:y + h, x:x + w] == best).astype(np.uint8)
    # A small ring is often open by a pixel where its stroke is thinnest.
    padded = cv2.morphologyEx(np.pad(mark, 2), cv2.MORPH_CLOSE, np.ones((2, 2), np.uint8))
    outside = padded.copy()
    cv2.floodFill(outside, None, (0, 0), 1)
    return bool((outside == 0).any())


def fix_typography(line: OcrLine, em: float, image: "Optional[np.ndarray]" = None) -> OcrLine:
    """Correct what OCR cannot tell apart, by context and geometry; the
    text keeps its length and every glyph its position and confidence.

    * ``, ; : ? !`` after Chinese text are full-width (``，；：？！``), and
      the radical "丶" is the enumeration comma "、";
    * parentheses are full-width when they touch Chinese text, or when the
      space they take says so: a full-width "）" leaves most of an em blank
      after its stroke, so the next character stands at least 0.7 em from
      it (0.4 em after a half-width ")"); a pair gets one width (full when
      either side is full);
    * a hyphen touching a Chinese character after it ("-级指标") is the
      numeral "一" (a hyphen joins digits and letters, never leads Chinese);
    * a dash next to a digit ("2019—2023", "2019—" at a line end) is an em
      dash "—" when it takes an em (the digits around it at least 1.15 em
      apart, or the digit beside it at least 0.55 em from its centre), else
      a hyphen; the recognizer reads the em dash as the ideograph "一" or as
      a hyphen, and "一" right after a digit is never the numeral;
    * a dot read after Chinese text or "%" ("·", ".", "°" …) that is a ring in
      ``image`` is the full stop "。" (the recognizer takes a small "。"
      for "·"), unless it leans to the next character (the small full
      stop of "中国梦﹒劳动美");
    * square brackets around a number ("〔2019〕") are one pair: read as
      two shapes ("〔2019】"), both take the shape of the more confident.
    """
    glyphs = list(line.glyphs)
    text = [g.text for g in glyphs]
    length = line.box.height if line.vertical else line.box.width

    def neighbour(i: int, step: int) -> Optional[int]:
        j = i + step
        while 0 <= j < len(text) and text[j].isspace():
            j += step
        return j if 0 <= j < len(text) else None

    def distance(i: Optional[int], j: Optional[int]) -> float:
        if i is None or j is None or em <= 0:
            return 0.0
        return abs(glyphs[j].at - glyphs[i].at) * length / em

    for i, ch in enumerate(text):
        before, after = neighbour(i, -1), neighbour(i, 1)
        prev = text[before] if before is not None else None
        nxt = text[after] if after is not None else None
        if ch == "丶":  # the radical, never running text: the enumeration comma
            text[i] = "、"
        elif ch in ",;:?!" and _han(prev):
            text[i] = _FULL_WIDTH[ch]
        elif ch == "(" and (_han(prev) or _han(nxt)):
            text[i] = "（"
        elif ch == ")" and (_han(prev) or _han(nxt) or (after is not None and distance(i, after) >= 0.7)):
            text[i] = "）"
        elif ch in _DASHES and (prev or "").isdigit() and (nxt or "").isdigit():
            text[i] = "—" if distance(before, after) >= 1.15 else "-"
        elif ch in _DASHES and (prev or "").isdigit() and after is None:
            text[i] = "—" if distance(before, i) >= 0.55 else "-"
        elif ch in _DASHES and (nxt or "").isdigit() and before is None and ch != "-":
            text[i] = "—" if distance(i, after) >= 0.55 else "-"
        elif ch in "-－" and _han(nxt) and after == i + 1 and not (prev or "").isalnum():
            text[i] = "一"
        elif ch in _DOTS and (_han(prev) or prev == "%") and image is not None:
            leans_right = after is not None and distance(before, i) > distance(i, after) + 0.25
            if not leans_right and _is_ring(image, line, glyphs[i], em):
                text[i] = "。"
    stack: list[int] = []
    for i, ch in enumerate(text):
        if ch in "(（":
            stack.append(i)
        elif ch in ")）" and stack:
            j = stack.pop()
            if (text[j] == "（") != (ch == "）"):
                text[j], text[i] = "（", "）"
    for i, ch in enumerate(text):
        close = _BRACKETS.get(ch)
        j = i + 1
        while j < len(text) and text[j].isdigit():
            j += 1
        if close is None or j == i + 1 or j == len(text) or text[j] not in _CLOSING or text[j] == close:
            continue
        # Brackets around a number ("〔2019〕") come in pairs of one shape:
        # the more confident of the two names it.
        if glyphs[i].confidence >= glyphs[j].confidence:
            text[j] = close
        else:
            text[i] = _CLOSING[text[j]]
    if text == [g.text for g in glyphs]:
        return line
    new = tuple(Glyph(t, g.at, g.confidence) for t, g in zip(text, glyphs))
    return dataclasses.replace(line, text="".join(text), glyphs=new)
