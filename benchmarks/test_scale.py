"""Serving and scaling: ratios measured in one run against a baseline of the same run.

- the machine's own parallelism: a pure-Python CPU loop on 1 and on 2 processes (what any
  2-process speed-up on this shared machine can reach at best, this run);
- the national matrix on a Dask ``LocalCluster`` of 2 workers against one of 1 worker (a
  cluster started once per size; the catalogue shipped to its workers once, before the timed
  scan), at 80 pairs and on the full matrix of 9,600 pairs;
- eligibility under load by ``wrk`` (16 connections, :data:`WRK_SECONDS` s each, a Lua script
  cycling through :data:`WRK_TRANSCRIPTS` distinct transcripts, every master assessed):
  ``serve --workers 2`` against ``--workers 1``, and against ``GET /health`` under the same
  load; skipped when ``wrk`` is not installed;
- one eligibility request's engine work (26 masters, memo cleared) against 26 single-master
  requests for the same transcript, each with the memo cleared, over 40 transcripts: the
  processor time of each request, the least of :data:`SHARING_ROUNDS` runs.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest

from articulation.curriculum.catalogue import Catalogue
from benchmarks.conftest import forget, record

ROOT = Path(__file__).resolve().parent.parent
#: (bachelors, masters) of the national matrix on Dask: 80 pairs, and the full 120 × 80 (about
#: a quarter of an hour on this machine for both cluster sizes; None: all of them)
NATIONAL_SIZES = [(8, 10), (None, None)]
WRK_SECONDS = 15
WRK_CONNECTIONS = 16
WRK_TRANSCRIPTS = 2000
#: Runs of each request in the eligibility-sharing row, the least processor time kept: the
#: cores are shared, and one sample of a request lasting milliseconds varies by half or more
SHARING_ROUNDS = 3


def _burn(n: int) -> int:
    total = 0
    for i in range(n):
        total += i * i
    return total


def test_scale_cpu_reference(benchmark: Any) -> None:
    """The same CPU-bound loop twice, one after the other and on 2 processes."""
    n = 10_000_000

    def both() -> dict[str, float]:
        start = time.perf_counter()
        _burn(n), _burn(n)
        one = time.perf_counter() - start
        with ProcessPoolExecutor(2) as pool:
            start = time.perf_counter()
            list(pool.map(_burn, [n, n]))
            two = time.perf_counter() - start
        return {"one_s": round(one, 3), "two_s": round(two, 3), "speedup": round(one / two, 3)}

    result = benchmark.pedantic(both, rounds=1)
    record(benchmark, **result)


# --- the national matrix on Dask ---------------------------------------------------------------


@pytest.fixture(scope="module")
def national() -> Catalogue:
    from benchmarks import synthetic

    return synthetic.build(synthetic.NATIONAL)


@pytest.mark.parametrize("rows,columns", NATIONAL_SIZES)
def test_scale_national_dask(
    benchmark: Any, national: Catalogue, rows: int | None, columns: int | None
) -> None:
    """One cluster per worker count: a first scan of one pair outside the measured ones ships
    the catalogue to every worker and builds its indexes there (timed apart as ``ship_s``),
    then the measured scan."""
    pytest.importorskip("distributed")
    from articulation.answers.parallel import running_cluster
    from articulation.answers.scan import scan

    rng = random.Random(11)
    bachelors = sorted(rng.sample([b.code for b in national.bachelors], rows or 120))
    masters = sorted(rng.sample([m.code for m in national.masters], columns or 80))
    others = [b.code for b in national.bachelors if b.code not in bachelors]
    outside = others[0] if others else bachelors[0]  # the full matrix has no other
    times: dict[int, float] = {}
    ship: dict[int, float] = {}
    outputs = {}
    for workers in (1, 2):
        forget(national)
        with running_cluster(f"local:{workers}") as address:
            start = time.perf_counter()
            scan(national, [outside], masters[:1], cluster=address)
            ship[workers] = time.perf_counter() - start
            start = time.perf_counter()
            cells = scan(national, bachelors, masters, cluster=address)
            times[workers] = time.perf_counter() - start
        outputs[workers] = [c.to_json() for c in cells]
    assert outputs[1] == outputs[2]
    pairs = len(bachelors) * len(masters)
    benchmark.pedantic(lambda: None, rounds=1)
    record(
        benchmark,
        pairs=pairs,
        one_worker_s=round(times[1], 3),
        two_workers_s=round(times[2], 3),
        ship_one_s=round(ship[1], 3),
        ship_two_s=round(ship[2], 3),
        speedup=round(times[1] / times[2], 3),
        ms_per_pair_two=round(1000 * times[2] / pairs, 3),
    )


# --- eligibility under wrk ---------------------------------------------------------------------

LUA = """
local bodies = {}
for line in io.lines("%s") do bodies[#bodies + 1] = line end
local i = 0
request = function()
  i = i %% #bodies + 1
  return wrk.format("POST", "/v1/eligibility", {["Content-Type"] = "application/json"}, bodies[i])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('WRKJSON {"requests": %%d, "duration_us": %%d, "connect": %%d, ' ..
    '"read": %%d, "write": %%d, "timeout": %%d, "non_2xx": %%d, "p50_us": %%d, ' ..
    '"p99_us": %%d}\\n', summary.requests, summary.duration, e.connect, e.read, e.write,
    e.timeout, e.status, latency:percentile(50), latency:percentile(99)))
end
"""

HEALTH_LUA = LUA.replace('"POST", "/v1/eligibility"', '"GET", "/health"').replace(
    ', {["Content-Type"] = "application/json"}, bodies[i]', ""
)


@contextlib.contextmanager
def _serve(workers: int, database: str) -> Iterator[str]:
    from benchmarks.load_api import free_port

    port = free_port()
    command = [str(Path(sys.executable).parent / "articulation"), "serve", "--port", str(port)]
    command += ["--workers", str(workers), "--database-url", database]
    process = subprocess.Popen(command, cwd=ROOT, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                    break
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the server did not start")
            time.sleep(0.3)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


ERROR_KINDS = ("connect", "read", "write", "timeout", "non_2xx")
WRK_SETTLE_SECONDS = 2.0


def _wrk(url: str, script: Path, seconds: int) -> dict[str, Any]:
    command = ["wrk", "-t2", f"-c{WRK_CONNECTIONS}", f"-d{seconds}s", "--timeout", "30s"]
    output = subprocess.run(
        [*command, "-s", str(script), url], capture_output=True, text=True, check=True
    ).stdout
    line = next(x for x in output.splitlines() if x.startswith("WRKJSON "))
    data = json.loads(line.removeprefix("WRKJSON "))
    seconds_run = data["duration_us"] / 1e6
    return {
        "requests": data["requests"],
        "requests_per_s": round(data["requests"] / seconds_run, 1),
        "p50_ms": round(data["p50_us"] / 1000, 1),
        "p99_ms": round(data["p99_us"] / 1000, 1),
        "errors": sum(data[kind] for kind in ERROR_KINDS),
        # which kind: a socket error (connect, read, write), no answer within wrk's --timeout,
        # or an answer that is not 2xx
        "error_kinds": {kind: data[kind] for kind in ERROR_KINDS if data[kind]},
        "seconds": round(seconds_run, 1),
    }


def test_scale_eligibility_wrk(benchmark: Any) -> None:
    if shutil.which("wrk") is None:
        pytest.skip("wrk is not installed (Debian: apt-get install -y wrk)")
    from benchmarks.load_api import transcripts

    with tempfile.TemporaryDirectory() as tmp:
        bodies = Path(tmp) / "bodies.jsonl"
        bodies.write_text(
            "".join(json.dumps(b) + "\n" for b in transcripts(n=WRK_TRANSCRIPTS)), "utf-8"
        )
        script, health = Path(tmp) / "eligibility.lua", Path(tmp) / "health.lua"
        script.write_text(LUA % bodies, "utf-8")
        health.write_text(HEALTH_LUA % bodies, "utf-8")
        database = f"sqlite:///{tmp}/bench.db"
        results: dict[str, Any] = {}
        for workers in (1, 2):
            with _serve(workers, database) as url:
                _wrk(url, script, 3)  # warm up every worker
                # wrk leaves the warm-up's last requests unanswered; until the server has seen
                # those clients go and dropped their work, they hold places in its engine queue,
                # and a run started at once can get 503 (engine busy) for them
                time.sleep(WRK_SETTLE_SECONDS)
                results[f"eligibility_{workers}"] = _wrk(url, script, WRK_SECONDS)
                if workers == 2:
                    results["health_2"] = _wrk(url, health, WRK_SECONDS)
    benchmark.pedantic(lambda: None, rounds=1)
    one, two, health_2 = results["eligibility_1"], results["eligibility_2"], results["health_2"]
    record(
        benchmark,
        connections=WRK_CONNECTIONS,
        seconds=WRK_SECONDS,
        transcripts=WRK_TRANSCRIPTS,
        one_worker=one,
        two_workers=two,
        health_two_workers=health_2,
        speedup=round(two["requests_per_s"] / one["requests_per_s"], 3),
        vs_health=round(two["requests_per_s"] / health_2["requests_per_s"], 3),
    )


# --- one eligibility request against 26 single-master requests ---------------------------------


def test_scale_eligibility_sharing(benchmark: Any) -> None:
    from articulation.answers.eligibility import assess_transcript
    from articulation.curriculum.loader import load_curricula
    from articulation.curriculum.model import TranscriptEntry
    from benchmarks.load_api import transcripts

    catalogue = load_curricula(ROOT / "curricula")
    bodies = transcripts(n=40)
    first = [TranscriptEntry(code=c) for c in bodies[0]["courses"]]
    assess_transcript(catalogue, first)  # imports, catalogue-wide indexes

    def work(entries: list[TranscriptEntry], bachelor: str, masters: list[str] | None) -> float:
        """The request's engine work: the least processor time of :data:`SHARING_ROUNDS` runs,
        each from a cold memo (other processes on the shared cores add nothing to it)."""
        least = math.inf
        for _ in range(SHARING_ROUNDS):
            forget(catalogue)
            start = time.process_time()
            assess_transcript(catalogue, entries, bachelor=bachelor, masters=masters)
            least = min(least, time.process_time() - start)
        return least

    def measure() -> list[tuple[float, float]]:
        found = []
        for body in bodies:
            entries = [TranscriptEntry(code=c) for c in body["courses"]]
            together = work(entries, body["bachelor"], None)
            alone = sum(work(entries, body["bachelor"], [m.code]) for m in catalogue.masters)
            found.append((together, alone))
        return found

    found = benchmark.pedantic(measure, rounds=1)
    ratios = [together / alone for together, alone in found]
    record(
        benchmark,
        transcripts=len(bodies),
        masters=len(catalogue.masters),
        median_ratio=round(statistics.median(ratios), 3),
        max_ratio=round(max(ratios), 3),
        together_ms=round(statistics.median(t for t, _ in found) * 1000, 1),
        alone_ms=round(statistics.median(a for _, a in found) * 1000, 1),
        cores=os.cpu_count(),
    )
