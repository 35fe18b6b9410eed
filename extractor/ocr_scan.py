"""What OCR decides from the page image before anything is read.

``render``          the page rasterized by pypdfium2, grey-scale (``scan_dpi``:
                    the resolution of the scan it holds)
``estimate_skew``   the angle of a slightly rotated scan, from the projection
                    profile of its ink (rules and text lines); ``rotate``
                    turns the image back before anything is read from it
``find_rulings``    table rules from the image: binarize, open with long
                    horizontal / vertical kernels (as camelot's lattice parser
                    does), each remaining stroke a ``Ruling``
``erase_rulings``   the rules painted white, so that no cell border is read
                    as "1" or "|"
``clean``           scanner noise smoothed (bilateral filter)
``find_text``       where the text lines are: the cells the rules draw and
                    the page around the tables, each cut into rows of ink and
                    each row into runs of ink; ``crop_lines`` cuts them out
                    for the recognizer (only these regions are read: blank
                    paper and empty cells cost nothing)

OpenCV and numpy are imported on first use.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Optional, Sequence

from .layout import Box, Ruling

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np

    from .ocr import OcrSettings

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


def find_rulings(gray: "np.ndarray", dpi: float, scale: float, settings: "Optional[OcrSettings]" = None) -> list[Ruling]:
    """Horizontal and vertical rules drawn on a (straightened) page image, in
    PDF points (``scale`` points per pixel)."""
    import cv2

    from .ocr import DEFAULT_OCR

    settings = settings or DEFAULT_OCR

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


# -- where the text is ------------------------------------------------------------------


@dataclass(frozen=True)
class TextBox:
    """One line of text on the page image, in pixels: ``box`` its ink with
    a margin (what the recognizer reads), ``within`` the region it was found
    in (the inside of a table cell, or the page), which a crop of it does
    not leave: a neighbouring cell's text or a rule's remnant stays out."""

    box: Box
    within: Box
    #: The blank stretches between the line's ends (x intervals, pixels).
    blanks: tuple[tuple[float, float], ...] = ()
    #: False for ink that is no line of text (taller than
    #: ``OcrSettings.max_line_height`` lines: a photo, a stamp, a figure, or
    #: lines too close to tell apart): the detection model reads ``box``.
    plain: bool = True


def _runs(flags) -> list[tuple[int, int]]:
    """The runs of True in a 1-d array, as half-open ``(start, end)``."""
    import numpy as np

    padded = np.concatenate(([0], flags.astype(np.int8), [0]))
    edges = np.flatnonzero(np.diff(padded))
    return list(zip(edges[0::2].tolist(), edges[1::2].tolist()))


def _regions(shape: tuple[int, int], rulings: Sequence[Ruling], scale: float, inset: int) -> tuple[list[Box], list[Box]]:
    """The insides of the table cells the rulings draw (pixels, ``inset``
    pixels clear of each border), and the tables' outlines."""
    from .grids import boundaries_to_cells, group_to_boundaries, rulings_to_groups, snap_rulings
    from .settings import DEFAULT

    h, w = shape
    cells, tables = [], []
    for group in rulings_to_groups(snap_rulings(rulings, DEFAULT), DEFAULT):
        xs, ys = group_to_boundaries(group, DEFAULT)
        if len(xs) < 2 or len(ys) < 2:
            continue
        tables.append(Box(xs[0] / scale, ys[0] / scale, xs[-1] / scale, ys[-1] / scale))
        for r, c, rs, cs in boundaries_to_cells(xs, ys, group, DEFAULT):
            x0, x1 = xs[c] / scale + inset, xs[c + cs] / scale - inset
            y0, y1 = ys[r] / scale + inset, ys[r + rs] / scale - inset
            if x1 - x0 >= 2 and y1 - y0 >= 2:
                cells.append(Box(max(0.0, x0), max(0.0, y0), min(float(w), x1), min(float(h), y1)))
    return cells, tables


def find_text(image: "np.ndarray", rulings: Sequence[Ruling], scale: float,
              settings: "Optional[OcrSettings]" = None) -> list[TextBox]:
    """The text lines of a straightened, cleaned page image (rules erased),
    from its ink: each table cell (from ``rulings``, in points; ``scale``
    points per pixel) and the page around the tables apart, each split into
    rows of ink, each row into runs of ink no more than
    ``OcrSettings.line_gap`` line heights apart.  What the PP-OCR detector
    would find on a printed form, at a fraction of its cost, and never a
    line running across a cell border."""
    import cv2
    import numpy as np

    from .ocr import DEFAULT_OCR

    settings = settings or DEFAULT_OCR
    dpi = 72.0 / scale
    _, ink = cv2.threshold(image, 0, 1, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    # What erasing left of a rule (a thick one, a ragged edge) is not text.
    width = max(3, int(round(0.025 * dpi)) | 1)
    for r in rulings:
        a, s, e = int(round(r.pos / scale)), int(r.start / scale), int(math.ceil(r.end / scale))
        ends = ((s, a), (e, a)) if r.orientation == "h" else ((a, s), (a, e))
        cv2.line(ink, ends[0], ends[1], 0, width)
    h, w = ink.shape
    cells, tables = _regions((h, w), rulings, scale, width // 2 + 1)
    outside = ink
    if tables:
        outside = ink.copy()
        for t in tables:
            outside[int(t.top):int(math.ceil(t.bottom)) + 1, int(t.x0):int(math.ceil(t.x1)) + 1] = 0
    regions = [(outside, Box(0.0, 0.0, float(w), float(h)))] + [(ink, c) for c in cells]

    # Rows of ink per region; the page's line height is their median.
    found: list[tuple["np.ndarray", Box, list[tuple[int, int]]]] = []
    heights: list[int] = []
    for mask, region in regions:
        x0, y0, x1, y1 = int(region.x0), int(region.top), int(math.ceil(region.x1)), int(math.ceil(region.bottom))
        sub = mask[y0:y1, x0:x1]
        rows = _runs(sub.any(axis=1))
        if rows:
            found.append((sub, Box(float(x0), float(y0), float(x1), float(y1)), rows))
            heights += [b - a for a, b in rows]
    if not heights:
        return []
    tall = [v for v in heights if v >= 0.01 * dpi] or heights
    line = float(np.median(tall))

    out: list[TextBox] = []
    for sub, region, rows in found:
        # A row of marks above one another ("三", "≥", "："): one line, as
        # long as the marks together stay within 1.4 lines (two lines of a
        # cell set solid are taller).
        bands: list[list[int]] = []
        for a, b in rows:
            if bands and a - bands[-1][1] <= settings.line_join * line and b - bands[-1][0] <= 1.4 * line:
                bands[-1][1] = b
            else:
                bands.append([a, b])
        for a, b in bands:
            for c0, c1 in _merge_runs(_runs(sub[a:b].any(axis=0)), settings.line_gap * line):
                ys = np.flatnonzero(sub[a:b, c0:c1].any(axis=1))
                top, bottom = a + int(ys[0]), a + int(ys[-1]) + 1
                tall_ = bottom - top
                if tall_ < 0.25 * line and c1 - c0 < 0.25 * line:
                    continue  # a speck
                if tall_ > settings.max_line_height * line:
                    box = Box(region.x0 + c0, region.top + top, region.x0 + c1, region.top + bottom)
                    out.append(TextBox(box, region, plain=False))
                    continue
                if tall_ < 0.7 * line:  # a dash, a dot: read at the height of a line
                    mid = (top + bottom) / 2
                    top, bottom = int(mid - 0.45 * line), int(math.ceil(mid + 0.45 * line))
                    tall_ = bottom - top
                m = settings.line_margin * tall_
                box = Box(region.x0 + c0 - m, region.top + top - m, region.x0 + c1 + m, region.top + bottom + m)
                inked = _runs(sub[a:b, c0:c1].any(axis=0))
                blanks = tuple((region.x0 + c0 + e, region.x0 + c0 + s_) for (_, e), (s_, _) in zip(inked, inked[1:]))
                out.append(TextBox(box, region, blanks))
    out.sort(key=lambda t: (t.box.top, t.box.x0))
    return out


def _merge_runs(runs: list[tuple[int, int]], gap: float) -> list[tuple[int, int]]:
    merged: list[list[int]] = []
    for a, b in runs:
        if merged and a - merged[-1][1] <= gap:
            merged[-1][1] = b
        else:
            merged.append([a, b])
    return [(a, b) for a, b in merged]


def crop_lines(image: "np.ndarray", boxes: Sequence[TextBox]) -> list["np.ndarray"]:
    """Each text box cut out of ``image`` as a BGR crop for the recognizer;
    where the box leaves its region the crop is paper (white)."""
    import cv2

    out = []
    for t in boxes:
        b, r = t.box, t.within
        x0, y0 = int(round(b.x0)), int(round(b.top))
        x1, y1 = int(round(b.x1)), int(round(b.bottom))
        cx0, cy0 = max(x0, int(r.x0)), max(y0, int(r.top))
        cx1, cy1 = min(x1, int(math.ceil(r.x1))), min(y1, int(math.ceil(r.bottom)))
        crop = image[cy0:cy1, cx0:cx1]
        crop = cv2.copyMakeBorder(crop, cy0 - y0, y1 - cy1, cx0 - x0, x1 - cx1, cv2.BORDER_CONSTANT, value=255)
        out.append(cv2.cvtColor(crop, cv2.COLOR_GRAY2BGR))
    return out
