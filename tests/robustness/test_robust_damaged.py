"""Damaged files: what converts says what it lost, and what cannot be
rendered for OCR is never "a bug".  The damage is made from the sample:
one object header renumbered (its object is then missing), a truncation."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from extractor import extract
from extractor import ocr as ocr_stage
from robust_runs import SAMPLE, cli, no_traceback, report, text


def renumbered(data: bytes, objid: int) -> bytes:
    """``data`` with the header of object ``objid`` renumbered to a number
    no object has (same width, so no offset moves): the object is lost."""
    used = {int(n) for n in re.findall(rb"(?m)^(\d+) 0 obj", data)}
    width = len(str(objid))
    free = max(n for n in range(10 ** (width - 1) if width > 1 else 0, 10 ** width) if n not in used)
    head = re.search(rb"(?m)^%d 0 obj" % objid, data)
    return data[:head.start()] + b"%d 0 obj" % free + data[head.end():]


def _first_indirect_length(data: bytes) -> int:
    return int(re.search(rb"/Length (\d+) 0 R", data).group(1))


def _page_tree(data: bytes) -> int:
    return int(re.search(rb"(?m)^(\d+) 0 obj\s*<<\s*/Type\s*/Pages\b", data).group(1))


def test_a_content_stream_whose_length_is_lost_loses_its_page_loudly(tmp_path):
    data = SAMPLE.read_bytes()
    path = tmp_path / "in" / "length-lost.pdf"
    path.parent.mkdir()
    path.write_bytes(renumbered(data, _first_indirect_length(data)))
    proc = cli("convert", path.parent, "-o", tmp_path / "out")
    no_traceback(proc.stderr)
    assert proc.returncode == 0, text(proc.stderr)
    r = report(tmp_path / "out")
    (entry,) = r["files"]
    assert "lost_pages" in entry["warning_codes"] and r["counts"]["incomplete"] == 1
    assert "incomplete: 1" in text(proc.stderr)
    doc = extract(path, ocr="off")
    (lost,) = [w for w in doc.warnings if w.code == "lost_pages"]
    assert "length" in lost.message and "is missing" in lost.message


def test_a_broken_page_tree_is_reported_as_repaired(tmp_path):
    data = SAMPLE.read_bytes()
    path = tmp_path / "tree.pdf"
    path.write_bytes(renumbered(data, _page_tree(data)))
    doc = extract(path, ocr="off")
    (repaired,) = [w for w in doc.warnings if w.code == "repaired_file"]
    assert "page tree is broken" in repaired.message


def _with_a_scanned_page(tmp_path: Path) -> bytes:
    import pikepdf

    import badfiles

    images = badfiles.image_only(tmp_path / "scan.pdf", dpi=100, pages=1)
    with pikepdf.open(SAMPLE) as pdf, pikepdf.open(images) as extra:
        pdf.pages.extend(extra.pages)
        pdf.save(tmp_path / "mixed.pdf", deterministic_id=True)
    return (tmp_path / "mixed.pdf").read_bytes()


@pytest.mark.ocr
@pytest.mark.skipif(not ocr_stage.available(), reason="the ocr extra is not installed (pip install -e '.[ocr]')")
@pytest.mark.parametrize("fraction", [0.97, 0.99])
def test_a_truncated_file_that_pdfium_cannot_open_converts_without_its_scan(tmp_path, fraction):
    """pdfminer repairs the file; PDFium, which renders pages for OCR,
    refuses it: the scanned page stays unread and the output says so."""
    data = _with_a_scanned_page(tmp_path)
    path = tmp_path / "in" / "truncated.pdf"
    path.parent.mkdir()
    path.write_bytes(data[:int(len(data) * fraction)])
    proc = cli("convert", path.parent, "-o", tmp_path / "out")
    no_traceback(proc.stderr)
    assert proc.returncode == 0, text(proc.stderr)
    (entry,) = report(tmp_path / "out")["files"]
    assert entry["status"] == "warnings" and entry["projects"] == 6
    assert {"repaired_file", "ocr_failed"} <= set(entry["warning_codes"])


@pytest.mark.ocr
@pytest.mark.skipif(not ocr_stage.available(), reason="the ocr extra is not installed (pip install -e '.[ocr]')")
def test_a_truncated_scan_is_never_a_bug(tmp_path):
    import badfiles

    data = badfiles.image_only(tmp_path / "scan.pdf", dpi=100, pages=2).read_bytes()
    folder = tmp_path / "in"
    folder.mkdir()
    for fraction in (0.5, 0.9, 0.99):
        (folder / f"cut-{fraction}.pdf").write_bytes(data[:int(len(data) * fraction)])
    proc = cli("convert", folder, "-o", tmp_path / "out")
    no_traceback(proc.stderr)
    assert "InternalError" not in report(tmp_path / "out")["errors"], text(proc.stderr)
