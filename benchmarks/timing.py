"""Timing helpers shared by the benchmark scripts."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from typing import Any


def best_of(repeat: int, run: Callable[[], object], *,
            clock: Callable[[], float] = time.perf_counter) -> float:
    """The least time ``run()`` took over ``repeat`` calls: on a shared machine the
    fastest run is the one the neighbours disturbed least. ``clock=time.process_time`` for
    CPU time, the fairer measure for single-threaded code on a busy machine."""
    best = float("inf")
    for _ in range(repeat):
        t = clock()
        run()
        best = min(best, clock() - t)
    return best


def each(func: Callable[[Any], object], items: Iterable[Any]) -> Callable[[], None]:
    """A run that calls ``func`` on every item, one call per item."""
    def run() -> None:
        for item in items:
            func(item)
    return run
