"""The pipeline: a plain composition of the stages.

    pages     PDF -> Page (chars, rulings)                     pages.py
    grids     Page -> PageLayout (grids of merged cells, text)  grids.py
    forms     PageLayouts -> ProjectForms + prose lines         forms.py
    prose     prose lines -> Overall                            prose.py
    projects  ProjectForms -> Projects (Targets normalized)     projects.py
    document  everything -> Document                            document.py

Pages stream through the first two stages one at a time; only the small
layouts (text and cells, no parser objects) are kept for the later stages.
No stage keeps state between calls: ``extract`` holds the run's state in
local variables only.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator, Optional

import regex

from . import errors
from .document import Document, Source, Unit, Warning
from .forms import FormsResult, layouts_to_forms
from .furniture import remove_furniture
from .grids import segment_page
from .layout import Page, PageLayout
from .pages import iter_pages, open_pdf
from .projects import forms_to_projects
from .prose import lines_to_paragraphs, overall_paragraphs, paragraphs_to_overall
from .settings import DEFAULT, Settings

#: A page whose glyphs are this unmapped (no ToUnicode) cannot be read.
UNREADABLE_RATIO = 0.3

_UNIT_LINE = regex.compile(r"^\s*(?P<code>\d{3,})?\s*(?P<name>[^\d\s].*?)?\s*(?:金额|计量)?单位\s*[:：]\s*(?P<money>[千万亿]?元)\s*$")
_UNIT_NAME = regex.compile(r"(?:单位名称|预算单位|部门名称|主管部门)\s*[:：]\s*(?P<name>\S+)")
_MONEY = regex.compile(r"(?:金额|计量)?单位\s*[:：]\s*(?P<money>[千万亿]?元)")
_YEAR_STATED = regex.compile(r"(?<!\d)(20\d{2})\s*年\s*度?\s*(?:[^\s，。；]{0,12}?)(?:部门|单位)(?:预算|决算)")
_YEAR_IN_NAME = regex.compile(r"(?<!\d)(20\d{2})(?!\d)")


@dataclass
class StageTimes:
    """Seconds spent per stage, filled when a caller asks (benchmarks)."""

    seconds: dict[str, float] = field(default_factory=dict)

    def add(self, stage: str, seconds: float) -> None:
        self.seconds[stage] = self.seconds.get(stage, 0.0) + seconds


@dataclass(frozen=True)
class _PageCheck:
    number: int
    chars: int
    unmapped: int
    image_area: float


def _timed(stage: str, times: Optional[StageTimes], items: Iterable, fn: Callable) -> Iterator:
    for item in items:
        start = time.perf_counter()
        out = fn(item)
        if times is not None:
            times.add(stage, time.perf_counter() - start)
        yield out


def _ranges(numbers: list[int]) -> str:
    """[1, 2, 3, 7] -> "1-3, 7"."""
    out, start = [], None
    for i, n in enumerate(numbers):
        if start is None:
            start = n
        if i + 1 == len(numbers) or numbers[i + 1] != n + 1:
            out.append(f"{start}-{n}" if n != start else f"{n}")
            start = None
    return ", ".join(out)


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def read_layouts(path: Path, settings: Settings, password: Optional[str], times: Optional[StageTimes]):
    """Stages 1-2 over the whole file; returns layouts, page checks, page
    count and lost pages."""
    checks: list[_PageCheck] = []

    def check(page: Page) -> Page:
        checks.append(_PageCheck(page.number, len(page.chars), page.unmapped, page.image_area))
        return page

    with open_pdf(path, password=password, settings=settings) as opened:
        pages = (check(p) for p in iter_pages(opened, settings))
        layouts = list(_timed("grids", times, _timed("pages", times, pages, lambda p: p), lambda p: _light(segment_page(p, settings))))
        return layouts, checks, opened.page_count, list(opened.lost_pages)


def _light(layout: PageLayout) -> PageLayout:
    """Drop the page's raw characters once segmented: later stages use the
    cells and lines only, and long documents must not pile up glyphs."""
    page = layout.page
    slim = Page(page.number, page.width, page.height, (), (), page.image_area, page.unmapped)
    return PageLayout(page=slim, grids=layout.grids, lines=layout.lines, furniture=layout.furniture)


def text_layer_warnings(path: Path, checks: list[_PageCheck]) -> list[Warning]:
    """Raise when no page has readable text; warn for the pages that do not."""
    empty = [c.number for c in checks if c.chars == 0 and c.unmapped == 0]
    garbled = [c.number for c in checks if c.unmapped and c.unmapped >= UNREADABLE_RATIO * (c.unmapped + c.chars)]
    if checks and len(empty) == len(checks):
        raise errors.NoTextLayer(str(path), _ranges(empty))
    if checks and len(garbled) + len(empty) == len(checks) and garbled:
        total = sum(c.unmapped for c in checks)
        ratio = total / max(1, total + sum(c.chars for c in checks))
        raise errors.UnreadableText(str(path), _ranges(garbled), ratio)
    out = []
    if garbled:
        out.append(Warning("unreadable_text", f"pages {_ranges(garbled)}", "glyphs without a Unicode mapping were dropped from these pages; their tables may be incomplete"))
    scanned = [c.number for c in checks if c.chars == 0 and c.image_area > 0]
    if scanned:
        out.append(Warning("no_text_layer", f"pages {_ranges(scanned)}", "these pages are images without a text layer; OCR is needed for their content"))
    return out


def document_facts(result: FormsResult, path: Path) -> tuple[Unit, Optional[str], Optional[int], list[Warning]]:
    """Unit (code, name), money unit and budget year, from the document's
    own words; the year falls back to the file name."""
    warnings: list[Warning] = []
    code = name = money = None
    heading_texts = [s.text for f in result.forms for s in f.heading]
    for text in heading_texts:
        m = _UNIT_LINE.match(text)
        if m:
            code, name, money = m.group("code"), m.group("name"), m.group("money")
            break
    for text in heading_texts:
        if name is None and (m := _UNIT_NAME.search(text)):
            name = m.group("name")
        if money is None and (m := _MONEY.search(text)):
            money = m.group("money")
    year = None
    texts = [l.text for l in result.prose] + [f.title.text for f in result.forms if f.title] + heading_texts
    for text in texts:
        m = _YEAR_STATED.search(text)
        if m:
            year = int(m.group(1))
            break
    if year is None:
        m = _YEAR_IN_NAME.search(path.stem)
        if m:
            year = int(m.group(1))
        else:
            warnings.append(Warning("no_year", "document", "the budget year is stated neither in the document nor in the file name"))
    return Unit(code=code, name=name.strip() if name else None), money, year, warnings


def extract(
    path: str | Path,
    *,
    settings: Settings = DEFAULT,
    password: Optional[str] = None,
    times: Optional[StageTimes] = None,
) -> Document:
    """Convert one PDF into a ``Document``.  Raises ``errors.ExtractorError``
    subclasses for files that cannot be converted."""
    path = Path(path)
    layouts, checks, page_count, lost = read_layouts(path, settings, password, times)
    warnings = text_layer_warnings(path, checks)
    if lost:
        warnings.append(Warning("lost_pages", f"pages {_ranges(lost)}", "these pages could not be parsed (damaged file); the rest was extracted"))

    start = time.perf_counter()
    forms = layouts_to_forms(remove_furniture(layouts, settings))
    if times is not None:
        times.add("forms", time.perf_counter() - start)

    start = time.perf_counter()
    paragraphs = overall_paragraphs(lines_to_paragraphs(forms.prose, settings)) if forms.prose else None
    overall = paragraphs_to_overall(paragraphs) if paragraphs else None
    if times is not None:
        times.add("prose", time.perf_counter() - start)

    start = time.perf_counter()
    projects, project_warnings = forms_to_projects(forms.forms)
    if times is not None:
        times.add("projects", time.perf_counter() - start)
    warnings.extend(project_warnings)
    unit, money, year, fact_warnings = document_facts(forms, path)
    warnings.extend(fact_warnings)
    if not projects:
        warnings.append(Warning("no_performance_tables", "document", "no 绩效目标表 (performance-target table) was found in this document"))
    return Document(
        source=Source(file=path.name, sha256=sha256_of(path), pages=page_count),
        unit=unit,
        year=year,
        money_unit=money,
        overall=overall,
        projects=projects,
        warnings=warnings,
    )
