"""Stage 1: a PDF file -> pages of characters and ruling lines.

This is the only module that talks to pdfplumber/pdfminer.  It turns their
dictionaries into the frozen types of ``layout`` and their exceptions into the
typed errors of ``errors``.  Pages are produced one at a time (a generator) so
that long documents are streamed, not held in memory.

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

``page_notes`` turns all of this into the document's warnings, or raises
``NoTextLayer`` / ``UnreadableText`` / ``DamagedPDF`` when no page has text.
"""

from __future__ import annotations

import io
import logging
import re
import unicodedata
import zlib
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path
from typing import Iterator, Optional

import regex

from .errors import DamagedPDF, EncryptedPDF, NoTextLayer, NotAPDF, TooManyPages, UnreadableText
from .layout import Box, Char, Page, Ruling
from .settings import Settings
from .timing import stage
from .vocab import read_table

#: How far into a file the ``%PDF-`` header may start (some servers prepend junk).
_HEADER_WINDOW = 1024

#: Objects visited per page when checking the streams it uses.
_WALK_BUDGET = 20000


@dataclass(frozen=True)
class TextCounts:
    """What the text check counts on one page (``text_counts``); each glyph
    counts once, by its ``glyph_kind``, except that glyphs inside garbled
    runs count as garbled whatever their kind."""

    #: Non-space glyphs drawn upright on the page.
    glyphs: int = 0
    #: Glyphs without a Unicode mapping ("(cid:N)", private use, controls, U+FFFD).
    unmapped: int = 0
    #: Glyphs mapped to characters foreign to these documents (Latin-1
    #: letters, Cyrillic, kana …: see ``_EXPECTED``).
    foreign: int = 0
    #: Glyphs inside runs that only mis-decoded text produces (锟斤拷, UTF-8
    #: read as Latin-1: "éƒ¨é—¨"), see ``_GARBLED``.
    garbled: int = 0
    #: Han ideographs outside the common-character list (``common_han``).
    rare: int = 0
    #: ASCII digits and punctuation: every encoding these documents meet
    #: keeps them intact, so they say nothing about mis-decoding (a table
    #: of contents is mostly leader dots, a budget table mostly digits).
    filler: int = 0

    @property
    def bad(self) -> int:
        """Glyphs that are not text."""
        return self.unmapped + self.foreign + self.garbled

    @property
    def suspect(self) -> int:
        """Glyphs that are mojibake, or look like it (rare ideographs)."""
        return self.foreign + self.garbled + self.rare

    @property
    def words(self) -> int:
        """Mapped glyphs other than filler: where mis-decoding shows."""
        return self.glyphs - self.unmapped - self.filler


@dataclass(frozen=True)
class PageStats:
    """What the text check measured on one page that could be parsed (the
    fields of ``TextCounts``, flat: ``ocr._record_text`` replaces ``glyphs``,
    ``unmapped``, ``foreign`` and ``readable`` of a page OCR has read)."""

    number: int
    #: Non-space glyphs drawn upright on the page.
    glyphs: int
    #: Glyphs without a Unicode mapping ("(cid:N)", private use, controls).
    unmapped: int
    #: Glyphs mapped to characters foreign to these documents (mojibake).
    foreign: int
    image_area: float
    #: False when the page's text was withheld as unreadable.
    readable: bool
    #: The rest of ``TextCounts``.
    garbled: int = 0
    rare: int = 0
    filler: int = 0
    #: Why an unreadable page is: "unmapped" or "mojibake" (``unreadable_reason``).
    reason: Optional[str] = None
    #: False for a readable page that cannot vouch for the document's text:
    #: too few glyphs to be judged (``Settings.unreadable_min_glyphs``), or
    #: as much mojibake as an unreadable page but too few glyphs in all to
    #: tell (``Settings.mojibake_min_chars``).  See ``page_notes``.
    vouches: bool = True

    @classmethod
    def of(cls, number: int, counts: TextCounts, image_area: float, reason: Optional[str],
           settings: Settings) -> "PageStats":
        vouches = reason is not None or (
            counts.glyphs >= settings.unreadable_min_glyphs and counts.suspect < settings.mojibake_ratio * counts.words)
        return cls(number, counts.glyphs, counts.unmapped, counts.foreign, image_area, reason is None,
                   counts.garbled, counts.rare, counts.filler, reason, vouches)

    @property
    def counts(self) -> TextCounts:
        return TextCounts(self.glyphs, self.unmapped, self.foreign, self.garbled, self.rare, self.filler)


@dataclass(frozen=True)
class Note:
    """A problem with part of the file, for the document's ``warnings``."""

    code: str
    where: str
    message: str


@dataclass
class OpenedPDF:
    """A PDF opened for reading; close it with ``close()`` or ``with``."""

    path: Path
    pdf: object  # pdfplumber.PDF
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
    #: Streams already checked (object id -> problem or None), shared by pages.
    checked: dict[int, Optional[tuple[str, str]]] = field(default_factory=dict)

    def lose(self, number: int, reason: str) -> None:
        if number not in self.lost_reasons:
            self.lost_pages.append(number)
            self.lost_reasons[number] = reason

    def close(self) -> None:
        _close(self.pdf)

    def __enter__(self) -> "OpenedPDF":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def page_ranges(numbers) -> str:
    """[1, 2, 3, 7] -> "1-3, 7"."""
    numbers = sorted(set(numbers))
    out, start = [], None
    for i, n in enumerate(numbers):
        if start is None:
            start = n
        if i + 1 == len(numbers) or numbers[i + 1] != n + 1:
            out.append(f"{start}-{n}" if n != start else f"{n}")
            start = None
    return ", ".join(out)


def _these(numbers) -> str:
    return "this page" if len(set(numbers)) == 1 else "these pages"


def _where(numbers) -> str:
    numbers = sorted(set(numbers))
    return f"page {numbers[0]}" if len(numbers) == 1 else f"pages {page_ranges(numbers)}"


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
                       declared_pages=declared, damaged=damaged)
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


class _PageLost(Exception):
    pass


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
                page, stats = read_page(ppage, number, settings)
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


def read_page(ppage, number: int, settings: Settings) -> tuple[Page, PageStats]:
    """One pdfplumber page -> ``Page`` and its text check.  Unmapped glyphs
    are dropped; an unreadable page keeps no text (and no rulings: an empty
    grid is not data either)."""
    chars_in, lines_in, rects_in, images_in = plumber_objects(ppage)
    if len(chars_in) > settings.max_page_chars:
        raise _PageLost(f"it holds {len(chars_in)} characters, more than {settings.max_page_chars} "
                        "(Settings.max_page_chars): not a form page, a generated or hostile one")
    kept, texts, kinds = [], [], []
    for c in chars_in:
        text = c["text"]
        if not text or not c.get("upright", True):
            continue
        if text.isspace():
            kept.append(c)
            continue
        kind = glyph_kind(text)
        texts.append(text)
        kinds.append(kind)
        if kind != "unmapped":
            kept.append(c)
    counts = text_counts(texts, kinds)
    image_area = sum(
        max(0.0, float(i["x1"]) - float(i["x0"])) * max(0.0, float(i["bottom"]) - float(i["top"]))
        for i in images_in
    )
    reason = unreadable_reason(counts, settings)
    readable = reason is None
    if readable:
        chars = tuple(_char(c) for c in kept)
        rulings = tuple(objects_to_rulings(lines_in, rects_in, settings))
    else:
        chars, rulings = (), ()
    page = Page(
        number=number,
        width=float(ppage.width),
        height=float(ppage.height),
        chars=chars,
        rulings=rulings,
        image_area=image_area,
        unmapped=counts.unmapped if readable else counts.glyphs,
    )
    return page, PageStats.of(number, counts, image_area, reason, settings)


def plumber_objects(ppage) -> tuple[list[dict], list[dict], list[dict], list[dict]]:
    """The page's characters, lines, rectangles and images as pdfplumber's
    ``page.chars``, ``.lines``, ``.rects`` and ``.images`` give them (the
    same objects in the same order, the same coordinates), but only with
    the keys read here.  pdfplumber builds a dictionary of some twenty
    resolved attributes per object, which costs more than a quarter of the
    time of parsing a page; this walks pdfminer's layout directly.  Any
    other page object (a cropped page, a stand-in) goes through pdfplumber."""
    from pdfminer.layout import LTContainer

    layout = getattr(ppage, "layout", None) if getattr(ppage, "is_original", False) else None
    if layout is None:
        return list(ppage.chars), list(ppage.lines), list(ppage.rects), list(ppage.images)
    # pdfplumber.Page.process_object: top-down coordinates, shifted by the
    # MediaBox origin as pdfminer's are relative to it.
    height = ppage.height
    mb_x0, mb_top = ppage.mediabox[:2]
    chars: list[dict] = []
    lines: list[dict] = []
    rects: list[dict] = []
    images: list[dict] = []
    stack = [iter(layout._objs)]
    while stack:
        for obj in stack[-1]:
            kind = type(obj).__name__
            if kind == "LTChar":
                x0, x1 = (obj.x0 + mb_x0, obj.x1 + mb_x0) if mb_x0 != 0 else (obj.x0, obj.x1)
                chars.append({
                    "text": obj.get_text(), "upright": obj.upright, "size": obj.size,
                    "x0": x0, "x1": x1, "top": (height - obj.y1) + mb_top, "bottom": (height - obj.y0) + mb_top,
                })
            elif kind in ("LTLine", "LTRect", "LTImage"):
                x0, x1 = (obj.x0 + mb_x0, obj.x1 + mb_x0) if mb_x0 != 0 else (obj.x0, obj.x1)
                item = {"x0": x0, "x1": x1, "top": (height - obj.y1) + mb_top, "bottom": (height - obj.y0) + mb_top}
                if kind == "LTLine":
                    lines.append(item)
                elif kind == "LTRect":
                    item["stroke"] = obj.stroke
                    rects.append(item)
                else:
                    images.append(item)
            elif isinstance(obj, LTContainer):  # a form XObject (LTFigure): its children, in place
                stack.append(iter(obj._objs))
                break
        else:
            stack.pop()
    return chars, lines, rects, images


def unreadable_reason(counts: TextCounts, settings: Settings) -> Optional[str]:
    """The page-level text check: None for a readable page, else why not,
    "unmapped" (glyphs without a correct Unicode mapping: fonts without a
    correct ToUnicode map) or "mojibake" (text decoded with the wrong
    encoding before it was typeset, or by a wrong map; see
    ``Settings.mojibake_ratio``).  Unreadable when:

    - all its glyphs are unmapped;
    - at least ``unreadable_ratio`` of its glyphs are unmapped, foreign or
      garbled (``TextCounts.bad``);
    - at least ``mojibake_ratio`` of its words (glyphs but filler) and at
      least ``mojibake_min_chars`` glyphs are foreign, garbled or rare
      ideographs (``TextCounts.suspect``).

    The reason is "mojibake" when the signs of mis-decoding (garbled runs,
    rare ideographs) outweigh the unmapped glyphs; foreign characters come
    from both faults and do not decide.  Pages with fewer than
    ``unreadable_min_glyphs`` glyphs prove little (a page number, a rare
    place name in a heading) and pass unless all are unmapped."""
    c = counts
    if not c.glyphs:
        return None
    if c.unmapped == c.glyphs:
        return "unmapped"
    if c.glyphs < settings.unreadable_min_glyphs:
        return None
    kind = "mojibake" if c.garbled + c.rare > c.unmapped else "unmapped"
    if c.bad >= settings.unreadable_ratio * c.glyphs:
        return kind
    if c.suspect >= max(settings.mojibake_min_chars, settings.mojibake_ratio * c.words):
        return kind
    return None


def is_readable(counts: TextCounts, settings: Settings) -> bool:
    """Whether a page's text can be passed on (see ``unreadable_reason``)."""
    return unreadable_reason(counts, settings) is None


#: Characters these documents are written in: CJK ideographs and punctuation,
#: ASCII, and the punctuation and symbols Chinese office documents use.
#: Anything else (Latin-1 letters, Greek, Cyrillic, Hangul, kana …) in
#: quantity is what fonts without a correct ToUnicode map produce.
_EXPECTED = regex.compile(
    r"[\p{Han}\x20-\x7e\s"
    r"\u00a5\u00b0\u00b1\u00b7\u00d7\u00f7"  # ¥ ° ± · × ÷
    r"\u2000-\u206f"  # general punctuation: “ ” ‘ ’ — … ‰ ※
    r"\u2100-\u21ff"  # letterlike symbols, number forms, arrows: ℃ Ⅰ Ⅱ →
    r"\u2200-\u22ff"  # mathematical operators: ≥ ≤ ≠
    r"\u2460-\u24ff"  # enclosed alphanumerics: ① ⑴ ⒈
    r"\u2500-\u27bf"  # box drawing, shapes, symbols, dingbats: ■ ● ★ ✓
    r"\u2e80-\u2fdf"  # CJK radicals
    r"\u3000-\u303f"  # CJK symbols and punctuation: 、。《》【】〇
    r"\u3200-\u33ff"  # enclosed CJK, CJK compatibility: ㈠ ㎡
    r"\ufe10-\ufe1f\ufe30-\ufe6f"  # vertical, CJK compatibility and small forms: ﹒
    r"\uff00-\uffef"  # fullwidth forms: ，：（）％
    r"]"
)

#: Han ideographs (unified, extension A, compatibility, and the
#: supplementary planes), as opposed to other characters of the Han script
#: (radicals, 〇, 々): the characters the common-character list speaks of.
_IDEOGRAPH = regex.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003ffff]")

#: What a byte of UTF-8's continuation range (0x80-0xBF) becomes when read as
#: Latin-1 or Windows-1252 (a dropped 0x81/0x8D/0x8F/0x90/0x9D: U+FFFD).
_CONTINUATION = (r"[\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc"
                 r"\u2013\u2014\u2018-\u201a\u201c-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a"
                 r"\u20ac\u2122\ufffd]")

#: Runs that only mis-decoded text produces (matched on a page's glyphs
#: joined in drawing order, spaces left out):
#: - UTF-8 read as Latin-1/Windows-1252: a lead byte (Â-ß: two bytes, à-ï:
#:   three, ð-ô: four) followed by its continuation bytes, "éƒ¨é—¨" for 部门
#:   (one continuation may be missing: 0xA0 becomes a no-break space);
#: - 锟斤拷: U+FFFD (the replacement of bytes that were not UTF-8) written as
#:   UTF-8 and read as GBK; 锟 and the character after it, up to the next 拷
#:   (an odd replacement pairs its last byte with the next character's).
#: Real text has neither: 锟 is a sword's name, and a Latin letter followed
#: by ¨, ƒ or ‰ no language writes.
_GARBLED = regex.compile(
    rf"[\u00c2-\u00df]{_CONTINUATION}|[\u00e0-\u00ef]{_CONTINUATION}{{1,2}}|[\u00f0-\u00f4]{_CONTINUATION}{{1,3}}"
    r"|锟.拷|锟.?"
)


@cache
def common_han() -> frozenset[str]:
    """The common-character list: GB2312's level 1 (一级汉字, 3755
    characters), from ``vocab/common_han.tsv``.  Every Han ideograph of the
    sample, the layout variants and the ten real budget PDFs tried
    (some 70,000) is in it; text decoded with the wrong encoding mostly
    lands outside it (see the table's comments).  A table, not Python's
    gb2312 codec: the codec's module is loaded on first use, which a
    conversion under a memory cap (``guard``) may not be able to do."""
    return frozenset("".join(row["chars"] for row in read_table("common_han")))


@lru_cache(maxsize=8192)
def glyph_kind(text: str) -> str:
    """"unmapped" (pdfminer's "(cid:N)" for glyphs without a ToUnicode
    entry, private-use, unassigned, surrogate and control code points,
    U+FFFD), "foreign" (see ``_EXPECTED``), "rare" (an ideograph outside
    ``common_han``), "filler" (ASCII digits and punctuation) or "text".  A
    glyph of several characters takes the first of these kinds that one of
    its characters has."""
    if text.startswith("(cid:"):
        return "unmapped"
    kind = "filler"
    for ch in text:
        if ch == "\ufffd" or (unicodedata.category(ch) in ("Co", "Cn", "Cc", "Cs") and not ch.isspace()):
            return "unmapped"
        if not _EXPECTED.match(ch):
            kind = "foreign"
        elif kind == "foreign":
            continue
        elif _IDEOGRAPH.match(ch) and ch not in common_han():
            kind = "rare"
        elif kind == "filler" and not ("!" <= ch <= "@" or "[" <= ch <= "`" or "{" <= ch <= "~"):
            kind = "text"
    return kind


def text_counts(texts: list[str], kinds: Optional[list[str]] = None) -> TextCounts:
    """The text check of one page: ``texts`` are its glyphs' texts in
    drawing order, spaces left out (``kinds`` their ``glyph_kind``, when
    known).  Garbled runs (``_GARBLED``) are only looked for on a page with
    foreign or rare characters, which real pages rarely have: no cost
    otherwise."""
    if kinds is None:
        kinds = [glyph_kind(t) for t in texts]
    n = dict.fromkeys(("unmapped", "foreign", "rare", "filler", "text"), 0)
    for kind in kinds:
        n[kind] += 1
    runs = dict.fromkeys(n, 0)
    if n["foreign"] or n["rare"]:
        for m in _GARBLED.finditer("".join(texts)):
            for ch in m.group():
                runs[glyph_kind(ch)] += 1
    return TextCounts(
        glyphs=len(kinds),
        unmapped=n["unmapped"],
        foreign=max(0, n["foreign"] - runs["foreign"]),
        garbled=runs["foreign"] + runs["rare"] + runs["filler"] + runs["text"],
        rare=max(0, n["rare"] - runs["rare"]),
        filler=max(0, n["filler"] - runs["filler"]),
    )


def _char(c: dict) -> Char:
    return Char(
        text=unicodedata.normalize("NFC", c["text"]),
        box=Box(float(c["x0"]), float(c["top"]), float(c["x1"]), float(c["bottom"])),
        size=float(c.get("size") or (c["bottom"] - c["top"])),
    )


def objects_to_rulings(lines, rects, settings: Settings) -> Iterator[Ruling]:
    """Thin lines and rectangles become rulings; a larger stroked rectangle
    contributes its four edges (a cell drawn as a box)."""
    thick = settings.ruling_max_thickness
    min_len = settings.ruling_min_length
    boxes = [(float(o["x0"]), float(o["top"]), float(o["x1"]), float(o["bottom"]), True) for o in lines]
    for r in rects:
        x0, top, x1, bottom = float(r["x0"]), float(r["top"]), float(r["x1"]), float(r["bottom"])
        if (x1 - x0) <= thick or (bottom - top) <= thick:
            boxes.append((x0, top, x1, bottom, True))
        elif r.get("stroke", True):
            boxes += [
                (x0, top, x1, top, True),
                (x0, bottom, x1, bottom, True),
                (x0, top, x0, bottom, True),
                (x1, top, x1, bottom, True),
            ]
    for x0, top, x1, bottom, _ in boxes:
        w, h = x1 - x0, bottom - top
        if h <= thick and w >= min_len:
            yield Ruling("h", (top + bottom) / 2, x0, x1)
        elif w <= thick and h >= min_len:
            yield Ruling("v", (x0 + x1) / 2, top, bottom)


# -- checking the streams a page uses --------------------------------------------------


def check_page_streams(opened: OpenedPDF, ppage, settings: Settings) -> Optional[str]:
    """Before a page is parsed: inflate (with a bound) every stream it uses.
    Raises ``_PageLost`` for a decompression bomb or a missing content stream
    or font; returns a damage note for corrupt compressed data in a stream
    the text depends on (content, forms, ToUnicode and encoding CMaps; what
    inflates before the damage is kept, as pdfminer would).  Corrupt font
    programs are not reported: text extraction does not need them."""
    from pdfminer.pdftypes import PDFObjRef, PDFStream, resolve1

    page = ppage.page_obj
    limit = settings.max_stream_mb << 20
    lzw_limit = settings.max_lzw_mb << 20
    damage: Optional[str] = None

    def check(stream: PDFStream, role: str, text_needs_it: bool = True) -> None:
        nonlocal damage
        length = stream.attrs.get("Length")
        if isinstance(length, PDFObjRef) and resolve1(length) is None and not stream.rawdata:
            # The object holding the length is gone (a damaged file): the
            # parser then reads the stream as empty, silently.
            missing = f"{role} cannot be read: its length (object {length.objid}) is missing"
            if role.startswith("its content stream"):
                raise _PageLost(missing)
            if text_needs_it:
                damage = damage or missing
            return
        problem = _stream_problem(opened, stream, limit, lzw_limit)
        if problem is None:
            return
        kind, text = problem
        if kind == "bomb":
            raise _PageLost(f"{role} {text}")
        if text_needs_it:
            damage = damage or f"{role} {text}"

    contents = page.attrs.get("Contents")
    operators = 0
    if contents is not None:
        items = resolve1(contents)
        for item in items if isinstance(items, list) else [contents]:
            obj = resolve1(item)
            if isinstance(obj, PDFStream):
                check(obj, f"its content stream{_objid(item, obj)}")
                operators += _operator_count(obj)
                if operators > settings.max_page_operators:
                    raise _PageLost(f"its content draws more than {settings.max_page_operators} objects "
                                    "(Settings.max_page_operators): not a form page, a generated or hostile one")
            elif isinstance(item, PDFObjRef):
                what = "is missing" if obj is None else "is not a stream"
                raise _PageLost(f"its content stream (object {item.objid}) {what}")
    resources = page.resources if isinstance(page.resources, dict) else {}
    fonts = resolve1(resources.get("Font"))
    if isinstance(fonts, dict):
        for name, ref in fonts.items():
            font = resolve1(ref)
            if not isinstance(font, dict):
                where = f" (object {ref.objid})" if isinstance(ref, PDFObjRef) else ""
                raise _PageLost(f"its font /{name}{where} is missing")
    seen: set[int] = set()
    todo: list[tuple[str, object]] = [("Resources", resources)]
    budget = _WALK_BUDGET
    while todo and budget > 0:
        key, obj = todo.pop()
        budget -= 1
        if isinstance(obj, PDFObjRef):
            if obj.objid not in seen:
                seen.add(obj.objid)
                todo.append((key, resolve1(obj)))
            continue
        if isinstance(obj, PDFStream):
            subtype = getattr(obj.get("Subtype"), "name", None)
            if subtype == "Image":
                continue  # image data is never decoded for text
            needed = subtype == "Form" or key in ("ToUnicode", "Encoding")
            role = {"ToUnicode": "a ToUnicode map", "Encoding": "a font encoding"}.get(key, "a resource stream")
            check(obj, f"{'a form' if subtype == 'Form' else role}{_objid(None, obj)}", needed)
            items = [(k, v) for k, v in obj.attrs.items() if k not in ("Parent", "Length")]
        elif isinstance(obj, dict):
            items = [(k, v) for k, v in obj.items() if k != "Parent"]
        elif isinstance(obj, list):
            items = [(key, v) for v in obj]
        else:
            continue
        todo.extend((k, v) for k, v in items if isinstance(v, (PDFObjRef, PDFStream, dict, list)))
    return damage


def _objid(ref, obj) -> str:
    objid = getattr(ref, "objid", None) or getattr(obj, "objid", None)
    return f" (object {objid})" if objid is not None else ""


#: The operators that make a page object (path construction and painting
#: of rectangles and lines, text showing, XObjects), as tokens.
_OPERATORS = re.compile(rb"(?:(?<=[\s\])>])|^)(?:re|l|c|v|y|Tj|TJ|'|\"|Do)(?=[\s\[(<]|$)")


def _operator_count(stream) -> int:
    """How many drawing and text operators the stream holds: counted on
    its data when it is inflated already (``_inflate`` keeps Flate streams'
    data) or not compressed, else 0 (other filters are rare in content)."""
    data = stream.data if stream.data is not None else (None if stream.get_filters() else stream.rawdata)
    return len(_OPERATORS.findall(data)) if data else 0


def _stream_problem(opened: OpenedPDF, stream, limit: int, lzw_limit: int) -> Optional[tuple[str, str]]:
    key = stream.objid
    if key is not None and key in opened.checked:
        return opened.checked[key]
    problem = _inflate(stream, limit, lzw_limit)
    if key is not None:
        opened.checked[key] = problem
    return problem


def _inflate(stream, limit: int, lzw_limit: int = 16 << 20) -> Optional[tuple[str, str]]:
    """Inflate the leading FlateDecode filters of a stream (one or several
    chained) in bounded steps.  ("bomb", …) when the output exceeds ``limit``
    bytes, ("corrupt", …) for bad or cut-short compressed data, else None.
    A stream whose filters are all Flate (no predictor) keeps what was
    inflated, so pdfminer does not inflate it again (nor attempt its slow
    byte-wise recovery of corrupt data)."""
    from pdfminer.pdftypes import LITERALS_FLATE_DECODE, LITERALS_LZW_DECODE

    if stream.data is not None:
        return ("bomb", f"inflates to {len(stream.data) >> 20} MB") if len(stream.data) > limit else None
    filters = stream.get_filters()
    layers = 0
    for f, params in filters:
        if f not in LITERALS_FLATE_DECODE:
            break
        layers += 1
    if not layers:
        if filters and filters[0][0] in LITERALS_LZW_DECODE:
            return _lzw_problem(stream, filters, lzw_limit)
        return None  # other filters expand little; the memory limit covers the rest
    data = stream.rawdata or b""
    if stream.decipher:
        data = stream.decipher(stream.objid, stream.genno, data, stream.attrs)
    keep = layers == len(filters) and not any(isinstance(p, dict) and "Predictor" in p for _, p in filters)
    chunks: list[bytes] = []
    size = 0
    problem = None
    output: Iterator[bytes] = iter([data])
    for _ in range(layers):
        output = _inflate_steps(output)
    try:
        for out in output:
            size += len(out)
            if size > limit:
                return ("bomb", f"inflates beyond {limit >> 20} MB (a decompression bomb)")
            if keep:
                chunks.append(out)
    except _CutShort:
        problem = ("corrupt", "is cut short (its compressed data ends early)")
    except zlib.error as exc:
        problem = ("corrupt", f"has corrupt compressed data ({exc})")
    if keep:
        stream.data = b"".join(chunks)
        stream.rawdata = None
    return problem


def _lzw_problem(stream, filters, limit: int) -> Optional[tuple[str, str]]:
    """Decode a stream's leading LZW filter with a bound (pdfminer decodes
    it whole, in pure Python: minutes for a bomb).  ("bomb", …) past
    ``Settings.max_lzw_mb``; a stream that is LZW only keeps its data."""
    from pdfminer.lzw import LZWDecoder

    data = stream.rawdata or b""
    if stream.decipher:
        data = stream.decipher(stream.objid, stream.genno, data, stream.attrs)
    chunks: list[bytes] = []
    size = 0
    for chunk in LZWDecoder(io.BytesIO(data)).run():
        size += len(chunk)
        if size > limit:
            return ("bomb", f"decodes (LZW) beyond {limit >> 20} MB (a decompression bomb)")
        chunks.append(chunk)
    params = filters[0][1]
    if len(filters) == 1 and not (isinstance(params, dict) and "Predictor" in params):
        stream.data = b"".join(chunks)
        stream.rawdata = None
    return None


class _CutShort(Exception):
    pass


def _inflate_steps(chunks: Iterator[bytes]) -> Iterator[bytes]:
    """Inflate a sequence of compressed chunks, in bounded steps.  At bad
    data, the step is replayed byte by byte so that everything before the
    damage is still produced (as pdfminer's own recovery does, but only for
    the one step), then the error is raised."""
    inflater = zlib.decompressobj()
    seen = False
    step = 1 << 14
    for chunk in chunks:
        seen = seen or bool(chunk)
        for start in range(0, len(chunk), step):
            if inflater.eof:
                return
            piece = chunk[start:start + step]
            backup = inflater.copy()
            produced = 0
            try:
                pending = piece
                while pending and not inflater.eof:
                    out = inflater.decompress(pending, 1 << 20)
                    produced += len(out)
                    if out:
                        yield out
                    pending = inflater.unconsumed_tail
            except zlib.error:
                inflater, replayed = backup, 0
                for k in range(len(piece)):
                    out = inflater.decompress(piece[k:k + 1])  # raises at the damage
                    if replayed + len(out) > produced:
                        yield out[max(0, produced - replayed):]
                    replayed += len(out)
                    if inflater.eof:
                        return
                raise
        if inflater.eof:
            return
    if seen:
        out = inflater.flush()
        if out:
            yield out
        if not inflater.eof:
            raise _CutShort


# -- the verdict ---------------------------------------------------------------------


def page_notes(opened: OpenedPDF) -> list[Note]:
    """After every page was read: raise when no page has text
    (``UnreadableText``, ``DamagedPDF``, ``NoTextLayer``), else the notes on
    rebuilt files, lost, damaged, unreadable and image-only pages."""
    path = str(opened.path)
    stats = opened.stats
    with_text = [s for s in stats if s.readable and s.glyphs > s.unmapped]
    garbled = [s for s in stats if not s.readable]
    if garbled and not any(s.vouches for s in with_text):
        # The pages left are too short to tell (a page number, a heading)
        # and no better than the others: the whole document is unreadable.
        with_text = []
    if not with_text:
        if garbled:
            mojibake = _mostly_mojibake(garbled)
            raise UnreadableText(path, page_ranges(s.number for s in garbled), _bad_share(garbled, mojibake),
                                 mojibake=mojibake)
        if opened.lost_pages:
            raise DamagedPDF(path, f"{_where(opened.lost_pages)}: {_reasons(opened.lost_reasons)}")
        blank = [s.number for s in stats]
        raise NoTextLayer(path, page_ranges(blank), scanned=any(s.image_area > 0 for s in stats))
    notes: list[Note] = []
    if opened.repaired:
        if opened.declared_pages is not None and opened.declared_pages <= opened.page_count:
            recovered = f"all {opened.page_count} pages it declares were recovered; re-download it if you can"
        else:
            recovered = (f"{opened.page_count} pages were recovered from the objects it still contains, "
                         "others may be lost: re-download it if you can")
        notes.append(Note("repaired_file", "document", f"the file is damaged ({opened.repaired}); {recovered}"))
    if opened.declared_pages is not None and opened.declared_pages > opened.page_count:
        notes.append(Note(
            "missing_pages", "document",
            f"the file declares {opened.declared_pages} pages but only {opened.page_count} could be found; "
            "the others are lost: re-download the file if you can",
        ))
    if opened.lost_pages:
        notes.append(Note(
            "lost_pages", _where(opened.lost_pages),
            f"{_these(opened.lost_pages)} could not be read ({_reasons(opened.lost_reasons)}); the rest was extracted",
        ))
    damaged = {n: reason for n, reason in opened.damaged.items() if n not in opened.lost_reasons}
    if damaged:
        notes.append(Note(
            "damaged_pages", _where(damaged),
            f"the PDF parser reported damage on {_these(damaged)} ({_reasons(damaged)}); "
            "the content may be incomplete",
        ))
    if garbled:
        mojibake = _mostly_mojibake(garbled)
        bad = _bad_share(garbled, mojibake)
        these = _these([s.number for s in garbled])
        if mojibake:
            message = (f"the text of {these} is mojibake, not Chinese text ({bad:.0%} of its characters, digits and "
                       f"punctuation aside, {UnreadableText.MOJIBAKE_WHAT}); it was left out: {UnreadableText.MOJIBAKE_HINT}")
        else:
            message = (f"the text of {these} cannot be decoded ({bad:.0%} of the glyphs have no Unicode mapping or "
                       "are not Chinese text: fonts without a correct ToUnicode map); it was left out: OCR is needed")
        notes.append(Note("unreadable_text", _where(s.number for s in garbled), message))
    dropped = [s for s in stats if s.readable and s.unmapped]
    if dropped:
        notes.append(Note(
            "unmapped_glyphs", _where(s.number for s in dropped),
            f"{sum(s.unmapped for s in dropped)} glyphs without a Unicode mapping were dropped from "
            f"{_these([s.number for s in dropped])}; "
            "some text may be incomplete",
        ))
    scanned = [s.number for s in stats if s.glyphs == 0 and s.image_area > 0]
    if scanned:
        notes.append(Note(
            "no_text_layer", _where(scanned),
            f"{'this page is an image' if len(scanned) == 1 else 'these pages are images'} without a text layer; "
            "OCR is needed for their content",
        ))
    return notes


def _bad_share(stats: list[PageStats], mojibake: bool) -> float:
    """For the messages: the share of the glyphs of ``stats`` that are not
    text, or with ``mojibake`` of their words that are suspect (see
    ``TextCounts``)."""
    counts = [s.counts for s in stats]
    if mojibake:
        return min(1.0, sum(c.suspect for c in counts) / max(1, sum(c.words for c in counts)))
    return min(1.0, sum(c.bad for c in counts) / max(1, sum(c.glyphs for c in counts)))


def _mostly_mojibake(stats: list[PageStats]) -> bool:
    """Whether most glyphs of the unreadable pages ``stats`` are on pages
    judged mojibake (the message then says so, and what to do about it)."""
    mojibake = sum(s.glyphs for s in stats if s.reason == "mojibake")
    return 2 * mojibake > sum(s.glyphs for s in stats)


def _reasons(by_page: dict[int, str]) -> str:
    """{2: "x", 3: "x", 5: "y"} -> "pages 2-3: x; page 5: y"."""
    groups: dict[str, list[int]] = {}
    for number in sorted(by_page):
        groups.setdefault(by_page[number], []).append(number)
    if len(groups) == 1:
        return next(iter(groups))
    parts = [f"{_where(pages)}: {reason}" for reason, pages in groups.items()]
    if len(parts) > 3:
        parts = parts[:3] + [f"{len(parts) - 3} more"]
    return "; ".join(parts)
