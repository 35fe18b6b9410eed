"""What OCR may have misread, said as warnings after the projects stage.

``confidence_warnings``  ``ocr_low_confidence``: one warning per cell of an
                         OCR'd page holding characters read with low
                         confidence (``doubtful``; digits held to a stricter
                         threshold), naming the project fields it feeds
``number_warnings``      ``ocr_number_check``: the data-quality rules that
                         compare amounts (``quality.py``), re-stated for
                         OCR'd pages as a possibly misread digit
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Optional, Sequence

from .layout import Box, Char
from .vocab import canonical_header

if TYPE_CHECKING:  # pragma: no cover
    from .document import Document, Warning
    from .forms import FormsResult, Span
    from .layout import PageLayout
    from .ocr import OcrSettings

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


def doubtful(ch: Char, settings: "Optional[OcrSettings]" = None) -> bool:
    """A character read with too little confidence (digits stricter)."""
    from .ocr import DEFAULT_OCR

    settings = settings or DEFAULT_OCR
    if ch.text.isspace():
        return False
    limit = settings.digit_confidence if ch.text.isdigit() else settings.low_confidence
    return ch.confidence < limit


def _doubtful_chars(layouts: Sequence["PageLayout"], pages: set[int], settings: "Optional[OcrSettings]") -> dict[int, list[tuple[Char, str]]]:
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
    settings: "Optional[OcrSettings]" = None,
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
        for role, name, span in form.labels:
            claim(span, f"project {p}, {LABEL_NAMES.get(role, name)}")
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
                project_no, column = pf.split("\t")
                plural = "indicators" if len(set(rows)) > 1 else "indicator"
                cells[key].fields.append(f"project {project_no}, {plural} {_ranges(rows)} {column}")
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
