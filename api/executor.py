"""The engine's own threads: requests that solve run there, each within one deadline.

Solving requests (transfer paths, eligibility, minor design) do not run on the event loop's
shared thread pool but on ``engine_threads`` threads of their own, so that ``/health`` and the
catalogue reads stay fast while solves run. Up to ``engine_queue`` further requests wait for a
free thread; beyond that the answer is 503 with ``Retry-After``.

Each request's engine work runs under one deadline (:mod:`articulation.support.deadline`) that
starts
when a thread takes it up: every solve gets what is left of it. While the work runs, the request
checks every ``poll_interval`` seconds whether its client is still connected; when it is gone,
the deadline is cancelled — the running solve stops and the later ones do not start — and a
request still waiting for a thread is dropped.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import logging
import os
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, TypeVar

from fastapi import Request

from api.errors import ApiError
from articulation.support.deadline import Deadline, deadline

log = logging.getLogger("articulation.api")

T = TypeVar("T")

#: The status of an answer to a client that disconnected before it (nobody receives it; the
#: access log shows it), as nginx logs such requests.
CLIENT_GONE = 499


class EngineExecutor:
    """A bounded pool of engine threads with a bounded queue in front of it."""

    def __init__(
        self,
        threads: int,
        queue: int,
        *,
        nice: int = 10,
        retry_after: int = 1,
        poll_interval: float = 0.1,
    ):
        self.threads, self.queue, self.nice = threads, queue, nice
        self.retry_after, self.poll_interval = retry_after, poll_interval
        self._executor: ThreadPoolExecutor | None = None  # started at the first request
        self._lock = threading.Lock()
        self._pending = 0  # requests running or waiting
        self._running = 0
        self._deadlines: set[Deadline] = set()  # of the work running now

    @property
    def pending(self) -> int:
        """Requests whose engine work runs or waits for a thread."""
        with self._lock:
            return self._pending

    @property
    def running(self) -> int:
        """Requests whose engine work runs now."""
        with self._lock:
            return self._running

    async def run(self, request: Request, seconds: float, work: Callable[..., T], *args: Any) -> T:
        """``work(*args)`` on an engine thread within a deadline of ``seconds``; cancelled when
        the client disconnects. 503 when ``engine_queue`` requests wait already."""
        cancelled = threading.Event()
        started: list[Deadline] = []

        def job() -> T:
            with self._lock:
                self._running += 1
            try:
                with deadline(seconds, cancelled=cancelled) as current:
                    started.append(current)
                    with self._lock:
                        self._deadlines.add(current)
                    return work(*args)
            finally:
                with self._lock:
                    self._running -= 1
                    if started:
                        self._deadlines.discard(started[0])

        with self._lock:
            if self._pending >= self.threads + self.queue:
                raise ApiError(
                    503,
                    ["engine"],
                    f"the engine is busy ({self.threads} requests solving, {self.queue} "
                    "waiting); retry after Retry-After seconds",
                    "busy",
                    {"Retry-After": str(self.retry_after)},
                )
            self._pending += 1
            if self._executor is None:
                self._executor = ThreadPoolExecutor(
                    self.threads, thread_name_prefix="engine", initializer=self._lower_priority
                )
            future = self._executor.submit(contextvars.copy_context().run, job)
        future.add_done_callback(self._finished)
        waiting = asyncio.wrap_future(future)
        try:
            while True:
                done, _ = await asyncio.wait({waiting}, timeout=self.poll_interval)
                if done:
                    return waiting.result()
                if await request.is_disconnected():
                    log.info("client gone: cancelling the engine work of %s", request.url.path)
                    self._cancel(future, cancelled, started)
                    raise ApiError(
                        CLIENT_GONE, ["request"], "the client disconnected", "client_gone"
                    )
        except asyncio.CancelledError:  # the server stops, or the task was cancelled
            self._cancel(future, cancelled, started)
            raise

    def _lower_priority(self) -> None:
        """Run this engine thread at a lower scheduling priority (Linux schedules threads one
        by one): the event loop and the cheap requests get a core first when all are busy."""
        with contextlib.suppress(AttributeError, OSError):  # not Linux, or not allowed
            current = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), min(19, current + self.nice))

    def _finished(self, _future: Future[Any]) -> None:
        with self._lock:
            self._pending -= 1

    def _cancel(self, future: Future[Any], cancelled: threading.Event, started: list) -> None:
        """Drop the work if it still waits; else cancel its deadline, again every poll interval
        until the work ends (a solve that was just starting at one call is stopped by the
        next)."""
        cancelled.set()
        if future.cancel():
            return
        for current in started:
            current.cancel()
        if not future.done():
            loop = asyncio.get_running_loop()
            loop.call_later(self.poll_interval, self._cancel, future, cancelled, started)

    def shutdown(self) -> None:
        """Cancel the waiting and the running work, and wait for the running work to stop."""
        with self._lock:
            executor, self._executor = self._executor, None
            running = list(self._deadlines)
        for current in running:
            current.cancel()
        if executor is not None:
            executor.shutdown(wait=True, cancel_futures=True)
