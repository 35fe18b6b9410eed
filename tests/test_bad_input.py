"""Bad and hostile input: every kind gets its typed error or warning, the
right exit code, no partial output, and never takes a batch down.

The corpus is generated here from the sample (``badfiles``); nothing binary
is committed.
"""

from __future__ import annotations

import json
import pickle
import random
import subprocess
import sys
import time
from pathlib import Path

import pytest

import badfiles
from conftest import SAMPLE
from extractor import errors
from extractor.pipeline import extract
from extractor.settings import DEFAULT


def run(*args, timeout=120):
    return subprocess.run(
        [sys.executable, "-m", "extractor", *map(str, args)], capture_output=True, text=True, timeout=timeout
    )


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """Files generated on first use, shared by the tests of this module."""
    folder = tmp_path_factory.mktemp("corpus")
    made: dict[str, Path] = {}

    def get(name: str, make, suffix: str = ".pdf") -> Path:
        if name not in made:
            made[name] = make(folder / f"{name}{suffix}")
        return made[name]

    return get


def convert_one(path: Path, out: Path, *extra):
    """Run the CLI on one file; return (process, output file)."""
    proc = run("convert", path, "-o", out, *extra)
    return proc, out / f"{path.stem}.json"


def outputs(out_dir: Path) -> list[Path]:
    """What a convert run left in OUTDIR besides its run report and
    manifest and lock (``_report.json``, ``_manifest.jsonl``, ``_run.lock``)."""
    return [p for p in out_dir.iterdir() if p.name not in ("_report.json", "_manifest.jsonl", "_run.lock")]


def assert_failed(proc, out_dir: Path, path: Path, cls: type, *phrases: str):
    """Exit 1, one FAILED line naming the class, the phrases in the message,
    and nothing written (not even a temporary file)."""
    assert proc.returncode == 1, proc.stderr
    lines = [l for l in proc.stderr.splitlines() if l.startswith("FAILED")]
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith(f"FAILED {path}: {cls.__name__}: "), lines[0]
    for phrase in phrases:
        assert phrase in lines[0], (phrase, lines[0])
    assert "Traceback" not in proc.stderr
    assert not out_dir.exists() or not outputs(out_dir), list(out_dir.iterdir())


def assert_converted(proc, out_file: Path) -> dict:
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    assert not [p for p in out_file.parent.iterdir() if p.name.startswith(".")], "temporary file left behind"
    return json.loads(out_file.read_text(encoding="utf-8"))


def warning(doc: dict, code: str) -> dict:
    found = [w for w in doc["warnings"] if w["code"] == code]
    assert len(found) == 1, (code, doc["warnings"])
    return found[0]


# -- not a PDF -------------------------------------------------------------------------

NOT_PDF = {
    "empty": (badfiles.empty, "the file is empty"),
    "random": (badfiles.random_bytes, "no %PDF- header"),
    "html": (badfiles.html_error_page, "HTML page"),
    "docx": (badfiles.docx_renamed, ".docx"),
    "doc": (badfiles.doc_renamed, ".doc"),
}


@pytest.mark.parametrize("kind", sorted(NOT_PDF))
def test_not_a_pdf(kind, corpus, tmp_path):
    make, phrase = NOT_PDF[kind]
    path = corpus(kind, make)
    proc, _ = convert_one(path, tmp_path / "out")
    assert_failed(proc, tmp_path / "out", path, errors.NotAPDF, phrase, "check the download")


def test_a_directory_is_not_a_pdf(tmp_path):
    (tmp_path / "folder.pdf").mkdir()
    with pytest.raises(errors.NotAPDF, match="a directory"):
        extract(tmp_path / "folder.pdf")


# -- damaged ------------------------------------------------------------------------------


@pytest.mark.parametrize("fraction", [0.001, 0.1, 0.5, 0.9, 0.98])
def test_truncated_before_any_page_is_damaged(fraction, corpus, tmp_path):
    """LibreOffice writes the page objects last: a download cut anywhere
    before them leaves no page to recover."""
    path = corpus(f"truncated-{fraction}", lambda p: badfiles.truncated(p, fraction))
    proc, _ = convert_one(path, tmp_path / "out")
    assert_failed(proc, tmp_path / "out", path, errors.DamagedPDF, "truncated after", "re-download")


def test_header_only_is_damaged(corpus, tmp_path):
    path = corpus("header-only", badfiles.header_only)
    proc, _ = convert_one(path, tmp_path / "out")
    assert_failed(proc, tmp_path / "out", path, errors.DamagedPDF, "truncated")


def test_truncated_among_the_page_objects_keeps_the_pages_found(corpus, tmp_path):
    path = corpus("truncated-p6", lambda p: badfiles.truncated_before(p, b"16 0 obj"))
    proc, out = convert_one(path, tmp_path / "out")
    doc = assert_converted(proc, out)
    assert doc["source"]["pages"] == 5
    assert [p["index"] for p in doc["projects"]] == [1]  # the form on page 5
    w = warning(doc, "repaired_file")
    assert "truncated" in w["message"] and "5 pages were recovered" in w["message"]


def test_truncated_after_the_pages_converts_everything(corpus, tmp_path, golden_sample):
    path = corpus("truncated-tree", lambda p: badfiles.truncated_before(p, b"34 0 obj"))
    proc, out = convert_one(path, tmp_path / "out")
    doc = assert_converted(proc, out)
    assert doc["projects"] == golden_sample["projects"]
    assert "11 pages were recovered" in warning(doc, "repaired_file")["message"]


def test_broken_xref_is_recovered(corpus, tmp_path, golden_sample):
    path = corpus("broken-xref", badfiles.broken_xref)
    proc, out = convert_one(path, tmp_path / "out")
    doc = assert_converted(proc, out)
    assert doc["projects"] == golden_sample["projects"] and doc["overall"] == golden_sample["overall"]
    assert "cross-reference table is broken" in warning(doc, "repaired_file")["message"]


def test_a_lost_page_is_named_and_the_rest_extracted(corpus, tmp_path, golden_sample):
    path = corpus("lost-page", lambda p: badfiles.one_page_lost(p, page=3))
    proc, out = convert_one(path, tmp_path / "out")
    doc = assert_converted(proc, out)
    w = warning(doc, "lost_pages")
    assert w["where"] == "page 3" and "content stream" in w["message"]
    assert doc["projects"] == golden_sample["projects"]  # the forms are on pages 5-11


def test_corrupt_content_stream_keeps_what_inflates(corpus, tmp_path):
    path = corpus("corrupt-content", lambda p: badfiles.corrupt_content(p, page=5))
    proc, out = convert_one(path, tmp_path / "out")
    doc = assert_converted(proc, out)
    w = warning(doc, "damaged_pages")
    assert w["where"] == "page 5" and "corrupt compressed data" in w["message"]
    assert len(doc["projects"]) == 6


def test_invalid_page_box_is_repaired(corpus, tmp_path, golden_sample):
    path = corpus("bad-mediabox", lambda p: badfiles.bad_mediabox(p, page=2))
    proc, out = convert_one(path, tmp_path / "out")
    doc = assert_converted(proc, out)
    w = warning(doc, "damaged_pages")
    assert w["where"] == "page 2" and "page box is invalid" in w["message"]
    assert doc["projects"] == golden_sample["projects"]


# -- encrypted -----------------------------------------------------------------------------


def test_user_password_needs_password(corpus, tmp_path):
    path = corpus("user-password", lambda p: badfiles.encrypted(p, user="secret"))
    proc, _ = convert_one(path, tmp_path / "out")
    assert_failed(proc, tmp_path / "out", path, errors.EncryptedPDF, "--password")


def test_user_password_wrong(corpus, tmp_path):
    path = corpus("user-password", lambda p: badfiles.encrypted(p, user="secret"))
    proc, _ = convert_one(path, tmp_path / "out", "--password", "guess")
    assert_failed(proc, tmp_path / "out", path, errors.EncryptedPDF, "password given is wrong")


def test_user_password_right(corpus, tmp_path, golden_sample):
    path = corpus("user-password", lambda p: badfiles.encrypted(p, user="secret"))
    proc, out = convert_one(path, tmp_path / "out", "--password", "secret")
    assert assert_converted(proc, out)["projects"] == golden_sample["projects"]


@pytest.mark.parametrize("password", [None, "not-needed"])
def test_owner_password_only_opens_without_password(password, corpus, tmp_path, golden_sample):
    path = corpus("owner-password", lambda p: badfiles.encrypted(p, user=""))
    extra = ("--password", password) if password else ()
    proc, out = convert_one(path, tmp_path / "out", *extra)
    assert assert_converted(proc, out)["projects"] == golden_sample["projects"]


# -- text layer ----------------------------------------------------------------------------


def test_image_only_pdf_needs_ocr(corpus, tmp_path):
    path = corpus("scanned", badfiles.image_only)
    proc, _ = convert_one(path, tmp_path / "out")
    assert_failed(proc, tmp_path / "out", path, errors.NoTextLayer,
                  "pages 1-11 have no text layer: this looks like a scan; OCR is needed")


def test_scanned_pages_among_text_pages_are_a_warning(corpus, tmp_path, golden_sample):
    path = corpus("partly-scanned", badfiles.partly_scanned)
    proc, out = convert_one(path, tmp_path / "out")
    doc = assert_converted(proc, out)
    w = warning(doc, "no_text_layer")
    assert w["where"] == "pages 12-13" and "OCR" in w["message"]
    assert doc["projects"] == golden_sample["projects"]


def test_blank_pdf_is_no_text_layer_but_not_a_scan(corpus):
    path = corpus("blank", lambda p: badfiles.many_pages(p, 3))
    with pytest.raises(errors.NoTextLayer, match="blank") as info:
        extract(path)
    assert "scan" not in str(info.value)


def test_fonts_without_tounicode_are_unreadable(corpus, tmp_path):
    path = corpus("no-tounicode", badfiles.no_tounicode)
    # Without OCR: with the ocr extra installed these pages would be read by OCR.
    proc, _ = convert_one(path, tmp_path / "out", "--no-ocr")
    assert_failed(proc, tmp_path / "out", path, errors.UnreadableText,
                  "pages 1-11", "ToUnicode", "OCR is needed")


def test_mojibake_is_unreadable(corpus, tmp_path):
    path = corpus("mojibake", badfiles.mojibake)
    proc, _ = convert_one(path, tmp_path / "out", "--no-ocr")
    assert_failed(proc, tmp_path / "out", path, errors.UnreadableText, "pages 1-11", "not Chinese text")


def test_one_unreadable_page_is_left_out_with_a_warning(corpus, tmp_path, golden_sample):
    path = corpus("no-tounicode-p3", lambda p: badfiles.no_tounicode(p, pages={3}))
    proc, out = convert_one(path, tmp_path / "out", "--no-ocr")
    doc = assert_converted(proc, out)
    w = warning(doc, "unreadable_text")
    assert w["where"] == "page 3" and "ToUnicode" in w["message"]
    assert doc["projects"] == golden_sample["projects"]
    # Page 3's garbage is not passed through as data.
    text = json.dumps(doc, ensure_ascii=False)
    from extractor.pages import glyph_kind

    assert not [ch for ch in set(text) if glyph_kind(ch) not in ("text", "filler")]


def test_page_readability_ratio():
    from extractor.pages import TextCounts, glyph_kind, is_readable, unreadable_reason

    assert glyph_kind("(cid:12)") == glyph_kind("\ue000") == glyph_kind("\ufffd") == "unmapped"
    assert [glyph_kind(c) for c in "ÃÄжア한"] == ["foreign"] * 5
    assert all(glyph_kind(c) in ("text", "filler") for c in "绩效目标表，：（）【】≥≤%℃①Ⅱ×÷·“”、。—…A1.")
    assert [glyph_kind(c) for c in "部閮A7.〇"] == ["text", "rare", "text", "filler", "filler", "text"]
    s = DEFAULT
    assert is_readable(TextCounts(100, unmapped=29), s) and not is_readable(TextCounts(100, unmapped=30), s)
    assert not is_readable(TextCounts(100, 20, 10), s)
    assert is_readable(TextCounts(5, 0, 5), s) and not is_readable(TextCounts(5, 5, 0), s)  # few glyphs: only all-unmapped counts
    assert is_readable(TextCounts(0), s)
    # mojibake: a quarter of the words (glyphs but ASCII digits and punctuation), and at least 8 glyphs
    assert unreadable_reason(TextCounts(100, rare=25), s) == "mojibake"
    assert unreadable_reason(TextCounts(100, rare=24), s) is None
    assert unreadable_reason(TextCounts(100, rare=10, filler=70), s) == "mojibake"  # digits and dots don't dilute
    assert unreadable_reason(TextCounts(20, rare=7), s) is None  # a heading with rare place names
    assert unreadable_reason(TextCounts(100, garbled=30), s) == "mojibake"
    assert unreadable_reason(TextCounts(100, foreign=25), s) == "unmapped"  # fonts without a correct map
    assert unreadable_reason(TextCounts(100, foreign=24), s) is None
    assert unreadable_reason(TextCounts(100, foreign=20, rare=6), s) == "mojibake"  # signs of mis-decoding
    assert unreadable_reason(TextCounts(100, unmapped=20, foreign=10, garbled=5), s) == "unmapped"


def page_text(path: Path, number: int) -> str:
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        return pdf.pages[number - 1].extract_text()


@pytest.mark.parametrize("how", sorted(badfiles.MISDECODINGS))
def test_text_check_on_misdecoded_text(how):
    """The per-page signal on text: the sample's pages pass, every page of
    them mis-decoded is mojibake; rare place names and Latin text pass."""
    from extractor.pages import text_counts, unreadable_reason

    def verdict(text):
        return unreadable_reason(text_counts([ch for ch in text if not ch.isspace()]), DEFAULT)

    turn = badfiles.MISDECODINGS[how]
    for number in (1, 2, 3, 5, 8, 11):  # prose, tables, the last page
        text = page_text(SAMPLE, number)
        assert verdict(text) is None
        assert verdict(turn(text)) == "mojibake", (number, turn(text)[:60])
    assert verdict("岢岚县2023年部门预算\n岢岚县财政局编制\n二〇二三年一月") is None  # rare place names
    assert verdict("Müller & Cie., Zürich: café résumé naïve, 3.5 % p.a. (2023)") is None
    assert verdict("锟斤拷" * 3 + "1234567890" * 10) == "mojibake"


def test_common_characters():
    from extractor.pages import common_han

    han = common_han()
    level1 = {bytes((row, cell)).decode("gb2312", errors="ignore") for row in range(0xB0, 0xD8) for cell in range(0xA1, 0xFF)}
    assert han == level1 - {""} and len(han) == 3755  # the table is GB2312 level 1, 啊 … 座
    assert not {"閮", "ㄩ", "棬", "锟", "藷", "淕"} & han


MOJIBAKE = ["utf8-as-gbk", "gbk-as-big5", "kunjinkao", "utf8-as-latin1"]


@pytest.mark.parametrize("how", MOJIBAKE)
def test_mojibake_on_ordinary_code_points_is_unreadable(how, corpus, tmp_path):
    """A PDF typeset from mis-decoded text: the fonts' maps are right, the
    characters are ordinary CJK (or Latin-1) ones, and none is Chinese text."""
    path = corpus(f"misdecoded-{how}", lambda p: badfiles.misdecoded(p, how))
    proc, _ = convert_one(path, tmp_path / "out", "--no-ocr")
    assert_failed(proc, tmp_path / "out", path, errors.UnreadableText,
                  "pages 1-11 is mojibake", "wrong character encoding", "ask its producer for a correct export", "OCR")


def test_mojibake_of_big5_read_as_gbk_is_unreadable(corpus):
    path = corpus("misdecoded-big5-as-gbk", lambda p: badfiles.misdecoded(p, "big5-as-gbk"))
    with pytest.raises(errors.UnreadableText, match="is mojibake") as info:
        extract(path, ocr="off")
    # page 4 is the heading 第二部分 预算项目绩效目标, of which Big5 keeps
    # too little to judge; it vouches for nothing, so the file fails whole
    assert info.value.pages == "1-3, 5-11" and info.value.mojibake


@pytest.mark.parametrize("how", MOJIBAKE)
def test_one_mojibake_page_is_left_out_with_a_warning(how, corpus, tmp_path, sample_doc):
    path = corpus(f"misdecoded-p3-{how}", lambda p: badfiles.misdecoded(p, how, pages={3}))
    proc, out = convert_one(path, tmp_path / "out", "--no-ocr")
    doc = assert_converted(proc, out)
    w = warning(doc, "unreadable_text")
    assert w["where"] == "page 3" and "is mojibake" in w["message"] and "ask its producer" in w["message"]
    assert doc["projects"] == sample_doc.to_dict()["projects"]  # the forms are on pages 5-11
    # Page 3's garbage is not passed through as data: no rare, garbled or
    # foreign character anywhere (but in the warning's examples)
    from extractor.pages import text_counts

    text = json.dumps({k: v for k, v in doc.items() if k != "warnings"}, ensure_ascii=False)
    counts = text_counts([ch for ch in text if not ch.isspace()])
    assert (counts.rare, counts.garbled, counts.foreign, counts.unmapped) == (0, 0, 0, 0)
    assert turn_of(how, page_text(SAMPLE, 3))[:8] not in text


def turn_of(how: str, text: str) -> str:
    return badfiles.MISDECODINGS[how]("".join(text.split()))


# -- valid, but not what we look for ---------------------------------------------------------------


def test_prose_only_is_a_valid_empty_document(corpus, tmp_path, schema_validator):
    path = corpus("prose-only", badfiles.prose_only)
    proc, out = convert_one(path, tmp_path / "out")
    doc = assert_converted(proc, out)
    schema_validator.validate(doc)
    assert doc["projects"] == []
    assert warning(doc, "no_performance_tables")["where"] == "document"
    assert "no_performance_tables" in proc.stderr  # the notice


def test_strict_callers_get_no_performance_tables(corpus):
    path = corpus("prose-only", badfiles.prose_only)
    with pytest.raises(errors.NoPerformanceTables):
        extract(path, strict=True)


# -- limits --------------------------------------------------------------------------------


def test_max_pages(corpus, tmp_path):
    path = corpus("thirty-pages", lambda p: badfiles.many_pages(p, 30))
    proc, _ = convert_one(path, tmp_path / "out", "--max-pages", "10")
    assert_failed(proc, tmp_path / "out", path, errors.TooManyPages, "30 pages exceeds the limit of 10", "--max-pages")


def test_decompression_bomb_loses_only_its_page(corpus, tmp_path, golden_sample):
    path = corpus("bomb", lambda p: badfiles.decompression_bomb(p, inflated_mb=DEFAULT.max_stream_mb + 8, page=2))
    assert path.stat().st_size < 1 << 20
    start = time.monotonic()
    proc, out = convert_one(path, tmp_path / "out")
    assert time.monotonic() - start < 30
    doc = assert_converted(proc, out)
    w = warning(doc, "lost_pages")
    assert w["where"] == "page 2" and "decompression bomb" in w["message"]
    assert doc["projects"] == golden_sample["projects"]


def test_timeout_stops_a_stuck_file_and_the_batch_goes_on(corpus, tmp_path):
    slow = corpus("slow", badfiles.slow_page)
    start = time.monotonic()
    # The timeout leaves a loaded machine ample time for the good file; the
    # stuck one needs minutes, so the run ending well before proves the stop.
    # pdfminer is what takes minutes over that page (PDFium reads it in a
    # moment), so the pdfplumber reader is the one chosen here.
    proc = run("convert", slow, SAMPLE, "-o", tmp_path / "out", "--timeout", "10", "--reader", "pdfplumber")
    assert time.monotonic() - start < 60
    assert proc.returncode == 1
    (line,) = [l for l in proc.stderr.splitlines() if l.startswith("FAILED")]
    assert line.startswith(f"FAILED {slow}: ConversionTimeout: ") and "--timeout" in line
    assert sorted(p.name for p in outputs(tmp_path / "out")) == ["julu-2023-zonggonghui.json"]


def test_memory_limit(tmp_path):
    proc, _ = convert_one(SAMPLE, tmp_path / "out", "--max-memory", "1")
    assert_failed(proc, tmp_path / "out", SAMPLE, errors.MemoryLimitExceeded, "--max-memory")


# -- the guard: whatever happens in the child comes back typed ----------------------------------

fork_only = pytest.mark.skipif(sys.platform == "win32", reason="the child inherits the monkeypatch only when forked")


@fork_only
def test_guard_turns_a_bug_into_internal_error(monkeypatch):
    from extractor import guard, pipeline

    def broken(*args, **kwargs):
        return 1 / 0

    monkeypatch.setattr(pipeline, "extract", broken)
    with pytest.raises(errors.InternalError, match="ZeroDivisionError") as info:
        guard.extract_guarded(SAMPLE)
    assert "Traceback" in "".join(getattr(info.value, "__notes__", []))


@fork_only
def test_guard_survives_a_dying_child(monkeypatch):
    import os

    from extractor import guard, pipeline

    monkeypatch.setattr(pipeline, "extract", lambda *a, **k: os._exit(3))
    with pytest.raises(errors.InternalError, match="exit code 3"):
        guard.extract_guarded(SAMPLE)


@fork_only
def test_guard_memory_cap(monkeypatch):
    from extractor import guard, pipeline

    monkeypatch.setattr(pipeline, "extract", lambda *a, **k: bytearray(1 << 30))
    with pytest.raises(errors.MemoryLimitExceeded):
        guard.extract_guarded(SAMPLE, settings=DEFAULT.replace(max_memory_mb=64))


@fork_only
@pytest.mark.parametrize("delay", [0.0, 0.001, 0.01, 0.05, 0.3])
def test_guard_cancel_from_a_signal_handler_stops_the_child(monkeypatch, delay):
    """A cancel arriving at any moment (before the fork, during it, while
    the child runs) ends the call with KeyboardInterrupt raised by the guard
    itself, and leaves no child behind."""
    import signal
    import time as clock

    from extractor import guard, pipeline

    monkeypatch.setattr(pipeline, "extract", lambda *a, **k: clock.sleep(60))
    monkeypatch.setitem(guard._active, "cancelled", False)
    previous = signal.signal(signal.SIGALRM, lambda *_: guard.cancel())
    start = clock.monotonic()
    try:
        signal.setitimer(signal.ITIMER_REAL, delay or 1e-6)
        with pytest.raises(KeyboardInterrupt):
            guard.extract_guarded(SAMPLE)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    assert clock.monotonic() - start < 10
    assert guard._active["child"] is None
    import multiprocessing

    assert not [c for c in multiprocessing.active_children() if c.name.startswith("extractor:")]


def _alive(pid: int) -> bool:
    """Whether process ``pid`` runs (a zombie does not: it waits for a
    parent that may never reap it)."""
    try:
        with open(f"/proc/{pid}/stat") as fh:
            state = fh.read().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state not in ("Z", "X")


linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="a parent-death signal is Linux's")


@linux_only
def test_the_child_dies_with_its_parent(tmp_path):
    """A parent killed outright (SIGKILL: a Dask worker killed mid-file, the
    OOM killer) runs no code to stop its conversion child: the kernel kills
    the child instead of leaving it to convert on, orphaned, until its
    timeout."""
    import os
    import signal

    pidfile = tmp_path / "child.pid"
    script = "\n".join([
        "import os, time",
        "from extractor import guard, pipeline",
        "def slow(*args, **kwargs):",
        f"    open({str(pidfile) + '.tmp'!r}, 'w').write(str(os.getpid()))",
        f"    os.replace({str(pidfile) + '.tmp'!r}, {str(pidfile)!r})",
        "    time.sleep(300)",
        "pipeline.extract = slow",
        f"guard.extract_guarded({str(SAMPLE)!r})",
    ])
    parent = subprocess.Popen([sys.executable, "-c", script])
    child = None
    try:
        deadline = time.monotonic() + 60
        while not pidfile.exists() and time.monotonic() < deadline and parent.poll() is None:
            time.sleep(0.02)
        child = int(pidfile.read_text())
        assert _alive(child)
        parent.send_signal(signal.SIGKILL)
        parent.wait(10)
        deadline = time.monotonic() + 10
        while _alive(child) and time.monotonic() < deadline:
            time.sleep(0.02)
        assert not _alive(child), "the conversion child outlived its parent"
    finally:
        parent.kill()
        if child is not None and _alive(child):
            os.kill(child, signal.SIGKILL)


@linux_only
def test_a_child_whose_parent_died_before_it_asked_exits():
    """The race: a parent that dies between the fork and the child's
    request is no longer its parent, and the child exits at once."""
    import multiprocessing
    import os

    from extractor import guard

    guard._prctl()
    ctx = multiprocessing.get_context("fork")
    for parent, code in ((os.getpid(), 0), (-1, 1)):
        p = ctx.Process(target=guard._die_with_parent, args=(parent,))
        p.start()
        p.join(10)
        assert p.exitcode == code


def test_guard_without_limits_runs_in_process(sample_doc):
    from extractor import guard

    doc = guard.extract_guarded(SAMPLE, settings=DEFAULT.replace(timeout=0, max_memory_mb=0))
    assert doc.to_json() == sample_doc.to_json()


# -- batches, atomic output, determinism ----------------------------------------------------------


def test_batch_of_bad_and_good_files(corpus, tmp_path):
    bad = [
        corpus("empty", badfiles.empty),
        corpus("html", badfiles.html_error_page),
        corpus("user-password", lambda p: badfiles.encrypted(p, user="secret")),
        corpus("scanned", badfiles.image_only),
        corpus("truncated-0.5", lambda p: badfiles.truncated(p, 0.5)),
    ]
    good = [corpus("lost-page", lambda p: badfiles.one_page_lost(p, page=3)), SAMPLE]
    proc = run("convert", bad[0], good[0], bad[1], bad[2], SAMPLE, bad[3], bad[4], "-o", tmp_path / "out")
    assert proc.returncode == 1
    failed = [l.split(":")[0] for l in proc.stderr.splitlines() if l.startswith("FAILED")]
    assert failed == [f"FAILED {p}" for p in bad]
    assert sorted(p.name for p in outputs(tmp_path / "out")) == sorted(f"{p.stem}.json" for p in good)


def test_failed_write_leaves_nothing(tmp_path, monkeypatch, sample_doc):
    from extractor import export

    target = tmp_path / "out" / "doc.json"

    def failing_replace(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(export.os, "replace", failing_replace)
    with pytest.raises(OSError):
        export.write_document(sample_doc, target)
    assert list(target.parent.iterdir()) == []


def test_unwritable_target_fails_that_file_only(tmp_path):
    out = tmp_path / "out"
    (out / "julu-2023-zonggonghui.json").mkdir(parents=True)  # a folder where the file should go
    proc = run("convert", SAMPLE, "-o", out)
    assert proc.returncode == 1 and "FAILED" in proc.stderr and "Traceback" not in proc.stderr
    assert [p.name for p in outputs(out)] == ["julu-2023-zonggonghui.json"]


def test_output_is_byte_identical_across_runs(corpus, tmp_path):
    damaged = corpus("lost-page", lambda p: badfiles.one_page_lost(p, page=3))
    first = run("convert", SAMPLE, damaged, "-o", tmp_path / "a")
    second = run("convert", SAMPLE, damaged, "-o", tmp_path / "b", "--timeout", "0", "--max-memory", "0")
    assert first.returncode == second.returncode == 0
    for name in ("julu-2023-zonggonghui.json", f"{damaged.stem}.json"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


def test_errors_are_picklable_and_say_what_to_do():
    samples = [
        errors.NotAPDF("f.pdf", "the file is empty"),
        errors.EncryptedPDF("f.pdf", with_password=False),
        errors.DamagedPDF("f.pdf", "x"),
        errors.TooManyPages("f.pdf", 3000, 2000),
        errors.NoTextLayer("f.pdf", "1-11"),
        errors.UnreadableText("f.pdf", "3", 0.5),
        errors.UnreadableText("f.pdf", "1-11", 0.8, mojibake=True),
        errors.NoPerformanceTables("f.pdf"),
        errors.ConversionTimeout("f.pdf", 600),
        errors.MemoryLimitExceeded("f.pdf", 4096),
        errors.InternalError("f.pdf", "KeyError: 'x'"),
    ]
    for exc in samples:
        back = pickle.loads(pickle.dumps(exc))
        assert type(back) is type(exc) and str(back) == str(exc) and back.path == "f.pdf"
        assert isinstance(back, errors.ExtractorError) and str(exc).startswith("f.pdf: ")
    assert "page 3 cannot" in str(errors.UnreadableText("f.pdf", "3", 0.5))
    assert "page 4 has no text layer" in str(errors.NoTextLayer("f.pdf", "4"))


# -- fuzzing -------------------------------------------------------------------------------


@pytest.mark.slow
def test_fuzzed_sample_gives_a_document_or_a_typed_error(tmp_path, schema_validator):
    """Random byte mutations of the sample (fixed seed, bounded count and
    time): every outcome is a valid document or one of the typed errors."""
    rng = random.Random(20230)
    data = badfiles.sample_bytes()
    path = tmp_path / "fuzzed.pdf"
    outcomes: dict[str, int] = {}
    deadline = time.monotonic() + 20
    for i in range(60):
        if time.monotonic() > deadline and i >= 10:
            break
        path.write_bytes(badfiles.mutated(data, rng, rng.choice([1, 4, 16, 64])))
        try:
            doc = extract(path)
        except errors.ExtractorError as exc:
            outcome = type(exc).__name__
        else:
            schema_validator.validate(doc.to_dict())
            outcome = "document"
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    assert outcomes.get("document", 0) > 0, outcomes
