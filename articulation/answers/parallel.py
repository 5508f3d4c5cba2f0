"""One way to spread engine work over processes: a catalogue shipped once per worker.

:func:`parallel_map` applies a function of ``(catalogue, job)`` to every job and yields the
results in the order of the jobs, on one of three backends:

- this process, for one worker or one job;
- ``workers`` local processes (a process pool);
- a Dask cluster (``cluster``): ``local`` or ``local:N`` starts a ``LocalCluster`` of N worker
  processes (default: the ``workers`` count), ``tcp://host:8786`` uses a running scheduler whose
  workers can import ``articulation``. The catalogue is sent to every worker once per snapshot
  and kept on the cluster between maps (with what each worker derived from it); each job is a
  task, results stream back as they finish and are yielded in order. A job whose
  worker is lost is recomputed elsewhere (Dask reschedules it; a job that raises is retried
  :data:`RETRIES` times), and ``on_retry`` hears of each such job.

The results do not depend on the backend: each job is answered the same way wherever it runs.
Dask is imported only when a cluster is asked for.

>>> parse_cluster("local:3"), parse_cluster("tcp://10.0.0.5:8786")
(('local', 3), ('tcp://10.0.0.5:8786', None))
"""

from __future__ import annotations

import contextlib
import gc
import logging
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import CancelledError, Future, ProcessPoolExecutor
from typing import Any, TypeVar

from articulation.curriculum.catalogue import Catalogue
from articulation.support.deadline import carried, deadline

#: A deadline carried to a worker: the seconds left (None: no end) and the solve limit.
Carried = tuple[float | None, float | None]
J = TypeVar("J")
R = TypeVar("R")

#: How often a Dask task that raised is tried again before the map fails.
RETRIES = 2

_CATALOGUE: Catalogue | None = None  # the catalogue of this worker process


def _init(catalogue: Catalogue) -> None:
    global _CATALOGUE
    _CATALOGUE = catalogue
    gc.freeze()  # the catalogue lives as long as the worker: no collection walks it again


@contextlib.contextmanager
def _long_lived() -> Iterator[None]:
    """While a map runs: what this process holds now (the catalogue and its indexes) is left
    out of garbage collection, so that collections triggered by the many objects of the jobs
    and their results walk only those; a fork shares the frozen pages. Afterwards everything
    (garbage frozen with it included) is collected as before."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def _settle() -> None:
    """After a job: collect what it left (only the objects made since the last settling are
    walked) and leave what survives (the memo it built, results kept) out of later
    collections, so that a collection during the next job does not walk the earlier ones'."""
    gc.collect()
    gc.freeze()


def _call(task: tuple[Callable[[Catalogue, J], R], J, Carried]) -> R:
    function, job, (seconds, solve_limit) = task
    assert _CATALOGUE is not None, "parallel_map initialises every worker"
    with deadline(seconds, solve_limit=solve_limit):
        result = function(_CATALOGUE, job)
    _settle()  # a pool process lives for one map: what it froze ends with it
    return result


def parse_cluster(text: str) -> tuple[str, int | None]:
    """``local`` / ``local:N`` → ``("local", N or None)``; a scheduler address
    (``tcp://host:port``, ``tls://…``) → ``(address, None)``. Raises ``ValueError`` otherwise."""
    text = text.strip()
    if text == "local" or text.startswith("local:"):
        count = text.partition(":")[2]
        if not count:
            return "local", None
        if not count.isdigit() or int(count) < 1:
            raise ValueError(f"local:N needs a number of workers of at least 1, got {text!r}")
        return "local", int(count)
    scheme, sep, rest = text.partition("://")
    if sep and scheme in ("tcp", "tls", "inproc", "ucx", "ws", "wss") and rest:
        return text, None
    raise ValueError(
        f"a cluster is 'local', 'local:N' or a Dask scheduler address like "
        f"'tcp://host:8786', got {text!r}"
    )


def parallel_map(
    function: Callable[[Catalogue, J], R],
    catalogue: Catalogue,
    jobs: Sequence[J],
    *,
    workers: int = 1,
    warm_up: Callable[[Catalogue], None] | None = None,
    cluster: str | None = None,
    on_retry: Callable[[int], None] | None = None,
) -> Iterator[R]:
    """``function(catalogue, job)`` for every job, yielded in the order of ``jobs``.

    ``function`` must be a module-level function (it is pickled). With several workers the
    catalogue is pickled once per worker (without its memo); ``warm_up`` runs first in this
    process, so forked workers inherit what it builds. With a ``cluster`` (see the module), the
    work runs on Dask; ``on_retry(i)`` is called for each job ``i`` that was computed again
    because its worker was lost (or it raised).
    """
    if cluster:
        yield from _dask_map(function, catalogue, jobs, cluster, workers, on_retry)
        return
    here = threading.current_thread() is threading.main_thread()
    if len(jobs) < 2:
        for job in jobs:
            yield function(catalogue, job)
        return
    if workers <= 1:
        if not here:  # freezing is for the whole process: a server's threads leave it alone
            for job in jobs:
                yield function(catalogue, job)
            return
        with _long_lived():
            for job in jobs:
                result = function(catalogue, job)
                _settle()
                yield result
        return
    if warm_up is not None:
        warm_up(catalogue)
    limits = carried()  # the caller's deadline, continued in every worker
    # the main thread of a process (a command, a batch) computes rows too; another thread (a
    # server's job) leaves them all to the pool, so that the server keeps answering
    helpers = workers - 1 if here else workers
    with (
        _long_lived(),
        ProcessPoolExecutor(helpers, initializer=_init, initargs=(catalogue,)) as pool,
    ):
        yield from _shared(function, catalogue, jobs, pool, helpers, limits, here)


def _shared(
    function: Callable[[Catalogue, J], R],
    catalogue: Catalogue,
    jobs: Sequence[J],
    pool: ProcessPoolExecutor,
    helpers: int,
    limits: Carried,
    here: bool = True,
) -> Iterator[R]:
    """The jobs in order, computed by ``helpers`` pool processes and (``here``) this process.

    This process is then one of the workers: it takes the next job whenever it is free, while each
    pool process has its next job waiting (a finished job hands out the next at once), so no
    core waits for this process to receive results, and only the pool's results are pickled.
    Near the end no job waits in a pool process: the last ones go to whoever is free first, so
    that no process sits idle while another still has two jobs to do. The results are the same
    wherever a job runs."""
    lock = threading.Lock()
    following = 0  # the next job not handed out
    flying = 0  # jobs handed to the pool and not finished
    done: dict[int, Future[R]] = {}
    tail = 2 * (helpers + 1)  # with fewer jobs left than this, none waits in the pool

    def take() -> int | None:
        nonlocal following
        with lock:
            if following == len(jobs):
                return None
            following += 1
            return following - 1

    def hand_out() -> None:
        nonlocal following, flying
        while True:
            with lock:
                ahead = 2 if len(jobs) - following >= tail else 1
                if following == len(jobs) or flying >= ahead * helpers:
                    return
                i = following
                following += 1
                flying += 1
            future = pool.submit(_call, (function, jobs[i], limits))
            done[i] = future
            future.add_done_callback(finished)

    def finished(_: object) -> None:
        nonlocal flying
        with lock:
            flying -= 1
        hand_out()

    hand_out()  # one running and (but near the end) one waiting in each pool process
    results: dict[int, R] = {}
    yielded = 0
    try:
        while yielded < len(jobs):
            mine = take() if here else None
            if mine is not None:
                results[mine] = function(catalogue, jobs[mine])
                _settle()
            while yielded < len(jobs):
                if yielded in results:
                    yield results.pop(yielded)
                elif yielded in done and (mine is None or done[yielded].done()):
                    yield done.pop(yielded).result()
                elif mine is None:  # handed out a moment ago: its future is on its way
                    time.sleep(0.001)
                    continue
                else:
                    break
                yielded += 1
    finally:
        with lock:  # nothing more is handed out (an error, or the caller stopped reading)
            following = len(jobs)


@contextlib.contextmanager
def running_cluster(cluster: str | None, workers: int = 1) -> Iterator[str | None]:
    """The scheduler address of ``cluster`` for the duration of the block: for ``local[:N]``
    a ``LocalCluster`` of N single-threaded worker processes (default: ``workers``) started
    here and stopped after it; a scheduler address (or None) as it is. Several maps in the
    block then share one cluster (and its workers' memo)."""
    if cluster is None:
        yield None
        return
    address, count = parse_cluster(cluster)
    if address != "local":
        yield address
        return
    import dask
    from distributed import LocalCluster

    # every worker keeps its copy of the catalogue: the memory manager would drop all but one
    # while the cluster is idle, and a lost last copy cannot be recomputed
    keep = {"distributed.scheduler.active-memory-manager.start": False}
    with (
        dask.config.set(keep),
        LocalCluster(
            n_workers=count or max(1, workers),
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            silence_logs=logging.ERROR,
        ) as local,
    ):
        yield local.scheduler_address


@contextlib.contextmanager
def dask_client(cluster: str, workers: int = 1) -> Iterator[Any]:
    """A Dask ``Client`` of ``cluster`` (a ``LocalCluster`` for ``local[:N]``, started here)."""
    from distributed import Client

    with (
        running_cluster(cluster, workers) as address,
        Client(address, set_as_default=False) as client,
    ):
        yield client


#: Datasets on a cluster named with this prefix are catalogues kept between maps.
SHIPPED_PREFIX = "articulation-catalogue-"


def _shipped(client: Any, catalogue: Catalogue) -> Any:
    """The catalogue on the cluster, sent to every worker once per snapshot.

    The first map of a snapshot scatters it to every worker and publishes it as a dataset, so
    the cluster keeps it (and each worker the memo it builds on its copy) for later maps; a
    later map of the same snapshot finds it there and sends nothing. Only the newest snapshot
    stays published; older ones live only as long as a running map holds them.
    """
    name = SHIPPED_PREFIX + catalogue.token
    published = set(client.list_datasets())
    if name in published:
        kept = client.get_dataset(name)
        if held(client, kept):  # else every copy was lost with its workers
            return kept
    future = client.scatter(catalogue, broadcast=True, hash=False)
    for old in sorted(published):
        if str(old).startswith(SHIPPED_PREFIX):  # this snapshot's lost copy included
            with contextlib.suppress(KeyError):
                client.unpublish_dataset(old)
    with contextlib.suppress(KeyError):  # another client published it first: use either copy
        client.publish_dataset(**{name: future})
    return future


#: This worker process's copy of the newest catalogue it was sent, by token: a copy the cluster
#: sends it again (after dropping one) is replaced by this one, with what was derived from it.
_KEPT: dict[str, Catalogue] = {}


def held(client: Any, future: Any) -> bool:
    """Whether some worker of the cluster holds the data of ``future``."""
    try:
        return bool(client.who_has([future]).get(future.key))
    except CancelledError:  # the scheduler has forgotten it
        return False


def _dask_call(
    function: Callable[[Catalogue, J], R], catalogue: Catalogue, job: J, limits: Carried
) -> R:
    kept = _KEPT.get(catalogue.token)
    if kept is None:
        _KEPT.clear()
        kept = _KEPT[catalogue.token] = catalogue
    seconds, solve_limit = limits
    with deadline(seconds, solve_limit=solve_limit):
        return function(kept, job)


def _dask_map(
    function: Callable[[Catalogue, J], R],
    catalogue: Catalogue,
    jobs: Sequence[J],
    cluster: str,
    workers: int,
    on_retry: Callable[[int], None] | None,
) -> Iterator[R]:
    from distributed import as_completed

    if not jobs:
        return
    with dask_client(cluster, workers) as client:
        shipped = _shipped(client, catalogue)
        prefix = f"{getattr(function, '__name__', 'job')}-{uuid.uuid4().hex}"
        limits = carried()
        futures = [
            client.submit(
                _dask_call, function, shipped, job, limits, key=f"{prefix}-{i}", retries=RETRIES
            )
            for i, job in enumerate(jobs)
        ]
        index = {future.key: i for i, future in enumerate(futures)}

        def recomputed(keys: list[str], retries: int, dask_scheduler: Any = None) -> list[str]:
            # on the scheduler (shipped by value: it need not import articulation): the keys
            # whose task ran again, because its worker died under it or it raised
            tasks = dask_scheduler.tasks
            return [
                k
                for k in keys
                if k in tasks and (tasks[k].suspicious > 0 or (tasks[k].retries or 0) < retries)
            ]

        ready: dict[int, R] = {}
        following = 0
        try:
            for batch in as_completed(futures, loop=client.loop).batches():
                keys = [future.key for future in batch]
                # asked before the results are fetched and released: the scheduler forgets
                # a task once no client holds it
                again = client.run_on_scheduler(recomputed, keys=keys, retries=RETRIES)
                for key in sorted(again, key=index.__getitem__):
                    if on_retry is not None:
                        on_retry(index[key])
                for future, result in zip(batch, client.gather(batch), strict=True):
                    ready[index[future.key]] = result
                    futures[index[future.key]] = None  # type: ignore[call-overload]
                    future.release()
                while following in ready:
                    yield ready.pop(following)
                    following += 1
        finally:
            client.cancel([f for f in futures if f is not None])
