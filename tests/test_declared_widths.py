"""A font's declared widths, read when a text is first looked up
(``pdfium_text.DeclaredWidths``), are the table built in full: for every
text the font maps, the width of the lowest code that reads as it."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import SAMPLES, pdf_objects, sample_and_shared_pdfs
from extractor.pdfium_text import _reads_map_first, _widths_by_text


def _full_table(font) -> dict[str, float]:
    """Every code the font maps or gives a width, through ``to_unichr``."""
    codes = {cid for cid in font.widths if isinstance(cid, int)}
    codes.update(getattr(getattr(font, "unicode_map", None), "cid2unichr", None) or {})
    codes.update(getattr(font, "cid2unicode", None) or {})
    out: dict[str, float] = {}
    for cid in sorted(codes):
        try:
            text = font.to_unichr(cid)
        except Exception:
            continue
        if text not in out:
            out[text] = font.char_width(cid)
    return out


def _fonts(path: Path):
    """Every font of a PDF, loaded by pdfminer."""
    from pdfminer.pdfinterp import PDFResourceManager
    from pdfminer.psparser import LIT

    manager = PDFResourceManager(caching=False)
    for objid, obj in pdf_objects(path):
        if not isinstance(obj, dict) or obj.get("Type") is not LIT("Font") \
                or obj.get("Subtype") not in (LIT("Type0"), LIT("TrueType"), LIT("Type1"), LIT("MMType1")):
            continue
        try:
            yield manager.get_font(objid, obj)
        except Exception:
            continue


@pytest.mark.parametrize("path", sample_and_shared_pdfs(), ids=lambda p: p.name)
def test_widths_read_on_demand_equal_the_full_table(path):
    mapped = 0
    for font in _fonts(path):
        if getattr(font, "unicode_map", None) and _reads_map_first(font, font.unicode_map):
            mapped += 1
        want = _full_table(font)
        got = _widths_by_text(font)
        assert len(got) == len(want)
        for text, width in want.items():
            assert text in got
            assert got[text] == width
            assert got.get(text) == width
        assert "\U0010fffd" not in got and got.get("\U0010fffd") is None
    if path.parent == SAMPLES / "real":
        assert mapped, "the real documents' fonts carry ToUnicode maps read the short way"


def test_a_map_that_reads_otherwise_is_asked_code_by_code():
    from pdfminer.cmapdb import FileUnicodeMap, IdentityUnicodeMap
    from pdfminer.pdffont import PDFCIDFont

    class Shifted(FileUnicodeMap):
        def get_unichr(self, cid: int) -> str:
            return chr(ord(self.cid2unichr[cid]) + 1)

    class Font:
        widths = {1: 500.0}
        hscale = 0.001
        default_width = 1000.0
        to_unichr = PDFCIDFont.to_unichr
        char_width = PDFCIDFont.char_width

    font = Font()
    assert not _reads_map_first(font, Shifted()) and not _reads_map_first(font, IdentityUnicodeMap())
    assert _reads_map_first(font, FileUnicodeMap())
    own = Font()
    own.to_unichr = lambda cid: "Z"  # one font's own reading, not its class's
    assert not _reads_map_first(own, FileUnicodeMap()) and not _reads_map_first(object(), FileUnicodeMap())
    font.unicode_map = Shifted()
    font.unicode_map.cid2unichr = {1: "A", 2: "A"}
    widths = _widths_by_text(font)
    assert "B" in widths and "A" not in widths
    assert widths["B"] == 0.5  # code 1, the lowest that reads as "B"
