"""Stage 1: a PDF file -> pages of characters and ruling lines.

This is the only module that talks to pdfplumber/pdfminer.  It turns their
dictionaries into the frozen types of ``layout`` and their exceptions into the
typed errors of ``errors``.  Pages are produced one at a time (a generator) so
that long documents are streamed, not held in memory.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from .errors import DamagedPDF, EncryptedPDF, NotAPDF, TooManyPages
from .layout import Box, Char, Page, Ruling
from .settings import Settings

#: How far into a file the ``%PDF-`` header may start (some servers prepend junk).
_HEADER_WINDOW = 1024


@dataclass
class OpenedPDF:
    """A PDF opened for reading; close it with ``close()`` or ``with``."""

    path: Path
    pdf: object  # pdfplumber.PDF
    page_count: int
    lost_pages: list[int] = field(default_factory=list)

    def close(self) -> None:
        self.pdf.close()

    def __enter__(self) -> "OpenedPDF":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


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
    raise NotAPDF(str(path), "no %PDF- header")


def open_pdf(path: str | Path, *, password: str | None = None, settings: Settings) -> OpenedPDF:
    import pdfplumber
    from pdfminer.pdfdocument import PDFPasswordIncorrect

    path = Path(path)
    sniff(path)
    try:
        pdf = pdfplumber.open(path, password=password or "")
        count = len(pdf.pages)
    except PDFPasswordIncorrect:
        raise EncryptedPDF(str(path), with_password=password is not None) from None
    except Exception as exc:  # pdfminer raises many unrelated types on damage
        if "password" in str(exc).lower() or type(exc).__name__.startswith("PDFEncryption"):
            raise EncryptedPDF(str(path), with_password=password is not None) from None
        raise DamagedPDF(str(path), f"{type(exc).__name__}: {exc}".strip()) from None
    if count == 0:
        pdf.close()
        raise DamagedPDF(str(path), "no pages found")
    if count > settings.max_pages:
        pdf.close()
        raise TooManyPages(str(path), count, settings.max_pages)
    return OpenedPDF(path=path, pdf=pdf, page_count=count)


def iter_pages(opened: OpenedPDF, settings: Settings, only: set[int] | None = None) -> Iterator[Page]:
    """Yield each readable page; pages that fail to parse are recorded in
    ``opened.lost_pages`` and skipped, so the rest of the file still converts."""
    for index, ppage in enumerate(opened.pdf.pages):
        number = index + 1
        if only is not None and number not in only:
            continue
        try:
            page = read_page(ppage, number, settings)
        except Exception:
            opened.lost_pages.append(number)
            continue
        finally:
            # pdfplumber caches parsed objects per page; drop them to stream.
            ppage.close() if hasattr(ppage, "close") else None
        yield page


def read_page(ppage, number: int, settings: Settings) -> Page:
    chars, unmapped = [], 0
    for c in ppage.chars:
        if not c["text"] or not c.get("upright", True):
            continue
        if _unmapped(c["text"]):
            unmapped += 1
        else:
            chars.append(_char(c))
    rulings = tuple(objects_to_rulings(ppage.lines, ppage.rects, settings))
    image_area = sum(
        max(0.0, float(i["x1"]) - float(i["x0"])) * max(0.0, float(i["bottom"]) - float(i["top"]))
        for i in ppage.images
    )
    return Page(
        number=number,
        width=float(ppage.width),
        height=float(ppage.height),
        chars=tuple(chars),
        rulings=rulings,
        image_area=image_area,
        unmapped=unmapped,
    )


def _unmapped(text: str) -> bool:
    """pdfminer's "(cid:N)" for glyphs without a ToUnicode entry, private-use
    code points, and control characters are not text."""
    return text.startswith("(cid:") or any(
        unicodedata.category(ch) in ("Co", "Cn", "Cc") and not ch.isspace() for ch in text
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
