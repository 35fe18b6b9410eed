"""The garbage collector is paused while a document is converted and
handed back as the caller left it: on again after the last of several
overlapping conversions, off if the caller had turned it off, on after a
conversion that failed or was interrupted, on in a child forked during a
conversion; the reference cycles made meanwhile are collected when each
conversion ends, those a failed conversion's traceback kept when the next
one starts, and older generations in their turn; ``Settings.pause_gc=False``
leaves it running."""

from __future__ import annotations

import gc
import os
import sys
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


class _Node:
    pass


def _cycle() -> weakref.ref:
    node = _Node()
    node.me = node  # a reference cycle: only the collector frees it
    return weakref.ref(node)


def test_each_conversion_collects_even_while_another_runs():
    with collector.paused():  # another conversion, still running
        with collector.paused():
            gone = _cycle()
            assert gone() is not None
        assert gone() is None
        assert not gc.isenabled()
    assert gc.isenabled()


def test_a_failed_conversions_cycles_are_collected_when_the_next_starts():
    gone: list[weakref.ref] = []

    def failing():
        with collector.paused():
            node = _Node()
            node.me = node
            gone.append(weakref.ref(node))
            raise RuntimeError("a stage failed")

    for _ in range(25):  # every turn of the older generations' collections
        try:
            failing()
        except RuntimeError as exc:
            held = exc  # the caller keeps the error: its traceback keeps the node
        assert gone[-1]() is not None
        del held
        with collector.paused():
            assert gone[-1]() is None


def test_older_generations_are_collected_in_their_turn(monkeypatch):
    collected: list[int] = []

    def note(phase, info):
        if phase == "start":
            collected.append(info["generation"])

    gc.callbacks.append(note)
    try:
        gc.collect()
        for _ in range(120):
            with collector.paused():
                pass
    finally:
        gc.callbacks.remove(note)
    assert collected.count(1) >= 9 and collected.count(2) >= 1


def test_an_interrupted_start_leaves_the_collector_on(monkeypatch):
    class Interrupting(set):
        def add(self, item):
            raise KeyboardInterrupt  # after the collector was turned off, before the token is in

    monkeypatch.setattr(collector, "_running", Interrupting())
    with pytest.raises(KeyboardInterrupt):
        with collector.paused():
            pass
    assert gc.isenabled() and not collector._running and not collector._turned_off


def test_a_collector_a_callback_turns_off_is_on_again_at_the_end():
    with collector.paused():
        gc.disable()  # (as the documentation says: only one turned off before stays off)
    assert gc.isenabled()


@pytest.mark.skipif(not hasattr(os, "fork") or sys.platform == "darwin", reason="needs os.fork (POSIX)")
def test_a_child_forked_during_a_conversion_has_the_collector_on():
    started, done = threading.Event(), threading.Event()

    def converting():
        with collector.paused():
            started.set()
            done.wait(20)

    thread = threading.Thread(target=converting)
    thread.start()
    started.wait(20)
    try:
        assert not gc.isenabled()
        pid = os.fork()
        if pid == 0:  # the child: the converting thread is not here
            ok = gc.isenabled() and not collector._running
            with collector.paused():
                ok = ok and not gc.isenabled()
            os._exit(0 if ok and gc.isenabled() else 1)
        _, status = os.waitpid(pid, 0)
    finally:
        done.set()
        thread.join(20)
    assert os.waitstatus_to_exitcode(status) == 0
    assert gc.isenabled()
