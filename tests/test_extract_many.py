"""extractor.extract_many: many files from Python, under the command's guard
(a child per file, timeout and memory cap), with a choice of what a failure
does (raise, skip, collect)."""

from __future__ import annotations

import logging
import os
import shutil
import sys

import pytest

import extractor
from conftest import GOLDEN, SAMPLE
from extractor import errors

GOLDEN_JSON = GOLDEN / "julu-2023-zonggonghui.json"
fork_only = pytest.mark.skipif(sys.platform == "win32", reason="the child inherits the monkeypatch only when forked")


@pytest.fixture
def bad(tmp_path):
    path = tmp_path / "bad.pdf"
    path.write_text("<html>404</html>")
    return path


def test_extract_many_keeps_input_order_across_processes(tmp_path):
    paths = []
    for name in ("b.pdf", "a.pdf", "c.pdf"):
        shutil.copy(SAMPLE, tmp_path / name)
        paths.append(tmp_path / name)
    docs = extractor.extract_many(paths, jobs=2, progress=False)
    assert [d.source.file for d in docs] == ["b.pdf", "a.pdf", "c.pdf"]
    assert docs[0].to_dict()["projects"] == extractor.load(GOLDEN_JSON).to_dict()["projects"]


def test_progress_is_the_commands_display_on_stderr(bad, capsys):
    assert [d.source.file for d in extractor.extract_many([SAMPLE], progress=True)] == [SAMPLE.name]
    err = capsys.readouterr().err
    assert f"extract: ok {SAMPLE.name} (11 pages, " in err
    extractor.extract_many([SAMPLE], progress=False)
    assert capsys.readouterr().err == ""


def test_raise_stops_at_the_first_failure_and_names_the_file(bad):
    with pytest.raises(errors.NotAPDF) as info:
        extractor.extract_many([bad, SAMPLE], progress=False)
    assert str(info.value).startswith(str(bad))
    if sys.version_info >= (3, 11):
        assert any("bad.pdf" in note for note in info.value.__notes__)


def test_a_worker_error_comes_back_as_itself(bad):
    with pytest.raises(errors.NotAPDF, match="bad.pdf: not a PDF") as info:
        extractor.extract_many([SAMPLE, bad, SAMPLE], jobs=2, progress=False)
    assert str(info.value).startswith(str(bad))


@pytest.mark.parametrize("jobs", [1, 2])
def test_collect_puts_each_error_in_place_of_its_document(bad, jobs):
    results = extractor.extract_many([SAMPLE, bad, SAMPLE], jobs=jobs, progress=False, on_error="collect")
    assert [type(r).__name__ for r in results] == ["Document", "NotAPDF", "Document"]
    assert isinstance(results[1], extractor.ExtractorError) and results[1].path == str(bad)


def test_skip_leaves_failures_out_and_logs_them(bad, caplog, capsys):
    with caplog.at_level(logging.WARNING, logger="extractor"):
        docs = extractor.extract_many([bad, SAMPLE], progress=True, on_error="skip")
    assert [d.source.file for d in docs] == [SAMPLE.name]
    failures = [r.getMessage() for r in caplog.records if r.name == "extractor"]
    assert len(failures) == 1 and failures[0].startswith(f"FAILED {bad}: NotAPDF: ")
    assert f"extract: FAILED {bad}: NotAPDF" in capsys.readouterr().err


@fork_only
def test_a_memory_cap_fails_the_file_alone(monkeypatch, tmp_path):
    from extractor import pipeline

    real = pipeline.extract
    greedy = tmp_path / "greedy.pdf"
    shutil.copy(SAMPLE, greedy)

    def extract(path, **options):
        if str(path).endswith("greedy.pdf"):
            return bytearray(1 << 30)
        return real(path, **options)

    monkeypatch.setattr(pipeline, "extract", extract)
    results = extractor.extract_many([greedy, SAMPLE], progress=False, on_error="collect", max_memory=256)
    assert [type(r).__name__ for r in results] == ["MemoryLimitExceeded", "Document"]
    assert "256 MB" in str(results[0])


@fork_only
def test_a_hanging_file_times_out_and_the_rest_converts(monkeypatch, tmp_path):
    import time

    from extractor import pipeline

    real = pipeline.extract
    hang = tmp_path / "hang.pdf"
    shutil.copy(SAMPLE, hang)

    def extract(path, **options):
        if str(path).endswith("hang.pdf"):
            time.sleep(60)
        return real(path, **options)

    monkeypatch.setattr(pipeline, "extract", extract)
    start = time.monotonic()
    results = extractor.extract_many([hang, SAMPLE], progress=False, on_error="collect", timeout=2)
    assert [type(r).__name__ for r in results] == ["ConversionTimeout", "Document"]
    assert time.monotonic() - start < 50  # the hang was cut short, not waited out


@fork_only
def test_no_limits_convert_in_this_process(monkeypatch):
    from extractor import pipeline

    real, pids = pipeline.extract, []

    def extract(path, **options):
        pids.append(os.getpid())
        return real(path, **options)

    monkeypatch.setattr(pipeline, "extract", extract)
    extractor.extract_many([SAMPLE], progress=False, timeout=0, max_memory=0)
    assert pids == [os.getpid()]
    pids.clear()
    extractor.extract_many([SAMPLE], progress=False)  # the guard's child
    assert pids == []  # appended in the child, which has its own copy


def test_arguments_that_could_only_fail_later_are_refused():
    with pytest.raises(TypeError):
        extractor.extract_many(str(SAMPLE))
    with pytest.raises(ValueError):
        extractor.extract_many([SAMPLE], jobs=0)
    with pytest.raises(ValueError, match="on_error"):
        extractor.extract_many([SAMPLE], on_error="ignore")
    with pytest.raises(ValueError, match="timeout"):
        extractor.extract_many([SAMPLE], timeout=-1)
    with pytest.raises(TypeError, match="passwrd"):
        extractor.extract_many([SAMPLE], passwrd="x")
