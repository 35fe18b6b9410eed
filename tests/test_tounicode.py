"""ToUnicode maps read the short way (``extractor.tounicode``) give exactly
pdfminer's table, or give way to pdfminer."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from conftest import SAMPLES, pdf_objects, sample_and_shared_pdfs
from extractor.tounicode import quick_maps, read_map


def _pdfminer(data: bytes) -> dict[int, str]:
    from pdfminer.cmapdb import CMapParser, FileUnicodeMap

    cmap = FileUnicodeMap()
    CMapParser(cmap, io.BytesIO(data)).run()
    return cmap.cid2unichr


def _maps(path: Path):
    """Every ToUnicode stream of a PDF."""
    from pdfminer.pdftypes import PDFStream, resolve1

    for _, obj in pdf_objects(path):
        if isinstance(obj, dict) and "ToUnicode" in obj:
            stream = resolve1(obj["ToUnicode"])
            if isinstance(stream, PDFStream):
                yield stream.get_data()


@pytest.mark.parametrize("path", sample_and_shared_pdfs(), ids=lambda p: p.name)
def test_every_map_of_the_documents_reads_as_pdfminer_reads_it(path):
    seen = 0
    for data in _maps(path):
        table = read_map(data)
        if table is not None:
            assert table == _pdfminer(data)
            assert list(table) == list(_pdfminer(data))  # the same order
            seen += 1
    if path.parent == SAMPLES / "real":
        assert seen, "the real documents' maps are of the ordinary form"


_HEAD = b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CMapName /X def\n" \
        b"1 begincodespacerange <0000> <FFFF> endcodespacerange\n"
_TAIL = b"\nendcmap CMapName currentdict /CMap defineresource pop end end"


@pytest.mark.parametrize("body", [
    b"2 beginbfchar <0001> <4E2D> <0002><0041>\nendbfchar",
    b"1 beginbfchar <0003> <D83DDE00> endbfchar",  # a surrogate pair
    b"2 beginbfchar <01> <0020> <01> <00A0> endbfchar",  # pdfminer keeps the space
    b"3 beginbfchar <0001> <0041> <0002> endbfchar",  # an odd entry is dropped
    b"1 beginbfrange <0010> <0012> <4E00> endbfrange",
    b"1 beginbfrange <0010> <0012> [<0041> <0042> <0043>] endbfrange",
    b"1 beginbfrange <00FE> <0101> <00410042> endbfrange",  # a prefix kept
    b"1 beginbfrange <0010> <000F> <0041> endbfrange",  # an empty range
    b"% a comment\n1 beginbfchar <0 0 0 1> <4E 2D> endbfchar",
    b"1 beginbfchar <0001> <4E2D> endbfchar endcmap",
    b"1 beginbfchar\x0b<00\x0b01> <0041>\x0bendbfchar",  # the vertical tab is white space
    b"endcmap begincmap 1 beginbfchar <0001> <0041> endbfchar",  # begincmap starts the map again
    b"[/A /B def] << /C [1 2] /D << >> >> def 1 beginbfchar <0001> <0041> endbfchar",
])
def test_ordinary_maps_read_as_pdfminer_reads_them(body):
    data = _HEAD + body + _TAIL
    table = read_map(data)
    assert table is not None
    assert table == _pdfminer(data)


@pytest.mark.parametrize("body", [
    b"/Other usecmap 1 beginbfchar <0001> <0041> endbfchar",
    b"1 begincidrange <0000> <00FF> 0 endcidrange",
    b"1 beginbfchar <001> <0041> endbfchar",  # an odd digit
    b"1 beginbfchar <0001> /A endbfchar",  # a glyph name
    b"1 beginbfchar <0001> <0041> def endbfchar",  # a keyword inside a block
    b"1 beginbfrange <0010> <0012> [<0041>] endbfrange",  # too few values
    b"1 beginbfrange <0010> <012> <0041> endbfrange",
    b"1 beginbfrange <10> <0012> <0041> endbfrange",  # lengths differ
    b"1 beginbfchar <0000000001> <0041> endbfchar",  # a length pdfminer rejects
    b"1 beginbfchar <0001> <0041> endbfchar endcmap 1 beginbfchar <0002> <0042> endbfchar",
    b"1 beginbfchar <0001> <0041> endbfchar {proc}",
    b"1 beginbfchar <0001> <0041",  # cut short
    b"1 beginbfchar <0001> <00\x0041> endbfchar",  # NUL: pdfminer ends the hex string there
    b"1endcmap 1 beginbfchar <0001> <0041> endbfchar",  # pdfminer reads 1, then endcmap
    b"def 1 beginbfchar <0001> <0041> endbfchar",  # pdfminer raises: nothing to define
    b"<< /Registry >> 1 beginbfchar <0001> <0041> endbfchar",  # pdfminer raises: a key without a value
])
def test_other_maps_are_left_to_pdfminer(body):
    assert read_map(_HEAD + body + _TAIL) is None


def test_fonts_made_inside_the_block_get_pdfminers_table_and_pdfminer_is_restored_after():
    import pdfminer.pdffont as pdffont
    from pdfminer.pdfinterp import PDFResourceManager
    from pdfminer.pdfpage import PDFPage

    before = pdffont.CMapParser
    real = SAMPLES / "real" / "fuzhou-yibaoju-2026.pdf"

    def fonts() -> dict:
        out = {}
        with real.open("rb") as fp:
            for page in PDFPage.get_pages(fp):
                manager = PDFResourceManager(caching=False)
                for name, spec in (page.resources.get("Font") or {}).items():
                    from pdfminer.pdftypes import resolve1

                    font = manager.get_font(None, resolve1(spec))
                    table = getattr(getattr(font, "unicode_map", None), "cid2unichr", None)
                    out[name, len(out)] = dict(table) if isinstance(table, dict) else None
                if len(out) > 20:
                    break
        return out

    with quick_maps():
        with quick_maps():  # nested: still the stand-in
            assert pdffont.CMapParser is not before
        assert pdffont.CMapParser is not before
        quick = fonts()
    assert pdffont.CMapParser is before
    assert quick == fonts()
    assert any(quick.values())
