"""The one channel for time: a deadline for all the solves of a request or command, a limit per
solve, and cancellation.

The engine's functions take no time limit. The caller says how long the work may take with
:func:`deadline`: ``seconds`` bounds the whole of it (an API request, a single answer of the
command line: a pair, a row, an eligibility check, a minor, a what-if), ``solve_limit`` each
CP-SAT solve inside it (a batch scan: every pair gets its chance). Every solve runs through
:func:`run`, which gives it what is left (at most the solve limit) and does not start it when
nothing is left. Cancelling the deadline (a client that went away) stops the solve that is
running and leaves nothing to the ones after it. Without any deadline a solve gets
:data:`DEFAULT_SOLVE_LIMIT`.

The deadline lives in a context variable: it follows the work into a thread started with
``contextvars.copy_context().run``, and separate requests never see each other's; a process of
a scan opens its own with the scan's solve limit.

>>> remaining()  # no deadline: the default limit of one solve
10.0
>>> with deadline(0.0) as d:
...     remaining(), d.left()
(0.0, 0.0)
>>> with deadline(60.0):
...     0 < remaining() <= 60.0
True
>>> with deadline(solve_limit=2.5):
...     remaining()
2.5
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

#: Seconds one solve may take when no deadline says otherwise.
DEFAULT_SOLVE_LIMIT = 10.0


class Deadline:
    """The end of a request's engine work (None: no end), the limit of each solve (None: what
    is left), its cancellation, and the solves it cut short."""

    def __init__(
        self,
        seconds: float | None = None,
        cancelled: threading.Event | None = None,
        solve_limit: float | None = None,
    ):
        self.seconds = seconds
        self.end = None if seconds is None else time.monotonic() + max(0.0, seconds)
        self.solve_limit = solve_limit
        self.cancelled = cancelled if cancelled is not None else threading.Event()
        self.stopped = 0  # solves that ended unproven: cut by the deadline, or never started
        self._solvers: set[Any] = set()
        self._lock = threading.Lock()

    def left(self) -> float:
        """Seconds left (0 once passed or cancelled; infinite without an end)."""
        if self.cancelled.is_set():
            return 0.0
        if self.end is None:
            return math.inf
        return max(0.0, self.end - time.monotonic())

    @property
    def limit(self) -> float:
        """The time limit the answers of this work are stated against: the limit of each
        solve when there is one (a batch scan, bounded as a whole by a job deadline too), else
        the whole deadline's."""
        if self.solve_limit is not None:
            return self.solve_limit
        return self.seconds if self.seconds is not None else DEFAULT_SOLVE_LIMIT

    def expired(self) -> bool:
        """Whether the work must stop: cancelled, or its end passed."""
        return self.cancelled.is_set() or (self.end is not None and time.monotonic() >= self.end)

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
def deadline(
    seconds: float | None = None,
    *,
    solve_limit: float | None = None,
    cancelled: threading.Event | None = None,
) -> Iterator[Deadline]:
    """Bound the work inside the block: all of it by ``seconds`` from now, each solve by
    ``solve_limit`` (with neither, each solve by :data:`DEFAULT_SOLVE_LIMIT`); setting
    ``cancelled`` (from another thread) ends it early. Inside another deadline, the block ends
    no later than the outer one and is cancelled with it."""
    outer = _current.get()
    if outer is not None:
        if outer.end is not None:
            left = outer.left()
            seconds = left if seconds is None else min(seconds, left)
        if solve_limit is None and seconds is None:
            solve_limit = outer.solve_limit
        cancelled = cancelled or outer.cancelled
    if seconds is None and solve_limit is None:
        solve_limit = DEFAULT_SOLVE_LIMIT
    current = Deadline(seconds, cancelled, solve_limit)
    token = _current.set(current)
    try:
        yield current
    finally:
        _current.reset(token)


def carried() -> tuple[float | None, float | None]:
    """What a worker process needs to continue the current deadline: the seconds left (None:
    no end) and the solve limit (see :func:`deadline`)."""
    found = _current.get()
    if found is None:
        return None, DEFAULT_SOLVE_LIMIT
    return (None if found.end is None else found.left()), found.solve_limit


def current() -> Deadline | None:
    """The deadline of the work in progress, if any."""
    return _current.get()


def cancelled() -> bool:
    """Whether the current work was cancelled (its client left): stop it, nobody reads it.

    >>> cancelled()
    False
    """
    found = _current.get()
    return found is not None and found.cancelled.is_set()


class DeadlineExceeded(TimeoutError):
    """Work that is not a solve (reading a transcript, building a report) ran past its
    deadline or was cancelled: it stops where it is, with no answer."""

    def __init__(self, seconds: float | None, cancelled: bool):
        self.seconds, self.was_cancelled = seconds, cancelled
        if cancelled:
            reason = "cancelled"
        else:
            reason = (
                "the time limit passed"
                if seconds is None
                else f"the time limit of {seconds:g} s passed"
            )
        super().__init__(reason)

    def __reduce__(self) -> tuple[Any, ...]:  # raised in a worker process, read in the parent
        return (DeadlineExceeded, (self.seconds, self.was_cancelled))


def expired() -> bool:
    """Whether the current work's deadline has passed or it was cancelled (False without a
    deadline): optional work (suggestions, hints) is left out from then on.

    >>> expired()
    False
    >>> with deadline(0.0):
    ...     expired()
    True
    """
    found = _current.get()
    return found is not None and found.expired()


def check() -> None:
    """Raise :class:`DeadlineExceeded` when the current work's deadline has passed or it was
    cancelled; call it between the steps of long work that is not a solve (a solve stops by
    itself). Without a deadline, nothing happens.

    >>> check()
    >>> with deadline(0.0):
    ...     check()
    Traceback (most recent call last):
    ...
    articulation.support.deadline.DeadlineExceeded: the time limit of 0 s passed
    """
    found = _current.get()
    if found is not None and found.expired():
        raise DeadlineExceeded(found.seconds, found.cancelled.is_set())


def remaining() -> float:
    """The time a solve may take now: the solve limit, at most what is left of the deadline
    (0: do not start)."""
    found = _current.get()
    if found is None:
        return DEFAULT_SOLVE_LIMIT
    per = found.solve_limit if found.solve_limit is not None else math.inf
    return min(per, found.left())


def limit() -> float:
    """The time limit the answers being computed are stated against (in their reasons)."""
    found = _current.get()
    return DEFAULT_SOLVE_LIMIT if found is None else found.limit


def stopped() -> int:
    """How many solves under the current deadline ended unproven so far (0 without one)."""
    found = _current.get()
    return 0 if found is None else found.stopped


def run(solver: Any, model: Any) -> Any:
    """``solver.solve(model)`` within :func:`remaining`, stoppable by the deadline's
    cancellation; None (the solve not started) when no time is left."""
    from ortools.sat.python import cp_model

    found = _current.get()
    seconds = remaining()
    if seconds <= 0:
        if found is not None:
            found.stopped += 1
        return None
    solver.parameters.max_time_in_seconds = seconds
    if found is None:
        return solver.solve(model)
    with found._solving(solver):  # cancelled while registering: not started
        status = None if found.cancelled.is_set() else solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.INFEASIBLE):
        found.stopped += 1
    return status
