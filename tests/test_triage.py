"""The cheap first pass (``extractor.triage``) passes over the pages before
the performance section, and changes nothing in the output: every document
here converts to the same JSON with ``Settings.triage`` on and off, also when
a page before the section is damaged, unmapped or mojibake (those pages are
parsed, so their warnings stay)."""

from __future__ import annotations

import pytest

import layout_variants as lv
from conftest import GOLDEN, SAMPLE

from extractor.pages import open_pdf
from extractor.facts import YEAR_STATED as _YEAR_STATED
from extractor.pipeline import extract
from extractor.settings import DEFAULT
from extractor.triage import has_form_words, triage

OFF = DEFAULT.replace(triage=False)


@pytest.fixture(scope="module")
def embedded(tmp_path_factory):
    path = tmp_path_factory.mktemp("triage") / "julu-2023-embedded.pdf"
    lv.render(lv.load_content(GOLDEN / "julu-2023-zonggonghui.json"), lv.VARIANTS["embedded"], path)
    return path


def _first_pass(path):
    with open_pdf(path, settings=DEFAULT) as opened:
        return triage(opened, DEFAULT, keep=(_YEAR_STATED,)), opened.page_count


def test_the_front_matter_of_a_department_budget_is_not_parsed(embedded):
    result, pages = _first_pass(embedded)
    # cover, 目录, 部门职责, three budget tables, the section's title page;
    # then 第一部分 部门整体绩效目标 (page 8) to the end is read
    assert result.section_start == 8
    assert result.read == frozenset(range(8, pages + 1))
    # pages that may state the budget year are parsed in turn until one does (the cover)
    assert result.optional[0] == 1
    assert set(result.stats) == set(range(1, 8))


def test_the_output_is_the_same_with_and_without_the_first_pass(embedded):
    assert extract(embedded).to_json() == extract(embedded, settings=OFF).to_json()


def test_a_document_whose_first_page_has_form_words_is_read_whole():
    result, _ = _first_pass(SAMPLE)
    assert result.read is None and result.section_start == 1


@pytest.mark.parametrize("text, expected", [
    ("第一部分\r\n部门整体绩效目标\r\n一、总体绩效目标", True),
    ("1.公安局辅警工会经费绩效目标表", True),
    ("项目 编码 13052923P00584011331Y", True),          # set with spaces
    ("部门整体（支出）绩效目标", True),                 # a bracketed insert is ignored, as label_key does
    ("部门整体绩效\r\n目标", True),                     # wrapped over two lines
    ("第一部分 部门整体绩效目标 ........................ 7\r\n二、部门预算表 ....... 2", False),  # 目录
    ("表 1 部门收支总表\r\n项目 预算数 项目 预算数", False),
    ("目 录\r\n第二部分 部门预算表\r\n9、项目支出绩效目标表\r\n10、部门整体支出绩效目标表", False),  # no leader dots
    ("报表目录\r\n报表 报表名称 是否空表\r\n表15 部门整体支出绩效目标表", False),
    ("国有资本经营预算拨款0万元（详见公开报表中\r\n的绩效目标表）。", False),  # a sentence refers to the forms
    ("部分项目绩效目标填报不规范，缺少可衡量的指标值", False),
    ("注：\r\n2025年项目支出绩效目标表\r\n项目名称 办案业务经费", True),
])
def test_form_words(text, expected):
    assert has_form_words(text) is expected


def _replace_fonts(src, dst, page, change):
    import pikepdf

    with pikepdf.open(src) as pdf:
        target = pdf.pages[page - 1].obj
        fonts = pikepdf.Dictionary()
        for name, font in target.Resources.Font.items():
            copy = pikepdf.Dictionary({k: v for k, v in font.items()})
            change(pdf, copy)
            fonts[name] = pdf.make_indirect(copy)
        resources = pikepdf.Dictionary({k: v for k, v in target.Resources.items()})
        resources.Font = fonts
        target.Resources = resources
        pdf.save(dst, deterministic_id=True)
    return dst


def _identity_without_map(pdf, font):
    import pikepdf

    font.Encoding = pikepdf.Name("/Identity-H")  # codes now mean CIDs: wrong or unmapped glyphs


def _mojibake_map(pdf, font):
    entries = "\n".join(f"<{code:04X}> <{0xC0 + code % 0x3F:04X}>" for code in range(1, 256))
    cmap = ("/CIDInit/ProcSet findresource begin\n12 dict begin\nbegincmap\n"
            "/CIDSystemInfo<</Registry (Adobe)/Ordering (UCS)/Supplement 0>> def\n"
            "/CMapName/Adobe-Identity-UCS def\n/CMapType 2 def\n"
            "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n"
            f"255 beginbfchar\n{entries}\nendbfchar\n"
            "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n")
    font.ToUnicode = pdf.make_stream(cmap.encode("ascii"))


# Identity-H over codes that are not CIDs: pdfminer maps some of them to
# ideographs no text uses (銆嶜, 䅄䄽㱆) and drops the rest as unmapped: mojibake.
@pytest.mark.parametrize("change, code", [(_identity_without_map, "unreadable_text"), (_mojibake_map, "unreadable_text")])
def test_a_front_page_pdfminer_cannot_read_is_parsed_and_warned_about(embedded, tmp_path, change, code):
    pytest.importorskip("pikepdf")
    path = _replace_fonts(embedded, tmp_path / "damaged.pdf", 4, change)
    result, pages = _first_pass(path)
    # what pdfminer makes of the page cannot be vouched for: it and every page after it are read
    assert result.section_start == 4 and result.read >= set(range(4, pages + 1))
    doc = extract(path, ocr="off")  # (with the ocr extra, the page would be OCR'd instead)
    assert code in [w.code for w in doc.warnings]
    assert doc.to_json() == extract(path, settings=OFF, ocr="off").to_json()


def test_a_blank_page_is_read_and_the_first_pass_goes_on(embedded, tmp_path):
    import pikepdf

    path = tmp_path / "blank.pdf"
    with pikepdf.open(embedded) as pdf:
        pdf.pages.insert(2, pikepdf.Page(pikepdf.Dictionary(Type=pikepdf.Name.Page, MediaBox=[0, 0, 595, 842])))
        pdf.save(path, deterministic_id=True)
    result, _ = _first_pass(path)
    assert result.reasons[3] == "no text" and 3 in result.read
    assert result.section_start == 9 and {4, 5, 6, 7} <= set(result.stats)
    assert extract(path, ocr="off").to_json() == extract(path, settings=OFF, ocr="off").to_json()


def test_a_page_the_first_pass_decides_to_read_is_loaded_once(embedded, tmp_path, monkeypatch):
    """The pdfium reader reads the pages the first pass loaded to judge
    them (blank pages, the section's first page) as they were loaded."""
    import pikepdf
    import pypdfium2

    path = tmp_path / "blanks.pdf"
    with pikepdf.open(embedded) as pdf:
        for at in (2, 4):
            pdf.pages.insert(at, pikepdf.Page(pikepdf.Dictionary(Type=pikepdf.Name.Page, MediaBox=[0, 0, 595, 842])))
        pdf.save(path, deterministic_id=True)
    result, _ = _first_pass(path)  # (the pages held and never read are closed with the file)
    held = {n for n in result.read if n <= result.section_start}
    assert held == {3, 5, result.section_start}
    loads: list[int] = []
    get_page = pypdfium2.PdfDocument.get_page
    monkeypatch.setattr(pypdfium2.PdfDocument, "get_page", lambda doc, i: loads.append(i + 1) or get_page(doc, i))
    doc = extract(path, ocr="off")
    assert all(loads.count(n) == 1 for n in result.read) and held <= set(loads)
    assert doc.to_json() == extract(path, settings=OFF, ocr="off").to_json()
    assert doc.to_json() == extract(path, settings=DEFAULT.replace(reader="pdfplumber"), ocr="off").to_json()


def test_the_pdfium_reader_holds_a_bounded_number_of_pages(monkeypatch):
    from extractor import pdfium_pages
    from extractor.pages import _pdfium

    monkeypatch.setattr(pdfium_pages, "_HELD", 2)
    with open_pdf(SAMPLE, settings=DEFAULT) as opened:
        reader = _pdfium(opened, DEFAULT)
        loaded = [reader.doc[i] for i in range(3)]
        textpages = [page.get_textpage() for page in loaded]
        assert [reader.hold(i, loaded[i], textpages[i]) for i in range(3)] == [True, True, False]
        assert not reader.hold(0, loaded[2], textpages[2])  # page 1 is held already
        textpages[2].close()
        loaded[2].close()  # not held: the caller closes it
        held = reader.objects(1, opened.pages[1])
        assert set(reader.held) == {0}  # read: no longer held
        other = pdfium_pages.PdfiumPages.open(opened, None)
        try:
            assert held == other.objects(1, opened.pages[1])  # the same as a page loaded afresh
        finally:
            other.close()
    # page 1, held and never read, is closed with the file


def test_a_scanned_page_may_start_the_section(embedded, tmp_path):
    """OCR may read anything on an image: from it on, every page is read."""
    import pikepdf
    from reportlab.pdfgen import canvas
    from reportlab.lib.utils import ImageReader
    from PIL import Image

    scan = tmp_path / "scan.pdf"
    c = canvas.Canvas(str(scan), pagesize=(595, 842), invariant=1)
    c.drawImage(ImageReader(Image.new("L", (200, 280), 255)), 0, 0, width=595, height=842)
    c.showPage()
    c.save()
    path = tmp_path / "scanned.pdf"
    with pikepdf.open(embedded) as pdf, pikepdf.open(scan) as extra:
        pdf.pages.insert(2, extra.pages[0])
        pdf.save(path, deterministic_id=True)
    result, pages = _first_pass(path)
    assert result.section_start == 3 and result.read >= set(range(3, pages + 1))


@pytest.mark.parametrize("how", ["utf8-as-gbk", "gbk-as-big5", "kunjinkao", "utf8-as-latin1"])
def test_a_mojibake_front_page_is_parsed_and_warned_about(embedded, tmp_path, how):
    """A page typeset from mis-decoded text: its fonts' maps are right, so
    only the text check can tell.  The first pass cannot vouch for it: it
    and every page after it are parsed, and it is reported as before."""
    import badfiles

    path = badfiles.misdecoded(tmp_path / "misdecoded.pdf", how, pages={4}, source=embedded)
    result, pages = _first_pass(path)
    assert result.section_start == 4 and result.reasons[4] == "text pdfium cannot read cleanly"
    assert result.read >= set(range(4, pages + 1)) and set(result.stats) == {1, 2, 3}
    doc = extract(path, ocr="off")
    (w,) = [w for w in doc.warnings if w.code == "unreadable_text"]
    assert w.where == "page 4" and "mojibake" in w.message
    assert doc.to_json() == extract(path, settings=OFF, ocr="off").to_json()


def test_the_first_pass_counts_text_as_the_parser_does():
    from extractor.triage import text_stats

    counts = text_stats("部门预算\r\n閮ㄩ棬 锟斤拷 123.45 éƒ¨")
    assert (counts.glyphs, counts.rare, counts.foreign, counts.garbled, counts.filler) == (19, 2, 1, 6, 6)
