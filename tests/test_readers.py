"""The two page readers give the same document: PDFium (the default) and
pdfplumber (pdfminer) over every fixture the suite has: the sample, every
layout variant, and the real documents of ``../shared`` (the performance
forms of ``realforms``, the budgets without any of ``realdocs``, read
there with the first pass off so that every page goes through both
readers).  Before the documents, the pages: characters, boxes, sizes,
lines, rectangles and images of the sample, of a layout variant with a
grid of filled rectangles, and of the sample's pages turned by ``/Rotate``,
with a MediaBox and CropBox away from the origin, and drawn through a form
XObject, agree within rounding.
"""

from __future__ import annotations

import pytest

import layout_variants as lv
from conftest import GOLDEN, SAMPLE, SAMPLES, SHARED
from jsondiff import report

from extractor import extract
from extractor.page_objects import BOX_FIELDS, CHAR_FIELDS, RECT_FIELDS, plumber_objects
from extractor.pages import open_pdf
from extractor.pdfium_pages import PdfiumPages
from extractor.settings import DEFAULT

REALFORMS = sorted((SHARED / "realforms").glob("*.pdf")) if (SHARED / "realforms").is_dir() else []
REALDOCS = sorted((SHARED / "realdocs").glob("*.pdf")) if (SHARED / "realdocs").is_dir() else []


def _outcome(pdf, settings):
    """The document, or the error (class and message) when it fails."""
    from extractor.errors import ExtractorError

    try:
        return extract(pdf, settings=settings).to_dict()
    except ExtractorError as exc:
        return {"error": type(exc).__name__, "message": str(exc)}


def _both(pdf, **changes) -> tuple[dict, dict]:
    return (_outcome(pdf, DEFAULT.replace(reader="pdfplumber", **changes)),
            _outcome(pdf, DEFAULT.replace(reader="pdfium", **changes)))


def _assert_same(pdf, **changes) -> None:
    plumber, pdfium = _both(pdf, **changes)
    if plumber != pdfium:
        pytest.fail(f"{pdf.name}: pdfplumber -> pdfium\n{report(plumber, pdfium)}", pytrace=False)


@pytest.mark.parametrize("kind", ["rot90", "boxes", "form"])
def test_same_json_on_turned_shifted_and_wrapped_pages(kind, tmp_path):
    _assert_same(_geometry_variant(kind, tmp_path / f"{kind}.pdf"))


def test_pdfium_is_the_default_reader():
    assert DEFAULT.reader == "pdfium"


@pytest.mark.parametrize("pdf", sorted(SAMPLES.glob("*.pdf")), ids=lambda p: p.stem)
def test_same_json_on_the_samples(pdf):
    _assert_same(pdf)


@pytest.mark.parametrize("name", sorted(lv.VARIANTS))
def test_same_json_on_the_layout_variants(name, tmp_path):
    pdf = tmp_path / f"julu-2023-{name}.pdf"
    lv.render(lv.load_content(GOLDEN / "julu-2023-zonggonghui.json"), lv.VARIANTS[name], pdf)
    _assert_same(pdf)


@pytest.mark.slow
@pytest.mark.skipif(not REALFORMS, reason="shared/realforms (real performance forms) is not beside this checkout")
@pytest.mark.parametrize("pdf", REALFORMS, ids=lambda p: p.stem)
def test_same_json_on_the_real_forms(pdf):
    _assert_same(pdf)


@pytest.mark.slow
@pytest.mark.skipif(not REALDOCS, reason="shared/realdocs (real budgets without forms) is not beside this checkout")
@pytest.mark.parametrize("pdf", REALDOCS, ids=lambda p: p.stem[:12])
def test_same_json_on_the_real_budgets_every_page_read(pdf):
    _assert_same(pdf, triage=False)


def _pages(pdf):
    """Each page's objects from both readers: (pdfplumber's, pdfium's)."""
    with open_pdf(pdf, settings=DEFAULT) as opened:
        reader = PdfiumPages.open(opened, None)
        assert reader is not None
        try:
            for index, ppage in enumerate(opened.pages):
                yield _as_dicts(plumber_objects(ppage)), _as_dicts(reader.objects(index, ppage))
                ppage.close()
        finally:
            reader.close()


def _as_dicts(objects):
    """A reader's objects as dictionaries (``CHAR_FIELDS``, ``BOX_FIELDS``, ``RECT_FIELDS``)."""
    chars, lines, rects, images = objects
    return ([dict(zip(CHAR_FIELDS, c)) for c in chars], [dict(zip(BOX_FIELDS, o)) for o in lines],
            [dict(zip(RECT_FIELDS, o)) for o in rects], [dict(zip(BOX_FIELDS, o)) for o in images])


def _close(a: dict, b: dict, keys) -> bool:
    return all(abs(float(a[k]) - float(b[k])) < 1e-3 for k in keys)


def _geometry_variant(kind: str, path):
    """The sample with its pages turned (``rot90`` …), with page boxes away
    from the origin (``boxes``), drawn through a form XObject placed by a
    matrix (``form``), or drawn through one twice, as it is and again
    placed by a matrix (``form_twice``: the same paths, their matrices
    alike, under two forms' matrices)."""
    import pikepdf

    with pikepdf.open(SAMPLE) as pdf:
        if kind.startswith("rot"):
            for page in pdf.pages:
                page.Rotate = int(kind[3:])
            pdf.save(path)
        elif kind == "boxes":
            for page in pdf.pages:
                x0, y0, x1, y1 = (float(v) for v in page.MediaBox)
                page.MediaBox = pikepdf.Array([x0 - 30, y0 - 40, x1 + 20, y1 + 10])
                page.CropBox = pikepdf.Array([x0 - 10, y0 - 20, x1 + 5, y1 + 5])
            pdf.save(path)
        else:
            out = pikepdf.new()
            for page in pdf.pages:
                form = out.copy_foreign(pikepdf.Page(page).as_form_xobject())
                x0, y0, x1, y1 = (float(v) for v in page.MediaBox)
                new = out.add_blank_page(page_size=(x1 - x0 + 40, y1 - y0 + 40))
                new.Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(Fm0=form))
                twice = b"/Fm0 Do q 0.5 0 0 0.5 100 300 cm /Fm0 Do Q" if kind == "form_twice" else b""
                new.Contents = out.make_stream(twice or b"q 0.9 0 0 0.95 20 15 cm /Fm0 Do Q")
            out.save(path)
    return path


@pytest.mark.parametrize("source", ["sample", "excel_rects", "rot90", "rot180", "rot270", "boxes", "form", "form_twice"])
def test_same_page_objects(source, tmp_path):
    """Characters (text, box, size, upright), lines, rectangles (and
    whether stroked) and images of every page, in the same order.  The
    sample draws real spaces as text objects of their own, which PDFium's
    text page leaves out: spaces are compared apart (docs/how-it-works.md, "How it
    works")."""
    if source == "sample":
        pdf = SAMPLE
    elif source in lv.VARIANTS:
        pdf = tmp_path / f"{source}.pdf"
        lv.render(lv.load_content(GOLDEN / "julu-2023-zonggonghui.json"), lv.VARIANTS[source], pdf)
    else:
        pdf = _geometry_variant(source, tmp_path / f"{source}.pdf")
    box = ("x0", "x1", "top", "bottom")
    seen = 0
    for (chars, lines, rects, images), (chars2, lines2, rects2, images2) in _pages(pdf):
        ink = [c for c in chars if not c["text"].isspace()]
        ink2 = [c for c in chars2 if not c["text"].isspace()]
        assert [c["text"] for c in ink2] == [c["text"] for c in ink]
        assert all(_close(a, b, (*box, "size")) and a["upright"] == b["upright"] for a, b in zip(ink, ink2))
        assert len([c for c in chars2 if c["text"].isspace()]) <= len(chars) - len(ink)
        for mine, theirs in ((lines, lines2), (rects, rects2), (images, images2)):
            assert len(theirs) == len(mine)
            assert all(_close(a, b, box) for a, b in zip(mine, theirs))
        assert [r["stroke"] for r in rects2] == [r["stroke"] for r in rects]
        seen += len(ink) + len(lines) + len(rects)
    assert seen > 1000


def test_the_pdfplumber_reader_is_chosen_by_the_command_line(tmp_path):
    import json

    from extractor.cli import main

    assert main(["convert", str(SAMPLE), "-o", str(tmp_path / "a"), "--reader", "pdfplumber", "-q",
                 "--timeout", "0", "--max-memory", "0"]) == 0
    assert main(["convert", str(SAMPLE), "-o", str(tmp_path / "b"), "--reader", "pdfium", "-q",
                 "--timeout", "0", "--max-memory", "0"]) == 0
    name = f"{SAMPLE.stem}.json"
    assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    manifests = [json.loads((tmp_path / d / "_manifest.jsonl").read_text().splitlines()[-1]) for d in "ab"]
    assert [m["reader"] for m in manifests] == ["pdfplumber", "pdfium"]
    # an output of the other reader is converted again, not reused
    assert main(["convert", str(SAMPLE), "-o", str(tmp_path / "a"), "--reader", "pdfium", "-q",
                 "--timeout", "0", "--max-memory", "0"]) == 0
    report = json.loads((tmp_path / "a" / "_report.json").read_text())
    assert report["counts"]["cached"] == 0
    assert json.loads((tmp_path / "a" / "_manifest.jsonl").read_text().splitlines()[-1])["reader"] == "pdfium"


def test_a_page_pdfium_fails_on_is_read_by_pdfminer(monkeypatch):
    read = PdfiumPages.objects
    failed = []

    def failing(self, index, ppage):
        if index == 4:
            failed.append(index)
            raise RuntimeError("PDFium cannot load this page")
        return read(self, index, ppage)

    monkeypatch.setattr(PdfiumPages, "objects", failing)
    got = extract(SAMPLE).to_dict()
    assert failed == [4]
    assert got == extract(SAMPLE, settings=DEFAULT.replace(reader="pdfplumber")).to_dict()
    assert not [w for w in got["warnings"] if w["code"] in ("lost_pages", "damaged_pages")]


def test_paths_are_judged_as_pdfminer_judges_them():
    from extractor.pdfium_drawing import _shape

    rect = [("m", 10, 20), ("l", 110, 20), ("l", 110, 21), ("l", 10, 21), ("l", 10, 20), ("h", 10, 20)]
    assert _shape(rect) == ("rect", [(10, 20), (110, 21)])  # re: the closing segment is dropped
    assert _shape(rect[:4] + [("h", 10, 20)]) == ("rect", [(10, 20), (110, 21)])  # m l l l h
    assert _shape([("m", 0, 0), ("l", 50, 0)]) == ("line", [(0, 0), (50, 0)])
    assert _shape([("m", 0, 0), ("l", 50, 0), ("h", 0, 0)]) == ("line", [(0, 0), (50, 0)])
    slanted = [("m", 0, 0), ("l", 100, 1), ("l", 100, 2), ("l", 0, 1), ("h", 0, 0)]
    assert _shape(slanted) is None
    curve = [("m", 0, 0), ("c", 10, 10), ("c", 20, 10), ("c", 30, 0)]
    assert _shape(curve) is None
    assert _shape([("l", 0, 0), ("l", 5, 0)]) is None  # a path must start with a move


def test_single_precision_numbers_read_as_written():
    import struct

    from extractor.pdfium_text import written

    for value in (754.189, 178.6, 0.75, -2.352, 841.89, 1e-3, 12345.67):
        single = struct.unpack("f", struct.pack("f", value))[0]
        assert single != value or value in (0.75,)
        assert written(single) == value
