"""Why each page of a conversion was or was not read, for ``extractor inspect``.

A page that gave nothing looks the same on an overlay whatever the cause: the
first pass (``triage.py``) never parsed it, it has no text layer, its text is
garbage, or it was parsed and held no table, or a table that is no
绩效目标表.  ``page_statuses`` tells them apart from what the run itself
recorded (which pages have a layout, the page warnings, the forms and the
prose lines), so the overlay and index.html can say it per page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable, Optional, Sequence

from .layout import Grid, PageLayout

#: Status -> colour of its tag on the page image (RGB).
COLOURS = {
    "form": (0, 130, 60),
    "prose": (0, 130, 60),
    "skipped": (120, 120, 120),
    "lost": (200, 0, 0),
    "no_text": (200, 0, 0),
    "unreadable": (200, 0, 0),
    "not_form": (200, 110, 0),
    "no_grid": (120, 120, 120),
    "blank": (120, 120, 120),
}
#: Page warnings that say a page was not read, and the status each gives.
UNREAD_CODES = {"lost_pages": "lost", "no_text_layer": "no_text", "unreadable_text": "unreadable"}
#: Warnings that say why OCR did not read such a page either.
OCR_REFUSALS = ("ocr_low_resolution", "ocr_unreadable_text")


@dataclass(frozen=True)
class PageStatus:
    """One page: ``status`` (a key of ``COLOURS``), ``label`` (short, ASCII:
    drawn on the page image), ``why`` (the explanation for index.html) and
    whether OCR read it."""

    page: int
    status: str
    label: str
    why: str
    ocr: bool = False


_PAGES = re.compile(r"\bpages? ((?:\d+(?:-\d+)?)(?:, ?\d+(?:-\d+)?)*)")


def pages_named(where: str) -> set[int]:
    """The pages a warning's ``where`` names: "page 3", "pages 1-3, 7"."""
    out: set[int] = set()
    for m in _PAGES.finditer(where):
        for part in m.group(1).split(","):
            lo, _, hi = part.strip().partition("-")
            out.update(range(int(lo), int(hi or lo) + 1))
    return out


def pages_with(warnings: Iterable, code: str) -> set[int]:
    return {n for w in warnings if w.code == code for n in pages_named(w.where)}


def grid_kind(grid: Grid) -> str:
    """What a table is by its words: ``project`` (project-block labels
    项目名称 / 项目编码: it opens a form), ``indicators`` (an indicator
    header 一级指标 … 指标值) or ``other``."""
    from .forms import has_header
    from .vocab import label_role

    if any(label_role(c.text) in ("code", "name") for c in grid.cells if c.text):
        return "project"
    if has_header(grid):
        return "indicators"
    return "other"


def why_not_a_form(grids: Sequence[Grid]) -> str:
    """Why the tables of a page that no form took are not read as one."""
    kinds = {grid_kind(g) for g in grids}
    tables = "a table" if len(grids) == 1 else f"{len(grids)} tables"
    if kinds == {"other"}:
        return (f"{tables} without the words of a performance form (no 项目名称/项目编码 label, no 一级指标 … 指标值 "
                "header): another kind of table, such as a 收支总表")
    if "indicators" in kinds:
        return (f"{tables} with an indicator header but no project open to take it (no 项目名称 or 绩效目标表 "
                "title before it)")
    return f"{tables} with project-block labels that no form was built from (see the warnings)"


def read_status(page: int, layout: PageLayout, form_pages: set[int], prose_pages: set[int],
                overall_found: bool) -> PageStatus:
    """The status of a page that was parsed.  ``overall_found``: whether the
    document's prose gave 部门整体绩效目标 (the prose stage reads it from the
    text outside forms of every page, so a page cannot claim it alone)."""
    n = len(layout.grids)
    if page in form_pages:
        what = "a project form" if n <= 1 else f"project forms ({n} tables)"
        return PageStatus(page, "form", "read: project form", f"read: {what}")
    if layout.grids:
        return PageStatus(page, "not_form", "read: a table that is not a form", "read: " + why_not_a_form(layout.grids))
    if page in prose_pages:
        overall = ("部门整体绩效目标 is read from this prose" if overall_found
                   else "no 部门整体绩效目标 was found in the document's prose")
        return PageStatus(page, "prose", "read: text, no table", f"read: text, no table ({overall})")
    if not layout.lines and not layout.furniture:
        return PageStatus(page, "blank", "read: blank", "read: no text on the page")
    return PageStatus(page, "no_grid", "read: no table", "read: no table, and no text of the performance part")


def unread_status(page: int, code: Optional[str], message: str, triage_on: bool) -> PageStatus:
    """The status of a page without a layout: named by a page warning, or
    left out by the first pass."""
    if code == "lost_pages":
        return PageStatus(page, "lost", "not read: page lost", f"not read: the page could not be parsed ({message})")
    if code == "no_text_layer":
        return PageStatus(page, "no_text", "not read: no text layer",
                          f"not read: no text layer (an image, a scan): {message}")
    if code == "unreadable_text":
        return PageStatus(page, "unreadable", "not read: unreadable text", f"not read: {message}")
    if triage_on:
        return PageStatus(page, "skipped", "skipped by the first pass",
                          "skipped by the first pass: a cheap text scan found no form vocabulary (part headings, "
                          "…绩效目标表 titles, 项目编码/项目名称) on or before it; --all-pages reads it")
    return PageStatus(page, "no_grid", "not read", "not read")


def page_statuses(document, layouts: Sequence[PageLayout], forms, *, pages: int,
                  triage_on: bool = True) -> dict[int, PageStatus]:
    """Every page of the document (1 … ``pages``) with its status."""
    by_page = {layout.page.number: layout for layout in layouts}
    form_pages = {n for form in forms.forms for n in form.pages}
    prose_pages = {line.page for line in forms.prose}
    ocr_pages = pages_with(document.warnings, "ocr_pages")
    unread: dict[int, tuple[str, str]] = {}
    for w in document.warnings:
        if w.code in UNREAD_CODES:
            for n in pages_named(w.where):
                unread.setdefault(n, (w.code, w.message))
    for w in document.warnings:
        if w.code in OCR_REFUSALS:
            for n in pages_named(w.where) & set(unread):
                code, message = unread[n]
                unread[n] = (code, f"{message}; OCR: {w.message}")
    out = {}
    for page in range(1, pages + 1):
        layout = by_page.get(page)
        if layout is not None and (page not in unread or page in ocr_pages):
            status = read_status(page, layout, form_pages, prose_pages, document.overall is not None)
        else:
            named: tuple[Optional[str], str] = unread[page] if page in unread else (None, "")
            status = unread_status(page, *named, triage_on)
        if page in ocr_pages:
            status = PageStatus(page, status.status, f"OCR'd, {status.label}", f"read by OCR; {status.why}", ocr=True)
        out[page] = status
    return out
