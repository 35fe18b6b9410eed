"""``extractor inspect``: page images with the detected structure drawn on
them, and index.html beside the extracted rows."""

from __future__ import annotations

import dataclasses
import html
import subprocess
import sys

import pytest

from conftest import SAMPLE

PAGES = (5, 10, 11)


def run(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "extractor", *map(str, args)], capture_output=True, text=True, cwd=cwd)


@pytest.fixture(scope="module")
def inspected(tmp_path_factory):
    out = tmp_path_factory.mktemp("inspect")
    proc = run("inspect", SAMPLE, "--pages", "5,10-11", "-o", out)
    assert proc.returncode == 0, proc.stderr
    return out


@pytest.fixture(scope="module")
def inspection():
    from extractor.inspect_view import inspect_pdf

    return inspect_pdf(SAMPLE)


def colour_count(image, colour) -> int:
    return sum(n for n, c in image.getcolors(1 << 24) if c == colour)


def test_one_image_per_requested_page_of_the_page_size(inspected):
    from PIL import Image

    from extractor.inspect_render import DEFAULT_RESOLUTION

    assert sorted(p.name for p in inspected.glob("*.png")) == [f"page-{n:03d}.png" for n in PAGES]
    for n in PAGES:
        with Image.open(inspected / f"page-{n:03d}.png") as im:
            # The sample's pages are A4 (595.3 x 841.9 pt).
            assert abs(im.width - 595.3 * DEFAULT_RESOLUTION / 72) <= 1.5
            assert abs(im.height - 841.9 * DEFAULT_RESOLUTION / 72) <= 1.5


def test_images_show_tables_cells_header_and_fields(inspected):
    from PIL import Image

    from extractor import inspect_view as iv

    for n in PAGES:
        with Image.open(inspected / f"page-{n:03d}.png") as im:
            im = im.convert("RGB")
            for colour in (iv.GRID, iv.CELL, iv.HEADER):
                assert colour_count(im, colour) > 200, (n, colour)
            if n != 11:  # the title and heading lines (page 11 has none)
                assert colour_count(im, iv.TEXT) > 200, n
            assert colour_count(im, iv.UNREAD) == 0, f"page {n}: text no field took"


def test_marks_follow_the_extraction(inspection):
    """Page 5 is one whole form; page 11 continues page 10's table: a
    repeated header, the rest of a row split by the break, and a blank
    merged 一级指标 cell that takes the text above."""
    from extractor.inspect_view import page_marks

    p5 = page_marks(inspection, 5)
    kinds = [m.kind for m in p5]
    assert kinds.count("grid") == 1
    assert [m.tag for m in p5 if m.kind == "header"] == ["level1", "level2", "level3", "description", "value", "basis"]
    tags = {m.tag for m in p5 if m.kind == "field"}
    assert {"code", "name", "total", "fiscal", "purpose", "goals", "month", "plan"} <= tags
    assert {"level1", "level2", "level3", "description", "value", "basis"} <= tags
    assert "r7-10c0" in {m.tag for m in p5 if m.kind == "cell"}  # 产出指标 spans four rows
    assert {m.tag for m in p5 if m.kind == "text"} == {"title", "heading"}
    p11 = page_marks(inspection, 11)
    continued = sorted(m.tag for m in p11 if m.kind == "continued")
    assert "+basis" in continued and "=level1" in continued
    assert not [m for m in p11 if m.kind == "unread"]


def test_warned_cell_is_drawn_red(inspection):
    """A warning names its cell through the forms' spans."""
    import pdfplumber

    from extractor.document import Warning
    from extractor.inspect_render import render_page
    from extractor.inspect_view import WARNING

    doc = dataclasses.replace(inspection.document, warnings=[])
    clean = dataclasses.replace(inspection, document=doc)
    warned = dataclasses.replace(inspection, document=dataclasses.replace(
        doc, warnings=[Warning("unparsed_value", "page 5, project 1, indicator 2 指标值", "test")]))
    value = inspection.forms.forms[0].rows[1].fields["value"]
    with pdfplumber.open(SAMPLE) as pdf:
        plain = render_page(clean, pdf.pages[4], 5, 72)
        red = render_page(warned, pdf.pages[4], 5, 72)
    assert colour_count(plain, WARNING) == 0
    assert colour_count(red, WARNING) > 100
    # The red outline is on the value cell's border (72 dpi: 1 px per pt).
    x, y = round(value.box.x0) + 4, round(value.box.bottom) - 2
    assert red.getpixel((x, y)) == WARNING


def test_every_warning_the_projects_stage_raises_has_a_place(inspection):
    """``locations`` words ``where`` as ``projects.form_to_project`` does."""
    from extractor.forms import IndicatorRow, Span
    from extractor.inspect_view import locations
    from extractor.projects import form_to_project

    form = inspection.forms.forms[0]

    def spoiled(span: Span, text: str) -> Span:
        return dataclasses.replace(span, text=text, lines=(text,))

    labels = tuple((r, l, spoiled(s, "十六") if r == "total" else s) for r, l, s in form.labels if r != "code")
    spending = ((form.spending[0][0], spoiled(form.spending[0][1], "四万")),) + form.spending[1:]
    first = form.rows[0]
    rows = (IndicatorRow({**first.fields, "value": spoiled(first.fields["value"], "95%,98%"),
                          "level3": spoiled(first.fields["level3"], "")}, first.extra, first.pages),) + form.rows[1:]
    bad = dataclasses.replace(form, labels=labels, spending=spending, rows=rows)
    result = form_to_project(bad, 1)
    codes = sorted(w.code for w in result.warnings)
    assert codes == ["missing_field", "missing_field", "unparsed_amount", "unparsed_amount", "unparsed_value"]
    places = {loc.where: loc for loc in locations(bad, result.project.index)}
    for w in result.warnings:
        assert w.where in places, w.where
    assert places["page 5, project 1, indicator 1 指标值"].indicator == 1


def test_index_html_puts_each_page_beside_its_rows(inspected, golden_sample):
    text = (inspected / "index.html").read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>") and '<meta charset="utf-8">' in text
    for n in PAGES:
        assert text.count(f'<img src="page-{n:03d}.png"') == 1
        assert f'id="page-{n}"' in text
    assert text.count("<img ") == len(PAGES)
    shown = [i for p in golden_sample["projects"] for i in p["indicators"] if set(i["pages"]) & set(PAGES)]
    assert len(shown) == 14
    for i in shown:
        for value in (i["level3"], i["target"]["raw"], i["basis"]):
            assert html.escape(value) in text, value
    # Project-block fields of the projects opened on these pages.
    for p in golden_sample["projects"]:
        if p["pages"][0] in PAGES:
            assert p["code"] in text and html.escape(p["name"]) in text
    # Only the drawn pages' rows: project 2 (page 6) is not there.
    assert golden_sample["projects"][1]["code"] not in text


def test_html_escapes_text(inspection):
    from extractor.inspect_html import render_html

    doc = inspection.document
    project = dataclasses.replace(doc.projects[0], title="<script>alert(1)</script>")
    shown = dataclasses.replace(inspection, document=dataclasses.replace(doc, projects=[project] + doc.projects[1:]))
    text = render_html(shown, [(5, "page-005.png")])
    assert "<script>" not in text and "&lt;script&gt;" in text


def test_page_ranges():
    from extractor.inspect_render import PageSpecError, parse_pages

    assert parse_pages(None, 4) == [1, 2, 3, 4]
    assert parse_pages("5-6", 11) == [5, 6]
    assert parse_pages("5, 10-11", 11) == [5, 10, 11]
    assert parse_pages("10-", 11) == [10, 11]
    for bad in ("12", "0", "6-5", "x", "3-x"):
        with pytest.raises(PageSpecError):
            parse_pages(bad, 11)


def test_bad_page_range_is_a_usage_error(tmp_path):
    proc = run("inspect", SAMPLE, "--pages", "12", "-o", tmp_path / "out")
    assert proc.returncode == 2 and "outside" in proc.stderr
    assert not (tmp_path / "out").exists()


def test_not_a_pdf_fails_with_one_line(tmp_path):
    bad = tmp_path / "bad.pdf"
    bad.write_text("<html>404</html>")
    proc = run("inspect", bad, "-o", tmp_path / "out")
    assert proc.returncode == 1 and "FAILED" in proc.stderr and "NotAPDF" in proc.stderr


# -- a two-row header ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def two_row_header(tmp_path_factory):
    """The layout variant with 绩效指标 over the three levels and 指标值 over
    指标性质 | 指标值 | 计量单位: a header band of two rows, repeated on
    continuation pages."""
    import layout_variants as lv
    from conftest import GOLDEN

    path = tmp_path_factory.mktemp("two-row") / "julu-2023-two_row_header_split_value.pdf"
    lv.render(lv.load_content(GOLDEN / "julu-2023-zonggonghui.json"), lv.VARIANTS["two_row_header_split_value"], path)
    return path


def test_a_two_row_header_is_marked_as_the_extractor_read_it(two_row_header, tmp_path):
    """Inspect marks exactly the header band forms read (both rows: the
    words over groups of columns, untagged, and the cells of both rows that
    give the columns, each tagged with its column's role), on the first
    page and where the band is repeated, and reads every other cell."""
    from PIL import Image

    from extractor.inspect_view import HEADER, inspect_pdf, page_marks

    inspection = inspect_pdf(two_row_header)
    form = inspection.forms.forms[0]
    roles = [c.role for c in form.columns]
    assert roles == ["level1", "level2", "level3", "description", "operator", "value", "unit", "basis"]
    first = form.pages[0]
    marks = page_marks(inspection, first)
    heads = [m for m in marks if m.kind == "header"][:10]  # the first band on the page: project 1's
    assert [m.tag for m in heads] == ["", "description", "", "basis", "level1", "level2", "level3", "operator", "value", "unit"]
    assert [m.box.top for m in heads[:4]] == [heads[0].box.top] * 4 and heads[4].box.top == heads[0].box.bottom
    assert not [m for m in marks if m.kind == "unread"]
    # the band repeated on a continuation page: the same columns again
    last = inspection.forms.forms[-1]
    again = [m.tag for m in page_marks(inspection, last.pages[1]) if m.kind == "header"]
    assert sorted(t for t in again if t) == sorted(roles)

    out = tmp_path / "out"
    proc = run("inspect", two_row_header, "--pages", str(first), "-o", out)
    assert proc.returncode == 0, proc.stderr
    with Image.open(out / f"page-{first:03d}.png") as im:
        im = im.convert("RGB")
        scale = im.width / inspection.layout(first).page.width
        group = heads[0].box  # 绩效指标: outlined as part of the header
        assert im.getpixel((round(group.cx * scale), round(group.top * scale) + 2)) == HEADER


def test_ends_of_cells_opening_a_page_are_tagged_with_their_column(tmp_path):
    """A page holding nothing of a borderless table but the ends of several
    cells of its last row: each end is tinted and tagged as the rest of its
    column (where forms recorded it), not drawn as loose text."""
    import layout_variants as lv
    from conftest import GOLDEN

    from extractor.inspect_view import inspect_pdf, page_marks

    path = tmp_path / "julu-2023-borderless_row_end_alone.pdf"
    variant = lv.VARIANTS["borderless_row_end_alone"]
    content = lv.load_content(GOLDEN / "julu-2023-zonggonghui.json")
    lv.render(content, variant, path)
    (page,) = {b.page + 1 for b in lv.plan(content, variant).breaks if b.kind == "in_row" and b.last and len(b.continued) >= 2}
    marks = page_marks(inspect_pdf(path), page)
    assert sorted(m.tag for m in marks if m.kind == "continued") == ["+basis", "+description", "+level2"]
    assert not [m for m in marks if m.kind in ("text", "unread", "grid")]


def test_inspection_reads_the_pdf_once_and_keeps_that_run(monkeypatch, golden_sample):
    """The layouts drawn are those the document was built from: one pass
    over the file (a second would also miss what OCR read)."""
    from extractor import pipeline
    from extractor.inspect_view import inspect_pdf

    calls = []
    real = pipeline.read_layouts
    monkeypatch.setattr(pipeline, "read_layouts", lambda *a, **k: calls.append(1) or real(*a, **k))
    inspection = inspect_pdf(SAMPLE)
    assert len(calls) == 1
    assert inspection.document.to_dict() == golden_sample
    assert {l.page.number for l in inspection.layouts} >= set(range(5, 12))
    assert len(inspection.forms.forms) == 6
