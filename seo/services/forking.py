"""Spread work over forked processes that inherit what the parent prepared in memory.

Workers compose, render and read from that memory; they never touch the database."""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterator, Sequence
from typing import Any

_prepared: Any = None  # set before the workers fork, so each inherits it


def prepared() -> Any:
    """What the parent prepared for this run (in a worker, or in the parent itself)."""
    assert _prepared is not None, "fork_map is not running"
    return _prepared


def fork_map(
    state: Any,
    work: Callable[[Any], Any],
    chunks: Sequence[Any],
    workers: int,
    *,
    ordered: bool = True,
) -> Iterator[Any]:
    """Yield work(chunk) for each chunk, in `workers` forked processes (one: in this one)."""
    global _prepared
    _prepared = state
    try:
        if workers <= 1 or len(chunks) <= 1:
            yield from map(work, chunks)
            return
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            yield from (pool.imap if ordered else pool.imap_unordered)(work, chunks)
    finally:
        _prepared = None


_background: tuple[Callable[[Any], Any], Any] | None = None  # inherited by the forked process


def _run_background() -> Any:
    assert _background is not None
    work, state = _background
    return work(state)


class Background:
    """work(state) in one forked process, which inherits state instead of receiving a copy,
    while this one goes on (`forked=False`: here, when `result()` asks for it). `result()`
    waits for it and raises what it raised; leaving the `with` block stops the process."""

    def __init__(self, work: Callable[[Any], Any], state: Any, *, forked: bool = True):
        global _background
        self._work, self._state = work, state
        self._pool = None
        if not forked:
            return
        _background = (work, state)
        try:
            self._pool = multiprocessing.get_context("fork").Pool(1)  # forks here
        finally:
            _background = None
        self._result = self._pool.apply_async(_run_background)

    def result(self) -> Any:
        if self._pool is None:
            return self._work(self._state)
        return self._result.get()

    def __enter__(self) -> Background:
        return self

    def __exit__(self, *_exc: object) -> None:
        if self._pool is not None:
            self._pool.terminate()
            self._pool.join()
