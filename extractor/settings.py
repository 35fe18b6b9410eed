"""Every tuning knob of the pipeline, in one documented place.

Distances are relative to the font size (``em``) wherever the quantity scales
with the text, and absolute PDF points (1/72 inch) only where it describes
drawing precision (how far apart two strokes may be and still be one line).
Nothing here describes one particular document: a knob that only worked for
one county's layout would be a defect.
"""

from __future__ import annotations

from dataclasses import dataclass, replace


@dataclass(frozen=True)
class Settings:
    # -- rulings (stage: pages -> grids) --------------------------------------
    #: Strokes and rectangles thinner than this (pt) count as ruling lines;
    #: a filled rectangle wider than this in both directions is a shaded area
    #: and contributes its four edges instead.
    ruling_max_thickness: float = 3.0
    #: Ruling segments shorter than this (pt) are ignored (tick marks, bullets).
    ruling_min_length: float = 4.0
    #: Parallel rulings whose positions differ by less than this (pt) are the
    #: same line (word processors draw cell borders twice, a little offset).
    snap_tolerance: float = 2.5
    #: Collinear segments separated by a gap smaller than this (pt) join.
    join_tolerance: float = 3.0
    #: A cell border counts as drawn when rulings cover this fraction of it.
    border_coverage: float = 0.6

    # -- text (stage: rejoin) -------------------------------------------------
    #: Two characters are on one text line when their vertical extents
    #: overlap by at least this fraction of the smaller height.
    line_overlap: float = 0.5
    #: A horizontal gap wider than this (em) between two non-CJK characters is
    #: a space.  Gaps next to a CJK character are never spaces: they are the
    #: autospacing word processors draw between CJK and Latin/digits.
    space_gap: float = 0.25
    #: A gap wider than this (em) between two characters of one text line
    #: splits it into separate text runs (different table columns when no
    #: ruling separates them).
    column_gap: float = 1.5
    #: Inside a table drawn without vertical rulings, a gap wider than this
    #: (em) between two characters separates two cells (twice a cell's
    #: padding is typically 0.7-1 em).
    cell_gap: float = 0.6

    # -- prose (stage: prose) ---------------------------------------------------
    #: A line starting this much (em) right of the text's left edge is
    #: indented: it opens a paragraph.
    indent: float = 1.0
    #: A line ending this much (em) or more before the right edge of the text
    #: is short: it closes its paragraph.
    short_line: float = 1.5

    # -- page furniture ---------------------------------------------------------
    #: Text in the top or bottom band of this fraction of the page height is a
    #: candidate running header / footer (removed when it looks like one).
    furniture_band: float = 0.09

    # -- limits -----------------------------------------------------------------
    #: Documents with more pages than this are refused (``TooManyPages``).
    max_pages: int = 2000

    def replace(self, **changes) -> "Settings":
        return replace(self, **changes)


DEFAULT = Settings()
