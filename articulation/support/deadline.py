"""One deadline for all the solves of a request, and its cancellation.

A caller that asks the engine about many masters (a transcript, a bachelor's row) bounds the
whole of that work with :func:`deadline`; every CP-SAT solve inside it runs through :func:`run`,
which gives the solve what is left of the deadline (at most the solve's own time limit) and does
not start it when nothing is left. Cancelling the deadline (a client that went away) stops the
solve that is running and leaves nothing to the ones after it. Without a deadline, :func:`run`
solves with the solve's own time limit, as before.

The deadline lives in a context variable: it follows the work into a thread started with
``contextvars.copy_context().run``, and separate requests never see each other's.

>>> import time
>>> remaining(10.0)  # no deadline: the solve's own limit
10.0
>>> with deadline(0.0) as d:
...     remaining(10.0), d.left()
(0.0, 0.0)
>>> with deadline(60.0) as d:
...     0 < remaining(10.0) <= 10.0, remaining(100.0) <= 60.0
(True, True)
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any


class Deadline:
    """The end of a request's engine work, its cancellation, and the solves it cut short."""

    def __init__(self, seconds: float, cancelled: threading.Event | None = None):
        self.end = time.monotonic() + max(0.0, seconds)
        self.cancelled = cancelled if cancelled is not None else threading.Event()
        self.stopped = 0  # solves that ended unproven: cut by the deadline, or never started
        self._solvers: set[Any] = set()
        self._lock = threading.Lock()

    def left(self) -> float:
        """Seconds left (0 once passed or cancelled)."""
        if self.cancelled.is_set():
            return 0.0
        return max(0.0, self.end - time.monotonic())

    def cancel(self) -> None:
        """Leave no time to later solves and stop the running one (safe from any thread, and
        to call again: a solve that was only about to start when it was last called is stopped
        by the next call)."""
        self.cancelled.set()
        with self._lock:
            solvers = list(self._solvers)
        for solver in solvers:
            solver.stop_search()

    @contextmanager
    def _solving(self, solver: Any) -> Iterator[None]:
        with self._lock:
            self._solvers.add(solver)
        try:
            yield
        finally:
            with self._lock:
                self._solvers.discard(solver)


_current: ContextVar[Deadline | None] = ContextVar("articulation_deadline", default=None)


@contextmanager
def deadline(seconds: float, *, cancelled: threading.Event | None = None) -> Iterator[Deadline]:
    """Bound every solve inside the block by one deadline ``seconds`` from now; setting
    ``cancelled`` (from another thread) ends it early."""
    current = Deadline(seconds, cancelled)
    token = _current.set(current)
    try:
        yield current
    finally:
        _current.reset(token)


def current() -> Deadline | None:
    """The deadline of the work in progress, if any."""
    return _current.get()


def remaining(time_limit: float) -> float:
    """The time a solve with limit ``time_limit`` may take now: its limit, at most what is left
    of the deadline (0: do not start)."""
    found = _current.get()
    return time_limit if found is None else min(time_limit, found.left())


def stopped() -> int:
    """How many solves under the current deadline ended unproven so far (0 without one)."""
    found = _current.get()
    return 0 if found is None else found.stopped


def run(solver: Any, model: Any, time_limit: float) -> Any:
    """``solver.solve(model)`` within :func:`remaining` ``(time_limit)``, stoppable by the
    deadline's cancellation; None (the solve not started) when no time is left."""
    from ortools.sat.python import cp_model

    found = _current.get()
    limit = remaining(time_limit)
    if limit <= 0:
        if found is not None:
            found.stopped += 1
        return None
    solver.parameters.max_time_in_seconds = limit
    if found is None:
        return solver.solve(model)
    with found._solving(solver):  # cancelled while registering: not started
        status = None if found.cancelled.is_set() else solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.INFEASIBLE):
        found.stopped += 1
    return status
