"""Real published budget PDFs without a 绩效目标表: each must convert to a
valid document with no invented projects, and say so in a warning."""

from __future__ import annotations

import pytest

from conftest import SHARED, require

REALDOCS = sorted((SHARED / "realdocs").glob("*.pdf")) if (SHARED / "realdocs").is_dir() else []


def test_the_real_documents_are_there():
    require(bool(REALDOCS), f"the real documents are not beside this checkout ({SHARED / 'realdocs'})")


@pytest.mark.parametrize("pdf", REALDOCS, ids=[p.stem[:12] for p in REALDOCS])
def test_real_document_converts_without_invented_projects(pdf, schema_validator):
    from extractor import extract

    doc = extract(pdf)
    schema_validator.validate(doc.to_dict())
    assert doc.projects == []
    assert doc.overall is None or doc.overall.forms == []
    assert [w.code for w in doc.warnings if w.code == "no_performance_tables"] == ["no_performance_tables"]
    assert doc.source.pages > 5
