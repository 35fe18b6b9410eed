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
    #: The gap (em) word processors draw between CJK and Latin letters or
    #: digits ("3 月底"): a short line in a borderless cell was wrapped when
    #: the next line's first word, with this gap before it, did not fit.
    autospace: float = 0.25
    #: A line that such gaps cut into at least this many cells is a table
    #: row even without any form word (a borderless table continued on a new
    #: page starts with data rows, no header, no label): two cells are a
    #: label and its value, or a unit line "711001 XX局   单位：万元".
    table_min_cells: int = 3

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
    #: Seconds one file may take before its conversion is stopped
    #: (``ConversionTimeout``; ``--timeout``; 0 = no limit).  Enforced by
    #: ``extractor.guard``, which runs the conversion in a child process.
    timeout: float = 600.0
    #: Megabytes of memory one conversion may use on top of what the process
    #: holds when it starts (``MemoryLimitExceeded``; ``--max-memory``;
    #: 0 = no limit).  Enforced by ``extractor.guard`` (POSIX).
    max_memory_mb: int = 4096
    #: A PDF stream (page content, form, font, CMap) that inflates beyond
    #: this many megabytes is treated as a decompression bomb: the pages that
    #: use it are reported lost instead of being parsed.  Real page content
    #: is well under 10 MB; a full embedded CJK font about 20 MB.
    max_stream_mb: int = 64
    #: An LZW stream that decodes beyond this many megabytes is a bomb, its
    #: pages lost (``max_stream_mb`` bounds Flate only; a 2.5 MB file can
    #: hold 650 MB of LZW content, which held a conversion for its whole
    #: timeout).  Real LZW page content (old producers) is well under a
    #: megabyte.
    max_lzw_mb: int = 16
    #: A page whose content streams hold more drawing and text operators
    #: than this is lost before it is parsed (a page of a million
    #: rectangles would take minutes and gigabytes).  A dense real form page
    #: has a few thousand.
    max_page_operators: int = 200_000
    #: A page with more characters than this is lost once parsed: the later
    #: stages are not made for it (a page of 200,000 characters took
    #: minutes).  A full page of small print has about 5,000.
    max_page_chars: int = 60_000

    # -- text layer (stage: pages) ------------------------------------------------
    #: A page is unreadable when at least this share of its glyphs are either
    #: unmapped (no ToUnicode entry: pdfminer's "(cid:N)", private-use or
    #: control code points) or foreign: mapped to characters that do not occur
    #: in these documents (Latin-1 letters, Greek, Cyrillic, Hangul, kana…,
    #: i.e. anything but CJK, ASCII and common punctuation and symbols) —
    #: the signature of fonts without a correct ToUnicode map (mojibake) —
    #: or garbled (in runs that only mis-decoded text produces, see
    #: ``mojibake_ratio``).  An unreadable page's text is withheld ("unreadable_text" warning); when
    #: no page is readable the file fails with ``UnreadableText``.  Real pages
    #: measure 0-2 %, mojibake pages 40-100 %.
    unreadable_ratio: float = 0.3
    #: Pages with fewer glyphs than this are judged unreadable only when all
    #: of them are unmapped (a page number alone proves little).
    unreadable_min_glyphs: int = 10
    #: Mojibake that lands on ordinary code points: UTF-8 read as GBK (閮ㄩ棬
    #: for 部门), GBK read as Big5 (窒藷), 锟斤拷, UTF-8 read as Latin-1
    #: ("éƒ¨é—¨").  A page is unreadable (mojibake) when at least this share
    #: of its words (glyphs but ASCII digits and punctuation, which every
    #: mis-decoding keeps) are suspect: ideographs outside the
    #: common-character list (GB2312 level 1, ``pages.common_han``), glyphs
    #: in runs only mis-decoded text produces (锟斤拷, a Latin-1 letter with
    #: its UTF-8 continuation bytes) or foreign characters.  Real pages
    #: measure 0 % (the sample, every layout variant, ten real budget
    #: PDFs), the sample's pages mis-decoded 63-100 % (Big5 read as GBK,
    #: of what Big5 can encode of them: 32-56 %; docs/errors.md, "When things go
    #: wrong").
    mojibake_ratio: float = 0.25
    #: ... and at least this many glyphs are suspect (a page with a few
    #: words may name a rare place).
    mojibake_min_chars: int = 8

    # -- reading pages (stage: pages) -------------------------------------------------
    #: Which parser reads a page's content: "pdfium" (PDFium, in C: several
    #: times faster) or "pdfplumber" (pdfminer, in Python).  Both fill the
    #: same page model through the same text check and give the same JSON
    #: on every test document (``tests/test_readers.py``); docs/how-it-works.md, "How it
    #: works", says where their pages differ (``--reader``).
    reader: str = "pdfium"

    # -- triage (stage: pages) -------------------------------------------------------
    #: Read the text of the pages before the performance section with pdfium
    #: (1-2 ms a page) and parse only from the first page with form
    #: vocabulary on (part headings, 绩效目标表 titles, 项目编码/项目名称):
    #: a 60-page department budget costs what its performance pages cost.
    #: The pages passed over hold nothing the output takes (see
    #: ``extractor.triage``); False parses every page.
    triage: bool = True

    # -- running ----------------------------------------------------------------------
    #: Pause Python's cyclic garbage collector while a document is converted
    #: and collect as it would have at the end (``extractor.collector``):
    #: about a tenth of the run on long documents.  The pause is
    #: process-wide; False leaves the collector to run as it would.
    pause_gc: bool = True

    def replace(self, **changes) -> "Settings":
        return replace(self, **changes)


DEFAULT = Settings()
