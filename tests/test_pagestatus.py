"""Why each page was or was not read (``extractor.pagestatus``), as
``extractor inspect`` labels it on the page images and in index.html."""

from __future__ import annotations

import html
import subprocess
import sys

import pytest

import badfiles
import layout_variants as lv
from conftest import GOLDEN, SAMPLE
from extractor.inspect_view import inspect_pdf
from extractor.pagestatus import page_statuses, pages_named
from extractor.settings import DEFAULT

OFF = DEFAULT.replace(triage=False)


@pytest.fixture(scope="module")
def embedded(tmp_path_factory):
    """The golden content inside a full department budget: cover, 目录,
    部门职责, three budget tables, the section's title page (pages 1-7),
    then the performance section."""
    path = tmp_path_factory.mktemp("pagestatus") / "julu-2023-embedded.pdf"
    lv.render(lv.load_content(GOLDEN / "julu-2023-zonggonghui.json"), lv.VARIANTS["embedded"], path)
    return path


@pytest.mark.parametrize("where, pages", [
    ("page 3", {3}), ("pages 1-3, 7", {1, 2, 3, 7}), ("pages 2,4-5", {2, 4, 5}),
    ("page 6, project 2, indicator 3", {6}), ("document", set()),
])
def test_pages_named_reads_the_pages_of_a_warning(where, pages):
    assert pages_named(where) == pages


def test_every_page_of_the_sample_is_read_as_prose_or_form(golden_sample):
    statuses = inspect_pdf(SAMPLE).statuses
    form_pages = {n for p in golden_sample["projects"] for n in p["pages"]}
    assert set(statuses) == set(range(1, 12))
    assert {n for n, s in statuses.items() if s.status == "form"} == form_pages
    assert {s.status for n, s in statuses.items() if n not in form_pages} == {"prose"}
    assert "部门整体绩效目标 is read from this prose" in statuses[1].why


def test_pages_the_first_pass_skips_say_so_and_all_pages_reads_them(embedded):
    on = inspect_pdf(embedded).statuses
    off = inspect_pdf(embedded, settings=OFF).statuses
    skipped = {n for n, s in on.items() if s.status == "skipped"}
    # the front matter, but the cover: it states the budget year, so it is parsed
    assert skipped == set(range(2, 8))
    assert all("--all-pages" in on[n].why for n in skipped)
    assert not [s for s in off.values() if s.status == "skipped"]
    # read, the budget tables are tables that are not forms, and say why
    tables = [off[n] for n in skipped if off[n].status == "not_form"]
    assert len(tables) == 3
    assert all("another kind of table" in s.why for s in tables)
    assert {n for n, s in on.items() if s.status == "form"} == {n for n, s in off.items() if s.status == "form"}


def test_scanned_pages_say_they_have_no_text_layer_and_why_ocr_did_not_read_them(tmp_path):
    """The sample followed by two pages scanned at 40 dpi: too coarse for
    OCR (with the extra) or no OCR at all (without it)."""
    statuses = inspect_pdf(badfiles.partly_scanned(tmp_path / "scan.pdf")).statuses
    assert [statuses[n].status for n in (11, 12, 13)] == ["form", "no_text", "no_text"]
    assert statuses[12].label == "not read: no text layer"
    assert "OCR" in statuses[12].why


def test_a_lost_page_is_not_mistaken_for_an_empty_or_skipped_one(tmp_path):
    statuses = inspect_pdf(badfiles.one_page_lost(tmp_path / "lost.pdf", page=3)).statuses
    assert [statuses[n].status for n in (2, 3, 4)] == ["prose", "lost", "prose"]
    assert "is not a stream" in statuses[3].why


def test_without_the_first_pass_an_unnamed_page_is_not_called_skipped(sample_doc):
    from extractor.forms import FormsResult

    statuses = page_statuses(sample_doc, [], FormsResult((), ()), pages=2, triage_on=False)
    assert {s.status for s in statuses.values()} == {"no_grid"}
    assert {s.status for s in page_statuses(sample_doc, [], FormsResult((), ()), pages=2).values()} == {"skipped"}


def test_inspect_draws_and_lists_each_pages_status(embedded, tmp_path):
    out = tmp_path / "inspect"
    proc = subprocess.run([sys.executable, "-m", "extractor", "inspect", str(embedded), "--pages", "2,9", "-o",
                           str(out)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    index = html.unescape((out / "index.html").read_text(encoding="utf-8"))
    assert "why each page was or was not read" in index
    assert "skipped by the first pass: a cheap text scan" in index
    assert index.count('<p class="status status-') == 2  # one per drawn page
    from PIL import Image

    skipped, form = (Image.open(out / name).convert("RGB") for name in ("page-002.png", "page-009.png"))
    # the status tag's colour at the top left: grey for skipped, green for a form
    assert skipped.getpixel((6, 6)) == (120, 120, 120)
    assert form.getpixel((6, 6)) == (0, 130, 60)
