"""Bounded work per page: small files that held a worker for the whole
timeout (an LZW bomb, a page of a million rectangles, a page of 200,000
characters) lose that page, with its reason, and the rest converts."""

from __future__ import annotations

import json

import pytest

import hostile
from robust_runs import cli, no_traceback, report, text

CASES = {
    "lzw-bomb": (hostile.lzw_bomb, "decodes (LZW) beyond", "pdfium"),
    "rectangles": (hostile.many_rectangles, "max_page_operators", "pdfium"),
    # PDFium reads this page's text as far fewer characters, in a moment;
    # the bound protects the pdfminer reader, which takes minutes over it
    "characters": (hostile.many_characters, "max_page_chars", "pdfplumber"),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_hostile_page_is_lost_with_its_reason_and_the_rest_converts(tmp_path, name):
    make, reason, reader = CASES[name]
    folder = tmp_path / "in"
    folder.mkdir()
    make(folder / f"{name}.pdf")
    out = tmp_path / "out"
    # far above what the bound costs; the old behaviour ran into it
    proc = cli("convert", folder, "-o", out, "--timeout", "240", "--no-ocr", "--reader", reader)
    no_traceback(proc.stderr)
    assert proc.returncode == 0, text(proc.stderr)
    (entry,) = report(out)["files"]
    assert "lost_pages" in entry["warning_codes"] and entry["projects"] >= 5
    doc = json.loads((out / entry["output"]).read_bytes())
    (lost,) = [w for w in doc["warnings"] if w["code"] == "lost_pages"]
    assert lost["where"] == "page 2" and reason in lost["message"]
