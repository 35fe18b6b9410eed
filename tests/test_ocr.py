"""Scanned documents: the OCR stage (``extractor.ocr``).

Fast tests (no OCR extra needed) cover the decisions around OCR: which pages
need it, what happens without the extra, how recognized lines become
characters, and the typography fixes.  Tests marked ``ocr`` need the extra
(``pip install -e '.[ocr]'``) and are skipped cleanly without it; the ones
also marked ``slow`` rasterize the sample (grey-scale, with noise and slight
rotation, generated here) and check the OCR'd JSON against the golden file:
at least 98 % of the indicator fields must match, and every mismatch must be
covered by a warning naming its project, indicator and column.

``EXTRACTOR_OCR_FULL=1`` also runs the whole 11-page sample at 150 and 200
dpi (the figures of docs/ocr.md; about 40 s more).
"""

from __future__ import annotations

import json
import os
import re
import time
from pathlib import Path

import pytest

from conftest import GOLDEN, SAMPLE, SAMPLES
from scans import scan
from extractor import errors, ocr
from extractor.extras import install_hint
from extractor.layout import Box, Char, Page
from extractor.rejoin import line_text
from extractor.settings import DEFAULT

GOLDEN_DOC = GOLDEN / "julu-2023-zonggonghui.json"
INSTALL = install_hint("ocr")

#: The indicator fields compared with the golden file.
FIELDS = ("level1", "level2", "level3", "description", "basis")
TARGET_FIELDS = ("raw", "cmp", "value", "unit")
#: How warnings name the columns (``ocr.FIELD_NAMES``).
COLUMN = {"level1": "一级指标", "level2": "二级指标", "level3": "三级指标", "description": "绩效指标描述",
          "basis": "指标值确定依据", "target": "指标值"}


# -- building scans ------------------------------------------------------------------------


def with_text_and_image(path: Path) -> Path:
    """One page with a real text layer and a large photo-like image."""
    import numpy as np
    from PIL import Image
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    c = canvas.Canvas(str(path), pagesize=(595, 842), invariant=1)
    noise = np.random.default_rng(1).integers(0, 255, (300, 400), dtype=np.uint8)
    c.drawImage(ImageReader(Image.fromarray(noise)), 40, 300, width=515, height=500)
    c.setFont("STSong-Light", 12)
    for i in range(8):
        c.drawString(60, 250 - 18 * i, f"第{i + 1}行：巨鹿县总工会 2023 年部门预算绩效目标")
    c.showPage()
    c.save()
    return path


# -- comparing with the golden file ------------------------------------------------------


def field_mismatches(doc: dict, golden: dict, projects=None) -> tuple[int, list[tuple]]:
    """(fields compared, [(project, indicator, field, expected, got)])."""
    got = {p["index"]: p for p in doc["projects"]}
    total, bad = 0, []
    for gp in golden["projects"]:
        if projects is not None and gp["index"] not in projects:
            continue
        p = got.get(gp["index"])
        for n, gi in enumerate(gp["indicators"], start=1):
            i = p["indicators"][n - 1] if p and n <= len(p["indicators"]) else None
            for f in FIELDS:
                total += 1
                value = i[f] if i else "<missing>"
                if value != gi[f]:
                    bad.append((gp["index"], n, f, gi[f], value))
            for f in TARGET_FIELDS:
                total += 1
                value = i["target"][f] if i else "<missing>"
                if value != gi["target"][f]:
                    bad.append((gp["index"], n, f"target.{f}", gi["target"][f], value))
    return total, bad


def _numbers(text: str) -> set[int]:
    out: set[int] = set()
    for part in text.split(","):
        part = part.strip()
        if "-" in part:
            a, b = part.split("-")
            out |= set(range(int(a), int(b) + 1))
        elif part:
            out.add(int(part))
    return out


def covered(warnings: list[dict], project: int, indicator: int, field: str) -> bool:
    """Whether a warning names this project, indicator and column."""
    column = COLUMN[field.split(".")[0]]
    for w in warnings:
        for part in w["where"].split(";"):
            m = re.search(rf"project {project}, indicators? ([\d, -]+?) (\S+)$", part.strip())
            if m and indicator in _numbers(m.group(1)) and m.group(2) == column:
                return True
            m = re.search(rf"project {project}, indicator {indicator} (\S+)$", part.strip())
            if m and m.group(1) == column:
                return True
    return False


def check_against_golden(doc: dict, projects=None, minimum: float = 0.98) -> float:
    golden = json.loads(GOLDEN_DOC.read_text(encoding="utf-8"))
    total, bad = field_mismatches(doc, golden, projects)
    share = (total - len(bad)) / total
    uncovered = [b for b in bad if not covered(doc["warnings"], b[0], b[1], b[2])]
    report = "\n".join(f"  project {p} indicator {n} {f}: {want!r} -> {got!r}" for p, n, f, want, got in bad)
    assert share >= minimum, f"{share:.2%} of {total} indicator fields match:\n{report}"
    assert not uncovered, f"mismatches without a warning: {uncovered}"
    return share


# -- which pages need OCR (no extra needed) ------------------------------------------------


def _page(chars: int = 0, image_area: float = 0.0, unmapped: int = 0) -> Page:
    glyphs = tuple(Char("字", Box(10 + 11 * i, 10, 20 + 11 * i, 20), 10.0) for i in range(chars))
    return Page(1, 595.0, 842.0, glyphs, (), image_area=image_area, unmapped=unmapped)


def test_which_pages_need_ocr():
    full = 595.0 * 842.0
    assert ocr.needs_ocr(_page(image_area=full))  # a scan
    assert ocr.needs_ocr(_page(chars=3, image_area=full))  # a scan with a stamped page number
    assert ocr.needs_ocr(_page(chars=5, unmapped=300))  # glyphs without Unicode mapping
    assert not ocr.needs_ocr(_page(chars=400, image_area=full))  # text over a background image
    assert not ocr.needs_ocr(_page(chars=40, image_area=0.2 * full))  # text and a logo
    assert not ocr.needs_ocr(_page())  # a blank page: nothing to read


def test_a_page_with_text_and_images_uses_the_text_layer(tmp_path, monkeypatch):
    from extractor.pipeline import extract

    path = with_text_and_image(tmp_path / "text-and-image.pdf")
    monkeypatch.setattr(ocr, "missing_modules", lambda: [])  # as if installed

    def no_ocr(*args, **kwargs):
        raise AssertionError("a page with a text layer was sent to OCR")

    monkeypatch.setattr(ocr, "ocr_image", no_ocr)
    doc = extract(path)
    assert not [w for w in doc.warnings if w.code.startswith("ocr")]


def test_without_the_extra_an_image_only_pdf_says_how_to_install_it(tmp_path, monkeypatch):
    from extractor.pipeline import extract

    path = scan(tmp_path / "scan.pdf", [5], 150)
    monkeypatch.setattr(ocr, "missing_modules", lambda: ["rapidocr_onnxruntime"])
    with pytest.raises(errors.NoTextLayer) as info:
        extract(path)
    assert "page 1 has no text layer" in str(info.value) and INSTALL in str(info.value)
    with pytest.raises(ocr.OcrUnavailable, match=re.escape(INSTALL)):
        extract(path, ocr="force")


def test_cli_ocr_flag_without_the_extra_is_a_usage_error(tmp_path, monkeypatch, capsys):
    from extractor import cli

    path = scan(tmp_path / "scan.pdf", [5], 150)
    monkeypatch.setattr(ocr, "missing_modules", lambda: ["rapidocr_onnxruntime"])
    assert cli.main(["convert", str(path), "-o", str(tmp_path / "out"), "--ocr"]) == cli.EXIT_USAGE
    assert INSTALL in capsys.readouterr().err


def test_ocr_mode_is_checked():
    with pytest.raises(ValueError):
        ocr.OcrStage(SAMPLE, mode="always")


# -- recognized lines -> characters (no extra needed) --------------------------------------


def _line(text: str, centres: list[float], *, x0: float = 100.0, width: float = 400.0, conf: float = 0.99) -> ocr.OcrLine:
    glyphs = tuple(ocr.Glyph(ch, (c - x0) / width, conf) for ch, c in zip(text, centres))
    return ocr.OcrLine(text, conf, Box(x0, 200.0, x0 + width, 228.0), glyphs)


def _solid(text: str, em: float = 22.0, x: float = 110.0) -> list[float]:
    """Centres of ``text`` set solid: CJK one em, others half an em."""
    from extractor.rejoin import is_cjk

    out = []
    for ch in text:
        w = em if is_cjk(ch) else em / 2
        out.append(x + w / 2)
        x += w
    return out


@pytest.mark.parametrize("text", ["711001巨鹿县总工会", "13052923P00584011331Y", "≥95百分比", "60%拨付给公安局辅警，按比例"])
def test_recognized_text_survives_rejoin(text):
    line = _line(text, _solid(text))
    chars = ocr.line_chars(line, 22.0, 0.48)
    assert line_text(chars, DEFAULT) == text
    assert [c.text for c in sorted(chars, key=lambda c: c.box.x0)] == list(text)
    assert all(abs(c.size - 22.0 * 0.48) < 1e-6 for c in chars)


def test_cjk_chars_are_one_em_and_confidence_is_kept():
    line = _line("公安局", _solid("公安局"), conf=0.6)
    chars = ocr.line_chars(line, 22.0, 0.5)
    assert [round(c.box.width, 3) for c in chars] == [11.0, 11.0, 11.0]
    assert {c.confidence for c in chars} == {0.6}


def test_a_space_read_between_latin_words_stays_and_gaps_next_to_cjk_do_not_become_spaces():
    text = "PP OCR模型"
    centres = _solid(text)
    centres[5:] = [c + 30 for c in centres[5:]]  # a wide gap before the CJK run
    chars = ocr.line_chars(_line(text, centres), 22.0, 0.5)
    assert line_text(chars, DEFAULT) == "PP OCR模型"


@pytest.mark.parametrize("blank, split", [(0.75, False), (1.6, True)])
def test_gaps_between_characters_follow_the_ink(blank, split):
    """A code and a name set 0.75 em apart touch ("711001 巨鹿县" is one
    run); two cells 1.6 em apart stay apart, by the blank the image shows,
    wherever the recognizer's columns put the characters."""
    from extractor.rejoin import split_runs
    from extractor.layout import TextLine

    em, text = 22.0, "711001巨鹿县"
    centres = _solid(text, em)
    ink_end = centres[5] + 0.2 * em  # the last digit's ink
    centres[6:] = [c + (blank - 0.3) * em for c in centres[6:]]
    centres[5] -= 0.15 * em  # a CTC column off
    line = _line(text, centres)
    line = ocr.OcrLine(line.text, line.confidence, line.box, line.glyphs, blanks=((ink_end, ink_end + blank * em),))
    chars = ocr.line_chars(line, em, 0.5)
    gap = chars[6].box.x0 - chars[5].box.x1
    assert (gap > DEFAULT.cell_gap * em * 0.5) == split
    whole = TextLine(page=1, chars=tuple(chars), box=chars[0].box, text=text)
    assert len(split_runs(whole, DEFAULT, DEFAULT.cell_gap)) == (2 if split else 1)


def test_lines_set_in_one_font_get_one_size():
    body = [_line("保障人数" * k, _solid("保障人数" * k, em=22.0 + 0.6 * (k % 2))) for k in (1, 2, 3)]
    title = _line("绩效目标表", _solid("绩效目标表", em=33.0))
    title = ocr.OcrLine(title.text, 1.0, Box(100, 100, 500, 134), title.glyphs)
    ems = ocr.line_ems(body + [title])
    assert len(set(ems[:3])) == 1 and ems[3] > 1.3 * ems[0]


# -- typography OCR cannot see (no extra needed) ------------------------------------------


def _fixed(text: str, centres=None, em: float = 22.0) -> str:
    line = _line(text, centres or _solid(text, em), width=800.0)
    return ocr.fix_typography(line, em).text


def test_punctuation_touching_chinese_is_full_width():
    assert _fixed("上解工会经费,积极开展") == "上解工会经费，积极开展"
    assert _fixed("冀办法(2018)38号") == "冀办法（2018）38号"
    assert _fixed("全国丶省部级") == "全国、省部级"
    assert _fixed("1,200.5") == "1,200.5"
    assert _fixed("f(x)") == "f(x)"


def test_a_parenthesis_followed_by_an_em_of_blank_is_full_width():
    text = "(2018)38号"
    centres = _solid(text)
    centres[6:] = [c + 0.6 * 22.0 for c in centres[6:]]  # "）" leaves its em blank after the stroke
    assert _fixed(text, centres) == "（2018）38号"


def test_a_dash_between_digits_takes_its_width():
    em_dash = _solid("2019—2023", 22.0)  # "—" one em wide
    assert _fixed("2019一2023", em_dash) == "2019—2023"
    assert _fixed("2019-2023", em_dash) == "2019—2023"
    hyphen = _solid("2019-2023", 22.0)
    hyphen[5:] = [c - 0.2 * 22.0 for c in hyphen[5:]]  # a hyphen: a third of an em
    assert _fixed("2019-2023", hyphen) == "2019-2023"
    assert _fixed("规划（2019一") == "规划（2019—"  # the line wraps after the dash
    assert _fixed("一级指标") == "一级指标"


def test_a_hyphen_before_chinese_is_the_numeral_one():
    assert _fixed("-级指标") == "一级指标"
    assert _fixed("A-级") == "A-级"  # a hyphen after a letter stays
    assert _fixed("2019-2023") == "2019-2023"


def test_brackets_around_a_number_are_one_pair():
    line = _line("办发〔2019】13号", _solid("办发〔2019】13号"), width=800.0)
    glyphs = list(line.glyphs)
    glyphs[2] = ocr.Glyph("〔", glyphs[2].at, 0.6)  # the opening bracket read with more confidence
    glyphs[7] = ocr.Glyph("】", glyphs[7].at, 0.4)
    line = ocr.OcrLine(line.text, line.confidence, line.box, tuple(glyphs))
    assert ocr.fix_typography(line, 22.0).text == "办发〔2019〕13号"
    assert _fixed("冀财行【2022】99号") == "冀财行【2022】99号"  # a pair of one shape stays as printed


# -- image analysis (OpenCV, no recognizer) ------------------------------------------------


def _grid_image(angle: float = 0.0):
    np = pytest.importorskip("numpy")
    cv2 = pytest.importorskip("cv2")
    image = np.full((1754, 1241), 255, np.uint8)
    for y in (300, 360, 420, 600, 900):
        cv2.line(image, (120, y), (1120, y), 0, 2)
    for x in (120, 300, 700, 1120):
        cv2.line(image, (x, 300), (x, 900), 0, 2)
    for k in range(12):  # text-like blobs: no rules
        cv2.putText(image, "ABC 123", (140, 1000 + 40 * k), cv2.FONT_HERSHEY_SIMPLEX, 0.8, 0, 2)
    if angle:
        image = ocr.rotate(image, angle)
    return image


def test_rulings_come_from_the_image():
    image = _grid_image()
    scale = 72 / 150
    rulings = ocr.find_rulings(image, 150, scale)
    hs = sorted(round(r.pos / scale) for r in rulings if r.orientation == "h")
    vs = sorted(round(r.pos / scale) for r in rulings if r.orientation == "v")
    assert hs == [300, 360, 420, 600, 900]
    assert vs == [120, 300, 700, 1120]
    h = next(r for r in rulings if r.orientation == "h")
    assert abs(h.start / scale - 120) <= 2 and abs(h.end / scale - 1120) <= 2


@pytest.mark.parametrize("angle", [0.5, -0.35])
def test_a_slightly_rotated_scan_is_straightened(angle):
    image = _grid_image(angle)
    skew = ocr.estimate_skew(image)
    assert abs(skew + angle) <= 0.05
    rulings = ocr.find_rulings(ocr.rotate(image, skew), 150, 72 / 150)
    assert sum(r.orientation == "h" for r in rulings) == 5


def test_a_straight_scan_is_left_alone():
    assert ocr.estimate_skew(_grid_image()) == 0.0


def test_text_lines_are_found_per_cell_and_never_cross_a_rule():
    cv2 = pytest.importorskip("cv2")
    image = _grid_image()
    # Text in two neighbouring cells, close to the rule between them, and
    # two lines in one cell.
    cv2.putText(image, "AB 12", (130, 345), cv2.FONT_HERSHEY_SIMPLEX, 0.8, 0, 2)
    cv2.putText(image, "CD", (306, 345), cv2.FONT_HERSHEY_SIMPLEX, 0.8, 0, 2)
    cv2.putText(image, "EF", (320, 470), cv2.FONT_HERSHEY_SIMPLEX, 0.8, 0, 2)
    cv2.putText(image, "GH", (320, 510), cv2.FONT_HERSHEY_SIMPLEX, 0.8, 0, 2)
    cv2.rectangle(image, (750, 450), (1050, 850), 0, -1)  # a figure, no line of text
    scale = 72 / 150
    rulings = ocr.find_rulings(image, 150, scale)
    boxes = ocr.find_text(ocr.erase_rulings(image, rulings, scale), rulings, scale)
    plain = [b for b in boxes if b.plain]
    inside = [b for b in plain if 300 <= b.box.cy <= 600]
    assert len(inside) == 4  # "AB 12", "CD", "EF", "GH"
    for b in inside:  # each within its cell, the crop too
        assert b.within.x0 <= b.box.cx <= b.within.x1
        assert not (b.within.x0 < 300 < b.within.x1)
    assert [b for b in boxes if not b.plain and b.box.contains_point(900, 650)]
    assert len([b for b in plain if b.box.cy > 950]) == 12  # the text under the table, line by line


# -- OCR of the rasterized sample (needs the extra) ----------------------------------------


@pytest.fixture(scope="module")
def engine():
    pytest.importorskip("rapidocr_onnxruntime", reason="the ocr extra is not installed (pip install -e '.[ocr]')")
    return ocr.recognizer()


def convert_scan(path: Path, blocked_network, **options):
    """OCR conversion of ``path`` with the network blocked; returns the
    JSON dict, the progress reports and the seconds taken."""
    from extractor.pipeline import extract

    reports = []
    start = time.perf_counter()
    with blocked_network():
        doc = extract(path, progress=reports.append, **options)
    return doc.to_dict(), reports, time.perf_counter() - start


@pytest.fixture
def blocked_network(monkeypatch):
    """A context in which any attempt to open a network connection fails the
    test: the OCR models must come from the installed wheel."""
    import contextlib
    import socket

    @contextlib.contextmanager
    def block():
        def refuse(*args, **kwargs):
            raise AssertionError(f"network access during OCR: {args!r}")

        with monkeypatch.context() as m:
            m.setattr(socket.socket, "connect", refuse)
            m.setattr(socket.socket, "connect_ex", refuse)
            m.setattr(socket, "create_connection", refuse)
            m.setattr(socket, "getaddrinfo", refuse)
            yield

    return block


@pytest.mark.slow
@pytest.mark.ocr
def test_scan_at_150_dpi_matches_the_golden_file(engine, tmp_path, blocked_network):
    path = scan(tmp_path / "julu-2023-scan-150.pdf", range(5, 12), 150, noise=6.0)
    doc, reports, seconds = convert_scan(path, blocked_network)
    share = check_against_golden(doc)
    assert [r.page for r in reports] == list(range(1, 8))  # progress once per page
    assert all(r.result.dpi == 150 for r in reports)
    assert doc["warnings"][0]["code"] != "no_text_layer"
    codes = {w["code"] for w in doc["warnings"]}
    assert "ocr_pages" in codes and "no_text_layer" not in codes
    print(f"\n150 dpi, pages 5-11: {share:.2%} of indicator fields match, {7 / seconds:.2f} pages/s")


@pytest.mark.slow
@pytest.mark.ocr
def test_rotated_noisy_scan_at_200_dpi_matches_the_golden_file(engine, tmp_path, blocked_network):
    # Pages 5 and 8 hold projects 1 and 4 whole.
    path = scan(tmp_path / "julu-2023-scan-200.pdf", [5, 8], 200, angles=(0.4, -0.3), noise=10.0)
    doc, reports, seconds = convert_scan(path, blocked_network)
    share = check_against_golden(doc, projects={1, 4})
    assert [round(r.result.skew, 1) for r in reports] == [-0.4, 0.3]
    print(f"\n200 dpi rotated, pages 5 and 8: {share:.2%} of indicator fields match, {2 / seconds:.2f} pages/s")


@pytest.mark.slow
@pytest.mark.ocr
@pytest.mark.parametrize("name, pages", [("yantai-minzhengju-2026", [34, 35]), ("changsha-gonganju-2026", [23, 24])])
def test_scans_of_real_forms_read_like_their_text_layer(engine, tmp_path, blocked_network, name, pages):
    """Two other templates than the sample's (a one-project form; a listing
    form with 指标值, 度量单位 and 指标值类型 columns), scanned at 150 dpi
    with noise: each indicator's 三级指标 and 指标值 as the golden file has
    them from the text layer."""
    source = SAMPLES / "real" / f"{name}.pdf"
    path = scan(tmp_path / f"{name}-scan.pdf", pages, 150, noise=6.0, source=source)
    doc, _, _ = convert_scan(path, blocked_network)
    golden = json.loads((GOLDEN / "real" / f"{name}.json").read_text(encoding="utf-8"))
    expected = [(i["level3"], i["target"]["raw"]) for p in golden["projects"] for i in p["indicators"]
                if set(i["pages"]) & set(pages)]
    read = [(i["level3"], i["target"]["raw"]) for p in doc["projects"] for i in p["indicators"]]
    assert len(read) == len(expected) >= 10
    same = sum(1 for pair in read if pair in expected)
    assert same >= 0.9 * len(expected), [pair for pair in read if pair not in expected]


def test_an_ocr_misread_amount_is_flagged():
    """12月底 = 预算数 on an OCR'd page: a disagreement is reported as a
    possible misread (``ocr_number_check``), on top of the quality rule."""
    from extractor.document import Budget, Document, Project, Source, SpendingStep, Unit

    project = Project(index=1, title="t", code="c", name="n", budget=Budget(16.0, 16.0, None), purpose=None,
                      spending_plan=[SpendingStep("12月底", 12, 18.0)], goals=[], indicators=[], pages=[3])
    doc = Document(Source("f.pdf", "0", 3), Unit(), 2023, "万元", None, [project], [])
    found = ocr.number_warnings(doc, {3})
    assert [w.code for w in found] == ["ocr_number_check"]
    assert "12月底" in found[0].where and "misread" in found[0].message
    assert ocr.number_warnings(doc, {2}) == []  # not an OCR'd page


@pytest.mark.slow
@pytest.mark.ocr
@pytest.mark.skipif(os.environ.get("EXTRACTOR_OCR_FULL") != "1", reason="set EXTRACTOR_OCR_FULL=1 for the full-sample figures")
@pytest.mark.parametrize("dpi, angles, noise", [(150, (0.0,), 6.0), (200, (0.4, -0.3, 0.25), 10.0)])
def test_full_sample_scan(engine, tmp_path, blocked_network, dpi, angles, noise):
    path = scan(tmp_path / f"julu-2023-scan-{dpi}.pdf", range(1, 12), dpi, angles=angles, noise=noise)
    doc, reports, seconds = convert_scan(path, blocked_network)
    share = check_against_golden(doc)
    ocr_seconds = sum(r.result.seconds for r in reports)
    print(f"\n{dpi} dpi, 11 pages: {share:.2%} of indicator fields match; {seconds:.1f} s in all, "
          f"{11 / ocr_seconds:.2f} pages/s OCR")


@pytest.mark.slow
@pytest.mark.ocr
def test_ocr_of_a_page_printed_as_mojibake_keeps_nothing_of_it(engine, tmp_path, blocked_network, sample_doc):
    """A page typeset from mis-decoded text has no usable text layer, so it
    is OCR'd; OCR reads back the same garbage, which the text check refuses:
    the page stays unread and says so."""
    import badfiles
    from conftest import require
    from extractor.pages import text_counts
    from extractor.pipeline import extract

    require(badfiles.renders_cjk_without_embedding(),
            "no CJK font for pdfium to draw the page's non-embedded STSong-Light with, so OCR would see a "
            "blank page (apt-get install fonts-wqy-microhei)")
    path = badfiles.misdecoded(tmp_path / "p3-mojibake.pdf", "utf8-as-gbk", pages={3})
    with blocked_network():
        doc = extract(path).to_dict()
    where = {w["code"]: w["where"] for w in doc["warnings"]}
    assert where.get("ocr_unreadable_text") == "page 3" and where.get("unreadable_text") == "page 3"
    assert "ocr_pages" not in where
    assert doc["projects"] == sample_doc.to_dict()["projects"]
    data = json.dumps({k: v for k, v in doc.items() if k != "warnings"}, ensure_ascii=False)
    counts = text_counts([ch for ch in data if not ch.isspace()])
    assert (counts.rare, counts.garbled, counts.foreign) == (0, 0, 0)


def test_the_pitch_of_odd_distances_is_a_number_or_none():
    """Distances of a misread line: none positive, or two far apart (their
    median is near neither)."""
    from extractor.ocr_text import _pitch

    assert _pitch([]) is None and _pitch([-3.0, 0.0]) is None
    assert _pitch([1.0, 10.0]) == 5.5
    assert _pitch([10.0, 10.0, 11.0, 30.0]) == pytest.approx(31 / 3)
