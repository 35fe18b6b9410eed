"""Stage 1: a PDF file -> pages of characters and ruling lines.

This module opens a file (pdfplumber, pdfminer underneath) and turns their
exceptions into the typed errors of ``errors``; ``page_objects`` turns each
page's objects into the frozen types of ``layout``.  Pages are produced one
at a time (a generator) so that long documents are streamed, not held in
memory.

Hostile and damaged input is handled here, page by page, so that one bad page
never costs the others:

- a file whose cross-reference table or trailer is missing (a truncated
  download) is rebuilt from the objects it still contains;
- before a page is parsed, every stream it uses is inflated with a bound
  (``Settings.max_stream_mb``): a decompression bomb, a missing content
  stream or a missing font makes that page *lost*, with the reason;
- what pdfminer complains about while parsing a page makes it *damaged*
  (read, with a warning) or lost when nothing could be read;
- glyphs without a Unicode mapping are dropped, and a page whose glyphs are
  mostly unmapped or foreign, or whose text is mojibake (text decoded with
  the wrong character encoding, see ``text_counts``) is *unreadable*: its
  text is withheld, never passed on as data (``Settings.unreadable_ratio``,
  ``Settings.mojibake_ratio``).

The text check lives in ``textcheck``, the stream check in ``streams``, the
verdict (``page_notes``: the document's warnings, or ``NoTextLayer`` /
``UnreadableText`` / ``DamagedPDF`` when no page has text) in ``page_notes``.
A page's objects become the model in ``page_objects``, whichever reader
read them (pdfminer's, or PDFium's: ``pdfium_text``, ``pdfium_drawing``).
"""

from __future__ import annotations

import io
import logging
import re
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator, Optional

from .errors import DamagedPDF, EncryptedPDF, NotAPDF, TooManyPages
from .layout import Page
# The text check, the stream check and the verdict moved to modules of
# their own; their names stay importable from here.
from .page_notes import Note, page_notes, page_ranges  # noqa: F401
from .page_objects import read_page
from .quick_objects import install as install_quick_objects
from .settings import Settings
from .streams import PageLost, _PageLost, check_page_streams  # noqa: F401
from .textcheck import (PageStats, TextCounts, common_han, glyph_kind, is_readable,  # noqa: F401
                        text_counts, unreadable_reason)
from .timing import stage

#: How far into a file the ``%PDF-`` header may start (some servers prepend junk).
_HEADER_WINDOW = 1024


@dataclass
class OpenedPDF:
    """A PDF opened for reading; close it with ``close()`` or ``with``."""

    path: Path
    pdf: Any  # pdfplumber.PDF (pdfplumber ships no types)
    page_count: int
    #: pdfplumber pages in page order; None for a page that could not even
    #: be set up (its reason is in ``lost_reasons``).
    pages: list = field(default_factory=list)
    #: Pages that could not be parsed, and why.
    lost_pages: list[int] = field(default_factory=list)
    lost_reasons: dict[int, str] = field(default_factory=dict)
    #: Pages parsed while the parser reported damage, and what it said.
    damaged: dict[int, str] = field(default_factory=dict)
    #: The text check of every page parsed, in page order.
    stats: list[PageStats] = field(default_factory=list)
    #: Why the file had to be rebuilt before it could be read, if it had.
    repaired: Optional[str] = None
    #: Pages the file's page tree declares, when it says so.
    declared_pages: Optional[int] = None
    #: Streams already checked (object id -> problem or None), and resources
    #: walked (("resources", id) -> their damage note), shared by pages.
    checked: dict = field(default_factory=dict)
    #: The password the file was opened with (the pdfium reader opens it again).
    password: Optional[str] = None
    #: The pdfium reader's document (``pdfium_pages.PdfiumPages``), opened
    #: on the first page it reads; False when the pdfplumber reader reads
    #: every page (``Settings.reader``, or pdfium cannot read the file).
    pdfium: Any = None

    def lose(self, number: int, reason: str) -> None:
        if number not in self.lost_reasons:
            self.lost_pages.append(number)
            self.lost_reasons[number] = reason

    def close(self) -> None:
        if self.pdfium:
            self.pdfium.close()
            self.pdfium = False
        _close(self.pdf)

    def __enter__(self) -> "OpenedPDF":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


# -- opening ----------------------------------------------------------------------


def sniff(path: Path) -> None:
    """Refuse files that are not PDFs before handing them to the parser."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(_HEADER_WINDOW)
    except IsADirectoryError:
        raise NotAPDF(str(path), "a directory") from None
    except FileNotFoundError:
        raise NotAPDF(str(path), "no such file") from None
    if not head:
        raise NotAPDF(str(path), "the file is empty")
    if b"%PDF-" in head:
        return
    lowered = head.lstrip().lower()
    if lowered.startswith((b"<!doctype html", b"<html")) or b"<html" in lowered[:200]:
        raise NotAPDF(str(path), "it is an HTML page, probably an error page saved by a download")
    if head.startswith(b"PK\x03\x04"):
        raise NotAPDF(str(path), "it is a ZIP container, probably a .docx/.xlsx file renamed")
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise NotAPDF(str(path), "it is an OLE container, probably a .doc/.xls file renamed")
    if head.startswith((b"\xff\xd8\xff", b"\x89PNG", b"GIF8", b"II*\x00", b"MM\x00*")):
        raise NotAPDF(str(path), "it is an image file (JPEG/PNG/GIF/TIFF); convert it to PDF or OCR it")
    raise NotAPDF(str(path), "no %PDF- header")


def open_pdf(path: str | Path, *, password: str | None = None, settings: Settings) -> OpenedPDF:
    """Open a PDF: with ``password`` (or the empty user password of files
    that only have an owner password), rebuilding it when its
    cross-reference table or trailer is missing."""
    path = Path(path)
    sniff(path)
    with _captured_log():  # pdfminer's complaints at open time are not for stderr
        pdf, repaired = _open(path, password)
        install_quick_objects(pdf.doc)
        try:
            pages, lost, damaged = _build_pages(path, pdf, settings)
            declared = _declared_pages(pdf)
        except BaseException:
            _close(pdf)
            raise
    if repaired is None and _used_fallback_xref(pdf):
        repaired = "its cross-reference table is broken; the objects were found by scanning the file"
    if repaired is None and _page_tree_broken(pdf):
        repaired = ("its page tree is broken; the pages were found by scanning the file's objects, so pages of "
                    "earlier revisions may be among them and their order may differ")
    opened = OpenedPDF(path=path, pdf=pdf, page_count=len(pages), pages=pages, repaired=repaired,
                       declared_pages=declared, damaged=damaged, password=password)
    for number, reason in lost.items():
        opened.lose(number, reason)
    return opened


def _close(pdf) -> None:
    """Close what pdfplumber opened.  Not ``pdf.close()``: it drops its page
    list and re-parses the whole page tree just to close the pages again
    (slow on long files, and it raises again on a damaged tree)."""
    pages = getattr(pdf, "_pages", None) or []
    pdf._pages = []
    for page in pages:
        try:
            page.close()
        except Exception:
            pass
    stream = getattr(pdf, "stream", None)
    if stream is not None and not getattr(pdf, "stream_is_external", False):
        stream.close()


def _open(path: Path, password: Optional[str]):
    try:
        return _open_plumber(path, password, None), None
    except DamagedPDF:
        data = path.read_bytes()
        truncated = not data.rstrip(b"\r\n\t\f\0 ").endswith(b"%%EOF")
        rebuilt = rebuild(data)
        pdf = None
        if rebuilt is not None:
            try:
                pdf = _open_plumber(path, password, rebuilt)
                if not _has_pages(pdf):
                    _close(pdf)
                    pdf = None
            except EncryptedPDF:
                raise
            except Exception:
                pdf = None
        if pdf is None:
            if truncated:
                raise DamagedPDF(
                    str(path),
                    f"the file is truncated after {len(data)} bytes, before any complete page: "
                    "an interrupted download?",
                ) from None
            raise
        if truncated:
            return pdf, "it is truncated, an interrupted download?"
        return pdf, "its trailer is damaged"


def _open_plumber(path: Path, password: Optional[str], data: Optional[bytes]):
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

    try:
        return pdfplumber.open(io.BytesIO(data) if data is not None else path, password=password or "")
    except Exception as exc:
        inner = _unwrap(exc)
        if isinstance(inner, MemoryError):
            raise inner from None
        if isinstance(inner, PDFPasswordIncorrect):
            if password:
                # A wrong password for a file that needs none (it only has an
                # owner password) must not stop it.
                try:
                    return _open_plumber(path, None, data)
                except EncryptedPDF:
                    pass
            raise EncryptedPDF(str(path), with_password=bool(password)) from None
        if isinstance(inner, PDFEncryptionError) or type(inner).__name__.startswith("PDFEncryption"):
            what = str(inner).split(":")[0] or type(inner).__name__
            raise EncryptedPDF(str(path), with_password=bool(password), unsupported=what) from None
        raise DamagedPDF(str(path), _describe(inner)) from None


def _unwrap(exc: BaseException) -> BaseException:
    """pdfplumber wraps pdfminer's exceptions in ``PdfminerException``."""
    while type(exc).__name__ == "PdfminerException" and exc.args and isinstance(exc.args[0], BaseException):
        exc = exc.args[0]
    return exc


def _describe(exc: BaseException) -> str:
    exc = _unwrap(exc)
    text = " ".join(str(exc).split())
    if len(text) > 120:
        text = text[:117] + "..."
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _has_pages(pdf) -> bool:
    from pdfminer.pdfpage import PDFPage

    try:
        return next(PDFPage.create_pages(pdf.doc), None) is not None
    except MemoryError:
        raise
    except Exception:
        return False


def _build_pages(path: Path, pdf, settings: Settings) -> tuple[list, dict[int, str], dict[int, str]]:
    """The pdfplumber pages, set up one by one (pdfplumber's own ``pages``
    fails the whole file for one bad page box): a page whose boxes are
    invalid gets pdfminer's repaired MediaBox and is marked damaged; one
    that cannot be set up at all is lost.  Refuses more than
    ``settings.max_pages`` pages (counting them all, cheaply)."""
    from pdfminer.pdfpage import PDFPage
    from pdfplumber.page import Page as PlumberPage

    pages: list = []
    lost: dict[int, str] = {}
    damaged: dict[int, str] = {}
    doctop = 0.0
    total = 0
    found = PDFPage.create_pages(pdf.doc)
    while True:
        try:
            page_obj = next(found)
        except StopIteration:
            break
        except MemoryError:
            raise
        except Exception as exc:
            if not total:
                pdf._pages = []
                raise DamagedPDF(str(path), f"the page tree cannot be read: {_describe(exc)}") from None
            break  # the pages after this point are lost; see ``missing_pages``
        total += 1
        if total > settings.max_pages:
            continue  # only counted, for the message
        try:
            page = PlumberPage(pdf, page_obj, page_number=total, initial_doctop=doctop)
        except MemoryError:
            raise
        except Exception as exc:
            for key in ("CropBox", "TrimBox", "BleedBox", "ArtBox"):
                page_obj.attrs.pop(key, None)
            page_obj.attrs["MediaBox"] = list(page_obj.mediabox)
            page_obj.attrs["Rotate"] = page_obj.rotate
            try:
                page = PlumberPage(pdf, page_obj, page_number=total, initial_doctop=doctop)
            except MemoryError:
                raise
            except Exception:
                lost[total] = f"its page dictionary is invalid ({_describe(exc)})"
                pages.append(None)
                continue
            damaged[total] = f"its page box is invalid ({_describe(exc)}); {list(page_obj.mediabox)} was used"
        pages.append(page)
        doctop += float(page.height)
    pdf._pages = [p for p in pages if p is not None]
    if total > settings.max_pages:
        raise TooManyPages(str(path), total, settings.max_pages)
    if not total:
        raise DamagedPDF(str(path), "no pages found")
    return pages, lost, damaged


def _declared_pages(pdf) -> Optional[int]:
    from pdfminer.pdftypes import resolve1

    try:
        count = resolve1(resolve1(pdf.doc.catalog.get("Pages")).get("Count"))
    except Exception:
        return None
    return count if isinstance(count, int) and count >= 0 else None


def _page_tree_broken(pdf) -> bool:
    """Whether the catalog's /Pages is not a page tree: pdfminer then
    collects every object typed /Page, silently (another count, another
    order, superseded revisions included)."""
    from pdfminer.pdftypes import resolve1

    try:
        pages = resolve1(pdf.doc.catalog.get("Pages"))
    except Exception:
        return True
    return not (isinstance(pages, dict) and "Kids" in pages)


def _used_fallback_xref(pdf) -> bool:
    return any(type(x).__name__ == "PDFXRefFallback" for x in getattr(pdf.doc, "xrefs", ()))


_OBJ_HEAD = re.compile(rb"(?m)^[ \t\f\0]*(\d{1,10})[ \t\r\n\f\0]+\d{1,5}[ \t\r\n\f\0]+obj\b")
_CATALOG = re.compile(rb"/Type\s*/Catalog\b")


def rebuild(data: bytes) -> Optional[bytes]:
    """A copy of a PDF whose end is missing (trailer, cross-reference table,
    catalog, page tree: all written last), made readable again: the bytes up
    to the last complete object, a catalog when none survived (pdfminer then
    finds the pages by their /Type), and a trailer.  None when nothing can be
    recovered.  pdfminer locates the objects by scanning."""
    end = data.rfind(b"endobj")
    if end < 0:
        return None
    body = data[: end + len(b"endobj")]
    heads = [(m.start(), int(m.group(1))) for m in _OBJ_HEAD.finditer(body)]
    if not heads:
        return None
    root = None
    for m in _CATALOG.finditer(body):
        owners = [objid for start, objid in heads if start < m.start()]
        if owners:
            root = owners[-1]
    next_id = max(objid for _, objid in heads) + 1
    extra = b""
    if root is None:
        root = next_id
        extra = b"\n%d 0 obj\n<< /Type /Catalog >>\nendobj\n" % root
        next_id += 1
    return body + extra + b"\ntrailer\n<< /Root %d 0 R /Size %d >>\n%%%%EOF\n" % (root, next_id)


# -- reading pages -----------------------------------------------------------------


class _Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        try:
            text = " ".join(record.getMessage().split())
        except Exception:  # a broken log call must not break the page
            text = str(record.msg)
        self.messages.append(text[:117] + "..." if len(text) > 120 else text)


@contextmanager
def _captured_log() -> Iterator[list[str]]:
    """pdfminer's warnings while the block runs (it logs damage it works
    around); they are collected, not printed."""
    handler = _Capture()
    logger = logging.getLogger("pdfminer")
    logger.addHandler(handler)
    try:
        yield handler.messages
    finally:
        logger.removeHandler(handler)



def iter_pages(opened: OpenedPDF, settings: Settings, only: set[int] | None = None) -> Iterator[Page]:
    """Yield each readable page; pages that fail to parse are recorded in
    ``opened.lost_pages`` (with the reason) and skipped, so the rest of the
    file still converts."""
    for index, ppage in enumerate(opened.pages):
        number = index + 1
        if ppage is None or (only is not None and number not in only):
            continue
        complaints: list[str] = []
        try:
            with stage("pages"), _captured_log() as complaints:
                damage = check_page_streams(opened, ppage, settings)
                page, stats = read_page(ppage, number, settings, _pdfium_objects(opened, settings, index, ppage))
        except _PageLost as lost:
            opened.lose(number, str(lost))
            continue
        except MemoryError:
            raise  # the whole file fails: see guard.MemoryLimitExceeded
        except RecursionError:
            opened.lose(number, "its objects nest too deeply (a malformed file)")
            continue
        except Exception as exc:
            opened.lose(number, _describe(exc))
            continue
        finally:
            # pdfplumber caches parsed objects per page; drop them to stream.
            ppage.close() if hasattr(ppage, "close") else None
        if damage:
            complaints.insert(0, damage)
        if complaints and stats.glyphs == 0 and not page.rulings and not stats.image_area:
            opened.lose(number, complaints[0])
            continue
        if complaints and number not in opened.damaged:
            opened.damaged[number] = complaints[0]
        opened.stats.append(stats)
        yield page


def _pdfium(opened: OpenedPDF, settings: Settings):
    """The pdfium reader of ``opened`` when ``settings`` choose it and it
    can read the file (``pdfium_pages.PdfiumPages.open``), else None."""
    if settings.reader != "pdfium" or opened.pdfium is False:
        return None
    if opened.pdfium is None:
        from .pdfium_pages import PdfiumPages

        opened.pdfium = PdfiumPages.open(opened, opened.password) or False
    return opened.pdfium or None


def _pdfium_objects(opened: OpenedPDF, settings: Settings, index: int, ppage):
    """The page's objects as the pdfium reader gives them, or None for the
    pdfplumber reader: when it is chosen, and for a page pdfium fails on
    (pdfminer may still read it; what it cannot read is lost as before)."""
    reader = _pdfium(opened, settings)
    if reader is None:
        return None
    try:
        return reader.objects(index, ppage)
    except MemoryError:
        raise
    except Exception:
        return None
