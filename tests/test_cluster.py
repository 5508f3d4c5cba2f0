"""Batch scans on Dask distributed: a LocalCluster of two workers gives the single-process
report byte for byte, and so does a scan during which one worker is killed (its rows are
computed again, and the scan says so)."""

from __future__ import annotations

import os
import signal
import threading
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
