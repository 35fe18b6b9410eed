"""Stage 1b (optional): OCR for pages without a usable text layer.

A scanned page is an image: no characters, no ruling lines.  This stage turns
it into the same ``layout.Page`` the text layer gives, so that segmentation,
rejoining and normalization run unchanged:

``render``          the page rasterized by pypdfium2 at the scan's own
                    resolution (clamped to ``OcrSettings.min_dpi..max_dpi``),
                    grey-scale
``estimate_skew``   the angle of a slightly rotated scan, from the projection
                    profile of its ink (rules and text lines); the image is
                    rotated back before anything is read from it
``find_rulings``    table rules from the image: binarize, open with long
                    horizontal / vertical kernels (as camelot's lattice parser
                    does), each remaining stroke a ``Ruling``
``clean``           rules erased, scanner noise smoothed (bilateral filter)
``Recognizer``      PP-OCR (rapidocr-onnxruntime: detection and recognition
                    models ship inside its wheel, nothing is downloaded) ->
                    text lines with a confidence per character and each
                    character's position along the line (from the CTC
                    decoder's columns)
``fix_typography``  what the recognizer cannot see, from context and the
                    image: full-width punctuation next to Chinese text, em
                    dash or hyphen by width, "。" read as a dot
``line_chars``      one recognized line -> ``Char`` boxes in PDF points:
                    CJK characters one em wide, Latin letters and digits
                    abutting (no invented spaces), font size from the
                    spacing of the CJK characters, clustered per page so that
                    lines set in one font get one size

``OcrStage`` wires these into the pipeline: it wraps the page stream of
``pages.iter_pages`` and replaces each page that has no usable text layer
(``needs_ocr``), or every page when OCR is forced; it reports progress per
page; and after the projects stage ``OcrStage.warnings`` flags what OCR may
have misread: cells holding characters read with low confidence
(``ocr_low_confidence``, digits held to a stricter threshold) and OCR'd
amounts that contradict each other (``ocr_number_check``, the data-quality
rules of ``quality.py`` re-stated for OCR'd pages).

Everything heavy (numpy, OpenCV, onnxruntime) is imported on first use: the
stage costs nothing for documents with a text layer, and without the ``ocr``
extra installed it passes pages through unchanged (``available()`` is False)
so that image-only files fail with ``NoTextLayer`` and the install hint.
"""

from __future__ import annotations

import importlib.util
import math
import os
import statistics
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, Iterator, Literal, Optional, Sequence

from .errors import ExtractorError
from .extras import install_hint
from .vocab import canonical_header
from .layout import Box, Char, Page, Ruling
from .rejoin import is_cjk

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np

    from .document import Document, Warning
    from .forms import FormsResult, Span
    from .layout import PageLayout
    from .settings import Settings

Mode = Literal["auto", "force", "off"]

#: What to tell a user whose file needs OCR when the extra is missing.
INSTALL_HINT = "install the OCR extra to read it: " + install_hint("ocr")

#: The modules the ``ocr`` extra provides.
_REQUIRED_MODULES = ("rapidocr_onnxruntime", "onnxruntime", "cv2", "numpy", "pypdfium2")


class OcrUnavailable(ExtractorError):
    """OCR was asked for (``--ocr``) but the ``ocr`` extra is not installed."""

    def __init__(self, path: str, missing: str):
        self.missing = missing
        super().__init__(path, f"OCR was asked for but the ocr extra is not installed ({missing} missing): "
                               + install_hint("ocr"))


@dataclass(frozen=True)
class OcrSettings:
    """The OCR stage's knobs (the rest of the pipeline uses ``Settings``)."""

    #: Resolution to rasterize at; ``None``: the resolution of the page's
    #: scan, clamped to ``min_dpi..max_dpi`` (200 when the page has no image).
    dpi: Optional[float] = None
    min_dpi: float = 150.0
    max_dpi: float = 200.0
    #: Scans coarser than this are not OCR'd (at 40 dpi a 10.5 pt character
    #: is 6 pixels tall: the recognizer returns noise); ``--ocr`` still does.
    min_scan_dpi: float = 100.0
    #: Straighten scans rotated by up to this many degrees (0: never).
    max_skew: float = 3.0
    #: A page needs OCR when its images cover this fraction of it and it has
    #: fewer than ``few_chars`` characters (a scan with a stamped page number).
    scan_coverage: float = 0.5
    few_chars: int = 10
    #: Recognized lines below this mean confidence are left out as noise
    #: (specks, stamps), each listed in an ``ocr_unread_text`` warning.
    min_line_confidence: float = 0.5
    #: A cell holding a character read with less confidence gets an
    #: ``ocr_low_confidence`` warning; digits are held to ``digit_confidence``
    #: because a misread digit is a wrong number, not a typo.
    low_confidence: float = 0.80
    digit_confidence: float = 0.93
    #: Table rules shorter than this (inches) are not rules (CJK strokes are
    #: shorter than one em; the shortest cell border is longer).
    rule_min_length: float = 0.3
    #: Strokes thicker than this (inches) are not rules (filled areas).
    rule_max_thickness: float = 0.06
    #: Threads for onnxruntime (0: one per core).
    threads: int = 0


DEFAULT_OCR = OcrSettings()


def missing_modules() -> list[str]:
    """The modules of the ``ocr`` extra that are not installed."""
    return [m for m in _REQUIRED_MODULES if importlib.util.find_spec(m) is None]


def available() -> bool:
    """True when the ``ocr`` extra is installed."""
    return not missing_modules()


def needs_ocr(page: Page, settings: OcrSettings = DEFAULT_OCR) -> bool:
    """True for a page without a usable text layer: no characters, glyphs
    mostly without Unicode mapping, or a page-sized image under a handful of
    characters.  A page with a real text layer is never OCR'd, images or not."""
    chars = len(page.chars)
    if chars == 0:
        return page.image_area > 0 or page.unmapped > 0
    if page.unmapped and page.unmapped >= 0.3 * (page.unmapped + chars):
        return True
    area = page.width * page.height
    return area > 0 and page.image_area >= settings.scan_coverage * area and chars < settings.few_chars


# -- rasterizing ------------------------------------------------------------------


def render(document, index: int, dpi: float) -> "np.ndarray":
    """Page ``index`` (0-based) of a pypdfium2 document as a grey uint8 array."""
    import numpy as np

    page = document[index]
    try:
        bitmap = page.render(scale=dpi / 72.0, grayscale=True)
        image = bitmap.to_pil().convert("L")
    finally:
        page.close()
    return np.asarray(image, dtype=np.uint8)


def scan_dpi(ppage) -> Optional[float]:
    """The resolution of the largest image on a pdfplumber page, if any."""
    best, dpi = 0.0, None
    for im in getattr(ppage, "images", ()):
        w = float(im["x1"]) - float(im["x0"])
        src = im.get("srcsize") or (0, 0)
        if w > best and src[0]:
            best, dpi = w, src[0] * 72.0 / w
    return dpi


# -- deskew -------------------------------------------------------------------------


def _ink(gray: "np.ndarray") -> "np.ndarray":
    import cv2

    _, ink = cv2.threshold(gray, 0, 1, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    return ink


def estimate_skew(gray: "np.ndarray", max_angle: float = 3.0) -> float:
    """The angle (degrees, counter-clockwise positive as in OpenCV) by which
    to rotate ``gray`` so that its rules and text lines are horizontal.

    Rows of ink are sharpest when the page is straight: the angle maximizing
    the squared differences of the row sums of the binarized page wins,
    searched coarse (0.25 deg) then fine (0.02 deg)."""
    import cv2
    import numpy as np

    if max_angle <= 0:
        return 0.0
    h, w = gray.shape
    scale = min(1.0, 1200.0 / max(h, w))
    small = cv2.resize(gray, (max(1, int(w * scale)), max(1, int(h * scale))), interpolation=cv2.INTER_AREA) if scale < 1 else gray
    ink = _ink(small).astype(np.float32)
    if ink.sum() < 50:
        return 0.0
    sh, sw = ink.shape
    centre = (sw / 2.0, sh / 2.0)

    def score(angle: float) -> float:
        m = cv2.getRotationMatrix2D(centre, angle, 1.0)
        rotated = cv2.warpAffine(ink, m, (sw, sh), flags=cv2.INTER_LINEAR, borderValue=0)
        rows = rotated.sum(axis=1)
        return float(np.square(np.diff(rows)).sum())

    def best(angles) -> float:
        return max(angles, key=score)

    coarse = best(np.arange(-max_angle, max_angle + 1e-9, 0.25))
    fine = best(np.arange(coarse - 0.25, coarse + 0.25 + 1e-9, 0.02))
    # Below 0.05 deg a rule drifts less than a pixel over an A4 page at
    # 200 dpi: rotating would only blur.
    return float(round(fine, 2)) if abs(fine) >= 0.05 else 0.0


def rotate(gray: "np.ndarray", angle: float) -> "np.ndarray":
    """``gray`` rotated by ``angle`` degrees about its centre, white outside."""
    import cv2

    if abs(angle) < 0.01:
        return gray
    h, w = gray.shape
    m = cv2.getRotationMatrix2D((w / 2.0, h / 2.0), angle, 1.0)
    return cv2.warpAffine(gray, m, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=255)


# -- rulings from the image -----------------------------------------------------------


def _binarize_strokes(gray: "np.ndarray") -> "np.ndarray":
    """Ink as 255 on 0: thin, light rules survive (local threshold), paper
    noise does not (the pixel must also be darker than the global cut)."""
    import cv2

    local = cv2.adaptiveThreshold(gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 25, 12)
    cut, _ = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    dark = (gray < min(235, cut + 40)).astype("uint8") * 255
    return cv2.bitwise_and(local, dark)


def find_rulings(gray: "np.ndarray", dpi: float, scale: float, settings: OcrSettings = DEFAULT_OCR) -> list[Ruling]:
    """Horizontal and vertical rules drawn on a (straightened) page image, in
    PDF points (``scale`` points per pixel)."""
    import cv2

    ink = _binarize_strokes(gray)
    length = max(8, int(round(settings.rule_min_length * dpi)))
    thick = max(2, int(round(settings.rule_max_thickness * dpi)))
    out: list[Ruling] = []
    for orientation in ("h", "v"):
        kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (length, 1) if orientation == "h" else (1, length))
        lines = cv2.morphologyEx(ink, cv2.MORPH_OPEN, kernel)
        # Bridge one-pixel breaks left by noise or a faint scan.
        bridge = cv2.getStructuringElement(cv2.MORPH_RECT, (5, 1) if orientation == "h" else (1, 5))
        lines = cv2.morphologyEx(lines, cv2.MORPH_CLOSE, bridge)
        count, _, stats, _ = cv2.connectedComponentsWithStats(lines, connectivity=8)
        for x, y, w, h, _area in stats[1:count].tolist():
            along, across = (w, h) if orientation == "h" else (h, w)
            if along < length or across > thick:
                continue
            if orientation == "h":
                out.append(Ruling("h", (y + h / 2.0) * scale, x * scale, (x + w) * scale))
            else:
                out.append(Ruling("v", (x + w / 2.0) * scale, y * scale, (y + h) * scale))
    return out


def erase_rulings(gray: "np.ndarray", rulings: Sequence[Ruling], scale: float) -> "np.ndarray":
    """A copy of ``gray`` with the rules painted white, so that the text
    detector does not read a cell border as "1" or "|"."""
    import cv2

    out = gray.copy()
    for r in rulings:
        a, s, e = r.pos / scale, r.start / scale, r.end / scale
        if r.orientation == "h":
            cv2.line(out, (int(s), int(round(a))), (int(math.ceil(e)), int(round(a))), 255, 3)
        else:
            cv2.line(out, (int(round(a)), int(s)), (int(round(a)), int(math.ceil(e))), 255, 3)
    return out


def clean(gray: "np.ndarray") -> "np.ndarray":
    """Scanner noise smoothed, edges kept (a bilateral filter): on noisy
    scans the recognizer then tells "≥" from ">" where it otherwise does not."""
    import cv2

    return cv2.bilateralFilter(gray, 5, 40, 5)


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
    shipped in its wheel; onnxruntime on the CPU).  Call with a grey page
    image; returns its text lines."""

    #: The detector sees the page at most this many pixels on its long side
    #: (about 150 dpi for A4): enough for 9 pt text, and the detector's cost
    #: grows with the pixel count; recognition reads the full-resolution crops.
    detect_side = 1760

    def __init__(self, threads: int = 0):
        missing = missing_modules()
        if missing:
            raise ModuleNotFoundError(f"the ocr extra is not installed ({', '.join(missing)} missing): {install_hint('ocr')}")
        from rapidocr_onnxruntime import RapidOCR

        params = {"print_verbose": False}
        if threads:
            params.update(intra_op_num_threads=threads, inter_op_num_threads=1)
        self.engine = RapidOCR(**params)
        self.engine.text_det.limit_type = "max"
        self.engine.text_det.limit_side_len = self.detect_side

    def __call__(self, gray: "np.ndarray") -> list[OcrLine]:
        import cv2
        import numpy as np

        image = cv2.cvtColor(gray, cv2.COLOR_GRAY2BGR)
        boxes, _ = self.engine.text_det(image)
        if boxes is None or len(boxes) == 0:
            return []
        boxes = self.engine.sorted_boxes(boxes)
        crops = self.engine.get_crop_img_list(image, boxes)
        results, _ = self.engine.text_rec(crops, True)
        out: list[OcrLine] = []
        for quad, crop, res in zip(boxes, crops, results):
            text, score = res[0], float(res[1])
            if not text.strip():
                continue
            quad = np.asarray(quad, dtype=float)
            box = Box(float(quad[:, 0].min()), float(quad[:, 1].min()), float(quad[:, 0].max()), float(quad[:, 1].max()))
            # rapidocr turns crops at least 1.5 times taller than wide.
            wide = max(np.linalg.norm(quad[0] - quad[1]), np.linalg.norm(quad[2] - quad[3]))
            tall = max(np.linalg.norm(quad[0] - quad[3]), np.linalg.norm(quad[1] - quad[2]))
            vertical = wide > 0 and tall / wide >= 1.5
            out.append(OcrLine(text, score, box, self._glyphs(text, score, res), vertical))
        return out

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


# -- typography the recognizer cannot see -------------------------------------------------

#: Half-width punctuation and its full-width form.  The recognizer confuses
#: the two (their shapes are alike; only the advance differs), so OCR'd text
#: follows Chinese typesetting: punctuation touching Chinese text is
#: full-width.
_FULL_WIDTH = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！", "(": "（", ")": "）"}
_DASHES = "-一—–－"
_DOTS = "·・.．•°"


def _han(ch: Optional[str]) -> bool:
    return bool(ch) and is_cjk(ch) and ch not in "（）"


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
    * a dash next to a digit ("2019—2023", "2019—" at a line end) is an em
      dash "—" when it takes an em (the digits around it at least 1.15 em
      apart, or the digit beside it at least 0.55 em from its centre), else
      a hyphen; the recognizer reads the em dash as the ideograph "一" or as
      a hyphen, and "一" right after a digit is never the numeral;
    * a dot read after Chinese text or "%" ("·", ".", "°" …) that is a ring in
      ``image`` is the full stop "。" (the recognizer takes a small "。"
      for "·"), unless it leans to the next character (the small full
      stop of "中国梦﹒劳动美").
    """
    glyphs = list(line.glyphs)
    text = [g.text for g in glyphs]
    length = line.box.height if line.vertical else line.box.width

    def neighbour(i: int, step: int) -> Optional[int]:
        j = i + step
        while 0 <= j < len(text) and text[j].isspace():
            j += step
        return j if 0 <= j < len(text) else None

    def distance(i: int, j: int) -> float:
        return abs(glyphs[j].at - glyphs[i].at) * length / em if em > 0 else 0.0

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
    if text == [g.text for g in glyphs]:
        return line
    new = tuple(Glyph(t, g.at, g.confidence) for t, g in zip(text, glyphs))
    return OcrLine("".join(text), line.confidence, line.box, new, line.vertical)


# -- recognized lines -> characters ------------------------------------------------------


def _cjk_pitch(line: OcrLine) -> Optional[float]:
    """Median distance (px) between the centres of neighbouring CJK
    characters: one em when the text is set solid."""
    length = line.box.height if line.vertical else line.box.width
    gaps = [
        (b.at - a.at) * length
        for a, b in zip(line.glyphs, line.glyphs[1:])
        if is_cjk(a.text) and is_cjk(b.text) and b.at > a.at
    ]
    return statistics.median(gaps) if gaps else None


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


def line_chars(line: OcrLine, em: float, scale: float) -> list[Char]:
    """One recognized line -> characters in PDF points.

    CJK characters are one em wide around their centre.  Letters and digits
    abut their neighbours (the boundary halfway between two centres), so the
    rejoin stage sees no gap inside a word; a space the recognizer read is
    kept as a space character (rejoin keeps it only between two Latin words).
    Vertical lines stack their characters one em apart."""
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
    half_latin = min(max(statistics.median(latin_pitch) if latin_pitch else 0.5 * em, 0.3 * em), 0.7 * em) / 2
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


@dataclass(frozen=True)
class PageResult:
    """What OCR made of one page, with the numbers its progress line shows."""

    page: Page
    dpi: float
    skew: float
    lines: int
    seconds: float
    #: Recognized lines left out as unreadable (``min_line_confidence``).
    dropped_lines: tuple[OcrLine, ...] = ()

    @property
    def dropped(self) -> int:
        return len(self.dropped_lines)

    @property
    def mean_confidence(self) -> float:
        chars = [c for c in self.page.chars if not c.text.isspace()]
        return sum(c.confidence for c in chars) / len(chars) if chars else 0.0


def ocr_image(
    gray: "np.ndarray",
    *,
    number: int,
    width: float,
    height: float,
    dpi: float,
    image_area: float = 0.0,
    engine: Optional[Recognizer] = None,
    settings: OcrSettings = DEFAULT_OCR,
) -> PageResult:
    """A grey page image (``width`` x ``height`` points) -> ``Page``."""
    start = time.perf_counter()
    engine = engine or recognizer(settings.threads)
    skew = estimate_skew(gray, settings.max_skew)
    gray = rotate(gray, skew)
    h, w = gray.shape
    scale = width / w  # points per pixel (the same vertically: scale is uniform)
    rulings = find_rulings(gray, dpi, scale, settings)
    image = clean(erase_rulings(gray, rulings, scale))
    lines = engine(image)
    kept = [l for l in lines if l.confidence >= settings.min_line_confidence]
    chars: list[Char] = []
    for line, em in zip(kept, line_ems(kept)):
        chars.extend(line_chars(fix_typography(line, em, image), em, scale))
    page = Page(
        number=number,
        width=width,
        height=height,
        chars=tuple(chars),
        rulings=tuple(rulings),
        image_area=image_area,
        unmapped=0,
    )
    dropped = tuple(l for l in lines if l.confidence < settings.min_line_confidence)
    return PageResult(page, dpi, skew, len(kept), time.perf_counter() - start, dropped)


# -- the pipeline stage ------------------------------------------------------------------


def _record_text(opened, page: Page) -> None:
    """Tell the text check of ``pages`` (``OpenedPDF.stats``) that ``page``
    has text now, so that ``pages.page_notes`` neither refuses the file as a
    scan nor notes the page as unread."""
    import dataclasses

    glyphs = sum(1 for c in page.chars if not c.text.isspace())
    stats_list = getattr(opened, "stats", None)
    if not stats_list:
        return
    for i, stats in enumerate(stats_list):
        if getattr(stats, "number", None) == page.number:
            names = {f.name for f in dataclasses.fields(stats)}
            changes = {"glyphs": glyphs, "unmapped": 0, "foreign": 0, "readable": True}
            stats_list[i] = dataclasses.replace(stats, **{k: v for k, v in changes.items() if k in names})


@dataclass(frozen=True)
class Progress:
    """Reported after each OCR'd page."""

    file: str
    page: int
    pages: int
    result: PageResult

    def __str__(self) -> str:
        r = self.result
        skew = f", deskewed {r.skew:+.2f}°" if r.skew else ""
        dropped = f", {r.dropped} unreadable marks dropped" if r.dropped else ""
        return (f"{self.file}: OCR page {self.page}/{self.pages} in {r.seconds:.1f} s ({r.dpi:.0f} dpi, "
                f"{r.lines} lines, mean confidence {r.mean_confidence:.2f}{skew}{dropped})")


def print_progress(progress: Progress) -> None:
    """The command line's progress display: one line per OCR'd page on
    stderr (a module-level function, so that it survives pickling into the
    conversion's child process)."""
    import sys

    print(f"  {progress}", file=sys.stderr, flush=True)


class OcrStage:
    """The OCR stage of one conversion.

    ``mode``: ``"auto"`` OCRs the pages ``needs_ocr`` picks (and nothing when
    the extra is not installed), ``"force"`` every page (``--ocr``; raises
    ``OcrUnavailable`` without the extra), ``"off"`` none (``--no-ocr``).
    ``progress`` is called with a ``Progress`` after each OCR'd page.
    ``results`` holds a ``PageResult`` per OCR'd page; ``too_coarse`` the
    pages left unread because their scan is too coarse to read (dpi)."""

    def __init__(
        self,
        path: str | Path,
        *,
        mode: Mode = "auto",
        password: Optional[str] = None,
        settings: OcrSettings = DEFAULT_OCR,
        progress: Optional[Callable[[Progress], None]] = None,
        text_settings: Optional["Settings"] = None,
    ):
        if mode not in ("auto", "force", "off"):
            raise ValueError(f"ocr must be 'auto', 'force' or 'off', not {mode!r}")
        self.path = Path(path)
        self.mode = mode
        self.password = password
        self.settings = settings
        self.progress = progress
        self.results: list[PageResult] = []
        self.too_coarse: dict[int, float] = {}
        #: Pages whose OCR'd text fails the text check, and why: the page
        #: itself shows mis-decoded text (see ``_plausible``).
        self.rejected: dict[int, str] = {}
        self.text_settings = text_settings
        #: Why PDFium could not open the file for OCR (a damaged file), and
        #: the pages needing OCR that were therefore not read, with why.
        self.unopenable: Optional[str] = None
        self.unread: dict[int, str] = {}
        self.enabled = mode == "force" or (mode == "auto" and available())
        if mode == "force" and not available():
            raise OcrUnavailable(str(path), ", ".join(missing_modules()))

    def _open_for_ocr(self):
        """The file opened by PDFium for rendering, or None when it cannot
        be (``unopenable`` says why).  pdfminer repairs a truncated file or a
        broken cross-reference table that PDFium refuses: its pages without
        text then stay unread, with a warning, instead of failing the file."""
        import pypdfium2

        try:
            return pypdfium2.PdfDocument(str(self.path), password=self.password)
        except _pdfium_error() as exc:
            self.unopenable = str(exc)
            return None

    @property
    def pages(self) -> list[int]:
        """The numbers of the pages OCR read."""
        return [r.page.number for r in self.results]

    def __call__(self, pages: Iterable[Page], opened=None) -> Iterator[Page]:
        """The page stream with OCR'd pages in place of unreadable ones.

        ``opened`` is the ``pages.OpenedPDF`` the pages come from: its
        pdfplumber document gives each page's scan resolution, and its text
        check learns which pages have text now (``_record_text``)."""
        if not self.enabled:
            yield from pages
            return
        document = None
        pdf = getattr(opened, "pdf", None)
        try:
            for page in pages:
                if self.mode != "force" and not needs_ocr(page, self.settings):
                    yield page
                    continue
                native = _native_dpi(pdf, page.number)
                if native is not None and native < self.settings.min_scan_dpi and self.mode != "force":
                    self.too_coarse[page.number] = native
                    yield page
                    continue
                if document is None and self.unopenable is None:
                    document = self._open_for_ocr()
                if document is None:  # pdfium cannot open what pdfminer repaired
                    self.unread[page.number] = self.unopenable or ""
                    yield page
                    continue
                try:
                    read = self.read(document, page, native)
                except _pdfium_error() as exc:  # a damaged page pdfium cannot render
                    self.unread[page.number] = str(exc)
                    yield page
                    continue
                problem = self._implausible(read)
                if problem is not None:
                    # OCR read faithfully what is printed, and what is printed
                    # is mojibake: the page stays unread (its text-layer
                    # warning stands), nothing of it becomes data.
                    self.results.pop()
                    self.rejected[page.number] = problem
                    yield page
                    continue
                if opened is not None:
                    _record_text(opened, read)
                yield read
        finally:
            if document is not None:
                document.close()

    def _implausible(self, page: Page) -> Optional[str]:
        """Why the OCR'd text of ``page`` cannot be passed on, or None: the
        same text check as a text layer gets (``pages.unreadable_reason``).
        A PDF typeset from text decoded with the wrong encoding shows
        mojibake on the page itself, and OCR reads it back as such."""
        from .pages import text_counts, unreadable_reason
        from .settings import DEFAULT

        glyphs = [c.text for c in page.chars if not c.text.isspace()]
        if not glyphs:
            return None
        return unreadable_reason(text_counts(glyphs), self.text_settings or DEFAULT)

    def read(self, document, page: Page, native: Optional[float] = None) -> Page:
        """OCR one page of a pypdfium2 ``document`` (``native``: the
        resolution of its scan, if known)."""
        s = self.settings
        dpi = s.dpi or (min(max(native, s.min_dpi), s.max_dpi) if native else s.max_dpi)
        gray = render(document, page.number - 1, dpi)
        result = ocr_image(gray, number=page.number, width=page.width, height=page.height, dpi=dpi,
                           image_area=page.image_area, settings=s)
        self.results.append(result)
        if self.progress is not None:
            self.progress(Progress(self.path.name, page.number, len(document), result))
        return result.page

    def explain(self, error: ExtractorError) -> ExtractorError:
        """``error`` (``NoTextLayer`` from ``pages.page_notes``) with what
        to do about the scan: install the extra, drop ``--no-ocr``, rescan."""
        from .errors import NoTextLayer

        if not isinstance(error, NoTextLayer) or not getattr(error, "scanned", True):
            return error
        if self.mode == "off":
            hint = "convert without --no-ocr to read it with OCR"
        elif not self.enabled:
            hint = INSTALL_HINT
        elif self.unread:
            hint = (f"the file is damaged and could not be rendered for OCR ({self.unopenable or 'page by page'}): "
                    "repair it (qpdf) or re-download it")
        elif self.too_coarse:
            worst = min(self.too_coarse.values())
            hint = (f"the scan is {worst:.0f} dpi, too coarse to OCR (at least {self.settings.min_scan_dpi:.0f} dpi "
                    "is needed): rescan it, or force OCR with --ocr")
        else:
            hint = "OCR found no text on it either"
        try:
            return NoTextLayer(str(self.path), error.pages, scanned=True, hint=hint)
        except TypeError:  # an errors module without hints
            return error

    # -- after the projects stage -----------------------------------------------------

    def warnings(self, layouts: Sequence["PageLayout"], forms: "FormsResult", doc: "Document") -> list["Warning"]:
        """What the document should say about OCR: which pages it read
        (``ocr_pages``), which it could not (``ocr_low_resolution``), which
        show mis-decoded text on the page itself (``ocr_unreadable_text``), and
        what it may have misread (``ocr_low_confidence``,
        ``ocr_number_check``).  Nothing when no page needed OCR."""
        from .document import Warning

        out: list[Warning] = []
        if self.results:
            pages = set(self.pages)
            dpis = sorted({f"{r.dpi:.0f}" for r in self.results})
            chars = [c for r in self.results for c in r.page.chars if not c.text.isspace()]
            mean = sum(c.confidence for c in chars) / len(chars) if chars else 0.0
            out.append(Warning(
                "ocr_pages", _where(pages),
                f"these pages have no usable text layer and were read by OCR ({'/'.join(dpis)} dpi, mean character "
                f"confidence {mean:.2f}); cells read with low confidence are flagged ocr_low_confidence",
            ))
            out += confidence_warnings(layouts, forms, doc, pages, self.settings)
            out += number_warnings(doc, pages)
            for r in self.results:
                if r.dropped_lines:
                    listed = ", ".join(f"{l.text!r} {l.confidence:.2f}" for l in r.dropped_lines[:8])
                    more = f" and {r.dropped - 8} more" if r.dropped > 8 else ""
                    out.append(Warning(
                        "ocr_unread_text", f"page {r.page.number}",
                        f"OCR found {r.dropped} marks it could not read (confidence below "
                        f"{self.settings.min_line_confidence:.2f}) and left them out: {listed}{more}; check the scan",
                    ))
        if self.rejected:
            out.append(Warning(
                "ocr_unreadable_text", _where(self.rejected),
                "OCR read these pages and found the printed text itself garbled (mojibake: text decoded with the "
                "wrong encoding before it was typeset), so nothing of them was kept; ask the publisher for a "
                "correct export",
            ))
        if self.unread:
            reason = self.unopenable or next(iter(self.unread.values()))
            out.append(Warning(
                "ocr_failed", _where(self.unread),
                f"these pages have no usable text layer and could not be rendered for OCR ({reason.rstrip('.')}): the file is "
                "damaged; they stay unread: repair the file (qpdf) or re-download it",
            ))
        if self.too_coarse:
            worst = min(self.too_coarse.values())
            out.append(Warning(
                "ocr_low_resolution", _where(self.too_coarse),
                f"these pages are scans at {worst:.0f} dpi, too coarse to OCR (at least "
                f"{self.settings.min_scan_dpi:.0f} dpi is needed); rescan them, or force OCR with --ocr",
            ))
        return out


def _pdfium_error():
    """What PDFium raises for a file or page it cannot read (imported only
    when something was raised: pypdfium2 is heavy)."""
    try:
        from pypdfium2 import PdfiumError
    except ImportError:  # pragma: no cover - without pypdfium2 nothing is OCR'd
        return OSError
    return PdfiumError


def _native_dpi(pdf, number: int) -> Optional[float]:
    if pdf is None:
        return None
    try:
        return scan_dpi(pdf.pages[number - 1])
    except Exception:  # the resolution is a preference, not a need
        return None


def _where(numbers) -> str:
    numbers = sorted(set(numbers))
    return f"page {numbers[0]}" if len(numbers) == 1 else f"pages {_ranges(numbers)}"


# -- warnings ------------------------------------------------------------------------------

#: Indicator columns as the warnings name them.
FIELD_NAMES = {
    role: canonical_header(role)
    for role in ("level1", "level2", "level3", "description", "value", "basis", "operator", "unit")
}
LABEL_NAMES = {
    "code": "项目编码",
    "name": "项目名称",
    "total": "预算数",
    "fiscal": "财政资金",
    "other": "其他资金",
    "purpose": "资金用途",
    "goals": "绩效目标",
}


@dataclass
class _Doubt:
    """Characters of one cell that OCR read with low confidence."""

    page: int
    box: Box
    text: str
    fields: list[str] = field(default_factory=list)
    chars: list[Char] = field(default_factory=list)


def doubtful(ch: Char, settings: OcrSettings = DEFAULT_OCR) -> bool:
    """A character read with too little confidence (digits stricter)."""
    if ch.text.isspace():
        return False
    limit = settings.digit_confidence if ch.text.isdigit() else settings.low_confidence
    return ch.confidence < limit


def _doubtful_chars(layouts: Sequence["PageLayout"], pages: set[int], settings: OcrSettings) -> dict[int, list[tuple[Char, str]]]:
    """Per OCR'd page, each doubtful character with the text of its line."""
    out: dict[int, list[tuple[Char, str]]] = {}
    for layout in layouts:
        if layout.page.number not in pages:
            continue
        lines = [*layout.lines, *layout.furniture, *(l for g in layout.grids for c in g.cells for l in c.lines)]
        for line in lines:
            for ch in line.chars:
                if doubtful(ch, settings):
                    out.setdefault(layout.page.number, []).append((ch, line.text))
    return out


def _ranges(numbers: Sequence[int]) -> str:
    numbers = sorted(set(numbers))
    out, i = [], 0
    while i < len(numbers):
        j = i
        while j + 1 < len(numbers) and numbers[j + 1] == numbers[j] + 1:
            j += 1
        out.append(str(numbers[i]) if i == j else f"{numbers[i]}-{numbers[j]}")
        i = j + 1
    return ", ".join(out)


def confidence_warnings(
    layouts: Sequence["PageLayout"],
    forms: "FormsResult",
    doc: "Document",
    pages: set[int],
    settings: OcrSettings = DEFAULT_OCR,
) -> list["Warning"]:
    """One ``ocr_low_confidence`` warning per cell (page and box) of an
    OCR'd page holding characters read with low confidence, naming the
    project fields it feeds ("page 5, project 1, indicators 1-4 一级指标");
    doubtful text outside any project field is reported per page."""
    from .document import Warning

    by_page = _doubtful_chars(layouts, pages, settings)
    if not by_page:
        return []
    cells: dict[tuple, _Doubt] = {}
    claimed: set[int] = set()

    def claim(span: Optional["Span"], where: str) -> None:
        if span is None or not span.text or span.page not in by_page:
            return
        inside = [c for c, _ in by_page[span.page] if span.box.contains_point(c.box.cx, c.box.cy, slack=1.0)]
        if not inside:
            return
        key = (span.page, tuple(span.box.rounded()))
        doubt = cells.setdefault(key, _Doubt(span.page, span.box, span.text))
        doubt.fields.append(where)
        for c in inside:
            if id(c) not in claimed:
                claimed.add(id(c))
                doubt.chars.append(c)

    indicator_fields: dict[tuple, dict[str, list[int]]] = {}
    from .forms.kinds import form_kind

    project_forms = [f for f in forms.forms if form_kind(f).scope == "project"]
    for form, project in zip(project_forms, doc.projects):
        p = project.index
        for role, label, span in form.labels:
            claim(span, f"project {p}, {LABEL_NAMES.get(role, label)}")
        for label, value in form.spending:
            claim(value, f"project {p}, 资金支出计划 {label.text}")
        if form.title is not None:
            claim(form.title, f"project {p}, title")
        for n, row in enumerate(form.rows, start=1):
            for role, span in row.fields.items():
                if span is None or not span.text:
                    continue
                key = (span.page, tuple(span.box.rounded()))
                indicator_fields.setdefault(key, {}).setdefault(f"{p}\t{FIELD_NAMES.get(role, role)}", []).append(n)
                claim(span, "")
    # Indicator cells: one name per (project, column) listing the rows.
    for key, named in indicator_fields.items():
        if key in cells:
            for pf, rows in named.items():
                p, name = pf.split("\t")
                plural = "indicators" if len(set(rows)) > 1 else "indicator"
                cells[key].fields.append(f"project {p}, {plural} {_ranges(rows)} {name}")
    out: list[Warning] = []
    for doubt in sorted(cells.values(), key=lambda d: (d.page, d.box.top, d.box.x0)):
        names = [f for f in dict.fromkeys(doubt.fields) if f]
        if not doubt.chars or not names:
            continue
        out.append(Warning("ocr_low_confidence", f"page {doubt.page}, {'; '.join(names)}",
                           _doubt_message(doubt.chars, f"this cell ({_clip(doubt.text)!r})")))
    for page in sorted(by_page):
        rest = [(c, text) for c, text in by_page[page] if id(c) not in claimed]
        if rest:
            lines = ", ".join(repr(_clip(t)) for t in dict.fromkeys(text for _, text in rest))
            out.append(Warning("ocr_low_confidence", f"page {page}",
                               _doubt_message([c for c, _ in rest], f"text outside the project fields ({lines})")))
    return out


def _clip(text: str, limit: int = 30) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _doubt_message(chars: Sequence[Char], what: str) -> str:
    listed = ", ".join(f"{c.text!r} {c.confidence:.2f}" for c in chars[:8])
    more = f" and {len(chars) - 8} more" if len(chars) > 8 else ""
    digits = any(c.text.isdigit() for c in chars)
    check = "check the number against the scan" if digits else "check it against the scan"
    return f"OCR read {what} with low confidence (character, confidence: {listed}{more}); {check}"


#: Data-quality rules that compare numbers; on an OCR'd page their finding
#: may be a misread digit rather than the form's own contradiction.
_NUMBER_RULES = ("plan_end_differs_from_budget", "plan_not_monotonic", "budget_parts_differ", "cost_differs_from_budget")


def number_warnings(doc: "Document", pages: set[int]) -> list["Warning"]:
    """``ocr_number_check``: the amounts of a project on an OCR'd page must
    agree (12月底 = 预算数, 财政资金 + 其他资金 = 预算数, the plan rising, a
    成本指标 amount matching 预算数).  The rules are those of ``quality.py``;
    this re-states each disagreement on an OCR'd page as a possible misread,
    so that an OCR error in a number is flagged, never silently accepted."""
    from . import quality
    from .document import Warning

    rules = [r for r in quality.RULES if getattr(r, "code", "") in _NUMBER_RULES]
    out = []
    for w in quality.check(doc, rules):
        project = next((p for p in doc.projects if p.index == w.project), None)
        on_ocr = (w.page in pages) if w.page is not None else bool(project and set(project.pages) & pages)
        if on_ocr:
            out.append(Warning("ocr_number_check", w.where, f"OCR'd amounts disagree: {w.message}; a digit may be misread, check the scan"))
    return out
