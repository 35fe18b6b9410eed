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

OpenCV and numpy are imported on first use.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Optional, Sequence

from .layout import Ruling

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
