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


class PdfiumPages:
    """A PDFium document beside a ``pages.OpenedPDF``; ``close()`` it."""

    def __init__(self, doc, rsrcmgr) -> None:
        self.doc = doc
        self.metrics = FontMetrics(rsrcmgr)

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
        page = self.doc[index]
        try:
            lines, rects, images, order, clips = read_drawing(page.raw, geometry)
            textpage = page.get_textpage()
            try:
                chars = read_chars(textpage, geometry, self.metrics.for_page(ppage.page_obj.resources), order,
                                   clips)
            finally:
                textpage.close()
        finally:
            page.close()
        return chars, lines, rects, images

    def close(self) -> None:
        self.doc.close()
