"""Layout-variant generator: re-typeset a performance-target document in other layouts.

The input is a document's *content* as a dict that follows the output contract
(/work/shared/CONTRACT.md; the golden files hold it).  ``render(content,
variant, path)`` typesets it with reportlab's built-in CID font STSong-Light
(no system fonts) as a new PDF in the layout that ``variant`` describes: the
sample's own layout (``baseline``) or one of the other forms county offices
publish (narrow/wide columns, one single grid, landscape, big fonts that split
rows over pages, no rules or only row or column rules, rules drawn as thin
filled rectangles, header synonyms (also other ones on continuation pages),
two-row headers, a full department-budget document around the performance
section, ...).  ``VARIANTS`` lists them by name.

Everything is drawn explicitly on the canvas: text is wrapped like a word
processor does (CJK breaks anywhere, Latin words and numbers stay whole unless
longer than the line, no closing punctuation at a line start), with an optional
CJK/Latin "autospace" gap as in the sample (drawn as a gap, not a space
character), and tables are paginated row by row (see ``_place_table``).

``plan(content, variant)`` does the layout without writing a file and returns a
``Plan`` (pages, every table cell's box and text, every page break met inside a
table), which the tests use to check the output against the intended geometry.

CLI (renders every variant so a human can look at them)::

    python tests/layout_variants.py OUTDIR [--content FILE] [--only NAME ...] [--png]
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Optional

from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas as rl_canvas

HERE = Path(__file__).resolve().parent
#: Input used when none is given.  The lead switches this to the golden file
#: (``golden/julu-2023-zonggonghui.json``) once it exists.
DEFAULT_CONTENT = HERE.parent / "golden" / "julu-2023-zonggonghui.json"

FONT = "STSong-Light"


def _register_font() -> None:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))


_register_font()

# ---------------------------------------------------------------------------
# Variants
# ---------------------------------------------------------------------------

#: Indicator-grid column keys and their default header words.
HEADER_WORDS = {
    "level1": "一级指标",
    "level2": "二级指标",
    "level3": "三级指标",
    "description": "绩效指标描述",
    "target": "指标值",
    "basis": "指标值确定依据",
    "score_rule": "评（扣）分标准",
    "score": "分值",
    "cmp": "指标性质",
    "value": "指标值",
    "unit": "计量单位",
}
#: Relative column widths (the sample's, in pt at A4 portrait).
COL_WEIGHTS = {
    "level1": 63.7, "level2": 63.9, "level3": 63.7, "description": 136.1,
    "target": 63.9, "basis": 85.0, "score_rule": 90.0, "score": 32.0,
    "cmp": 40.0, "value": 46.0, "unit": 44.0,
}
STD_COLUMNS = ("level1", "level2", "level3", "description", "target", "basis")


@dataclass(frozen=True)
class Variant:
    """Layout parameters.  Sizes are in pt."""

    name: str
    description: str = ""
    landscape: bool = False
    margins: tuple[float, float, float, float] = (54.0, 54.0, 72.0, 72.0)  # left right top bottom
    prose_size: float = 14.0          # body text of the prose part
    prose_leading: float = 1.9        # line height / size in prose
    title_size: float = 16.0          # "N.<title>" of a project table
    table_size: float = 10.5          # text in tables and the unit line
    leading: float = 1.45             # line height / size in table cells
    pad_x: float = 4.0
    pad_y: float = 1.0
    table_width: Optional[float] = None   # None: sample proportion of the frame
    columns: tuple[str, ...] = STD_COLUMNS
    col_weights: tuple[tuple[str, float], ...] = ()       # overrides of COL_WEIGHTS
    header_words: tuple[tuple[str, str], ...] = ()        # overrides of HEADER_WORDS
    autofit: bool = False             # column widths from content (Word "autofit to contents")
    layout: str = "stacked"           # "stacked": block table + indicator table; "single": one grid
    project_block: str = "standard"   # "standard" | "alt"
    rules: str = "all"                # "all" | "hrules" (row rules only) | "vrules" (column rules only) | "none"
    rule_style: str = "line"          # "line": stroked lines | "rect": thin filled rectangles per cell edge
    header_fill: bool = False         # light grey shading behind the indicator header cells
    #: A first header row of group words, each spanning the columns it names
    #: (("绩效指标", ("level1", "level2", "level3")),): the header is then two
    #: rows, and a column outside every group has one header cell over both.
    header_groups: tuple[tuple[str, tuple[str, ...]], ...] = ()
    repeat_header: bool = True        # repeat the indicator header row(s) on continuation pages
    #: Header word overrides used on the repeated header rows only (another
    #: synonym on the continuation page than on the first page).
    repeat_header_words: tuple[tuple[str, str], ...] = ()
    row_split: str = "split"          # "split" (rows may break) | "move" | "alternate" (per table)
    new_page_per_project: bool = True
    project_gap: float = 18.0         # space before a project when projects flow on
    block_gap: float = 1.5            # space between stacked block and indicator tables
    autospace: float = 0.25           # CJK/Latin gap in em (0: none)
    running_header: bool = False      # "<unit><year>年部门预算" + rule on every page
    footer: Optional[str] = None      # None | "dash" ("- 3 -") | "page_of" ("第 3 页 共 11 页") | "mixed"
    embedded: bool = False            # cover, 目录, 部门职责, budget tables before the section
    require_breaks: tuple[str, ...] = ()  # break kinds the layout search must produce (see plan(), break_kinds())

    # -- derived --------------------------------------------------------
    def header_word(self, key: str) -> str:
        return dict(self.header_words).get(key, HEADER_WORDS[key])

    def weight(self, key: str) -> float:
        return dict(self.col_weights).get(key, COL_WEIGHTS[key])

    @property
    def pagesize(self) -> tuple[float, float]:
        w, h = A4
        return (h, w) if self.landscape else (w, h)


VARIANTS: dict[str, Variant] = {v.name: v for v in [
    Variant("baseline", "close to the sample: A4 portrait, stacked block + indicator tables, all rules, "
            "one project per page, header row repeated, rows split across pages"),
    Variant("narrow", "wide margins and narrow columns: values wrap to 3 lines (≥95 / 百分 / 比)",
            margins=(96.0, 96.0, 72.0, 72.0), table_width=360.0,
            col_weights=(("level1", 44.0), ("level2", 50.0), ("level3", 56.0),
                         ("description", 96.0), ("target", 33.5), ("basis", 80.5))),
    Variant("wide", "small font, narrow margins, columns fitted to their content: cells do not wrap "
            "(except the few sentence-long cells that cannot fit in any column)",
            margins=(30.0, 30.0, 60.0, 60.0), table_size=7.5, title_size=14.0, prose_size=12.0,
            pad_x=3.0, autofit=True),
    Variant("single_table_repeat_header", "project block laid out on the 6-column indicator grid, one "
            "table per project; projects flow on, tables continue on the next page and the "
            "indicator header row is repeated there; rows never split (spreadsheet-style)",
            layout="single", repeat_header=True, row_split="move", new_page_per_project=False,
            table_size=11.0, pad_y=2.0, require_breaks=("between_rows",)),
    Variant("single_table_no_repeat", "as single_table_repeat_header, but the continuation pages "
            "start directly with data rows (no repeated header); rows may split",
            layout="single", repeat_header=False, row_split="split", new_page_per_project=False,
            table_size=11.0, pad_y=2.0, require_breaks=("in_row",)),
    Variant("furniture", "baseline plus a running header line with a rule on every page and page "
            "footers: '- N -' on prose pages, '第 N 页 共 M 页' on table pages",
            running_header=True, footer="mixed"),
    Variant("landscape", "A4 landscape, table over the full frame width",
            landscape=True, margins=(54.0, 54.0, 54.0, 54.0)),
    Variant("large_font", "large fonts; tables flow on and spill over 2-3 pages; tables alternately "
            "allow and forbid row splitting; break points: inside a tall row, between rows, "
            "right after the header row (chosen deterministically by a layout search)",
            prose_size=16.0, title_size=20.0, table_size=15.0, margins=(54.0, 54.0, 60.0, 60.0),
            row_split="alternate", new_page_per_project=False, repeat_header=True,
            require_breaks=("in_row", "between_rows", "after_header")),
    Variant("borderless", "no ruling lines at all; rows and columns only from word positions",
            rules="none", pad_y=2.5),
    Variant("hrules_only", "horizontal rules only (no vertical lines)", rules="hrules", pad_y=2.0),
    Variant("synonyms", "other template's header words (指标名称, 指标解释, 年度指标值) plus "
            "评（扣）分标准 and 分值 columns, smaller font",
            columns=STD_COLUMNS + ("score_rule", "score"), table_size=9.0, margins=(48.0, 48.0, 72.0, 72.0),
            header_words=(("level3", "指标名称"), ("description", "指标解释"), ("target", "年度指标值")),
            col_weights=(("level1", 44.0), ("level2", 54.0), ("level3", 62.0), ("description", 84.0),
                         ("target", 56.0), ("basis", 72.0), ("score_rule", 92.0), ("score", 34.0))),
    Variant("synonyms_alt", "more header synonyms: 指标内容, 指标说明, 指标值（包含数字及文字描述）, "
            "依据, 权重",
            columns=("level1", "level2", "level3", "description", "target", "basis", "score"),
            table_size=9.5,
            header_words=(("level3", "指标内容"), ("description", "指标说明"),
                          ("target", "指标值（包含数字及文字描述）"), ("basis", "依据"), ("score", "权重")),
            col_weights=(("level1", 54.0), ("level2", 60.0), ("level3", 66.0), ("description", 100.0),
                         ("target", 80.0), ("basis", 80.0), ("score", 36.0))),
    Variant("split_value_columns", "指标性质 (≥/≤/=/定性) | 指标值 (number) | 计量单位 as three columns",
            columns=("level1", "level2", "level3", "description", "cmp", "value", "unit", "basis"),
            table_size=9.5, margins=(48.0, 48.0, 72.0, 72.0),
            col_weights=(("level1", 52.0), ("level2", 58.0), ("level3", 64.0), ("description", 100.0),
                         ("cmp", 38.0), ("value", 52.0), ("unit", 40.0), ("basis", 90.0))),
    Variant("embedded", "the section inside a full department-budget document: cover, 目录, 部门职责, "
            "three budget tables with merged headers, then the performance section; '- N -' footers "
            "numbered from the first page after the 目录",
            embedded=True, footer="dash"),
    Variant("alt_project_block", "project block of another template: 项目名称 then 项目编码, 主管部门/实施单位, "
            "项目资金 with 年度资金总额/其中：财政拨款/其他资金, 资金用途, 年度绩效目标",
            project_block="alt"),
    Variant("borderless_continued", "no rules at all, the project block on the indicator grid (one table "
            "per project); tables flow on and break between rows, and the continuation page starts "
            "directly with data rows: no repeated header, nothing but the columns to say it is the same table",
            layout="single", rules="none", repeat_header=False, row_split="move", new_page_per_project=False,
            table_size=11.0, pad_y=2.5, require_breaks=("between_rows",)),
    Variant("borderless_continued_split", "as borderless_continued, but rows split at the page break: the "
            "rest of a multi-line cell opens the next page, without header or rules",
            layout="single", rules="none", repeat_header=False, row_split="split", new_page_per_project=False,
            table_size=11.0, pad_y=2.5, require_breaks=("in_row",)),
    Variant("two_row_header", "ruled, with a two-row indicator header: 绩效指标 spans 一级/二级/三级指标 "
            "under it, the other header cells span both rows; the band is repeated on continuation pages",
            header_groups=(("绩效指标", ("level1", "level2", "level3")),)),
    Variant("two_row_header_split_value", "two-row header over split value columns: 绩效指标 spans the "
            "three levels, 指标值 spans 指标性质 | 指标值 | 计量单位; tables flow on over pages",
            columns=("level1", "level2", "level3", "description", "cmp", "value", "unit", "basis"),
            header_groups=(("绩效指标", ("level1", "level2", "level3")), ("指标值", ("cmp", "value", "unit"))),
            table_size=9.5, margins=(48.0, 48.0, 72.0, 72.0), new_page_per_project=False,
            col_weights=(("level1", 52.0), ("level2", 58.0), ("level3", 64.0), ("description", 100.0),
                         ("cmp", 38.0), ("value", 52.0), ("unit", 40.0), ("basis", 90.0)),
            require_breaks=("in_row", "between_rows")),
    Variant("synonyms_continued", "the header row repeated on continuation pages in other words than on "
            "the first page: 指标名称 / 指标解释 / 目标值 / 指标值设定依据 instead of 三级指标 / 绩效指标描述 / "
            "指标值 / 指标值确定依据; larger font, tables flow on over pages",
            repeat_header_words=(("level3", "指标名称"), ("description", "指标解释"), ("target", "目标值"),
                                 ("basis", "指标值设定依据")),
            table_size=13.0, new_page_per_project=False, require_breaks=("in_row", "between_rows")),
    Variant("vrules_only", "column rules only: vertical lines along and between the columns, no row rules "
            "(rows only from the spacing of the text)",
            rules="vrules", pad_y=2.0),
    Variant("borderless_row_end", "no rules, the project block on the indicator grid, tables flow on; the "
            "page break lands inside the last row of a table, so that the next page holds nothing of that "
            "table but the ends of several of its cells, side by side on the same lines (narrow 绩效指标描述 "
            "and 指标值确定依据 columns), then the next project",
            layout="single", rules="none", repeat_header=False, row_split="split", new_page_per_project=False,
            table_size=11.0, pad_y=2.5,
            col_weights=(("level1", 70.0), ("level2", 100.0), ("level3", 90.0), ("description", 40.0),
                         ("target", 75.0), ("basis", 50.0)),
            require_breaks=("row_end",)),
    Variant("borderless_row_end_alone", "no rules, stacked block and indicator tables, one project per page; "
            "the last row of a table splits at the page break, so that the page after holds nothing but "
            "the ends of several cells of that row (一级/二级指标 too)",
            rules="none", pad_y=2.5, repeat_header=False,
            col_weights=(("level1", 70.0), ("level2", 80.0), ("level3", 90.0), ("description", 40.0),
                         ("target", 75.0), ("basis", 40.0)),
            require_breaks=("row_end",)),
    Variant("excel_rects", "spreadsheet export: the project block on the indicator grid, every cell edge a "
            "thin filled rectangle (no stroked lines), header cells shaded grey; tables flow on, rows "
            "never split, no repeated header",
            layout="single", rule_style="rect", header_fill=True, repeat_header=False, row_split="move",
            new_page_per_project=False, table_size=10.0, pad_y=2.0, require_breaks=("between_rows",)),
]}

#: Characters STSong-Light (through reportlab's UniGB-UCS2-H encoding) cannot
#: show: they render as a .notdef box and extract as nothing (U+00B7 MIDDLE DOT,
#: U+2022 BULLET, U+00A0 NO-BREAK SPACE) or as garbage (U+2A7D/U+2A7E, the
#: slanted ⩽ ⩾), as does anything outside the BMP.  (U+30FB KATAKANA MIDDLE DOT
#: renders but extracts as U+00B7.)  ``render`` refuses content containing them.
UNSUPPORTED_CHARS = frozenset("\u00b7\u2022\u00a0\u2a7d\u2a7e\u30fb")


def unsupported_chars(content: Any) -> set[str]:
    """Characters of ``content`` (any JSON value) that STSong-Light cannot round-trip."""
    out: set[str] = set()

    def walk(x: Any) -> None:
        if isinstance(x, str):
            out.update(ch for ch in x if ch in UNSUPPORTED_CHARS or ord(ch) > 0xFFFF)
        elif isinstance(x, dict):
            for k, val in x.items():
                if k != "source":
                    walk(val)
        elif isinstance(x, list):
            for val in x:
                walk(val)

    walk(content)
    return out


# ---------------------------------------------------------------------------
# Text measuring and wrapping
# ---------------------------------------------------------------------------

_WIDTH: dict[str, float] = {}
CLOSE = set("，。、；：！？）》」』】〕〉”’％%…,.;:!?)]}﹒·")
OPEN = set("（《「『【〔〈“‘([{")
_LATIN_RUN = re.compile(r"[A-Za-z0-9][A-Za-z0-9.%]*")


def char_width(ch: str) -> float:
    """Advance of ``ch`` at size 1."""
    w = _WIDTH.get(ch)
    if w is None:
        w = _WIDTH[ch] = pdfmetrics.stringWidth(ch, FONT, 1000) / 1000.0
    return w


def _is_cjk(ch: str) -> bool:
    o = ord(ch)
    return 0x3400 <= o <= 0x9FFF or 0xF900 <= o <= 0xFAFF


def _is_latin(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


def _gap(a: str, b: str) -> bool:
    return (_is_cjk(a) and _is_latin(b)) or (_is_latin(a) and _is_cjk(b))


def text_width(s: str, size: float, autospace: float = 0.0) -> float:
    w = sum(char_width(c) for c in s) * size
    if autospace and s:
        w += autospace * size * sum(1 for a, b in zip(s, s[1:]) if _gap(a, b))
    return w


def _tokens(s: str) -> list[str]:
    toks: list[str] = []
    i = 0
    while i < len(s):
        m = _LATIN_RUN.match(s, i)
        if m:
            toks.append(m.group())
            i = m.end()
        else:
            toks.append(s[i])
            i += 1
    out: list[str] = []
    for t in toks:  # kinsoku: no closing mark at a line start, no opening mark at a line end
        if out and (t[0] in CLOSE or out[-1][-1] in OPEN):
            out[-1] += t
        else:
            out.append(t)
    return out


def wrap(text: str, width: float, size: float, autospace: float = 0.0,
         first_indent: float = 0.0) -> list[str]:
    """Lines of ``text`` that fit ``width`` ("\\n" is a hard break)."""
    lines: list[str] = []
    asp = autospace * size
    for para in text.split("\n"):
        cur, cw = "", 0.0
        limit = width - first_indent
        if not para:
            lines.append("")
            continue
        for tok in _tokens(para):
            tw = text_width(tok, size, autospace)
            g = asp if cur and _gap(cur[-1], tok[0]) else 0.0
            if cw + g + tw <= limit + 1e-6:
                cur, cw = cur + tok, cw + g + tw
                continue
            if cur:
                lines.append(cur)
                cur, cw, limit = "", 0.0, width
            if tw <= limit + 1e-6:
                cur, cw = tok, tw
                continue
            for ch in tok:  # a token longer than the line: break it anywhere
                w = char_width(ch) * size
                g = asp if cur and _gap(cur[-1], ch) else 0.0
                if cur and cw + g + w > limit + 1e-6:
                    lines.append(cur)
                    cur, cw, limit = ch, w, width
                else:
                    cur, cw = cur + ch, cw + g + w
        lines.append(cur)
    return lines


# ---------------------------------------------------------------------------
# Plan: pages with drawing operations
# ---------------------------------------------------------------------------


@dataclass
class TextOp:
    x: float
    baseline: float          # from the page top
    text: str
    size: float
    bold: bool = False
    charspace: float = 0.0
    autospace: float = 0.0


@dataclass
class LineOp:
    x0: float
    y0: float
    x1: float
    y1: float
    width: float = 0.5


@dataclass
class RectOp:
    """A filled rectangle, no stroke (a rule drawn as a thin box, or shading)."""

    x0: float
    y0: float                # top, from the page top
    x1: float
    y1: float                # bottom
    gray: float = 0.0        # fill: 0 black … 1 white


@dataclass
class Page:
    number: int              # physical, 1-based
    kind: str                # cover toc prose section budget table
    ops: list = field(default_factory=list)
    label: Optional[int] = None   # printed page number (None: no footer)


@dataclass
class CellRecord:
    """One table cell piece on one page (a cell split by a page break has several)."""

    page: int
    bbox: tuple[float, float, float, float]    # x0, top, x1, bottom (pdfplumber coordinates)
    text: str                                  # the lines drawn in this piece, joined
    project: Optional[int]                     # project index (None: other tables)
    row: Optional[int]                         # indicator number (0-based) or None
    col: Optional[str]                         # column key ("target", "level1", ...) or block label
    repeat: bool = False                       # part of a repeated header row


@dataclass
class Break:
    page: int        # the page that ends at this break
    project: Optional[int]
    kind: str        # in_row between_rows after_header before_table before_header in_project_block
    row: Optional[int] = None   # indicator number of the row at the break (when an indicator row)
    #: in_row: the split row is the table's last, so that the next page holds
    #: nothing of the table but the rest of this row.
    last: bool = False
    #: in_row: the column keys of the cells whose text goes on after the break.
    continued: tuple[str, ...] = ()


@dataclass
class Plan:
    variant: Variant             # effective variant (after the large_font search)
    width: float
    height: float
    pages: list[Page]
    cells: list[CellRecord]
    breaks: list[Break]
    project_pages: dict[int, list[int]]


# ---------------------------------------------------------------------------
# Flow
# ---------------------------------------------------------------------------


class _Flow:
    def __init__(self, v: Variant):
        self.v = v
        self.W, self.H = v.pagesize
        ml, mr, mt, mb = v.margins
        self.x0, self.x1 = ml, self.W - mr
        self.top, self.bottom = mt, self.H - mb
        self.pages: list[Page] = []
        self.cells: list[CellRecord] = []
        self.breaks: list[Break] = []
        self.y = self.top
        self.toc_refs: dict[str, int] = {}

    @property
    def fw(self) -> float:
        return self.x1 - self.x0

    @property
    def page(self) -> Page:
        return self.pages[-1]

    def new_page(self, kind: str) -> None:
        self.pages.append(Page(len(self.pages) + 1, kind))
        self.y = self.top

    @property
    def at_top(self) -> bool:
        return abs(self.y - self.top) < 1e-6

    def avail(self) -> float:
        return self.bottom - self.y

    def text(self, x: float, baseline: float, s: str, size: float, bold: bool = False,
             charspace: float = 0.0, autospace: Optional[float] = None) -> None:
        asp = self.v.autospace if autospace is None else autospace
        self.page.ops.append(TextOp(x, baseline, s, size, bold, charspace, asp))

    # -- prose ------------------------------------------------------------
    def line_box(self, size: float, leading: float) -> float:
        """Baseline for a line whose box starts at the cursor."""
        return self.y + (leading - size) / 2 + 0.80 * size

    def centered(self, s: str, size: float, bold: bool = True, leading: float = 1.6,
                 kind: str = "prose") -> None:
        lead = size * leading
        for line in wrap(s, self.fw, size, self.v.autospace):
            if self.y + lead > self.bottom:
                self.new_page(kind)
            w = text_width(line, size, self.v.autospace)
            self.text(self.x0 + (self.fw - w) / 2, self.line_box(size, lead), line, size, bold)
            self.y += lead

    def para(self, s: str, size: float, indent: float = 2.0, bold: bool = False,
             kind: str = "prose", keep: int = 1, justify: bool = True) -> None:
        lead = size * self.v.prose_leading
        lines = wrap(s, self.fw, size, self.v.autospace, first_indent=indent * size)
        if self.y + lead * min(keep, len(lines)) > self.bottom:
            self.new_page(kind)
        for i, line in enumerate(lines):
            if self.y + lead > self.bottom:
                self.new_page(kind)
            x = self.x0 + (indent * size if i == 0 else 0.0)
            cs = 0.0
            if justify and i < len(lines) - 1 and len(line) > 1:
                room = self.x1 - x - text_width(line, size, self.v.autospace)
                cs = max(0.0, room / (len(line) - 1))
            self.text(x, self.line_box(size, lead), line, size, bold, cs)
            self.y += lead

    def heading(self, s: str, size: float, kind: str = "prose", indent: float = 2.0) -> None:
        lead = size * self.v.prose_leading
        if self.y + lead * 3 > self.bottom:  # keep with the next two lines
            self.new_page(kind)
        self.para(s, size, indent=indent, bold=True, kind=kind, justify=False)


# ---------------------------------------------------------------------------
# Tables
# ---------------------------------------------------------------------------


@dataclass
class Cell:
    col: int
    span: int = 1
    text: str = ""
    align: str = "c"             # c l r
    rowspan: int = 1
    key: Optional[str] = None    # for CellRecord.col
    lines: list[str] = field(default_factory=list)


@dataclass
class Row:
    cells: list[Cell]
    kind: str = "data"           # block header data
    ref: Optional[int] = None    # indicator number for data rows


@dataclass
class Table:
    widths: list[float]
    rows: list[Row]
    size: float
    header: Optional[int] = None     # index of the (first) repeatable header row
    allow_split: bool = True
    project: Optional[int] = None
    header_n: int = 1                # header rows from ``header`` on, kept together and repeated
    #: The header rows as drawn when repeated (default: the same rows).
    repeat_rows: Optional[list[Row]] = None
    # measured
    nlines: list[int] = field(default_factory=list)
    heights: list[float] = field(default_factory=list)
    repeat_heights: list[float] = field(default_factory=list)

    @property
    def header_band(self) -> range:
        return range(self.header, self.header + self.header_n) if self.header is not None else range(0)

    @property
    def total_width(self) -> float:
        return sum(self.widths)


def _measure_rows(rows: list[Row], t: Table, v: Variant) -> tuple[list[int], list[float]]:
    lead = t.size * v.leading
    for row in rows:
        for c in row.cells:
            w = sum(t.widths[c.col:c.col + c.span]) - 2 * v.pad_x
            c.lines = wrap(c.text, w, t.size, v.autospace) if c.text else []
    nlines = [max([len(c.lines) for c in r.cells if c.rowspan == 1] + [1]) for r in rows]
    heights = [n * lead + 2 * v.pad_y for n in nlines]
    for ri, row in enumerate(rows):
        for c in row.cells:
            if c.rowspan > 1:
                need = len(c.lines) * lead + 2 * v.pad_y
                last = ri + c.rowspan - 1
                have = sum(heights[ri:last + 1])
                if have < need:
                    heights[last] += need - have
    return nlines, heights


def _measure(t: Table, v: Variant) -> None:
    t.nlines, t.heights = _measure_rows(t.rows, t, v)
    band = list(t.header_band)
    if t.repeat_rows is not None:
        _, t.repeat_heights = _measure_rows(t.repeat_rows, t, v)
        # the repeated band is as tall as the first one or taller
        t.repeat_heights = [max(a, t.heights[r]) for a, r in zip(t.repeat_heights, band)]
    else:
        t.repeat_heights = [t.heights[r] for r in band]


@dataclass
class _Piece:
    page: int
    y: float
    h: float
    row: int
    lo: int
    hi: int
    repeat: bool = False


def _break_kind(t: Table, r: int, lo: int) -> str:
    if lo > 0:
        return "in_row"
    if r == 0:
        return "before_table"
    if t.rows[r].kind == "header":
        return "before_header"
    if t.rows[r - 1].kind == "header":
        return "after_header"
    if t.rows[r].kind == "block":
        return "in_project_block"
    return "between_rows"


def _place_table(fl: _Flow, t: Table, x0: float) -> None:
    """Paginate ``t`` at the cursor, word-processor style, and emit its drawing ops.

    A row that fits is placed whole.  One that does not fit is split line-wise
    when the table allows it and at least one text line fits (each cell's
    first k lines stay on this page, the rest go on the next; both pieces get
    the row's borders); otherwise the row moves whole to the next page.  A row
    taller than a fresh page is always split.  On a continuation page the header
    row is repeated when the variant says so.  Vertically merged cells span
    the break; their text stays in the first piece (blank on the next page).
    A header row is never split (it moves to the next page whole), a header
    of several rows is kept together, and both are repeated whole.
    """
    v = fl.v
    lead = t.size * v.leading
    pieces: list[_Piece] = []
    n = len(t.rows)
    r, lo = 0, 0
    rows_here = 0
    band = t.header_band
    while r < n:
        if t.header_n > 1 and r == t.header and lo == 0:
            need = sum(t.heights[k] for k in band)
            if need <= fl.avail() + 0.01 or (rows_here == 0 and fl.at_top):
                for k in band:
                    pieces.append(_Piece(fl.page.number, fl.y, t.heights[k], k, 0, t.nlines[k]))
                    fl.y += t.heights[k]
                r, rows_here = r + t.header_n, rows_here + t.header_n
                continue
            fl.breaks.append(Break(fl.page.number, t.project, _break_kind(t, r, 0), t.rows[r].ref))
            fl.new_page("table")
            rows_here = 0
            continue
        rem = t.nlines[r] - lo
        need = t.heights[r] if lo == 0 else rem * lead + 2 * v.pad_y
        avail = fl.avail()
        if need <= avail + 0.01:
            pieces.append(_Piece(fl.page.number, fl.y, need, r, lo, t.nlines[r]))
            fl.y += need
            r, lo, rows_here = r + 1, 0, rows_here + 1
            continue
        k = int((avail - 2 * v.pad_y + 0.01) // lead)
        fresh = rows_here == 0 and (fl.at_top or pieces and pieces[-1].repeat)
        if (t.allow_split and t.rows[r].kind != "header" or fresh) and 1 <= k < rem:
            pieces.append(_Piece(fl.page.number, fl.y, k * lead + 2 * v.pad_y, r, lo, lo + k))
            rest = tuple(c.key for c in t.rows[r].cells if c.rowspan == 1 and len(c.lines) > lo + k)
            fl.breaks.append(Break(fl.page.number, t.project, "in_row", t.rows[r].ref, r == n - 1, rest))
            lo += k
        elif fresh:  # cannot do better: let it overflow
            pieces.append(_Piece(fl.page.number, fl.y, need, r, lo, t.nlines[r]))
            fl.y += need
            r, lo, rows_here = r + 1, 0, rows_here + 1
            continue
        else:
            fl.breaks.append(Break(fl.page.number, t.project, _break_kind(t, r, lo), t.rows[r].ref))
        fl.new_page("table")
        rows_here = 0
        if v.repeat_header and t.header is not None and (r > band[-1] or (r == t.header and lo > 0)):
            for k, h in zip(band, t.repeat_heights):
                pieces.append(_Piece(fl.page.number, fl.y, h, k, 0, t.nlines[k], True))
                fl.y += h
    _emit_table(fl, t, x0, pieces)


def _emit_table(fl: _Flow, t: Table, x0: float, pieces: list[_Piece]) -> None:
    v = fl.v
    lead = t.size * v.leading
    xs = [x0]
    for w in t.widths:
        xs.append(xs[-1] + w)
    boxes: dict[int, list[tuple[float, float, float, float]]] = {}
    shaded: dict[int, list[tuple[float, float, float, float]]] = {}
    # shading goes under the text: remember where the table's drawing starts
    starts = {p.page: len(fl.pages[p.page - 1].ops) for p in reversed(pieces)}

    def draw_lines(page: int, lines: list[str], c: Cell, bx0: float, by0: float, bx1: float,
                   by1: float, ref: Optional[int], repeat: bool) -> None:
        pg = fl.pages[page - 1]
        block_h = len(lines) * lead
        y = by0 + max(v.pad_y, (by1 - by0 - block_h) / 2)
        for line in lines:
            w = text_width(line, t.size, v.autospace)
            if c.align == "l":
                x = bx0 + v.pad_x
            elif c.align == "r":
                x = bx1 - v.pad_x - w
            else:
                x = (bx0 + bx1 - w) / 2
            pg.ops.append(TextOp(x, y + (lead - t.size) / 2 + 0.80 * t.size, line, t.size,
                                 False, 0.0, v.autospace))
            y += lead
        fl.cells.append(CellRecord(page, (bx0, by0, bx1, by1), "".join(lines), t.project, ref,
                                   c.key, repeat))

    for p in pieces:
        row = t.rows[p.row]
        if p.repeat and t.repeat_rows is not None:
            row = t.repeat_rows[p.row - t.header]
        for c in row.cells:
            if c.rowspan > 1 and not p.repeat:
                continue
            bx0, bx1 = xs[c.col], xs[c.col + c.span]
            by0, by1 = p.y, p.y + p.h
            if c.rowspan > 1:  # a merged cell of a repeated header band
                span = range(p.row, p.row + c.rowspan)
                by1 = max(q.y + q.h for q in pieces if q.repeat and q.page == p.page and q.row in span)
            boxes.setdefault(p.page, []).append((bx0, by0, bx1, by1))
            if v.header_fill and row.kind == "header":
                shaded.setdefault(p.page, []).append((bx0, by0, bx1, by1))
            draw_lines(p.page, c.lines[p.lo:p.hi] if not p.repeat else c.lines, c,
                       bx0, by0, bx1, by1, row.ref, p.repeat)
    # vertically merged cells
    for ri, row in enumerate(t.rows):
        for c in row.cells:
            if c.rowspan == 1:
                continue
            span = range(ri, ri + c.rowspan)
            segs: list[list[float]] = []   # [page, top, bottom]
            for p in pieces:
                if p.row in span and not p.repeat:
                    if segs and segs[-1][0] == p.page:
                        segs[-1][2] = p.y + p.h
                    else:
                        segs.append([p.page, p.y, p.y + p.h])
            bx0, bx1 = xs[c.col], xs[c.col + c.span]
            for s in segs:
                boxes.setdefault(int(s[0]), []).append((bx0, s[1], bx1, s[2]))
                if v.header_fill and row.kind == "header":
                    shaded.setdefault(int(s[0]), []).append((bx0, s[1], bx1, s[2]))
            need = len(c.lines) * lead + 2 * v.pad_y
            ref = row.ref
            if segs and segs[0][2] - segs[0][1] >= need - 0.5:
                chunks = [c.lines] + [[] for _ in segs[1:]]
            else:  # text does not fit in the first piece: flow it on
                chunks, rest = [], list(c.lines)
                for i, s in enumerate(segs):
                    cap = max(1, int((s[2] - s[1] - 2 * v.pad_y + 0.01) // lead))
                    take = rest if i == len(segs) - 1 else rest[:cap]
                    chunks.append(take)
                    rest = rest[len(take):]
            for s, chunk in zip(segs, chunks):
                draw_lines(int(s[0]), chunk, c, bx0, s[1], bx1, s[2], ref, False)
    for page, bl in shaded.items():
        ops = fl.pages[page - 1].ops
        ops[starts[page]:starts[page]] = [RectOp(*b, gray=0.85) for b in bl]
    if v.rules == "none":
        return
    hs, vs = v.rules in ("all", "hrules"), v.rules in ("all", "vrules")
    for page, bl in boxes.items():
        ops = _rules(bl, hs, vs) if v.rule_style == "line" else _rule_rects(bl, hs, vs)
        fl.pages[page - 1].ops.extend(ops)


def _merge(segs: dict[float, list[tuple[float, float]]]) -> list[tuple[float, float, float]]:
    out = []
    for k, ivs in segs.items():
        ivs.sort()
        a, b = ivs[0]
        for c, d in ivs[1:]:
            if c <= b + 0.01:
                b = max(b, d)
            else:
                out.append((k, a, b))
                a, b = c, d
        out.append((k, a, b))
    return out


def _rules(boxes, horizontals: bool, verticals: bool) -> list[LineOp]:
    hs: dict[float, list] = {}
    vs: dict[float, list] = {}
    for x0, y0, x1, y1 in boxes:
        for y in (y0, y1):
            hs.setdefault(round(y, 2), []).append((x0, x1))
        for x in (x0, x1):
            vs.setdefault(round(x, 2), []).append((y0, y1))
    ops = [LineOp(a, y, b, y) for y, a, b in _merge(hs)] if horizontals else []
    if verticals:
        ops += [LineOp(x, a, x, b) for x, a, b in _merge(vs)]
    return ops


#: Thickness of a rule drawn as a filled rectangle (Excel's "thin" border).
RULE_RECT = 0.6


def _rule_rects(boxes, horizontals: bool, verticals: bool) -> list[RectOp]:
    """Each cell's four edges as thin filled rectangles, as spreadsheet
    exporters draw them: every cell its own, so shared edges are drawn twice
    and the pieces abut at the corners instead of forming long lines."""
    h = RULE_RECT / 2
    ops: list[RectOp] = []
    for x0, y0, x1, y1 in boxes:
        if horizontals:
            ops += [RectOp(x0 - h, y0 - h, x1 + h, y0 + h), RectOp(x0 - h, y1 - h, x1 + h, y1 + h)]
        if verticals:
            ops += [RectOp(x0 - h, y0 - h, x0 + h, y1 + h), RectOp(x1 - h, y0 - h, x1 + h, y1 + h)]
    return ops


# ---------------------------------------------------------------------------
# Content -> tables
# ---------------------------------------------------------------------------


def _money(x: Any) -> str:
    if x is None or x == "":
        return ""
    return f"{float(x):.2f}"


def _cmp_symbol(t: dict) -> str:
    if t.get("kind") == "qualitative" or t.get("cmp") is None:
        return "定性"
    return {">=": "≥", "<=": "≤", ">": ">", "<": "<", "=": "=", "range": "区间"}[t["cmp"]]


def _value_text(t: dict) -> str:
    """The 指标值 column of the split-value template: raw minus operator and unit."""
    raw = t.get("raw") or ""
    if t.get("kind") == "qualitative":
        return raw
    s = raw
    if s[:1] in "≥≤><=＝":
        s = s[1:]
    ur = t.get("unit_raw")
    if ur and s.endswith(ur):
        s = s[: -len(ur)]
    return s


def _score_rule(t: dict) -> str:
    cmp = t.get("cmp")
    if t.get("kind") == "qualitative" or cmp is None:
        return "根据完成情况酌情扣分"
    if cmp in (">=", ">"):
        return "达到目标值得满分，每低1%扣减相应分值"
    if cmp in ("<=", "<"):
        return "不超过目标值得满分，超出不得分"
    return "与目标值一致得满分，否则按比例扣分"


def _scores(inds: list[dict]) -> list[str]:
    weights = {"产出指标": 50, "效益指标": 30, "满意度指标": 10}
    out = []
    for ind in inds:
        n = sum(1 for j in inds if j["level1"] == ind["level1"])
        w = weights.get(ind["level1"], 10) / n
        out.append(str(int(w)) if abs(w - round(w)) < 1e-9 else f"{w:.1f}")
    return out


_EXTRA_KEYS = {"score_rule": ("评（扣）分标准", "评分标准", "评扣分标准"), "score": ("分值", "权重")}


def _ind_cell_text(key: str, ind: dict, score: str) -> str:
    t = ind.get("target") or {}
    if key in ("level3", "level1", "level2"):
        return ind.get(key) or ""
    if key == "description":
        return ind.get("description") or ""
    if key == "basis":
        return ind.get("basis") or ""
    if key == "target":
        return t.get("raw") or ""
    if key == "cmp":
        return _cmp_symbol(t)
    if key == "value":
        return _value_text(t)
    if key == "unit":
        return (t.get("unit_raw") or "") if t.get("kind") != "qualitative" else ""
    extra = ind.get("extra") or {}
    for k in _EXTRA_KEYS.get(key, ()):
        if k in extra:
            return str(extra[k])
    return _score_rule(t) if key == "score_rule" else score


def _header_rows(v: Variant, word, col0: int = 0) -> list[Row]:
    """The indicator header: one row, or two when the variant groups columns
    under a common word (the group word spans its columns in the first row,
    their own words sit under it; other columns span both rows)."""
    cols = list(v.columns)
    if not v.header_groups:
        return [Row([Cell(col0 + i, 1, word(k), "c", key=k) for i, k in enumerate(cols)], kind="header")]
    group_of = {k: (w, keys) for w, keys in v.header_groups for k in keys}
    top, bottom = Row([], kind="header"), Row([], kind="header")
    for i, k in enumerate(cols):
        if k not in group_of:
            top.cells.append(Cell(col0 + i, 1, word(k), "c", rowspan=2, key=k))
            continue
        w, keys = group_of[k]
        if k == keys[0]:
            if tuple(cols[i:i + len(keys)]) != tuple(keys):
                raise ValueError(f"header group {w} needs adjacent columns {keys}")
            top.cells.append(Cell(col0 + i, len(keys), w, "c", key="group"))
        bottom.cells.append(Cell(col0 + i, 1, word(k), "c", key=k))
    return [top, bottom]


def _indicator_rows(p: dict, v: Variant, col0: int = 0) -> tuple[list[Row], Optional[list[Row]], list[Row]]:
    """Header rows, the header rows as repeated on continuation pages (None:
    the same), and one row per indicator."""
    cols = list(v.columns)
    header = _header_rows(v, v.header_word, col0)
    repeat = None
    if v.repeat_header_words:
        again = dict(v.repeat_header_words)
        repeat = _header_rows(v, lambda k: again.get(k) or v.header_word(k), col0)
    inds = p.get("indicators") or []
    scores = _scores(inds) if inds else []
    rows = [Row([], ref=i) for i in range(len(inds))]
    # vertical merges: level1 runs, level2 runs inside them
    runs1 = _runs([i["level1"] for i in inds])
    merged: dict[tuple[int, str], int] = {}
    for a, b in runs1:
        merged[(a, "level1")] = b - a
        for c, d in _runs([inds[j]["level2"] for j in range(a, b)]):
            merged[(a + c, "level2")] = d - c
    for i, ind in enumerate(inds):
        for ci, key in enumerate(cols):
            if key in ("level1", "level2"):
                if (i, key) not in merged:
                    continue
                rs = merged[(i, key)]
            else:
                rs = 1
            align = "l" if key in ("score_rule",) else "c"
            rows[i].cells.append(Cell(col0 + ci, 1, _ind_cell_text(key, ind, scores[i]), align,
                                      rowspan=rs, key=key))
    return header, repeat, rows


def _runs(vals: list[str]) -> list[tuple[int, int]]:
    out, a = [], 0
    for i in range(1, len(vals) + 1):
        if i == len(vals) or vals[i] != vals[a]:
            out.append((a, i))
            a = i
    return out


def _plan_spans(n: int, ncols: int, first: int) -> list[tuple[int, int]]:
    """Spread n spending-plan columns over ncols grid columns starting at first."""
    if n == 4 and ncols == 6:
        return [(first, 1), (first + 1, 1), (first + 2, 2), (first + 4, 2)]
    if n == 4 and ncols == 5:
        return [(first, 1), (first + 1, 1), (first + 2, 1), (first + 3, 2)]
    base, extra = divmod(ncols, max(n, 1))
    out, c = [], first
    for i in range(n):
        w = base + (1 if i >= n - extra else 0)
        out.append((c, w))
        c += w
    return out


def _goals_text(p: dict) -> str:
    return "\n".join(f"{i}.{g}" for i, g in enumerate(p.get("goals") or [], 1))


def _block_rows_standard(p: dict) -> list[Row]:
    """Sample layout on a 7-column grid."""
    b = p.get("budget") or {}
    plan = p.get("spending_plan") or []
    spans = _plan_spans(len(plan), 6, 1)
    return [
        Row([Cell(0, 1, "项目编码", key="项目编码"), Cell(1, 2, p.get("code") or "", key="code"),
             Cell(3, 1, "项目名称", key="项目名称"), Cell(4, 3, p.get("name") or "", key="name")], "block"),
        Row([Cell(0, 1, "预算规模及资金用途", rowspan=2, key="预算规模及资金用途"),
             Cell(1, 1, "预算数", key="预算数"), Cell(2, 1, _money(b.get("total")), key="total"),
             Cell(3, 1, "其中：财政资金", key="其中：财政资金"), Cell(4, 1, _money(b.get("fiscal")), key="fiscal"),
             Cell(5, 1, "其他资金", key="其他资金"), Cell(6, 1, _money(b.get("other")), key="other")], "block"),
        Row([Cell(1, 6, p.get("purpose") or "", "l", key="purpose")], "block"),
        Row([Cell(0, 1, "资金支出计划（%）", rowspan=2, key="资金支出计划")]
            + [Cell(c, w, s.get("label", ""), key="plan_label") for (c, w), s in zip(spans, plan)], "block"),
        Row([Cell(c, w, _money(s.get("amount")), key="plan_amount") for (c, w), s in zip(spans, plan)],
            "block"),
        Row([Cell(0, 1, "绩效目标", key="绩效目标"), Cell(1, 6, _goals_text(p), "l", key="goals")], "block"),
    ]


def _block_rows_grid6(p: dict) -> list[Row]:
    """The project block on the 6-column indicator grid (single-table template)."""
    b = p.get("budget") or {}
    plan = p.get("spending_plan") or []
    spans = _plan_spans(len(plan), 5, 1)
    return [
        Row([Cell(0, 1, "项目编码", key="项目编码"), Cell(1, 2, p.get("code") or "", key="code"),
             Cell(3, 1, "项目名称", key="项目名称"), Cell(4, 2, p.get("name") or "", key="name")], "block"),
        Row([Cell(0, 1, "预算规模及资金用途", rowspan=3, key="预算规模及资金用途"),
             Cell(1, 1, "预算数", key="预算数"), Cell(2, 2, "其中：财政资金", key="其中：财政资金"),
             Cell(4, 2, "其他资金", key="其他资金")], "block"),
        Row([Cell(1, 1, _money(b.get("total")), key="total"), Cell(2, 2, _money(b.get("fiscal")), key="fiscal"),
             Cell(4, 2, _money(b.get("other")), key="other")], "block"),
        Row([Cell(1, 5, p.get("purpose") or "", "l", key="purpose")], "block"),
        Row([Cell(0, 1, "资金支出计划（%）", rowspan=2, key="资金支出计划")]
            + [Cell(c, w, s.get("label", ""), key="plan_label") for (c, w), s in zip(spans, plan)], "block"),
        Row([Cell(c, w, _money(s.get("amount")), key="plan_amount") for (c, w), s in zip(spans, plan)],
            "block"),
        Row([Cell(0, 1, "绩效目标", key="绩效目标"), Cell(1, 5, _goals_text(p), "l", key="goals")], "block"),
    ]


def _block_rows_alt(p: dict, unit_name: str) -> list[Row]:
    """Another template: 项目名称 first, 主管部门/实施单位, 项目资金 sub-rows, 年度绩效目标."""
    b = p.get("budget") or {}
    plan = p.get("spending_plan") or []
    extra = p.get("extra") or {}
    spans = _plan_spans(len(plan), 6, 1)
    dept = extra.get("主管部门", unit_name)
    impl = extra.get("实施单位", unit_name)
    return [
        Row([Cell(0, 1, "项目名称", key="项目名称"), Cell(1, 6, p.get("name") or "", key="name")], "block"),
        Row([Cell(0, 1, "项目编码", key="项目编码"), Cell(1, 6, p.get("code") or "", key="code")], "block"),
        Row([Cell(0, 1, "主管部门", key="主管部门"), Cell(1, 2, dept, key="dept"),
             Cell(3, 1, "实施单位", key="实施单位"), Cell(4, 3, impl, key="impl")], "block"),
        Row([Cell(0, 1, "项目资金（万元）", rowspan=3, key="项目资金"),
             Cell(1, 2, "年度资金总额", key="年度资金总额"), Cell(3, 4, _money(b.get("total")), key="total")],
            "block"),
        Row([Cell(1, 2, "其中：财政拨款", key="其中：财政拨款"), Cell(3, 4, _money(b.get("fiscal")), key="fiscal")],
            "block"),
        Row([Cell(1, 2, "其他资金", key="其他资金"), Cell(3, 4, _money(b.get("other")), key="other")], "block"),
        Row([Cell(0, 1, "资金用途", key="资金用途"), Cell(1, 6, p.get("purpose") or "", "l", key="purpose")],
            "block"),
        Row([Cell(0, 1, "资金支出计划（%）", rowspan=2, key="资金支出计划")]
            + [Cell(c, w, s.get("label", ""), key="plan_label") for (c, w), s in zip(spans, plan)], "block"),
        Row([Cell(c, w, _money(s.get("amount")), key="plan_amount") for (c, w), s in zip(spans, plan)],
            "block"),
        Row([Cell(0, 1, "年度绩效目标", key="年度绩效目标"), Cell(1, 6, _goals_text(p), "l", key="goals")],
            "block"),
    ]


_BLOCK7 = (63.7, 63.9, 63.7, 63.8, 72.3, 63.9, 85.0)


def _scale(ws: list[float], total: float) -> list[float]:
    s = sum(ws)
    return [w * total / s for w in ws]


def _table_width(fl: _Flow) -> float:
    v = fl.v
    if v.table_width:
        return min(v.table_width, fl.fw)
    return fl.fw * (476.5 / 487.3)


def _autofit(v: Variant, p_list: list[dict], limit: float) -> list[float]:
    """Column widths from the widest single-line content over all projects."""
    size = v.table_size
    nat = []
    for k in v.columns:
        texts = [v.header_word(k)]
        for p in p_list:
            inds = p.get("indicators") or []
            sc = _scores(inds) if inds else []
            texts += [_ind_cell_text(k, i, sc[j]) for j, i in enumerate(inds)]
        nat.append(max(text_width(s, size, v.autospace) for s in texts) + 2 * v.pad_x + 1.0)
    if sum(nat) <= limit:
        return nat
    # columns of short words keep their natural width; the sentence-long ones
    # (those wider than a quarter of the frame) share what is left
    long = [i for i, w in enumerate(nat) if w > limit / 4]
    short = sum(w for i, w in enumerate(nat) if i not in long)
    rest = max(limit - short, 60.0 * len(long))
    lo, hi = 0.0, max(nat)   # water-fill the long columns: cap the widest
    for _ in range(50):
        cap = (lo + hi) / 2
        if sum(min(nat[i], cap) for i in long) > rest:
            hi = cap
        else:
            lo = cap
    return [min(w, lo) if i in long else w for i, w in enumerate(nat)]


def _project_tables(fl: _Flow, p: dict, pos: int, content: dict, all_projects: list[dict]) -> list[Table]:
    v = fl.v
    tw = _table_width(fl)
    if v.autofit:
        iw = _autofit(v, all_projects, fl.fw)
        tw = sum(iw)
    else:
        iw = _scale([v.weight(k) for k in v.columns], tw)
    allow = {"split": True, "move": False}.get(v.row_split, pos % 2 == 0)
    size = v.table_size
    idx = p.get("index")
    header, repeat, data = _indicator_rows(p, v)
    hn = len(header)
    if v.layout == "single":
        if len(v.columns) != 6:
            raise ValueError("single layout needs the 6-column grid")
        block = _block_rows_grid6(p)
        rows = block + header + data
        return [Table(iw, rows, size, header=len(block), allow_split=allow, project=idx, header_n=hn,
                      repeat_rows=repeat)]
    unit_name = (content.get("unit") or {}).get("name") or ""
    block = _block_rows_alt(p, unit_name) if v.project_block == "alt" else _block_rows_standard(p)
    bw = _scale(list(_BLOCK7), tw)
    if v.autofit:  # the label column fits its longest label, the others share the rest
        lw = max(text_width(c.text, size, v.autospace) for r in block for c in r.cells if c.col == 0)
        lw += 2 * v.pad_x + 1.0
        bw = [lw] + _scale(list(_BLOCK7[1:]), tw - lw)
    return [Table(bw, block, size, allow_split=allow, project=idx),
            Table(iw, header + data, size, header=0, allow_split=allow, project=idx, header_n=hn,
                  repeat_rows=repeat)]


# ---------------------------------------------------------------------------
# Document parts
# ---------------------------------------------------------------------------


def _measure_text(m: dict) -> str:
    no = str(m.get("no") or "")
    if no and not no.startswith("（"):
        no = f"（{no}）"
    title = m.get("title") or ""
    text = m.get("text") or ""
    if title and text.startswith(title):
        return no + text
    if title and title[-1] not in "。；！？":
        title += "。"
    return no + title + text


def _overall(fl: _Flow, ov: Optional[dict]) -> None:
    v = fl.v
    ps = v.prose_size
    if ov:
        fl.new_page("prose")
        fl.y += ps
        fl.centered("第一部分", ps + 8, leading=1.7)
        fl.centered("部门整体绩效目标", ps + 6, leading=1.9)
        fl.y += ps * 0.3
        fl.heading("一、总体绩效目标", ps + 2)
        for para in (ov.get("summary") or "").split("\n"):
            fl.para(para, ps)
        fl.heading("二、分项绩效目标", ps + 2)
        for t in ov.get("targets") or []:
            fl.heading(f"{t.get('no')}、{t.get('title')}", ps)
            fl.para(f"绩效目标：{t.get('goal') or ''}", ps)
            fl.para(f"绩效指标：{t.get('indicator') or ''}", ps)
        fl.heading("三、工作保障措施", ps + 2)
        for m in ov.get("measures") or []:
            fl.para(_measure_text(m), ps)
    fl.new_page("section")
    fl.y += ps
    fl.centered("第二部分", ps + 8, leading=1.7, kind="section")
    fl.centered("预算项目绩效目标", ps + 6, leading=1.9, kind="section")


def _project(fl: _Flow, p: dict, pos: int, content: dict, project_pages: dict[int, list[int]]) -> None:
    v = fl.v
    size = v.table_size
    tables = _project_tables(fl, p, pos, content, content.get("projects") or [])
    for t in tables:
        _measure(t, v)
    tw = tables[-1].total_width
    x0 = fl.x0 + (fl.fw - tw) / 2
    title = f"{p.get('index')}.{p.get('title')}"
    tlead = v.title_size * 1.5
    tlines = wrap(title, fl.fw, v.title_size, v.autospace)
    ulead = size * 1.9
    need = len(tlines) * tlead + ulead + tables[0].heights[0]
    if v.new_page_per_project or fl.page.kind != "table":
        fl.new_page("table")
    elif fl.avail() < need + v.project_gap:
        fl.breaks.append(Break(fl.page.number, p.get("index"), "before_project"))
        fl.new_page("table")
    else:
        fl.y += v.project_gap
    first = fl.page.number
    for line in tlines:
        w = text_width(line, v.title_size, v.autospace)
        fl.text(fl.x0 + (fl.fw - w) / 2, fl.line_box(v.title_size, tlead), line, v.title_size, True)
        fl.y += tlead
    unit = content.get("unit") or {}
    left = " ".join(s for s in (unit.get("code"), unit.get("name")) if s)
    right = f"单位：{content.get('money_unit') or '万元'}"
    base = fl.line_box(size, ulead)
    fl.text(x0, base, left, size)
    fl.text(x0 + tw - text_width(right, size, v.autospace), base, right, size)
    fl.y += ulead
    for i, t in enumerate(tables):
        if i:
            fl.y += v.block_gap
        _place_table(fl, t, x0)
    project_pages[p.get("index")] = list(range(first, fl.page.number + 1))


# -- embedded front matter -------------------------------------------------

_DUTIES = [
    "巨鹿县总工会是全县各级工会组织和广大职工的领导机关，在县委和上级工会的领导下开展工作，主要职责是：",
    "（一）贯彻落实党的路线方针政策和县委决策部署，团结动员全县广大职工为实现经济社会发展目标建功立业。",
    "（二）依法维护职工合法权益，参与协调劳动关系，推进厂务公开和职工代表大会制度建设，构建和谐劳动关系。",
    "（三）指导基层工会组织建设，扩大工会组织覆盖面，推进新就业形态劳动者建会入会工作。",
    "（四）开展劳动和技能竞赛，做好劳动模范的评选、管理和服务工作，大力弘扬劳模精神、劳动精神和工匠精神。",
    "（五）开展困难职工帮扶救助工作，组织职工文化体育活动，建设职工书屋等职工文化阵地。",
    "（六）管理工会经费和资产，完成县委和上级工会交办的其他任务。",
]


def _budget_tables(year: int) -> list[tuple[str, list[float], list[Row]]]:
    t1 = ("表1", "部门收支总表", [150.0, 70.0, 170.0, 70.0], [
        Row([Cell(0, 2, "本年收入", key="h"), Cell(2, 2, "本年支出", key="h")], "header"),
        Row([Cell(0, 1, "项目", key="h"), Cell(1, 1, "预算数", key="h"), Cell(2, 1, "项目", key="h"),
             Cell(3, 1, "预算数", key="h")], "header"),
        *[Row([Cell(0, 1, a, "l"), Cell(1, 1, b, "r"), Cell(2, 1, c, "l"), Cell(3, 1, d, "r")]) for a, b, c, d in [
            ("一、一般公共预算拨款", "812.19", "一、一般公共服务支出", "786.40"),
            ("二、政府性基金预算拨款", "", "二、社会保障和就业支出", "15.62"),
            ("三、国有资本经营预算拨款", "", "三、卫生健康支出", "4.86"),
            ("四、财政专户管理资金", "", "四、住房保障支出", "5.31"),
            ("五、单位资金", "", "", ""),
            ("本年收入合计", "812.19", "本年支出合计", "812.19"),
            ("上年结转", "", "结转下年", ""),
            ("收入总计", "812.19", "支出总计", "812.19")]],
    ])
    t2 = ("表2", "一般公共预算支出表", [62.0, 150.0, 62.0, 62.0, 62.0, 62.0], [
        Row([Cell(0, 2, "功能分类科目", key="h"), Cell(2, 1, "合计", rowspan=2, key="h"),
             Cell(3, 2, "基本支出", key="h"), Cell(5, 1, "项目支出", rowspan=2, key="h")], "header"),
        Row([Cell(0, 1, "科目编码", key="h"), Cell(1, 1, "科目名称", key="h"), Cell(3, 1, "人员经费", key="h"),
             Cell(4, 1, "公用经费", key="h")], "header"),
        *[Row([Cell(0, 1, a, "l"), Cell(1, 1, b, "l"), Cell(2, 1, c, "r"), Cell(3, 1, d, "r"),
               Cell(4, 1, e, "r"), Cell(5, 1, f, "r")]) for a, b, c, d, e, f in [
            ("", "合计", "812.19", "94.15", "24.20", "693.84"),
            ("201", "一般公共服务支出", "786.40", "68.36", "24.20", "693.84"),
            ("20129", "群众团体事务", "786.40", "68.36", "24.20", "693.84"),
            ("2012901", "行政运行", "92.56", "68.36", "24.20", ""),
            ("2012999", "其他群众团体事务支出", "693.84", "", "", "693.84"),
            ("208", "社会保障和就业支出", "15.62", "15.62", "", ""),
            ("2080505", "机关事业单位基本养老保险缴费支出", "15.62", "15.62", "", ""),
            ("210", "卫生健康支出", "4.86", "4.86", "", ""),
            ("2101101", "行政单位医疗", "4.86", "4.86", "", ""),
            ("221", "住房保障支出", "5.31", "5.31", "", ""),
            ("2210201", "住房公积金", "5.31", "5.31", "", "")]],
    ])
    t3 = ("表3", "一般公共预算“三公”经费支出表", [70.0, 80.0, 60.0, 80.0, 80.0, 80.0], [
        Row([Cell(0, 1, "合计", rowspan=2, key="h"), Cell(1, 1, "因公出国（境）费用", rowspan=2, key="h"),
             Cell(2, 3, "公务用车购置及运行费", key="h"), Cell(5, 1, "公务接待费", rowspan=2, key="h")], "header"),
        Row([Cell(2, 1, "小计", key="h"), Cell(3, 1, "公务用车购置费", key="h"),
             Cell(4, 1, "公务用车运行费", key="h")], "header"),
        Row([Cell(i, 1, s, "r") for i, s in enumerate(["2.30", "0.00", "1.50", "0.00", "1.50", "0.80"])]),
    ])
    return [t1, t2, t3]


def _front_matter(fl: _Flow, content: dict) -> None:
    v = fl.v
    unit = (content.get("unit") or {}).get("name") or ""
    year = content.get("year") or ""
    ps = v.prose_size
    # cover
    fl.new_page("cover")
    fl.y = fl.top + (fl.bottom - fl.top) * 0.22
    fl.centered(unit, 30, leading=1.8, kind="cover")
    fl.centered(f"{year}年部门预算", 30, leading=1.8, kind="cover")
    fl.y = fl.top + (fl.bottom - fl.top) * 0.78
    fl.centered(f"{unit}编制", 16, bold=False, leading=1.8, kind="cover")
    fl.centered("二〇二三年一月" if year == 2023 else f"{year}年1月", 16, bold=False, leading=1.8, kind="cover")
    # 目录: the entries are resolved to printed page numbers when drawing
    fl.new_page("toc")
    fl.y += 10
    fl.centered("目  录", 22, leading=2.2, kind="toc")
    entries = [("一、部门职责及机构设置", "duties", 0), ("二、部门预算表", "t1", 0),
               ("表1 部门收支总表", "t1", 2), ("表2 一般公共预算支出表", "t2", 2),
               ("表3 一般公共预算“三公”经费支出表", "t3", 2), ("三、部门预算绩效目标", "perf0", 0),
               ("第一部分 部门整体绩效目标", "perf", 2), ("第二部分 预算项目绩效目标", "perf2", 2)]
    lead = ps * 2.2
    for text, key, ind in entries:
        fl.page.ops.append(("toc", fl.x0 + ind * ps, fl.line_box(ps, lead), text, key, ps))
        fl.y += lead
    # duties
    fl.new_page("prose")
    fl.toc_refs["duties"] = fl.page.number
    fl.heading("一、部门职责及机构设置", ps + 2, indent=0)
    for para in _DUTIES:
        fl.para(para, ps)
    fl.para(f"{unit}内设办公室、组织宣传部、权益保障部、经费审查委员会办公室4个科室，"
            f"纳入{year}年部门预算编制范围的为{unit}本级。", ps)
    # budget tables
    for i, (no, title, widths, rows) in enumerate(_budget_tables(year)):
        fl.new_page("budget")
        fl.toc_refs[f"t{i + 1}"] = fl.page.number
        if i == 0:
            fl.heading("二、部门预算表", ps + 2, kind="budget", indent=0)
        fl.centered(f"{no} {title}", 16, leading=1.8, kind="budget")
        size = 10.5
        t = Table(_scale(widths, min(fl.fw, sum(widths) * 1.05)), rows, size,
                  header=1, allow_split=True)
        _measure(t, v)
        x0 = fl.x0 + (fl.fw - t.total_width) / 2
        base = fl.line_box(size, size * 1.9)
        fl.text(x0, base, f"部门名称：{unit}", size)
        r = "单位：万元"
        fl.text(x0 + t.total_width - text_width(r, size, v.autospace), base, r, size)
        fl.y += size * 1.9
        _place_table(fl, t, x0)
    fl.new_page("section")
    fl.toc_refs["perf0"] = fl.page.number
    fl.toc_refs["perf"] = fl.page.number + 1 if content.get("overall") else fl.page.number
    fl.y += ps
    fl.centered("三、部门预算绩效目标", ps + 8, leading=1.8, kind="section")
    fl.centered(f"{unit}{year}年部门预算绩效目标", ps + 4, leading=1.8, kind="section")


# ---------------------------------------------------------------------------
# plan / render
# ---------------------------------------------------------------------------


def _plan_once(content: dict, v: Variant) -> Plan:
    fl = _Flow(v)
    if v.embedded:
        _front_matter(fl, content)
    _overall(fl, content.get("overall"))
    if v.embedded:
        fl.toc_refs["perf2"] = fl.page.number
    project_pages: dict[int, list[int]] = {}
    for pos, p in enumerate(content.get("projects") or []):
        _project(fl, p, pos, content, project_pages)
    # printed page numbers
    front = 2 if v.embedded else 0
    for pg in fl.pages:
        pg.label = pg.number - front if pg.number > front else None
    for pg in fl.pages:  # resolve the 目录 entries
        for i, op in enumerate(pg.ops):
            if isinstance(op, tuple) and op[0] == "toc":
                target = fl.toc_refs.get(op[4])
                label = fl.pages[target - 1].label if target else None
                pg.ops[i] = ("tocline", op[1], op[2], op[3], str(label or ""), op[5], fl.x1)
    return Plan(v, fl.W, fl.H, fl.pages, fl.cells, fl.breaks, project_pages)


#: Layout search (variants with ``require_breaks``): (table font size delta,
#: project gap delta, cell padding delta) candidates, tried in this order.
#: The padding moves where a page break falls inside a table by a little
#: per row; it varies only after every size and gap with the variant's own.
_SEARCH = [(ds, dg, dp) for dp in (0.0, 0.5, 1.0, 1.5, -0.5, -1.0)
           for ds in (0.0, -0.5, 0.5, -1.0, 1.0, -1.5, 1.5, -2.0)
           for dg in (0.0, 6.0, 12.0, -6.0, 18.0)]


def break_kinds(pl: Plan) -> set[str]:
    """The kinds of page break in ``pl``, plus ``row_end``: a break inside
    the last indicator row of a table (not the document's last) that leaves
    the ends of at least two of its cells, and nothing else of the table,
    to the next page; another project follows."""
    kinds = {b.kind for b in pl.breaks}
    last_project = max(pl.project_pages, default=None)
    if any(b.kind == "in_row" and b.row is not None and b.last and len(b.continued) >= 2 and b.project != last_project
           for b in pl.breaks):
        kinds.add("row_end")
    return kinds


def plan(content: dict, variant: Variant) -> Plan:
    """Lay ``content`` out in ``variant`` (no file written).

    For variants with ``require_breaks`` the layout is searched: the candidates
    in ``_SEARCH`` (table font size, space between projects and cell padding
    around the variant's own) are tried in a
    fixed order and the first whose page breaks include every required kind
    (``break_kinds``) is used (else the one with most of them) — deterministic
    for given content.
    """
    if not variant.require_breaks:
        return _plan_once(content, variant)
    want = set(variant.require_breaks)
    best, best_n = None, -1
    for ds, dg, dp in _SEARCH:
        pl = _plan_once(content, replace(variant, table_size=variant.table_size + ds,
                                         project_gap=max(6.0, variant.project_gap + dg),
                                         pad_y=max(0.5, variant.pad_y + dp)))
        got = break_kinds(pl)
        n = len(want & got)
        if n == len(want):
            return pl
        if n > best_n:
            best, best_n = pl, n
    return best


def _draw_text(c: rl_canvas.Canvas, H: float, op: TextOp) -> None:
    runs, cur = [], ""
    for ch in op.text:
        if cur and op.autospace and _gap(cur[-1], ch):
            runs.append(cur)
            cur = ""
        cur += ch
    if cur:
        runs.append(cur)
    x = op.x
    y = H - op.baseline
    c.saveState()
    if op.bold:
        c.setLineWidth(op.size * 0.03)
    for i, run in enumerate(runs):
        t = c.beginText(x, y)
        t.setFont(FONT, op.size)
        if op.charspace:
            t.setCharSpace(op.charspace)
        if op.bold:
            t.setTextRenderMode(2)
        t.textOut(run)
        c.drawText(t)
        x += text_width(run, op.size) + op.charspace * len(run) + op.autospace * op.size
    c.restoreState()


def _furniture(c: rl_canvas.Canvas, pl: Plan, pg: Page, content: dict) -> list[TextOp]:
    v = pl.variant
    ml, mr, mt, mb = v.margins
    ops: list[TextOp] = []
    if v.running_header and pg.kind != "cover":
        unit = (content.get("unit") or {}).get("name") or ""
        s = f"{unit}{content.get('year') or ''}年部门预算"
        size = 9.0
        y = mt - 26
        ops.append(TextOp((pl.width - text_width(s, size, v.autospace)) / 2, y, s, size, False, 0.0,
                          v.autospace))
        if v.rules != "none":
            c.setLineWidth(0.75)
            c.line(ml, pl.height - (y + 5), pl.width - mr, pl.height - (y + 5))
    if v.footer and pg.label is not None:
        style = v.footer
        if style == "mixed":
            style = "page_of" if pg.kind == "table" else "dash"
        total = max(p.label or 0 for p in pl.pages)
        s = f"- {pg.label} -" if style == "dash" else f"第 {pg.label} 页 共 {total} 页"
        size = 10.5
        ops.append(TextOp((pl.width - text_width(s, size, 0)) / 2, pl.height - mb + 30, s, size,
                          False, 0.0, 0.0))
    return ops


def render(content: dict, variant: Variant, path) -> None:
    """Typeset ``content`` (contract-shaped dict) in ``variant`` as a PDF at ``path``."""
    _register_font()
    bad = unsupported_chars(content)
    if bad:
        raise ValueError("STSong-Light cannot render " + ", ".join(f"U+{ord(c):04X}" for c in sorted(bad)))
    pl = plan(content, variant)
    c = rl_canvas.Canvas(str(path), pagesize=(pl.width, pl.height), pageCompression=1, invariant=1)
    c.setTitle(f"{(content.get('unit') or {}).get('name') or ''}{content.get('year') or ''}年部门预算绩效目标")
    c.setAuthor("layout_variants")
    for pg in pl.pages:
        c.setStrokeColorRGB(0, 0, 0)
        c.setFillColorRGB(0, 0, 0)
        for op in pg.ops + _furniture(c, pl, pg, content):
            if isinstance(op, TextOp):
                _draw_text(c, pl.height, op)
            elif isinstance(op, LineOp):
                c.setLineWidth(op.width)
                c.line(op.x0, pl.height - op.y0, op.x1, pl.height - op.y1)
            elif isinstance(op, RectOp):
                c.setFillGray(op.gray)
                c.rect(op.x0, pl.height - op.y1, op.x1 - op.x0, op.y1 - op.y0, stroke=0, fill=1)
                c.setFillGray(0)
            elif isinstance(op, tuple) and op[0] == "tocline":
                _, x, base, text, label, size, x1 = op
                w = text_width(text, size, variant.autospace)
                _draw_text(c, pl.height, TextOp(x, base, text, size, False, 0.0, variant.autospace))
                lw = text_width(label, size)
                _draw_text(c, pl.height, TextOp(x1 - lw, base, label, size))
                dots_w = x1 - lw - 4 - (x + w + 4)
                n = max(0, int(dots_w / text_width(".", size)))
                _draw_text(c, pl.height, TextOp(x1 - lw - 4 - n * text_width(".", size), base, "." * n, size))
        c.showPage()
    c.save()


def load_content(path=None) -> dict:
    with open(path or DEFAULT_CONTENT, encoding="utf-8") as f:
        return json.load(f)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="Render the layout variants of a document's content.")
    ap.add_argument("outdir")
    ap.add_argument("--content", help=f"contract-shaped JSON (default {DEFAULT_CONTENT})")
    ap.add_argument("--only", nargs="*", help="variant names")
    ap.add_argument("--png", action="store_true", help="also render PNGs with pdftoppm -r 60")
    a = ap.parse_args(argv)
    content = load_content(a.content)
    out = Path(a.outdir)
    out.mkdir(parents=True, exist_ok=True)
    for name, v in VARIANTS.items():
        if a.only and name not in a.only:
            continue
        pdf = out / f"{name}.pdf"
        render(content, v, pdf)
        pl = plan(content, v)
        kinds = sorted(break_kinds(pl))
        print(f"{name:28s} {len(pl.pages):3d} pages  breaks: {', '.join(kinds) or '-'}")
        if a.png:
            subprocess.run(["pdftoppm", "-r", "60", "-png", str(pdf), str(out / name)], check=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
