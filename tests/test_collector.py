"""The garbage collector is paused while a document is converted and
handed back as the caller left it: on again after the last of several
overlapping conversions, off if the caller had turned it off, on after a
conversion that failed; the reference cycles made meanwhile are collected
when the pause ends; ``Settings.pause_gc=False`` leaves it running."""

from __future__ import annotations

import gc
import threading
import weakref

import pytest
from conftest import SAMPLE

from extractor import collector, pipeline
from extractor.errors import ExtractorError
from extractor.settings import DEFAULT


@pytest.fixture(autouse=True)
def collector_on():
    was = gc.isenabled()
    gc.enable()
    yield
    (gc.enable if was else gc.disable)()


def _spy_segmentation(monkeypatch) -> list[bool]:
    """Whether the collector ran while each page was segmented."""
    seen: list[bool] = []
    real = pipeline.segment_page

    def spy(page, settings):
        seen.append(gc.isenabled())
        return real(page, settings)

    monkeypatch.setattr(pipeline, "segment_page", spy)
    return seen


def test_paused_during_a_conversion_and_on_again_after(monkeypatch):
    seen = _spy_segmentation(monkeypatch)
    pipeline.extract(SAMPLE)
    assert seen and not any(seen)
    assert gc.isenabled()


def test_the_intermediates_run_is_paused_too(monkeypatch):
    seen = _spy_segmentation(monkeypatch)
    pipeline.extract_with_intermediates(SAMPLE)
    assert seen and not any(seen)
    assert gc.isenabled()


def test_the_setting_off_leaves_the_collector_running(monkeypatch):
    seen = _spy_segmentation(monkeypatch)
    pipeline.extract(SAMPLE, settings=DEFAULT.replace(pause_gc=False))
    assert seen and all(seen)


def test_a_collector_the_caller_turned_off_stays_off(monkeypatch):
    seen = _spy_segmentation(monkeypatch)
    gc.disable()
    pipeline.extract(SAMPLE)
    assert seen and not any(seen)
    assert not gc.isenabled()


def test_on_again_after_a_conversion_that_fails(monkeypatch, tmp_path):
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(b"%PDF-1.4\nnot a pdf at all\n")
    with pytest.raises(ExtractorError):
        pipeline.extract(bad)
    assert gc.isenabled()
    with pytest.raises(RuntimeError):
        with collector.paused():
            assert not gc.isenabled()
            raise RuntimeError("a stage failed")
    assert gc.isenabled()


def test_overlapping_conversions_turn_it_on_when_the_last_ends():
    first_in, second_in, first_out = threading.Event(), threading.Event(), threading.Event()
    states: dict[str, bool] = {}

    def first():
        with collector.paused():
            first_in.set()
            second_in.wait(10)
        states["after first"] = gc.isenabled()
        first_out.set()

    def second():
        first_in.wait(10)
        with collector.paused():
            second_in.set()
            first_out.wait(10)
            states["second, after first"] = gc.isenabled()
        states["after both"] = gc.isenabled()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(20)
    assert states == {"after first": False, "second, after first": False, "after both": True}


def test_cycles_made_during_the_pause_are_collected_when_it_ends():
    class Node:
        pass

    with collector.paused():
        node = Node()
        node.me = node  # a reference cycle: only the collector frees it
        gone = weakref.ref(node)
        del node
        assert gone() is not None  # nothing collects while paused
    assert gone() is None


def test_the_pause_does_not_collect_when_the_setting_is_off():
    class Node:
        pass

    gc.disable()  # so that nothing else collects it here
    with collector.paused(False):
        node = Node()
        node.me = node
        gone = weakref.ref(node)
        del node
    assert gone() is not None
    gc.collect()
    assert gone() is None
