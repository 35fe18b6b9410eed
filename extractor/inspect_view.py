"""See what the extractor saw: each page drawn with the structure detected on
it, beside the rows extracted from it.  This module works out what is marked
on a page and where; ``inspect_render`` draws the marks on the rendered
pages and writes the files, ``inspect_html`` the page beside the rows.

``extractor inspect FILE.pdf [--pages 5-6] -o DIR`` writes

* ``DIR/page-NNN.png`` per page: the rendered page with table outlines
  (blue), cell boxes (light blue) tagged with their logical row and column
  (``r7-10c0`` is a cell spanning rows 7 to 10 of column 0), the indicator
  header as ``forms`` read it (orange: one or two rows, ``forms.
  header_bands``; each cell that gives a column tagged with its role, a word
  over a group of columns untagged), every cell
  tinted and tagged with the field it was mapped to (``level1`` …
  ``basis`` for indicator columns, ``code``/``total``/``goals`` … for the
  project block), page furniture that was set aside (grey), text lines
  outside tables (green; the project title and heading tagged) and cells
  whose text produced a warning (red, tagged with the warning code);
* ``DIR/index.html``: each page image beside the extracted rows of the
  projects on that page (project-block fields, indicator rows, warnings),
  for side-by-side review in a browser.

The overlay is built from the pipeline's own intermediate results
(``pipeline.read_layouts``, ``furniture.remove_furniture``,
``forms.layouts_to_forms``): every extracted value is a ``forms.Span`` that
carries its page and box, so nothing here segments a page again.  Cells that
no span covers are explained from the form's header columns: the rest of a
row split by a page break (``+basis``: its text was appended to the row
above), a blank merged cell that takes the text above (``=level1``), or text
that was not read (``unread``).  The ends of cells read from lines opening a
page are where forms recorded them (``ProjectForm.row_ends``).

Warnings are placed by their ``where`` text, which ``projects.py`` builds
from a project's index, a field name and the span's page; ``locations``
builds the same strings from the forms, so the mapping is an explicit table,
not a parser (``tests/test_inspect.py`` checks both stay in step).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Optional, Sequence

from .vocab import canonical_header
from .layout import Box, Cell, Grid, PageLayout
from .pagestatus import PageStatus, page_statuses

if TYPE_CHECKING:  # forms loads on first use
    from .forms import FormsResult, HeaderBand

#: Outline and tag colours (RGB).  Outlines are drawn opaque, tints with alpha.
GRID = (0, 70, 255)
CELL = (0, 170, 255)
HEADER = (255, 140, 0)
TEXT = (0, 150, 0)
FURNITURE = (120, 120, 120)
WARNING = (230, 0, 0)
UNREAD = (255, 0, 255)
#: Field colours: the indicator columns (一级指标 … 指标值确定依据 and the
#: split-value / extra columns) and the project block.
ROLE_COLOURS = {
    "level1": (150, 60, 210),
    "level2": (70, 90, 220),
    "level3": (0, 150, 150),
    "description": (40, 160, 60),
    "value": (220, 30, 140),
    "basis": (160, 100, 30),
    "operator": (0, 120, 200),
    "unit": (0, 120, 200),
    "extra": (110, 110, 0),
    "block": (190, 130, 0),
    "label": (150, 150, 150),
}
#: The printed header each indicator role stands for (for the legend).
ROLE_HEADERS = {
    **{role: canonical_header(role) for role in ("level1", "level2", "level3", "description", "value", "basis", "operator", "unit")},
    "extra": "other columns (评分标准, 分值 …)",
    "block": "project-block values (项目编码 code, 项目名称 name, 预算数 total, 财政资金 fiscal, 其他资金 other, "
             "资金用途 purpose, 绩效目标 goals, 资金支出计划 month/plan)",
    "label": "project-block label cells",
}


# -- what the pipeline saw ------------------------------------------------------------


@dataclass
class Inspection:
    """A document with the intermediate structures it was extracted from."""

    path: Path
    document: object  # document.Document
    #: Page layouts with furniture set aside (``PageLayout.furniture``).
    layouts: list[PageLayout]
    forms: FormsResult
    #: Why each page was or was not read (``pagestatus.page_statuses``).
    statuses: dict[int, PageStatus] = field(default_factory=dict)

    def layout(self, page: int) -> Optional[PageLayout]:
        return next((l for l in self.layouts if l.page.number == page), None)


def inspect_pdf(path: str | Path, *, settings=None, password: Optional[str] = None) -> Inspection:
    """Run the pipeline on ``path`` once and keep what the overlay needs:
    the document is exactly what ``extract`` returns, and the layouts and
    forms are the ones it was built from (OCR'd pages included)."""
    from .pipeline import extract_with_intermediates
    from .settings import DEFAULT

    path = Path(path)
    settings = settings or DEFAULT
    run = extract_with_intermediates(path, settings=settings, password=password)
    statuses = page_statuses(run.document, run.layouts, run.forms, pages=run.document.source.pages,
                             triage_on=settings.triage)
    return Inspection(path=path, document=run.document, layouts=list(run.layouts), forms=run.forms, statuses=statuses)


# -- where the warnings are ---------------------------------------------------------------


_AMOUNT_FIELDS = (("total", "预算数"), ("fiscal", "财政资金"), ("other", "其他资金"))


@dataclass(frozen=True)
class Location:
    """A place a warning can name: its ``where`` text, the span to mark, and
    the project (and indicator number) it belongs to."""

    where: str
    span: object  # forms.Span
    project: int
    indicator: Optional[int] = None


def form_records(inspection: Inspection) -> list[tuple[object, object, object]]:
    """(form, its record, its kind) for every form read: a project form with
    its ``Project``, a department form with its ``DepartmentForm``."""
    from .forms.kinds import form_kind

    doc = inspection.document
    projects = iter(doc.projects)
    departments = iter(doc.overall.forms if doc.overall is not None else [])
    out = []
    for form in inspection.forms.forms:
        kind = form_kind(form)
        record = next(departments if kind.scope == "department" else projects, None)
        if record is not None:
            out.append((form, record, kind))
    return out


def locations(form, index: int, scope: str = "project") -> list[Location]:
    """Every place ``projects.form_to_project`` (or ``departments``) can
    name in a warning on ``form`` (number ``index``), with the ``where``
    text worded as there."""
    out: list[Location] = []
    what = "department form" if scope == "department" else "project"

    def put(span, field_name: str, mark=None, indicator: Optional[int] = None) -> None:
        if span is not None:
            out.append(Location(f"page {span.page}, {what} {index}, {field_name}", mark or span, index, indicator))

    first: dict[str, object] = {}
    for role, _label, span in form.labels:
        first.setdefault(role, span)
    for role, name in _AMOUNT_FIELDS:
        put(first.get(role), name)
    for label, value in form.spending:
        put(value, f"资金支出计划 {label.text}")
    for name in ("项目编码", "项目名称"):
        put(form.title, name)
    for n, row in enumerate(form.rows, start=1):
        value = row.fields.get("value")
        put(value, f"indicator {n} 指标值", indicator=n)
        # "the indicator has no 三级指标" is named by the value's page; the
        # (blank) 三级指标 cell is the one to look at when there is one.
        put(value, f"indicator {n}", row.fields.get("level3") or value, indicator=n)
    return out


def warned_locations(inspection: Inspection) -> tuple[list[tuple[object, Location]], list[object]]:
    """([(warning, location)], [warnings with no place on a page])."""
    doc = inspection.document
    table: dict[str, list[Location]] = {}
    for form, record, kind in form_records(inspection):
        for loc in locations(form, record.index, kind.scope):
            table.setdefault(loc.where, []).append(loc)
    placed, loose = [], []
    for w in doc.warnings:
        found = table.get(w.where)
        if found:
            placed.extend((w, loc) for loc in found)
        else:
            loose.append(w)
    return placed, loose


# -- what each cell became ------------------------------------------------------------------


@dataclass(frozen=True)
class Mark:
    """One box to draw: ``kind`` picks the style, ``tag`` the label."""

    page: int
    box: Box
    kind: str
    tag: str = ""
    colour: tuple[int, int, int] = (0, 0, 0)


def field_marks(inspection: Inspection) -> list[Mark]:
    """Every extracted span, tinted by the field it became."""
    marks: list[Mark] = []
    seen: set[tuple] = set()

    def add(span, kind: str, tag: str, colour) -> None:
        key = (span.page, span.box, tag)
        if key in seen:
            return
        seen.add(key)
        marks.append(Mark(span.page, span.box, kind, tag, colour))

    for form in inspection.forms.forms:
        if form.title is not None:
            add(form.title, "text", "title", TEXT)
        for span in form.heading:
            add(span, "text", "heading", TEXT)
        for role, _label, span in form.labels:
            add(span, "field", role, ROLE_COLOURS["block"])
        for label, value in form.spending:
            add(label, "field", "month", ROLE_COLOURS["block"])
            add(value, "field", "plan", ROLE_COLOURS["block"])
        for row in form.rows:
            for role, span in row.fields.items():
                add(span, "field", role, ROLE_COLOURS.get(role, ROLE_COLOURS["extra"]))
            for _header, span in row.extra.items():
                add(span, "field", "extra", ROLE_COLOURS["extra"])
    return marks


def _squash(text: str) -> str:
    return "".join(text.split())


def _header_cells(grid: Grid, bands: Sequence[HeaderBand]) -> list[tuple[Cell, str]]:
    """Every cell of the grid's indicator headers ``bands`` (as ``forms``
    reads them, ``forms.header_bands``: a header may take two rows), with
    the role of the column it gives ("" for a word over a group of
    columns)."""
    out = []
    for band in bands:
        roles = {(c.x0, c.x1): c.role for c in band.columns}
        out += [(c, roles.get((c.box.x0, c.box.x1), "")) for c in sorted(grid.cells, key=lambda c: (c.row, c.col))
                if band.first <= c.row <= band.last]
    return out


def _column_of(cell: Cell, columns) -> Optional[object]:
    best, best_overlap = None, 0.0
    for col in columns:
        overlap = min(cell.box.x1, col.x1) - max(cell.box.x0, col.x0)
        if overlap > best_overlap:
            best, best_overlap = col, overlap
    return best


def _owners(inspection: Inspection, page: int) -> dict[Box, tuple[int, str]]:
    """Box of every span on ``page`` -> (form number, "block" | "ind")."""
    owner: dict[Box, tuple[int, str]] = {}
    for k, form in enumerate(inspection.forms.forms):
        block = [span for _, _, span in form.labels] + [s for pair in form.spending for s in pair]
        for span in block:
            if span.page == page:
                owner.setdefault(span.box, (k, "block"))
        for row in form.rows:
            for span in list(row.fields.values()) + list(row.extra.values()):
                if span.page == page:
                    owner.setdefault(span.box, (k, "ind"))
    return owner


def _row_owners(grid: Grid, owner: dict, header_rows: set[int]) -> list[Optional[tuple[Optional[int], str]]]:
    """(form number, "block" | "ind") for every row of ``grid``: from the
    spans that start in it; a row without any (a blank row, the rest of a
    row split by a page break) belongs with the row above it, or the row
    below at the top of a grid; a header row opens indicator rows."""
    rows: list[Optional[tuple[Optional[int], str]]] = [None] * grid.n_rows
    for r in range(grid.n_rows):
        if r in header_rows:
            rows[r] = (None, "ind")
            continue
        found = [owner[c.box] for c in grid.cells if c.row == r and c.box in owner]
        if found:
            rows[r] = max(set(found), key=found.count)
    for r in range(1, grid.n_rows):  # downwards: the row above
        above = rows[r - 1]
        if above is not None and (rows[r] is None or (rows[r][0] is None and r not in header_rows)):
            rows[r] = above
    for r in range(grid.n_rows - 2, -1, -1):  # upwards: fill what is left
        below = rows[r + 1]
        if below is not None and (rows[r] is None or rows[r][0] is None):
            rows[r] = (below[0], rows[r][1] if rows[r] else below[1])
    return rows


def structure_marks(inspection: Inspection, page: int, fields: Sequence[Mark]) -> list[Mark]:
    """Tables, cells, header rows, furniture, text lines, and the cells no
    extracted field covers (explained from their form's header columns)."""
    from .forms import header_bands
    from .vocab import label_role

    layout = inspection.layout(page)
    if layout is None:
        return []
    forms = inspection.forms.forms
    marks: list[Mark] = []
    owner = _owners(inspection, page)
    # Every span text per form and role, to tell a fragment appended to a
    # span from text that no field took.
    texts: dict[tuple[int, str], list[str]] = {}
    for k, form in enumerate(forms):
        if page in form.pages:
            for row in form.rows:
                for role, span in list(row.fields.items()) + [("extra", s) for s in row.extra.values()]:
                    texts.setdefault((k, role), []).append(_squash(span.text))
            for role, _label, span in form.labels:
                texts.setdefault((k, f"block:{role}"), []).append(_squash(span.text))

    for n, grid in enumerate(layout.grids, start=1):
        marks.append(Mark(page, grid.box, "grid", f"table {n}: {grid.n_rows}x{grid.n_cols} ({grid.source})", GRID))
        bands = header_bands(grid)
        header_rows = {r for band in bands for r in range(band.first, band.last + 1)}
        for c, role in _header_cells(grid, bands):
            marks.append(Mark(page, c.box, "header", role, HEADER))
        rows = _row_owners(grid, owner, header_rows)
        for cell in grid.cells:
            marks.append(Mark(page, cell.box, "cell", _rc(cell), CELL))
            info = rows[cell.row]
            if cell.box in owner or cell.row in header_rows or info is None or info[0] is None:
                continue
            k, kind = info
            if kind == "ind" and forms[k].columns:
                col = _column_of(cell, forms[k].columns)
                if col is None:
                    continue
                role = col.role
                colour = ROLE_COLOURS.get(role, ROLE_COLOURS["extra"])
                if not cell.text:
                    if role in ("level1", "level2"):
                        marks.append(Mark(page, cell.box, "continued", f"={role}", colour))
                elif any(_squash(cell.text) in t for t in texts.get((k, role), [])):
                    marks.append(Mark(page, cell.box, "continued", f"+{role}", colour))
                else:
                    marks.append(Mark(page, cell.box, "unread", f"unread {role}", UNREAD))
            elif cell.text:
                if label_role(cell.text) or _is_month(cell.text):
                    marks.append(Mark(page, cell.box, "label", "label", ROLE_COLOURS["label"]))
                    continue
                # A value appended to the label before it (a row split by a
                # page break inside the project block).
                bare = _squash(cell.text)
                roles = [key[1][6:] for key, values in texts.items()
                         if key[0] == k and key[1].startswith("block:") and any(bare in t for t in values)]
                if roles:
                    marks.append(Mark(page, cell.box, "continued", f"+{roles[0]}", ROLE_COLOURS["block"]))
                else:
                    marks.append(Mark(page, cell.box, "unread", "unread", UNREAD))
    tagged = {m.box for m in fields if m.page == page and m.kind == "text"}
    ends = {span.box: key for form in forms for key, span in form.row_ends if span.page == page}
    # one tag per cell end, under its last line (tags under every line would
    # cover the next one)
    lowest = {key: box for box, key in sorted(ends.items(), key=lambda item: item[0].top)}
    for line in layout.lines:
        pieces = [p for p in (line.runs or (line,)) if p.box in ends]
        if pieces:  # the ends of cells of a row split by the page break
            for p in pieces:
                key = ends[p.box]
                role = key if key in ROLE_COLOURS else "extra"
                tag = f"+{role}" if lowest[key] == p.box else ""
                marks.append(Mark(page, p.box, "continued", tag, ROLE_COLOURS[role]))
        elif not any(_inside(line.box, b) for b in tagged):
            marks.append(Mark(page, line.box, "text", "", TEXT))
    for line in layout.furniture:
        marks.append(Mark(page, line.box, "furniture", "furniture", FURNITURE))
    return marks


def _is_month(text: str) -> bool:
    from .forms import MONTH_LABEL

    return bool(MONTH_LABEL.match(text.replace(" ", "")))


def _inside(inner: Box, outer: Box, slack: float = 1.0) -> bool:
    return (outer.x0 - slack <= inner.x0 and inner.x1 <= outer.x1 + slack
            and outer.top - slack <= inner.top and inner.bottom <= outer.bottom + slack)


def _rc(cell: Cell) -> str:
    rows = f"{cell.row}" if cell.rowspan == 1 else f"{cell.row}-{cell.last_row}"
    cols = f"{cell.col}" if cell.colspan == 1 else f"{cell.col}-{cell.last_col}"
    return f"r{rows}c{cols}"


def page_marks(inspection: Inspection, page: int) -> list[Mark]:
    """Everything drawn on ``page``, in drawing order."""
    fields = field_marks(inspection)
    marks = structure_marks(inspection, page, fields) + [m for m in fields if m.page == page]
    placed, _ = warned_locations(inspection)
    marks += [Mark(page, loc.span.box, "warning", w.code, WARNING) for w, loc in placed if loc.span.page == page]
    order = ["field", "continued", "label", "furniture", "text", "cell", "grid", "header", "unread", "warning"]
    return sorted(marks, key=lambda m: order.index(m.kind))
