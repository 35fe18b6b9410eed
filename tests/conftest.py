from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
GOLDEN = ROOT / "golden"
SHARED = ROOT.parent / "shared"
SAMPLE = SAMPLES / "julu-2023-zonggonghui.pdf"

#: Set to 1 to rewrite golden files from the current extraction.  Never in CI.
UPDATE_GOLDEN = os.environ.get("EXTRACTOR_UPDATE_GOLDEN") == "1"
#: CI (``.ci/run``) sets this: there, what a test needs is provided, so its
#: absence is a failure rather than a skip.
IN_CI = bool(os.environ.get("CI"))


def require(available: bool, reason: str) -> None:
    """Skip the calling test with ``reason`` when what it needs is missing,
    except in CI, where ``.ci/run`` provides it and a silent skip would hide
    a test that never ran: there it fails with the same reason."""
    if available:
        return
    if IN_CI:
        pytest.fail(f"{reason} (CI provides it: see .ci/run)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def sample_doc():
    from extractor import extract

    return extract(SAMPLE)


@pytest.fixture(scope="session")
def golden_sample() -> dict:
    return json.loads((GOLDEN / "julu-2023-zonggonghui.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def schema_validator():
    import jsonschema

    from extractor.contract import load_schema

    schema = load_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def sample_and_shared_pdfs() -> list[Path]:
    """The PDFs of ``samples/``, and those of the shared development
    folders (``realdocs``, ``realforms``) not copied into it, when the
    folders are beside this checkout."""
    found = sorted(SAMPLES.rglob("*.pdf"))
    names = {path.name for path in found}
    for folder in ("realdocs", "realforms"):
        if (SHARED / folder).is_dir():
            found += [path for path in sorted((SHARED / folder).glob("*.pdf")) if path.name not in names]
    return found


def pdf_objects(path: Path):
    """(object number, object) of every object of a PDF pdfminer can read,
    the document still open."""
    from pdfminer.pdfdocument import PDFDocument
    from pdfminer.pdfparser import PDFParser

    with path.open("rb") as fp:
        doc = PDFDocument(PDFParser(fp))
        for xref in doc.xrefs:
            for objid in xref.get_objids():
                try:
                    yield objid, doc.getobj(objid)
                except Exception:
                    continue
