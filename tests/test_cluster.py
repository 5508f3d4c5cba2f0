"""Batch scans on Dask distributed: a LocalCluster of two workers gives the single-process
report byte for byte, and so does a scan during which one worker is killed (its rows are
computed again, and the scan says so)."""

from __future__ import annotations

import os
import signal
import time

import pytest

from articulation.answers.parallel import parallel_map, parse_cluster, running_cluster
from articulation.curriculum.catalogue import Catalogue
from articulation.outputs.render import render
from articulation.outputs.report import make_report
from benchmarks import synthetic

pytestmark = pytest.mark.slow  # seconds per test: left out of `pytest -m "not slow"`

pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def faculty() -> Catalogue:
    return synthetic.build(synthetic.FACULTY)


@pytest.fixture(scope="module")
def single(faculty: Catalogue) -> dict[str, bytes]:
    """The report of the single-process scan."""
    return render(make_report(faculty, workers=1))


class Recorder:
    """A report's progress: pairs done, and what was computed again."""

    def __init__(self) -> None:
        self.again: list[tuple[str, str]] = []
        self.pairs = 0

    def start(self, stage: str, total: int) -> None:
        pass

    def advance(self, stage: str) -> None:
        if stage == "pairs":
            self.pairs += 1

    def retried(self, stage: str, what: str) -> None:
        self.again.append((stage, what))


def test_parse_cluster() -> None:
    assert parse_cluster("local") == ("local", None)
    assert parse_cluster("local:2") == ("local", 2)
    assert parse_cluster("tcp://127.0.0.1:8786") == ("tcp://127.0.0.1:8786", None)
    for bad in ("local:0", "local:x", "127.0.0.1:8786", "http://x", ""):
        with pytest.raises(ValueError):
            parse_cluster(bad)


def test_local_cluster_of_two_gives_the_same_report(faculty: Catalogue, single: dict) -> None:
    fresh = synthetic.build(synthetic.FACULTY)
    progress = Recorder()
    report = make_report(fresh, cluster="local:2", progress=progress)
    assert render(report) == single
    assert progress.pairs == len(report.cells)
    assert progress.again == []


def _square(_catalogue: Catalogue, job: int) -> int:
    return job * job


def test_existing_scheduler_in_order(faculty: Catalogue) -> None:
    with running_cluster("local:1") as address:
        assert address is not None and address.startswith("tcp://")
        assert list(parallel_map(_square, faculty, list(range(20)), cluster=address)) == [
            i * i for i in range(20)
        ]


def _copy_seen(catalogue: Catalogue, _job: int) -> tuple[int, int]:
    return os.getpid(), id(catalogue)


def test_the_catalogue_is_sent_once_per_snapshot(faculty: Catalogue) -> None:
    """Later maps of the same snapshot use the copy each worker already holds (and the memo it
    built on it); a new snapshot replaces it as the one the cluster keeps."""
    from distributed import Client

    from articulation.answers.parallel import SHIPPED_PREFIX

    jobs = list(range(8))
    with running_cluster("local:2") as address, Client(address, set_as_default=False) as client:
        first = set(parallel_map(_copy_seen, faculty, jobs, cluster=address))
        second = set(parallel_map(_copy_seen, faculty, jobs, cluster=address))
        assert dict(second).items() <= dict(first).items()  # same copy in every worker process
        other = synthetic.build(synthetic.FACULTY)
        third = set(parallel_map(_copy_seen, other, jobs, cluster=address))
        assert not {copy for _, copy in third} & {copy for _, copy in first}
        kept = [name for name in client.list_datasets() if name.startswith(SHIPPED_PREFIX)]
        assert kept == [SHIPPED_PREFIX + other.token]


def test_a_kept_catalogue_lost_with_its_worker_is_sent_again(faculty: Catalogue) -> None:
    from distributed import Client

    from articulation.answers.parallel import SHIPPED_PREFIX, held

    with running_cluster("local:1") as address, Client(address, set_as_default=False) as client:
        assert list(parallel_map(_square, faculty, [1, 2], cluster=address)) == [1, 4]
        pid = next(iter(client.run(os.getpid).values()))
        kept = client.get_dataset(SHIPPED_PREFIX + faculty.token)
        os.kill(pid, signal.SIGKILL)  # its nanny starts a new worker, without the catalogue
        deadline = time.monotonic() + 60
        while held(client, kept) and time.monotonic() < deadline:
            time.sleep(0.1)  # until the scheduler has noticed
        client.wait_for_workers(1, timeout=60)
        assert list(parallel_map(_square, faculty, [3, 4], cluster=address)) == [9, 16]


def _die_on_the_first_row() -> int:
    """Run in one worker: its first row of pairs kills the process (SIGKILL) while the row is
    running. Tasks name the row function by reference, so the worker's unpickling finds this
    one; its restarted self (a new process) is unchanged."""
    from articulation.answers import scan

    def die(_catalogue: Catalogue, _job: object) -> object:
        os.kill(os.getpid(), signal.SIGKILL)

    scan._assess_row = die  # type: ignore[assignment]
    return os.getpid()


def test_a_lost_worker_is_recomputed(faculty: Catalogue, single: dict) -> None:
    """One of two workers dies (SIGKILL) while it runs a row of pairs: the row is computed again
    on the other (or on its restarted self), the scan says so, and the report is identical."""
    from distributed import Client

    fresh = synthetic.build(synthetic.FACULTY)
    with running_cluster("local:2") as address, Client(address, set_as_default=False) as client:
        doomed = sorted(client.scheduler_info()["workers"])[0]
        pid = client.run(_die_on_the_first_row, workers=[doomed])[doomed]
        progress = Recorder()
        report = make_report(fresh, cluster=address, progress=progress)
        alive = client.run(os.getpid)
    assert pid not in alive.values(), "the worker died"
    assert render(report) == single
    rows = [what for stage, what in progress.again if stage == "pairs"]
    assert rows and set(rows) <= {cell.bachelor for cell in report.cells}
    assert all(stage in ("pairs", "alternatives") for stage, _ in progress.again)
