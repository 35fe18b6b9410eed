"""Where the time goes: per-stage seconds of one conversion, on request.

``StageTimes`` collects *exclusive* seconds per stage: time spent in
``rejoin`` while ``grids`` fills its cells counts as ``rejoin`` only, so
the stages add up to the whole run.  Stages mark themselves with
``stage(name)`` (a context manager) or ``timed(name)`` (a decorator); both
cost one context-variable lookup when nobody measures, which is always,
except under ``pipeline.extract(times=StageTimes())`` (the benchmark's
``--profile``).

Stages (see ``pipeline``): ``open`` (the file and its page tree),
``triage`` (the cheap first pass over the pages' text), ``pages``
(pdfminer's parsing of the pages read, and their characters and rulings),
``ocr`` (the text-layer check of each page, and OCR where there is none),
``grids`` (segmentation into tables of cells), ``rejoin`` (characters ->
lines -> text, jieba's word list), ``furniture``, ``forms``, ``prose``, ``projects``,
``normalize`` (指标值 -> Target), ``document`` (facts, checksum, quality
rules, and whatever no other stage claims); callers add their own (the
benchmark's ``export``).
"""

from __future__ import annotations

import functools
import time
from contextvars import ContextVar, Token
from dataclasses import dataclass, field
from typing import Callable, Optional, TypeVar

F = TypeVar("F", bound=Callable)


@dataclass
class StageTimes:
    """Exclusive seconds spent per stage, filled when a caller asks
    (``pipeline.extract(path, times=StageTimes())``)."""

    seconds: dict[str, float] = field(default_factory=dict)

    def add(self, stage: str, seconds: float) -> None:
        self.seconds[stage] = self.seconds.get(stage, 0.0) + seconds

    @property
    def total(self) -> float:
        return sum(self.seconds.values())


class _Run:
    """The stack of stages open in one measured call."""

    __slots__ = ("times", "stack")

    def __init__(self, times: StageTimes) -> None:
        self.times = times
        self.stack: list[list] = []  # [stage, since]

    def push(self, name: str) -> None:
        now = time.perf_counter()
        if self.stack:
            top = self.stack[-1]
            self.times.add(top[0], now - top[1])
        self.stack.append([name, now])

    def pop(self) -> None:
        now = time.perf_counter()
        name, since = self.stack.pop()
        self.times.add(name, now - since)
        if self.stack:
            self.stack[-1][1] = now


_ACTIVE: ContextVar[Optional[_Run]] = ContextVar("extractor_stage_times", default=None)


class measuring:
    """``with measuring(times):`` — stages run inside are charged to ``times``
    (``times`` None: nothing is measured)."""

    def __init__(self, times: Optional[StageTimes]) -> None:
        self.times = times
        self.token: Optional[Token[Optional[_Run]]] = None

    def __enter__(self) -> "measuring":
        active = _ACTIVE.get()
        if self.times is not None and (active is None or active.times is not self.times):
            self.token = _ACTIVE.set(_Run(self.times))
        return self

    def __exit__(self, *exc) -> None:
        if self.token is not None:
            _ACTIVE.reset(self.token)
            self.token = None


class stage:
    """``with stage("grids"):`` — the block's time (less that of stages
    nested in it) is charged to ``grids``."""

    __slots__ = ("name", "run")

    def __init__(self, name: str) -> None:
        self.name = name
        self.run: Optional[_Run] = None

    def __enter__(self) -> "stage":
        self.run = _ACTIVE.get()
        if self.run is not None:
            self.run.push(self.name)
        return self

    def __exit__(self, *exc) -> None:
        if self.run is not None:
            self.run.pop()


def timed(name: str) -> Callable[[F], F]:
    """Decorator: each call of the function is charged to stage ``name``."""

    def wrap(fn: F) -> F:
        @functools.wraps(fn)
        def inner(*args, **kwargs):
            run = _ACTIVE.get()
            if run is None:
                return fn(*args, **kwargs)
            run.push(name)
            try:
                return fn(*args, **kwargs)
            finally:
                run.pop()

        return inner  # type: ignore[return-value]

    return wrap
