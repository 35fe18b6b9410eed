"""The pipeline: a plain composition of the stages.

    triage    PDF -> the pages worth parsing (pdfium text)      triage.py
    pages     PDF -> Page (chars, rulings)                     pages.py, page_objects.py
    grids     Page -> PageLayout (grids of merged cells, text)  grids.py
    forms     PageLayouts -> ProjectForms + prose lines         forms.py
    prose     prose lines -> Overall                            prose.py
    projects  ProjectForms -> Projects (Targets normalized)     projects.py
    document  everything -> Document                            document.py
    quality   Document -> consistency warnings appended         quality.py

Pages stream through the first two stages one at a time; only the small
layouts (text and cells, no parser objects) are kept for the later stages.
No stage keeps state between calls: ``extract`` holds the run's state in
local variables only.  ``extract(path, times=StageTimes())`` fills in the
seconds each stage took (``timing.py``; the benchmark's ``--profile``).
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Iterator, Optional


from . import collector, errors, ocr as ocr_stage, quality
from .departments import forms_to_departments
from .facts import YEAR_STATED, document_facts
from .document import Document, Overall, Source, Warning
from .forms import FormsResult, layouts_to_forms
from .forms.kinds import form_kind
from .furniture import edge_lines, remove_furniture
from .grids import segment_page
from .layout import Box, Cell, Char, Grid, Page, PageLayout, TextLine
from .pages import iter_pages, open_pdf, page_notes
from .readable import check_input
from .projects import forms_to_projects
from .prose import lines_to_paragraphs, overall_paragraphs, paragraphs_to_overall
from .settings import DEFAULT, Settings
from .timing import StageTimes, measuring, stage
from .triage import triage


#: ``extractor -v`` shows these records (cli.configure_logging).
log = logging.getLogger("extractor.pipeline")

# pdfminer reports what it works around ("Could not set text matrix") as log
# warnings, which Python prints on stderr when nothing is configured: a
# handler of its own keeps them off stderr, and an application that
# configures logging still gets them (they propagate).
logging.getLogger("pdfminer").addHandler(logging.NullHandler())


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def read_layouts(path: Path, settings: Settings, password: Optional[str], times: Optional[StageTimes],
                 ocr: Optional[ocr_stage.OcrStage] = None):
    """Stages 1-2 over the whole file; returns layouts, the closed
    ``pages.OpenedPDF`` (its page checks, for ``pages.page_notes``), page
    count and lost pages.  ``ocr`` replaces pages without a usable text
    layer by their OCR (``ocr.OcrStage``)."""
    with measuring(times), stage("open"):
        opened = open_pdf(path, password=password, settings=settings)
    with opened, measuring(times):
        # The cheap first pass (triage.py): pages before the performance
        # section are not parsed; forced OCR reads every page.
        first = triage(opened, settings, password, keep=(YEAR_STATED,)) if getattr(ocr, "mode", None) != "force" else None
        # Pages that may state the year are parsed in turn until one does
        # (outside the page edges, where furniture may be): the rest are not.
        wanted = None if first is None or first.read is None else set(first.read) | set(first.optional)
        if wanted is not None:
            log.info("%s: the first pass leaves %d of %d pages unread (before the performance section)",
                     path.name, opened.page_count - len(wanted), opened.page_count)
        pages = iter_pages(opened, settings, only=wanted)
        if ocr is not None:
            pages = _staged("ocr", ocr(pages, opened))
        layouts = []
        boxless: dict[tuple[str, float], Char] = {}  # _light's characters, shared by every page
        for page in pages:
            with stage("grids"):
                layout = _light(segment_page(page, settings), boxless)
            log.debug("%s: page %d: %d tables, %d lines outside them", path.name, page.number, len(layout.grids),
                      len(layout.lines))
            layouts.append(layout)
            if first is not None and wanted is not None and page.number in first.optional and _states_year(layout, settings):
                wanted.difference_update(n for n in first.optional if n > page.number)
        if first is not None and wanted is not None:
            passed = [s for n, s in first.stats.items() if n not in wanted]
            opened.stats = sorted([*opened.stats, *passed], key=lambda s: s.number)
        return layouts, opened, opened.page_count, list(opened.lost_pages)


def _staged(name: str, items: Iterable) -> Iterator:
    """``items``, with the time spent producing each charged to stage
    ``name`` (less the stages nested in it)."""
    it = iter(items)
    while True:
        with stage(name):
            item = next(it, _END)
        if item is _END:
            return
        yield item


_END = object()


def _states_year(layout: PageLayout, settings: Settings) -> bool:
    """Whether a line of the page that is certainly prose (not a candidate
    running header or footer) states the budget year: ``document_facts``
    then takes it, whatever the pages after say."""
    top, bottom = edge_lines(layout, settings)
    edges = {id(line) for line in (*top, *bottom)}
    return any(YEAR_STATED.search(line.text) for line in layout.lines if id(line) not in edges)


def _light(layout: PageLayout, made: Optional[dict[tuple[str, float], Char]] = None) -> PageLayout:
    """Drop the page's raw characters once segmented: later stages use the
    cells and lines only, and long documents must not pile up glyphs.  The
    characters kept in lines and cells keep their text and size (body text
    size, headings) but not their boxes, which nothing after segmentation
    reads (lines and cells have their own): a box and its four numbers are
    two thirds of a character's memory.  What forms needs of the positions
    segmentation recorded beforehand: the pieces of the lines above every
    table of a page (``TextLine.runs``), which share the line's characters.
    Characters read by OCR keep their boxes: low-confidence warnings place
    them in their cells.  ``made``: the box-less characters made so far,
    by text and size, which every page of a document shares: one object
    per text and size for the whole document, not one per page, so that
    the garbage collector has far fewer to walk over and over while the
    layouts pile up."""
    page = layout.page
    slim = Page(page.number, page.width, page.height, (), (), page.image_area, page.unmapped)
    grids, lines = layout.grids, layout.lines
    if all(c.confidence == 1.0 for line in _all_lines(layout) for c in line.chars):
        made = {} if made is None else made
        grids = tuple(
            Grid(g.page, g.box, g.xs, g.ys, tuple(
                Cell(c.page, c.row, c.col, c.rowspan, c.colspan, c.box, tuple(_boxless(l, made) for l in c.lines), c.text)
                for c in g.cells), g.source)
            for g in grids)
        lines = tuple(_boxless(l, made) for l in lines)
    return PageLayout(page=slim, grids=grids, lines=lines, furniture=layout.furniture)


#: The box of every character kept after segmentation (see ``_light``).
_NO_BOX = Box(0.0, 0.0, 0.0, 0.0)


def _all_lines(layout: PageLayout) -> Iterator[TextLine]:
    yield from layout.lines
    for grid in layout.grids:
        for cell in grid.cells:
            yield from cell.lines


def _boxless(line: TextLine, made: dict[tuple[str, float], Char]) -> TextLine:
    # Box-less characters of one text and size are alike: the document's
    # lines share one object for each (``made``), which is also cheaper
    # than making a character per glyph.
    chars = tuple([made.get(key := (c.text, c.size)) or made.setdefault(key, Char(c.text, _NO_BOX, c.size))
                   for c in line.chars])
    runs = _boxless_runs(line, chars) if line.runs else ()
    return TextLine(line.page, chars, line.box, line.text, runs)


def _boxless_runs(line: TextLine, chars: tuple[Char, ...]) -> tuple[TextLine, ...]:
    """The line's runs (``TextLine.runs``) over its box-less characters:
    the same objects, not copies (a run is a slice of its line)."""
    slim = {id(old): new for old, new in zip(line.chars, chars)}
    return tuple(TextLine(r.page, tuple(slim[id(c)] for c in r.chars), r.box, r.text) for r in line.runs)


def extract(
    path: str | Path,
    *,
    settings: Settings = DEFAULT,
    password: Optional[str] = None,
    times: Optional[StageTimes] = None,
    strict: bool = False,
    ocr: ocr_stage.Mode = "auto",
    progress: Optional[Callable[[ocr_stage.Progress], None]] = None,
) -> Document:
    """Convert one PDF into a ``Document``.  Raises ``errors.ExtractorError``
    subclasses for files that cannot be converted; with ``strict``, also
    ``errors.NoPerformanceTables`` for a document without 绩效目标表 (else a
    warning).  Damaged, unreadable and image-only pages become warnings
    (``pages.page_notes``).  ``ocr``: ``"auto"`` reads pages without a
    usable text layer by OCR when the ``ocr`` extra is installed, ``"force"``
    every page, ``"off"`` none; ``progress`` is called after each OCR'd page."""
    check_input(path)  # before Path(): Path("") is the current folder
    with collector.paused(settings.pause_gc), measuring(times), stage("document"):
        return _extract(Path(path), settings, password, times, strict, ocr, progress).document


@dataclass(frozen=True)
class Extraction:
    """A document with the intermediates it was built from: the page
    layouts (furniture set aside) and the forms read from them.  What
    ``extractor inspect`` draws; the same run, so OCR'd pages are there too."""

    document: Document
    layouts: tuple[PageLayout, ...]
    forms: FormsResult


def extract_with_intermediates(
    path: str | Path,
    *,
    settings: Settings = DEFAULT,
    password: Optional[str] = None,
    ocr: ocr_stage.Mode = "auto",
) -> Extraction:
    """``extract``, keeping the layouts and forms (memory: every page's
    layout stays alive until the caller drops the result)."""
    with collector.paused(settings.pause_gc):
        return _extract(Path(path), settings, password, None, False, ocr, None)


def assemble(layouts: list[PageLayout], path: Path, page_count: int, warnings: list[Warning],
             settings: Settings = DEFAULT, strict: bool = False) -> tuple[Document, FormsResult]:
    """The stages after segmentation: page layouts (furniture set aside) ->
    forms -> prose, document facts, projects -> the ``Document`` (before
    the data-quality rules).  ``warnings``: those of the pages stage."""
    warnings = list(warnings)
    with stage("forms"):
        forms = layouts_to_forms(layouts)

    with stage("prose"):
        paragraphs = overall_paragraphs(lines_to_paragraphs(forms.prose, settings)) if forms.prose else None
        overall = paragraphs_to_overall(paragraphs) if paragraphs else None

    # the budget year first: it dates deadlines printed without one ("12月底前")
    unit, money, year, fact_warnings = document_facts(forms, path)
    with stage("projects"):
        scopes = [form_kind(f).scope for f in forms.forms]
        projects, project_warnings = forms_to_projects(
            [f for f, scope in zip(forms.forms, scopes) if scope == "project"], year=year)
        departments, department_warnings = forms_to_departments(
            [f for f, scope in zip(forms.forms, scopes) if scope == "department"], year=year)
    if departments:
        overall = dataclasses.replace(overall, forms=departments) if overall else Overall(summary=None, forms=departments)
    warnings.extend(project_warnings)
    warnings.extend(department_warnings)
    warnings.extend(fact_warnings)
    if not projects and not departments:
        if strict:
            raise errors.NoPerformanceTables(str(path))
        warnings.append(Warning("no_performance_tables", "document", "no 绩效目标表 (performance-target table) was found in this document"))
    doc = Document(
        source=Source(file=path.name, sha256=sha256_of(path), pages=page_count),
        unit=unit,
        year=year,
        money_unit=money,
        overall=overall,
        projects=projects,
        warnings=warnings,
    )
    return doc, forms


def _extract(path: Path, settings: Settings, password: Optional[str], times: Optional[StageTimes], strict: bool,
             ocr: ocr_stage.Mode, progress: Optional[Callable[[ocr_stage.Progress], None]]) -> Extraction:
    reader = ocr_stage.OcrStage(path, mode=ocr, password=password, progress=progress, text_settings=settings)
    layouts, opened, page_count, _lost = read_layouts(path, settings, password, times, reader)
    try:
        notes = page_notes(opened)
    except errors.NoTextLayer as exc:
        raise reader.explain(exc) from None
    warnings = [Warning(n.code, n.where, n.message) for n in notes]

    with stage("furniture"):
        layouts = remove_furniture(layouts, settings)
    doc, forms = assemble(layouts, path, page_count, warnings, settings, strict=strict)
    # Data-quality rules (quality.py) judge the finished document; on OCR'd
    # pages, what OCR may have misread is flagged too.
    checks = [*quality.check(doc), *reader.warnings(layouts, forms, doc)]
    log.info("%s: %d pages, %d projects, %d warnings", path.name, page_count, len(doc.projects),
             len(doc.warnings) + len(checks))
    return Extraction(dataclasses.replace(doc, warnings=[*doc.warnings, *checks]), tuple(layouts), forms)
