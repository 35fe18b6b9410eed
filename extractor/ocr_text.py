"""What OCR reads: text lines, their characters and how they are set.

``Recognizer``      PP-OCR (rapidocr-onnxruntime: detection and recognition
                    models ship inside its wheel, nothing is downloaded) ->
                    ``OcrLine``s with a confidence per character and each
                    character's position along the line (from the CTC
                    decoder's columns); ``recognizer()`` keeps one per process
``line_ems``        the font size of each line, from the spacing of its CJK
                    characters, clustered per page so that lines set in one
                    font get one size
``line_chars``      one recognized line -> ``Char`` boxes in PDF points:
                    CJK characters one em wide, Latin letters and digits
                    abutting (no invented spaces)

numpy, OpenCV and onnxruntime are imported on first use.
"""

from __future__ import annotations

import math
import os
import statistics
from dataclasses import dataclass
from typing import TYPE_CHECKING, Optional, Sequence

from .extras import install_hint
from .layout import Box, Char
from .rejoin import is_cjk

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np

    from .ocr import OcrSettings
    from .ocr_scan import TextBox

# -- recognition ----------------------------------------------------------------------


@dataclass(frozen=True)
class Glyph:
    """One recognized character: its text, its centre as a fraction (0..1)
    of the line box along the reading direction, and its probability."""

    text: str
    at: float
    confidence: float


@dataclass(frozen=True)
class OcrLine:
    """One recognized text line, in pixels of the page image."""

    text: str
    confidence: float
    box: Box
    glyphs: tuple[Glyph, ...]
    #: Text running top to bottom (a box much taller than wide).
    vertical: bool = False
    #: Where the image shows no ink between the line's ends (pixel
    #: intervals along the line), when known (``ocr_scan.find_text``).
    blanks: tuple[tuple[float, float], ...] = ()


def _proportional(text: str, confidence: float) -> tuple[Glyph, ...]:
    """Positions when the recognizer gives none: CJK one em, others half."""
    units = [1.0 if is_cjk(ch) else (0.3 if ch.isspace() else 0.5) for ch in text]
    total = sum(units) or 1.0
    out, acc = [], 0.0
    for ch, u in zip(text, units):
        out.append(Glyph(ch, (acc + u / 2) / total, confidence))
        acc += u
    return tuple(out)


class Recognizer:
    """PP-OCR text detection and recognition (rapidocr-onnxruntime's models,
    shipped in its wheel; onnxruntime on the CPU).  ``read_boxes`` reads the
    lines ``ocr_scan.find_text`` found; called with a grey image, the
    detection model finds the lines itself."""

    #: The detector sees an image at most this many pixels on its long side
    #: (about 150 dpi for A4): enough for 9 pt text, and the detector's cost
    #: grows with the pixel count; recognition reads the full-resolution crops.
    detect_side = 1760

    def __init__(self, threads: int = 0):
        from .ocr import missing_modules

        missing = missing_modules()
        if missing:
            raise ModuleNotFoundError(f"the ocr extra is not installed ({', '.join(missing)} missing): {install_hint('ocr')}")
        from rapidocr_onnxruntime import RapidOCR

        params: dict[str, object] = {"print_verbose": False}
        if threads:
            params.update(intra_op_num_threads=threads, inter_op_num_threads=1)
        self.engine = RapidOCR(**params)
        # rapidocr would scale an image up to 736 pixels on its short side.
        self.engine.text_det.limit_type = "max"

    def __call__(self, gray: "np.ndarray", settings: "Optional[OcrSettings]" = None,
                 within: Optional[Box] = None) -> list[OcrLine]:
        """The text lines the detection model finds in ``gray`` (only in
        the part ``within``, if given; boxes in pixels of ``gray``)."""
        import cv2
        import numpy as np

        x0 = y0 = 0
        if within is not None:
            x0, y0 = max(0, int(within.x0)), max(0, int(within.top))
            gray = gray[y0:int(math.ceil(within.bottom)), x0:int(math.ceil(within.x1))]
        image = cv2.cvtColor(gray, cv2.COLOR_GRAY2BGR)
        h, w = gray.shape
        shrink = min(1.0, self.detect_side / max(h, w, 1))
        small = image if shrink == 1.0 else cv2.resize(image, (max(1, round(w * shrink)), max(1, round(h * shrink))),
                                                      interpolation=cv2.INTER_AREA)
        boxes, _ = self.engine.text_det(small)
        if boxes is None or len(boxes) == 0:
            return []
        boxes = [np.clip(np.asarray(b, dtype=np.float32) / shrink, 0, [w - 1, h - 1]).astype(np.float32)
                 for b in self.engine.sorted_boxes(boxes)]
        crops = self.engine.get_crop_img_list(image, boxes)
        results = self.read(crops, settings)
        out: list[OcrLine] = []
        for quad, crop, res in zip(boxes, crops, results):
            text, score = res[0], float(res[1])
            if not text.strip():
                continue
            quad = np.asarray(quad, dtype=float)
            box = Box(float(quad[:, 0].min()) + x0, float(quad[:, 1].min()) + y0,
                      float(quad[:, 0].max()) + x0, float(quad[:, 1].max()) + y0)
            # rapidocr turns crops at least 1.5 times taller than wide.
            wide = max(np.linalg.norm(quad[0] - quad[1]), np.linalg.norm(quad[2] - quad[3]))
            tall = max(np.linalg.norm(quad[0] - quad[3]), np.linalg.norm(quad[1] - quad[2]))
            vertical = bool(wide > 0 and tall / wide >= 1.5)
            out.append(OcrLine(text, score, box, self._glyphs(text, score, res), vertical))
        return out

    def read_boxes(self, image: "np.ndarray", boxes: "Sequence[TextBox]",
                   settings: "Optional[OcrSettings]" = None) -> list[OcrLine]:
        """The text of each box (``ocr_scan.find_text``) of a grey page image."""
        from .ocr_scan import crop_lines

        out: list[OcrLine] = []
        for t, res in zip(boxes, self.read(crop_lines(image, boxes), settings)):
            text, score = res[0], float(res[1])
            if text.strip():
                out.append(OcrLine(text, score, t.box, self._glyphs(text, score, res), blanks=t.blanks))
        return out

    def read(self, crops: "Sequence[np.ndarray]", settings: "Optional[OcrSettings]" = None) -> list:
        """The recognizer's result for each crop (BGR, text running left to
        right): text, mean confidence and, in the form rapidocr gives them,
        the CTC columns of its characters.

        The recognizer reads lines scaled to 48 pixels high and misreads a
        short one's edge unless something follows it ("一级指标" as
        "-级指标"): rapidocr pads every line to 320 pixels, most of the work
        on a form of short cells.  Here short lines are set side by side, a
        blank ``pack_gap`` apart, into rows of at least
        ``OcrSettings.read_min_width`` pixels, and each character read goes
        back to the line its column lies in.  Rows run in batches of like
        width, at most ``OcrSettings.read_batch`` pixel columns."""
        import numpy as np

        from .ocr import DEFAULT_OCR

        settings = settings or DEFAULT_OCR
        rec = self.engine.text_rec
        normed = [self._scaled(c) for c in crops]
        widths = [n.shape[2] for n in normed]
        rows: list[list[int]] = [[i] for i in range(len(crops)) if widths[i] >= settings.read_min_width]
        row: list[int] = []
        filled = 0
        for i in sorted((i for i in range(len(crops)) if widths[i] < settings.read_min_width), key=lambda i: widths[i]):
            row.append(i)
            filled += widths[i] + self.pack_gap
            if filled >= settings.read_min_width:
                rows.append(row)
                row, filled = [], 0
        if row:
            rows.append(row)
        images, spans = [], []
        for row in rows:
            parts: list = []
            placed: list[tuple[int, int, int]] = []
            x = 0
            for i in row:
                if parts:
                    parts.append(np.ones((3, self.height, self.pack_gap), np.float32))  # paper
                    x += self.pack_gap
                parts.append(normed[i])
                placed.append((i, x, x + widths[i]))
                x += widths[i]
            images.append(np.concatenate(parts, axis=2))
            spans.append(placed)
        results: list = [None] * len(crops)
        order = sorted(range(len(images)), key=lambda r: images[r].shape[2])
        start = 0
        while start < len(order):
            end = start + 1
            while end < len(order) and (end - start + 1) * images[order[end]].shape[2] <= settings.read_batch:
                end += 1
            batch = order[start:end]
            wide = max(max(images[r].shape[2] for r in batch), settings.read_min_width)
            stack = np.zeros((len(batch), 3, self.height, wide), np.float32)  # padded as rapidocr pads
            for k, r in enumerate(batch):
                stack[k, :, :, :images[r].shape[2]] = images[r]
            preds = rec.session(stack)[0]
            for k, r in enumerate(batch):
                self._split(preds[k], wide / preds.shape[1], spans[r], results)
            start = end
        return results

    #: Blank between two short lines read side by side (pixels at 48 high:
    #: two CTC columns).
    pack_gap = 16
    #: The height the recognition model reads lines at.
    height = 48

    def _scaled(self, crop: "np.ndarray") -> "np.ndarray":
        """A crop scaled to the model's height, normalized as rapidocr does."""
        import cv2
        import numpy as np

        h, w = crop.shape[:2]
        scaled = cv2.resize(crop, (max(1, int(math.ceil(self.height * w / h))), self.height))
        return (scaled.astype(np.float32).transpose((2, 0, 1)) / 255.0 - 0.5) / 0.5

    def _split(self, pred: "np.ndarray", step: float, spans: Sequence[tuple[int, int, int]], results: list) -> None:
        """CTC-decode one row (``pred``: frames x classes, ``step`` pixels a
        frame) and give each character to the line its frame lies in (a
        space in a gap belongs to none)."""
        import numpy as np

        alphabet = self.engine.text_rec.postprocess_op.character
        best, prob = pred.argmax(axis=1), pred.max(axis=1)
        keep = best != 0
        keep[1:] &= best[1:] != best[:-1]
        got: dict[int, list[tuple[str, int, float]]] = {i: [] for i, _, _ in spans}
        for t in np.flatnonzero(keep).tolist():
            centre = (t + 0.5) * step
            i, x0, x1 = min(spans, key=lambda s: 0.0 if s[1] <= centre < s[2] else min(abs(centre - s[1]), abs(centre - s[2])))
            ch = alphabet[int(best[t])]
            if ch == " " and not x0 <= centre < x1:
                continue
            got[i].append((ch, int(round(t - x0 / step)), float(prob[t])))
        for i, x0, x1 in spans:
            chars = got[i]
            while chars and chars[0][0] == " ":
                chars.pop(0)
            while chars and chars[-1][0] == " ":
                chars.pop()
            text = "".join(c for c, _, _ in chars)
            confs = [p for _, _, p in chars]
            score = float(np.mean(confs)) if confs else 0.0
            results[i] = (text, score, [(x1 - x0) / step, [list(text)], [[col for _, col, _ in chars]], ["line"], confs])

    @staticmethod
    def _glyphs(text: str, score: float, res) -> tuple[Glyph, ...]:
        """Each character's centre from the CTC column it was decoded at."""
        try:
            columns, words, word_cols, _states, confs = res[2]
            cols = [c for wc in word_cols for c in wc]
            chars = [ch for w in words for ch in w]
            if len(cols) != len(text) or "".join(chars) != text or len(confs) != len(text) or columns <= 0:
                raise ValueError("positions do not match the text")
            return tuple(
                Glyph(ch, min(1.0, max(0.0, (col + 0.5) / columns)), float(conf))
                for ch, col, conf in zip(text, cols, confs)
            )
        except (TypeError, ValueError, IndexError):
            return _proportional(text, score)


_RECOGNIZERS: dict[tuple[int, int], Recognizer] = {}


def recognizer(threads: int = 0) -> Recognizer:
    """One recognizer per process (loading the models takes half a second).
    Keyed by process id: a forked child (``guard``, ``batch``) must not use
    its parent's onnxruntime session, whose threads did not follow it (nor
    destroy it: that would join those threads)."""
    key = (os.getpid(), threads)
    if key not in _RECOGNIZERS:
        _RECOGNIZERS[key] = Recognizer(threads)
    return _RECOGNIZERS[key]


# -- recognized lines -> characters ------------------------------------------------------


def _cjk_pitch(line: OcrLine) -> Optional[float]:
    """The distance (px) between the centres of neighbouring CJK
    characters: one em when the text is set solid.

    A centre is known to a CTC column (about a fifth of an em), so one
    distance is four or five columns, never in between: the mean of the
    distances near their median is the pitch (``_pitch``: a wider space, as
    between justified words, is left out)."""
    length = line.box.height if line.vertical else line.box.width
    gaps = [
        (b.at - a.at) * length
        for a, b in zip(line.glyphs, line.glyphs[1:])
        if is_cjk(a.text) and is_cjk(b.text) and b.at > a.at
    ]
    return _pitch(gaps)


def _pitch(distances: Sequence[float]) -> Optional[float]:
    """The mean of the distances near their median (a CTC column is a
    fifth of an em: a median of quantized distances is biased)."""
    distances = [d for d in distances if d > 0]
    if not distances:
        return None
    middle = statistics.median(distances)
    # Two distances far apart have a median near neither: it stands alone.
    near = [d for d in distances if 0.6 * middle <= d <= 1.4 * middle]
    return statistics.fmean(near) if near else middle


def _thickness(line: OcrLine) -> float:
    return line.box.width if line.vertical else line.box.height


def line_ems(lines: Sequence[OcrLine]) -> list[float]:
    """The font size (px) of each line of one page.

    A line's em is the pitch of its CJK characters, kept within reason of
    the box height (letter-spaced text); lines without two CJK neighbours use
    the page's ratio of em to box height.  The sizes are then clustered
    (values within 8 % chain into one cluster) and each line gets its
    cluster's median, so that lines set in one font get exactly one size."""
    if not lines:
        return []
    ratios = [p / _thickness(l) for l in lines if (p := _cjk_pitch(l)) and _thickness(l) > 0]
    ratio = statistics.median(ratios) if ratios else 0.8
    raw = []
    for l in lines:
        t = _thickness(l)
        pitch = _cjk_pitch(l)
        em = pitch if pitch else ratio * t
        raw.append(min(max(em, 0.75 * ratio * t), 1.25 * ratio * t))
    order = sorted(range(len(raw)), key=lambda i: raw[i])
    clusters: list[list[int]] = []
    for i in order:
        if clusters and raw[i] <= raw[clusters[-1][-1]] * 1.08:
            clusters[-1].append(i)
        else:
            clusters.append([i])
    out = [0.0] * len(raw)
    for c in clusters:
        m = statistics.median(raw[i] for i in c)
        for i in c:
            out[i] = m
    return out


def line_chars(line: OcrLine, em: float, scale: float, word_gap: float = 0.9) -> list[Char]:
    """One recognized line -> characters in PDF points.

    CJK characters are one em wide around their centre.  Letters and digits
    abut their neighbours (the boundary halfway between two centres), so the
    rejoin stage sees no gap inside a word; a space the recognizer read is
    kept as a space character (rejoin keeps it only between two Latin words).
    Vertical lines stack their characters one em apart.

    Where the image's ink is known (``OcrLine.blanks``), it settles the
    gaps, which a CTC column (a fifth of an em) places too coarsely: two
    neighbours with less than ``word_gap`` em of blank paper between them
    touch, and wider blank (between two cells of a table drawn without
    rules) separates them as printed, each character reaching a little
    past its ink."""
    glyphs = line.glyphs
    if not glyphs:
        return []
    length = line.box.height if line.vertical else line.box.width
    start = line.box.top if line.vertical else line.box.x0
    centres = [start + g.at * length for g in glyphs]
    latin_pitch = [
        b - a for g, h, a, b in zip(glyphs, glyphs[1:], centres, centres[1:])
        if not is_cjk(g.text) and not is_cjk(h.text) and not g.text.isspace() and not h.text.isspace() and b > a
    ]
    # Digits and letters are set about half an em wide; their pitch read from
    # CTC columns runs short (a doubled "11" decodes in adjacent columns).
    half_latin = min(max(_pitch(latin_pitch) or 0.5 * em, 0.45 * em), 0.7 * em) / 2
    spans: list[tuple[float, float]] = []
    for i, (g, c) in enumerate(zip(glyphs, centres)):
        if is_cjk(g.text):
            lo, hi = c - em / 2, c + em / 2
        elif g.text.isspace():
            lo, hi = c - 0.1 * em, c + 0.1 * em
        else:
            lo, hi = c - half_latin, c + half_latin
            prev = glyphs[i - 1] if i else None
            nxt = glyphs[i + 1] if i + 1 < len(glyphs) else None
            if prev is not None and not is_cjk(prev.text) and not prev.text.isspace():
                lo = (centres[i - 1] + c) / 2
            if nxt is not None and not is_cjk(nxt.text) and not nxt.text.isspace():
                hi = (c + centres[i + 1]) / 2
        spans.append((lo, hi))
    if line.blanks and not line.vertical:
        spans = _follow_ink(glyphs, centres, spans, line.blanks, em, word_gap)
    # Reading order must survive rejoin's sort by x0.
    fixed: list[tuple[float, float]] = []
    for lo, hi in spans:
        if fixed and lo <= fixed[-1][0]:
            lo = fixed[-1][0] + 0.01
        fixed.append((lo, max(hi, lo + 0.02)))
    size = em * scale
    out = []
    if line.vertical:
        cx = line.box.cx
        for g, (lo, hi) in zip(glyphs, fixed):
            box = Box((cx - em / 2) * scale, lo * scale, (cx + em / 2) * scale, hi * scale)
            out.append(Char(g.text, box, size, g.confidence))
    else:
        cy = line.box.cy
        for g, (lo, hi) in zip(glyphs, fixed):
            box = Box(lo * scale, (cy - em / 2) * scale, hi * scale, (cy + em / 2) * scale)
            out.append(Char(g.text, box, size, g.confidence))
    return out


def _follow_ink(glyphs: Sequence[Glyph], centres: Sequence[float], spans: list[tuple[float, float]],
                blanks: Sequence[tuple[float, float]], em: float, word_gap: float) -> list[tuple[float, float]]:
    """``spans`` with the gaps between neighbouring characters taken from
    the blank paper between their centres (see ``line_chars``)."""
    spans = list(spans)
    visible = [i for i, g in enumerate(glyphs) if not g.text.isspace()]
    for i, j in zip(visible, visible[1:]):
        a, b = centres[i], centres[j]
        blank = max(((max(a, lo), min(b, hi)) for lo, hi in blanks if lo < b and hi > a),
                    key=lambda g: g[1] - g[0], default=None)
        if blank is not None and blank[1] - blank[0] >= word_gap * em:
            # Past the ink: a CJK glyph fills most of its em, a digit half of its own.
            right = blank[0] + (0.05 if is_cjk(glyphs[i].text) else 0.1) * em
            left = blank[1] - (0.05 if is_cjk(glyphs[j].text) else 0.1) * em
            spans[i] = (spans[i][0], max(a, right))
            spans[j] = (min(b, left), spans[j][1])
        elif spans[i][1] < spans[j][0]:
            middle = (spans[i][1] + spans[j][0]) / 2
            spans[i], spans[j] = (spans[i][0], middle), (middle, spans[j][1])
    return spans
