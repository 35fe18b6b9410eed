"""Stage 1b (optional): OCR for pages without a usable text layer.

A scanned page is an image: no characters, no ruling lines.  This stage turns
it into the same ``layout.Page`` the text layer gives, so that segmentation,
rejoining and normalization run unchanged.  ``ocr_image`` reads one page
image in steps, each decided by a module of its own:

``ocr_scan``        the image: rasterized by pypdfium2 at the scan's own
                    resolution (clamped to ``OcrSettings.min_dpi..max_dpi``),
                    grey-scale; a slight rotation measured and turned back;
                    table rules found (they become the page's ``Ruling``s)
                    and erased; scanner noise smoothed; the text lines found
                    in the ink, cell by cell (PP-OCR's detection model reads
                    only what is no plain line of text, or every page with
                    ``OcrSettings.detector``)
``ocr_text``        the text: PP-OCR's recognition model (rapidocr-onnxruntime,
                    models shipped in its wheel) reads each line, with a
                    confidence per character and each character's position
                    along the line; each line becomes ``Char`` boxes in PDF
                    points, its gaps where the ink has them
``ocr_typography``  what OCR cannot see, settled from context and the image
                    (full-width punctuation, dashes, bracket pairs, "。")
``ocr_doubt``       after the projects stage: what OCR may have misread, as
                    warnings

``OcrStage`` wires these into the pipeline: it wraps the page stream of
``pages.iter_pages`` and replaces each page that has no usable text layer
(``needs_ocr``), or every page when OCR is forced; it reports progress per
page; and after the projects stage ``OcrStage.warnings`` flags what OCR may
have misread: cells holding characters read with low confidence
(``ocr_low_confidence``, digits held to a stricter threshold) and OCR'd
amounts that contradict each other (``ocr_number_check``, the data-quality
rules of ``quality.py`` re-stated for OCR'd pages).

Everything heavy (numpy, OpenCV, onnxruntime) is imported on first use: the
stage costs nothing for documents with a text layer, and without the ``ocr``
extra installed it passes pages through unchanged (``available()`` is False)
so that image-only files fail with ``NoTextLayer`` and the install hint.
"""

from __future__ import annotations

import importlib.util
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, Iterator, Literal, Optional, Sequence

from .errors import ExtractorError
from .extras import install_hint
from .layout import Char, Page
from .ocr_doubt import FIELD_NAMES, LABEL_NAMES, _ranges, confidence_warnings, doubtful, number_warnings
from .ocr_scan import clean, erase_rulings, estimate_skew, find_rulings, find_text, render, rotate, scan_dpi
from .ocr_text import Glyph, OcrLine, Recognizer, line_chars, line_ems, recognizer
from .ocr_typography import fix_typography

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np

    from .document import Document, Warning
    from .forms import FormsResult
    from .layout import PageLayout
    from .settings import Settings

#: What the modules of the stage decide, for ``from .ocr import ...``.
__all__ = [
    "DEFAULT_OCR", "FIELD_NAMES", "INSTALL_HINT", "LABEL_NAMES", "Glyph", "Mode", "OcrLine", "OcrSettings", "OcrStage",
    "OcrUnavailable", "PageResult", "Progress", "Recognizer", "available", "clean", "confidence_warnings", "doubtful",
    "erase_rulings", "estimate_skew", "find_rulings", "find_text", "fix_typography", "line_chars", "line_ems", "missing_modules",
    "needs_ocr", "number_warnings", "ocr_image", "print_progress", "recognizer", "render", "rotate", "scan_dpi",
]

Mode = Literal["auto", "force", "off"]

#: What to tell a user whose file needs OCR when the extra is missing.
INSTALL_HINT = "install the OCR extra to read it: " + install_hint("ocr")

#: The modules the ``ocr`` extra provides.
_REQUIRED_MODULES = ("rapidocr_onnxruntime", "onnxruntime", "cv2", "numpy", "pypdfium2")


class OcrUnavailable(ExtractorError):
    """OCR was asked for (``--ocr``) but the ``ocr`` extra is not installed."""

    def __init__(self, path: str, missing: str):
        self.missing = missing
        super().__init__(path, f"OCR was asked for but the ocr extra is not installed ({missing} missing): "
                               + install_hint("ocr"))


@dataclass(frozen=True)
class OcrSettings:
    """The OCR stage's knobs (the rest of the pipeline uses ``Settings``)."""

    #: Resolution to rasterize at; ``None``: the resolution of the page's
    #: scan, clamped to ``min_dpi..max_dpi`` (200 when the page has no image).
    dpi: Optional[float] = None
    min_dpi: float = 150.0
    max_dpi: float = 200.0
    #: Scans coarser than this are not OCR'd (at 40 dpi a 10.5 pt character
    #: is 6 pixels tall: the recognizer returns noise); ``--ocr`` still does.
    min_scan_dpi: float = 100.0
    #: Straighten scans rotated by up to this many degrees (0: never).
    max_skew: float = 3.0
    #: A page needs OCR when its images cover this fraction of it and it has
    #: fewer than ``few_chars`` characters (a scan with a stamped page number).
    scan_coverage: float = 0.5
    few_chars: int = 10
    #: Recognized lines below this mean confidence are left out as noise
    #: (specks, stamps), each listed in an ``ocr_unread_text`` warning.
    min_line_confidence: float = 0.5
    #: A cell holding a character read with less confidence gets an
    #: ``ocr_low_confidence`` warning; digits are held to ``digit_confidence``
    #: because a misread digit is a wrong number, not a typo.
    low_confidence: float = 0.80
    digit_confidence: float = 0.93
    #: Table rules shorter than this (inches) are not rules (CJK strokes are
    #: shorter than one em; the shortest cell border is longer).
    rule_min_length: float = 0.3
    #: Strokes thicker than this (inches) are not rules (filled areas).
    rule_max_thickness: float = 0.06
    #: Text lines are found in the image's ink (``ocr_scan.find_text``): a
    #: row of ink is one line when its parts are at most ``line_join`` line
    #: heights apart vertically ("三", "≥") and splits where its ink leaves
    #: a gap of more than ``line_gap`` line heights; the recognizer reads each
    #: line with a margin of ``line_margin`` of its height around the ink.
    line_join: float = 0.35
    line_gap: float = 1.2
    line_margin: float = 0.22
    #: Two characters of a line with less blank paper between them than this
    #: (em) touch (the space between a code and a name, "711001 巨鹿县总工会");
    #: wider blank, between two cells of a table drawn without rules, stays
    #: as printed (``ocr_text.line_chars``).
    word_gap: float = 0.9
    #: Ink taller than this many lines of text is no line (a photo, a stamp,
    #: lines too close to tell apart): PP-OCR's detection model reads it.
    max_line_height: float = 2.5
    #: Find every text line with PP-OCR's detection model instead (a neural
    #: network over the whole page: about 0.5 s a page more on 2 cores).
    detector: bool = False
    #: The recognizer reads lines scaled to 48 pixels high, in rows of at
    #: least ``read_min_width`` pixels (shorter lines side by side: alone, a
    #: short cell's first or last character is misread more often), in runs
    #: of at most ``read_batch`` pixel columns.
    read_min_width: int = 320
    read_batch: int = 640
    #: Threads for onnxruntime (0: one per core).
    threads: int = 0


DEFAULT_OCR = OcrSettings()


def missing_modules() -> list[str]:
    """The modules of the ``ocr`` extra that are not installed."""
    return [m for m in _REQUIRED_MODULES if importlib.util.find_spec(m) is None]


def available() -> bool:
    """True when the ``ocr`` extra is installed."""
    return not missing_modules()


def needs_ocr(page: Page, settings: OcrSettings = DEFAULT_OCR) -> bool:
    """True for a page without a usable text layer: no characters, glyphs
    mostly without Unicode mapping, or a page-sized image under a handful of
    characters.  A page with a real text layer is never OCR'd, images or not."""
    chars = len(page.chars)
    if chars == 0:
        return page.image_area > 0 or page.unmapped > 0
    if page.unmapped and page.unmapped >= 0.3 * (page.unmapped + chars):
        return True
    area = page.width * page.height
    return area > 0 and page.image_area >= settings.scan_coverage * area and chars < settings.few_chars


# -- one page ---------------------------------------------------------------------------


@dataclass(frozen=True)
class PageResult:
    """What OCR made of one page, with the numbers its progress line shows."""

    page: Page
    dpi: float
    skew: float
    lines: int
    seconds: float
    #: Recognized lines left out as unreadable (``min_line_confidence``).
    dropped_lines: tuple[OcrLine, ...] = ()

    @property
    def dropped(self) -> int:
        return len(self.dropped_lines)

    @property
    def mean_confidence(self) -> float:
        chars = [c for c in self.page.chars if not c.text.isspace()]
        return sum(c.confidence for c in chars) / len(chars) if chars else 0.0


def ocr_image(
    gray: "np.ndarray",
    *,
    number: int,
    width: float,
    height: float,
    dpi: float,
    image_area: float = 0.0,
    engine: Optional[Recognizer] = None,
    settings: OcrSettings = DEFAULT_OCR,
) -> PageResult:
    """A grey page image (``width`` x ``height`` points) -> ``Page``."""
    start = time.perf_counter()
    engine = engine or recognizer(settings.threads)
    skew = estimate_skew(gray, settings.max_skew)
    gray = rotate(gray, skew)
    h, w = gray.shape
    scale = width / w  # points per pixel (the same vertically: scale is uniform)
    rulings = find_rulings(gray, dpi, scale, settings)
    image = clean(erase_rulings(gray, rulings, scale))
    if settings.detector:
        lines = engine(image, settings)
    else:
        boxes = find_text(image, rulings, scale, settings)
        lines = engine.read_boxes(image, [b for b in boxes if b.plain], settings)
        for b in boxes:
            if not b.plain:
                lines += engine(image, settings, within=b.box)
    kept = [l for l in lines if l.confidence >= settings.min_line_confidence]
    chars: list[Char] = []
    for line, em in zip(kept, line_ems(kept)):
        chars.extend(line_chars(fix_typography(line, em, image), em, scale, settings.word_gap))
    page = Page(
        number=number,
        width=width,
        height=height,
        chars=tuple(chars),
        rulings=tuple(rulings),
        image_area=image_area,
        unmapped=0,
    )
    dropped = tuple(l for l in lines if l.confidence < settings.min_line_confidence)
    return PageResult(page, dpi, skew, len(kept), time.perf_counter() - start, dropped)


# -- the pipeline stage ------------------------------------------------------------------


def _record_text(opened, page: Page) -> None:
    """Tell the text check of ``pages`` (``OpenedPDF.stats``) that ``page``
    has text now, so that ``pages.page_notes`` neither refuses the file as a
    scan nor notes the page as unread."""
    import dataclasses

    glyphs = sum(1 for c in page.chars if not c.text.isspace())
    stats_list = getattr(opened, "stats", None)
    if not stats_list:
        return
    for i, stats in enumerate(stats_list):
        if getattr(stats, "number", None) == page.number:
            names = {f.name for f in dataclasses.fields(stats)}
            changes = {"glyphs": glyphs, "unmapped": 0, "foreign": 0, "readable": True}
            stats_list[i] = dataclasses.replace(stats, **{k: v for k, v in changes.items() if k in names})


@dataclass(frozen=True)
class Progress:
    """Reported after each OCR'd page."""

    file: str
    page: int
    pages: int
    result: PageResult

    def __str__(self) -> str:
        r = self.result
        skew = f", deskewed {r.skew:+.2f}°" if r.skew else ""
        dropped = f", {r.dropped} unreadable marks dropped" if r.dropped else ""
        return (f"{self.file}: OCR page {self.page}/{self.pages} in {r.seconds:.1f} s ({r.dpi:.0f} dpi, "
                f"{r.lines} lines, mean confidence {r.mean_confidence:.2f}{skew}{dropped})")


def print_progress(progress: Progress) -> None:
    """The command line's progress display: one line per OCR'd page on
    stderr (a module-level function, so that it survives pickling into the
    conversion's child process)."""
    import sys

    print(f"  {progress}", file=sys.stderr, flush=True)


class OcrStage:
    """The OCR stage of one conversion.

    ``mode``: ``"auto"`` OCRs the pages ``needs_ocr`` picks (and nothing when
    the extra is not installed), ``"force"`` every page (``--ocr``; raises
    ``OcrUnavailable`` without the extra), ``"off"`` none (``--no-ocr``).
    ``progress`` is called with a ``Progress`` after each OCR'd page.
    ``results`` holds a ``PageResult`` per OCR'd page; ``too_coarse`` the
    pages left unread because their scan is too coarse to read (dpi)."""

    def __init__(
        self,
        path: str | Path,
        *,
        mode: Mode = "auto",
        password: Optional[str] = None,
        settings: OcrSettings = DEFAULT_OCR,
        progress: Optional[Callable[[Progress], None]] = None,
        text_settings: Optional["Settings"] = None,
    ):
        if mode not in ("auto", "force", "off"):
            raise ValueError(f"ocr must be 'auto', 'force' or 'off', not {mode!r}")
        self.path = Path(path)
        self.mode = mode
        self.password = password
        self.settings = settings
        self.progress = progress
        self.results: list[PageResult] = []
        self.too_coarse: dict[int, float] = {}
        #: Pages whose OCR'd text fails the text check, and why: the page
        #: itself shows mis-decoded text (see ``_plausible``).
        self.rejected: dict[int, str] = {}
        self.text_settings = text_settings
        #: Why PDFium could not open the file for OCR (a damaged file), and
        #: the pages needing OCR that were therefore not read, with why.
        self.unopenable: Optional[str] = None
        self.unread: dict[int, str] = {}
        self.enabled = mode == "force" or (mode == "auto" and available())
        if mode == "force" and not available():
            raise OcrUnavailable(str(path), ", ".join(missing_modules()))

    def _open_for_ocr(self):
        """The file opened by PDFium for rendering, or None when it cannot
        be (``unopenable`` says why).  pdfminer repairs a truncated file or a
        broken cross-reference table that PDFium refuses: its pages without
        text then stay unread, with a warning, instead of failing the file."""
        import pypdfium2

        try:
            return pypdfium2.PdfDocument(str(self.path), password=self.password)
        except _pdfium_error() as exc:
            self.unopenable = str(exc)
            return None

    @property
    def pages(self) -> list[int]:
        """The numbers of the pages OCR read."""
        return [r.page.number for r in self.results]

    def __call__(self, pages: Iterable[Page], opened=None) -> Iterator[Page]:
        """The page stream with OCR'd pages in place of unreadable ones.

        ``opened`` is the ``pages.OpenedPDF`` the pages come from: its
        pdfplumber document gives each page's scan resolution, and its text
        check learns which pages have text now (``_record_text``)."""
        if not self.enabled:
            yield from pages
            return
        document = None
        pdf = getattr(opened, "pdf", None)
        try:
            for page in pages:
                if self.mode != "force" and not needs_ocr(page, self.settings):
                    yield page
                    continue
                native = _native_dpi(pdf, page.number)
                if native is not None and native < self.settings.min_scan_dpi and self.mode != "force":
                    self.too_coarse[page.number] = native
                    yield page
                    continue
                if document is None and self.unopenable is None:
                    document = self._open_for_ocr()
                if document is None:  # pdfium cannot open what pdfminer repaired
                    self.unread[page.number] = self.unopenable or ""
                    yield page
                    continue
                try:
                    read = self.read(document, page, native)
                except _pdfium_error() as exc:  # a damaged page pdfium cannot render
                    self.unread[page.number] = str(exc)
                    yield page
                    continue
                problem = self._implausible(read)
                if problem is not None:
                    # OCR read faithfully what is printed, and what is printed
                    # is mojibake: the page stays unread (its text-layer
                    # warning stands), nothing of it becomes data.
                    self.results.pop()
                    self.rejected[page.number] = problem
                    yield page
                    continue
                if opened is not None:
                    _record_text(opened, read)
                yield read
        finally:
            if document is not None:
                document.close()

    def _implausible(self, page: Page) -> Optional[str]:
        """Why the OCR'd text of ``page`` cannot be passed on, or None: the
        same text check as a text layer gets (``pages.unreadable_reason``).
        A PDF typeset from text decoded with the wrong encoding shows
        mojibake on the page itself, and OCR reads it back as such."""
        from .pages import text_counts, unreadable_reason
        from .settings import DEFAULT

        glyphs = [c.text for c in page.chars if not c.text.isspace()]
        if not glyphs:
            return None
        return unreadable_reason(text_counts(glyphs), self.text_settings or DEFAULT)

    def read(self, document, page: Page, native: Optional[float] = None) -> Page:
        """OCR one page of a pypdfium2 ``document`` (``native``: the
        resolution of its scan, if known)."""
        s = self.settings
        dpi = s.dpi or (min(max(native, s.min_dpi), s.max_dpi) if native else s.max_dpi)
        gray = render(document, page.number - 1, dpi)
        result = ocr_image(gray, number=page.number, width=page.width, height=page.height, dpi=dpi,
                           image_area=page.image_area, settings=s)
        self.results.append(result)
        if self.progress is not None:
            self.progress(Progress(self.path.name, page.number, len(document), result))
        return result.page

    def explain(self, error: ExtractorError) -> ExtractorError:
        """``error`` (``NoTextLayer`` from ``pages.page_notes``) with what
        to do about the scan: install the extra, drop ``--no-ocr``, rescan."""
        from .errors import NoTextLayer

        if not isinstance(error, NoTextLayer) or not getattr(error, "scanned", True):
            return error
        if self.mode == "off":
            hint = "convert without --no-ocr to read it with OCR"
        elif not self.enabled:
            hint = INSTALL_HINT
        elif self.unread:
            hint = (f"the file is damaged and could not be rendered for OCR ({self.unopenable or 'page by page'}): "
                    "repair it (qpdf) or re-download it")
        elif self.too_coarse:
            worst = min(self.too_coarse.values())
            hint = (f"the scan is {worst:.0f} dpi, too coarse to OCR (at least {self.settings.min_scan_dpi:.0f} dpi "
                    "is needed): rescan it, or force OCR with --ocr")
        else:
            hint = "OCR found no text on it either"
        try:
            return NoTextLayer(str(self.path), error.pages, scanned=True, hint=hint)
        except TypeError:  # an errors module without hints
            return error

    # -- after the projects stage -----------------------------------------------------

    def warnings(self, layouts: Sequence["PageLayout"], forms: "FormsResult", doc: "Document") -> list["Warning"]:
        """What the document should say about OCR: which pages it read
        (``ocr_pages``), which it could not (``ocr_low_resolution``), which
        show mis-decoded text on the page itself (``ocr_unreadable_text``), and
        what it may have misread (``ocr_low_confidence``,
        ``ocr_number_check``).  Nothing when no page needed OCR."""
        from .document import Warning

        out: list[Warning] = []
        if self.results:
            pages = set(self.pages)
            dpis = sorted({f"{r.dpi:.0f}" for r in self.results})
            chars = [c for r in self.results for c in r.page.chars if not c.text.isspace()]
            mean = sum(c.confidence for c in chars) / len(chars) if chars else 0.0
            out.append(Warning(
                "ocr_pages", _where(pages),
                f"these pages have no usable text layer and were read by OCR ({'/'.join(dpis)} dpi, mean character "
                f"confidence {mean:.2f}); cells read with low confidence are flagged ocr_low_confidence",
            ))
            out += confidence_warnings(layouts, forms, doc, pages, self.settings)
            out += number_warnings(doc, pages)
            for r in self.results:
                if r.dropped_lines:
                    listed = ", ".join(f"{l.text!r} {l.confidence:.2f}" for l in r.dropped_lines[:8])
                    more = f" and {r.dropped - 8} more" if r.dropped > 8 else ""
                    out.append(Warning(
                        "ocr_unread_text", f"page {r.page.number}",
                        f"OCR found {r.dropped} marks it could not read (confidence below "
                        f"{self.settings.min_line_confidence:.2f}) and left them out: {listed}{more}; check the scan",
                    ))
        if self.rejected:
            out.append(Warning(
                "ocr_unreadable_text", _where(self.rejected),
                "OCR read these pages and found the printed text itself garbled (mojibake: text decoded with the "
                "wrong encoding before it was typeset), so nothing of them was kept; ask the publisher for a "
                "correct export",
            ))
        if self.unread:
            reason = self.unopenable or next(iter(self.unread.values()))
            out.append(Warning(
                "ocr_failed", _where(self.unread),
                f"these pages have no usable text layer and could not be rendered for OCR ({reason.rstrip('.')}): the file is "
                "damaged; they stay unread: repair the file (qpdf) or re-download it",
            ))
        if self.too_coarse:
            worst = min(self.too_coarse.values())
            out.append(Warning(
                "ocr_low_resolution", _where(self.too_coarse),
                f"these pages are scans at {worst:.0f} dpi, too coarse to OCR (at least "
                f"{self.settings.min_scan_dpi:.0f} dpi is needed); rescan them, or force OCR with --ocr",
            ))
        return out


def _pdfium_error():
    """What PDFium raises for a file or page it cannot read (imported only
    when something was raised: pypdfium2 is heavy)."""
    try:
        from pypdfium2 import PdfiumError
    except ImportError:  # pragma: no cover - without pypdfium2 nothing is OCR'd
        return OSError
    return PdfiumError


def _native_dpi(pdf, number: int) -> Optional[float]:
    if pdf is None:
        return None
    try:
        return scan_dpi(pdf.pages[number - 1])
    except Exception:  # the resolution is a preference, not a need
        return None


def _where(numbers) -> str:
    numbers = sorted(set(numbers))
    return f"page {numbers[0]}" if len(numbers) == 1 else f"pages {_ranges(numbers)}"
