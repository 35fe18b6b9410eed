"""A resumed batch reuses an output only when it was made by the same
extractor: the same code and vocabulary tables (their content, whatever
``__version__`` says), the same settings that shape the output and the
same readers; limits (``--timeout``, ``--max-memory``, ``--max-pages``)
do not shape it."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

from extractor import batch, fingerprint
from extractor.settings import DEFAULT
from robust_runs import SAMPLE


def _cached(out: Path, options: batch.Options) -> bool:
    batch.convert_batch([SAMPLE], out, options=options, jobs=1, stream=io.StringIO())
    report = json.loads((out / batch.REPORT).read_text(encoding="utf-8"))
    return report["files"][0]["cached"]


def test_limits_keep_outputs_and_output_settings_remake_them(tmp_path):
    out = tmp_path / "out"
    assert not _cached(out, batch.Options())
    assert _cached(out, batch.Options(settings=DEFAULT.replace(timeout=30.0, max_memory_mb=2048, max_pages=50)))
    assert not _cached(out, batch.Options(settings=DEFAULT.replace(cell_gap=DEFAULT.cell_gap + 0.1)))
    assert _cached(out, batch.Options(settings=DEFAULT.replace(cell_gap=DEFAULT.cell_gap + 0.1)))
    assert not _cached(out, batch.Options())


def test_an_entry_of_another_build_is_not_reused(tmp_path):
    out = tmp_path / "out"
    mine = batch.Options(reuse_key=fingerprint.reuse_key(DEFAULT, "auto"))
    r = batch.convert_one(str(SAMPLE), "a.json", str(out), mine)
    entry = batch._manifest_entry(r, mine)
    assert batch.convert_one(str(SAMPLE), "a.json", str(out), mine, entry).cached
    older = dict(entry, key="made by an older extractor")
    assert not batch.convert_one(str(SAMPLE), "a.json", str(out), mine, older).cached
    unkeyed = {k: v for k, v in entry.items() if k != "key"}  # a manifest of a release before keys
    assert not batch.convert_one(str(SAMPLE), "a.json", str(out), mine, unkeyed).cached


def test_the_key_follows_the_content_of_code_and_vocabulary(tmp_path):
    package = Path(fingerprint.__file__).resolve().parent
    copy = tmp_path / "extractor"
    shutil.copytree(package, copy, ignore=shutil.ignore_patterns("__pycache__"))
    assert fingerprint.package_digest(copy) == fingerprint.code_digest()
    (copy / "__pycache__").mkdir()
    (copy / "__pycache__" / "x.cpython.pyc").write_bytes(b"compiled")  # not what decides the output
    assert fingerprint.package_digest(copy) == fingerprint.code_digest()
    vocab = sorted((copy / "vocab").glob("*.tsv"))[0]
    vocab.write_text(vocab.read_text(encoding="utf-8") + "新词\n", encoding="utf-8")
    assert fingerprint.package_digest(copy) != fingerprint.code_digest()


def test_the_key_names_the_readers_and_the_ocr_mode():
    names = dict(fingerprint.reader_versions())
    assert {"pdfminer.six", "pdfplumber", "pypdfium2"} <= set(names) and names["pdfminer.six"] != "-"
    assert fingerprint.reuse_key(DEFAULT, "auto") != fingerprint.reuse_key(DEFAULT, "off")
    assert fingerprint.reuse_key(DEFAULT, "auto") == fingerprint.reuse_key(DEFAULT.replace(timeout=1.0), "auto")
