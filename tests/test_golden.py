"""Every sample PDF with a golden JSON beside it must convert to exactly it.

A new year's document is picked up by dropping ``samples/NAME.pdf`` and
``golden/NAME.json`` (reviewed against the rendered pages) in place.
Regenerate with ``EXTRACTOR_UPDATE_GOLDEN=1 pytest tests/test_golden.py``
only when a change is understood; the readable ``golden/NAME.md`` is
rewritten alongside for the review.
"""

from __future__ import annotations

import json
import os

import pytest

from conftest import GOLDEN, SAMPLES, UPDATE_GOLDEN
from jsondiff import report

def _name(pdf):
    """"real/xian-sifaju-2026" for samples/real/xian-sifaju-2026.pdf."""
    return pdf.relative_to(SAMPLES).with_suffix("").as_posix()


CASES = sorted(p for p in SAMPLES.rglob("*.pdf") if (GOLDEN / f"{_name(p)}.json").exists())


def test_there_is_a_golden_case():
    assert CASES, "no sample has a golden file"


def test_update_flag_is_off_in_ci():
    if os.environ.get("CI"):
        assert not UPDATE_GOLDEN, "EXTRACTOR_UPDATE_GOLDEN must never be set in CI"


@pytest.mark.parametrize("pdf", CASES, ids=[_name(p) for p in CASES])
def test_sample_equals_golden(pdf, schema_validator):
    from extractor import extract
    from extractor.review import render_markdown

    doc = extract(pdf)
    got = doc.to_dict()
    schema_validator.validate(got)
    golden_json = GOLDEN / f"{_name(pdf)}.json"
    if UPDATE_GOLDEN:
        golden_json.write_text(doc.to_json(), encoding="utf-8")
        golden_json.with_suffix(".md").write_text(render_markdown(doc), encoding="utf-8")
    expected = json.loads(golden_json.read_text(encoding="utf-8"))
    if got != expected:
        pytest.fail(report(expected, got), pytrace=False)
    # The file is canonical: byte-identical to what the pipeline writes.
    assert golden_json.read_text(encoding="utf-8") == doc.to_json()


REAL = sorted(GOLDEN.glob("real/*.json"))


@pytest.mark.parametrize("golden_json", REAL, ids=[p.stem for p in REAL])
def test_every_real_golden_file_has_its_review(golden_json):
    """A golden file of a real document is checked by eye against the
    rendered pages: its review record says which pages, and what is still
    known to differ from them."""
    review = golden_json.with_suffix(".review.md")
    assert review.exists(), f"{review} is missing: review the golden file against the pages first"
    text = review.read_text(encoding="utf-8")
    assert "Pages checked" in text and any(ch.isdigit() for ch in text.split("Pages checked", 1)[1][:200])
