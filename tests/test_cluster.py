"""Batch scans on Dask distributed: a LocalCluster of two workers gives the single-process
report byte for byte, and so does a scan during which one worker is killed (its rows are
computed again, and the scan says so)."""

from __future__ import annotations

import os
import signal
import threading
import time
from typing import Any

import pytest

from articulation.catalogue import Catalogue
from articulation.parallel import parallel_map, parse_cluster, running_cluster
from articulation.render import render
from articulation.report import make_report
from benchmarks import synthetic

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

    def __init__(self, on_first_pair: Any = None):
        self.again: list[tuple[str, str]] = []
        self.pairs = 0
        self.on_first_pair = on_first_pair

    def start(self, stage: str, total: int) -> None:
        pass

    def advance(self, stage: str) -> None:
        if stage == "pairs":
            self.pairs += 1
            if self.pairs == 1 and self.on_first_pair is not None:
                self.on_first_pair()

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

    from articulation.parallel import SHIPPED_PREFIX

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

    from articulation.parallel import SHIPPED_PREFIX, held

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


def test_a_lost_worker_is_recomputed(faculty: Catalogue, single: dict) -> None:
    """One of two workers is killed (SIGKILL) while rows are running: the rows it held are
    computed again on the other (or its restarted self) and the report is identical."""
    from distributed import Client

    fresh = synthetic.build(synthetic.FACULTY)
    killed: list[int] = []
    with running_cluster("local:2") as address, Client(address, set_as_default=False) as client:

        def kill_a_busy_worker() -> None:
            processing = client.processing()
            busy = max(processing, key=lambda w: len(processing[w]))
            pid = client.run(os.getpid, workers=[busy])[busy]
            os.kill(pid, signal.SIGKILL)
            killed.append(pid)

        # the kill must not run on the thread that streams the results in
        progress = Recorder(lambda: threading.Thread(target=kill_a_busy_worker).start())
        report = make_report(fresh, cluster=address, progress=progress)
    assert killed
    assert render(report) == single
    assert progress.again, "the lost rows are reported"
    assert all(stage in ("pairs", "alternatives") for stage, _ in progress.again)
