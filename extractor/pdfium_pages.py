"""Pages read with PDFium: the objects ``page_objects.read_page`` turns into a ``Page``.

``Settings.reader`` chooses the reader of the pages stage.  With
``"pdfium"`` the file is still opened by pdfplumber (``pages.open_pdf``:
the page tree, damaged files, passwords, the stream check before a page is
read, the fonts' declared metrics), but each page's content is parsed by
PDFium instead of pdfminer: its characters (``pdfium_text``) and its
lines, rectangles and images (``pdfium_drawing``), in the form
``page_objects.plumber_objects`` gives pdfminer's, so that the text check and
the model are the same code for both readers.

PDFium is not used, and pdfminer reads the pages as before, when it cannot
be loaded or open the file, when its page count differs from pdfplumber's,
when the file had to be rebuilt (PDFium would read the damaged original),
and when a memory cap leaves it too little room (it aborts the process
where pdfminer raises ``MemoryError``; see ``triage._headroom``).
"""

from __future__ import annotations

from typing import Optional

from .pdfium_drawing import read_drawing
from .pdfium_text import FontMetrics, Geometry, read_chars


#: The most pages ``PdfiumPages.hold`` keeps loaded: the first pass
#: rarely asks for more than the blank pages of the front matter and the
#: first page of the section, which is read next.
_HELD = 8


class PdfiumPages:
    """A PDFium document beside a ``pages.OpenedPDF``; ``close()`` it."""

    def __init__(self, doc, rsrcmgr) -> None:
        self.doc = doc
        self.metrics = FontMetrics(rsrcmgr)
        #: Pages loaded before they are read (``hold``): index -> (page, text page).
        self.held: dict[int, tuple] = {}

    def hold(self, index: int, page, textpage) -> bool:
        """Keep page ``index`` of ``doc`` as loaded, with its text page, for
        ``objects`` to read: the first pass (``triage``) loads the pages it
        decides must be read.  At most ``_HELD`` pages are kept (a loaded
        page holds its parsed content); False when this one is not, and the
        caller closes it."""
        if index in self.held or len(self.held) >= _HELD:
            return False
        self.held[index] = (page, textpage)
        return True

    @classmethod
    def open(cls, opened, password: Optional[str]) -> Optional["PdfiumPages"]:
        """PDFium's view of ``opened``'s file, or None when the pdfplumber
        reader must read it (see the module's doc)."""
        from .triage import _headroom

        if opened.repaired is not None or not _headroom():
            return None
        try:
            import pypdfium2 as pdfium
        except MemoryError:
            raise
        except Exception:  # not installed, or its library cannot be mapped
            return None
        try:
            doc = pdfium.PdfDocument(str(opened.path), password=password or None)
        except Exception:
            return None
        if len(doc) != opened.page_count:
            doc.close()
            return None
        return cls(doc, opened.pdf.rsrcmgr)

    def objects(self, index: int, ppage) -> tuple[list[tuple], list[tuple], list[tuple], list[tuple]]:
        """Page ``index``'s characters, lines, rectangles and images, as
        ``page_objects.plumber_objects`` gives them for the pdfplumber page ``ppage``."""
        geometry = Geometry.of(ppage)
        page, textpage = self.held.pop(index, None) or (self.doc[index], None)
        try:
            lines, rects, images, order, clips = read_drawing(page.raw, geometry)
            if textpage is None:
                textpage = page.get_textpage()
            chars = read_chars(textpage, geometry, self.metrics.for_page(ppage.page_obj.resources), order, clips)
        finally:
            if textpage is not None:
                textpage.close()
            page.close()
        return chars, lines, rects, images

    def close(self) -> None:
        for page, textpage in self.held.values():  # pages held and never read
            textpage.close()
            page.close()
        self.held.clear()
        self.doc.close()
