"""Load test of the HTTP API: a real uvicorn on 127.0.0.1, concurrent clients, fixed duration.

``python -m benchmarks.load_api [--clients 16] [--seconds 30]`` starts the server on the bundled
curricula (a fresh SQLite database in a temporary directory), posts eligibility requests (256
distinct transcripts drawn from the bundled bachelors, round robin; every master is assessed)
from ``--clients`` concurrent clients for ``--seconds`` and prints requests/s, latency
percentiles and errors as JSON; ``--path /health --get`` measures a trivial endpoint the same
way, as a baseline.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def server(curricula: Path | None = None, timeout: float = 60.0) -> Iterator[str]:
    """A uvicorn process serving the API; yields its base URL."""
    port = free_port()
    with tempfile.TemporaryDirectory() as tmp:
        env = {
            **os.environ,
            "ARTICULATION_DATABASE_URL": f"sqlite:///{tmp}/bench.db",
            "ARTICULATION_CURRICULA": str(curricula or ROOT / "curricula"),
        }
        command = [sys.executable, "-m", "uvicorn", "--factory", "api.main:create_app"]
        command += ["--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"]
        process = subprocess.Popen(command, cwd=ROOT, env=env)
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + timeout
            while True:
                if process.poll() is not None:
                    raise RuntimeError(f"the server exited with code {process.returncode}")
                try:
                    if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError("the server did not become healthy in time")
                time.sleep(0.2)
            yield url
        finally:
            process.terminate()
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def transcripts(curricula: Path | None = None, n: int = 256, seed: int = 5) -> list[dict[str, Any]]:
    """``n`` distinct eligibility requests, the same every run: a bundled bachelor's mandatory
    courses with up to 3 left out and up to 3 other courses of its institution added."""
    from articulation.curriculum.loader import load_curricula

    catalogue = load_curricula(curricula or ROOT / "curricula")
    rng = random.Random(seed)
    bodies: list[dict[str, Any]] = []
    seen: set[tuple[str, ...]] = set()
    bachelors = catalogue.bachelors
    while len(bodies) < n:
        b = bachelors[len(bodies) % len(bachelors)]
        own = sorted(c for c, inst in catalogue.institution_of.items() if inst == b.institution)
        courses = set(b.courses) - set(
            rng.sample(b.courses, rng.randint(0, min(3, len(b.courses))))
        )
        courses |= set(rng.sample(own, rng.randint(0, min(3, len(own)))))
        key = tuple(sorted(courses))
        if key in seen:
            continue
        seen.add(key)
        bodies.append({"courses": list(key), "bachelor": b.code})
    return bodies


async def _load(
    url: str,
    bodies: Sequence[dict[str, Any]] | None,
    clients: int,
    seconds: float,
    form: bool = False,
) -> dict[str, Any]:
    latencies: list[float] = []
    errors: dict[str, int] = {}
    stop = time.perf_counter() + seconds
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)

    async def client(k: int) -> None:
        async with httpx.AsyncClient(limits=limits, timeout=60) as http:
            i = k
            while time.perf_counter() < stop:
                start = time.perf_counter()
                try:
                    if bodies is None:
                        response = await http.get(url)
                    else:
                        body = bodies[i % len(bodies)]
                        if form:
                            response = await http.post(url, data=body)
                        else:
                            response = await http.post(url, json=body)
                    ok = response.status_code == 200
                    key = str(response.status_code)
                except httpx.HTTPError as exc:
                    ok, key = False, type(exc).__name__
                latencies.append(time.perf_counter() - start)
                if not ok:
                    errors[key] = errors.get(key, 0) + 1
                i += clients

    began = time.perf_counter()
    await asyncio.gather(*(client(k) for k in range(clients)))
    elapsed = time.perf_counter() - began
    q = statistics.quantiles(latencies, n=100, method="inclusive")
    return {
        "clients": clients,
        "seconds": round(elapsed, 2),
        "requests": len(latencies),
        "requests_per_s": round(len(latencies) / elapsed, 1),
        "p50_ms": round(1000 * q[49], 1),
        "p95_ms": round(1000 * q[94], 1),
        "p99_ms": round(1000 * q[98], 1),
        "errors": sum(errors.values()),
        "error_kinds": errors,
    }


def load(
    url: str,
    bodies: Sequence[dict[str, Any]] | None,
    clients: int = 16,
    seconds: float = 30.0,
    form: bool = False,
) -> dict[str, Any]:
    """``clients`` concurrent clients for ``seconds``: POST ``bodies`` round robin (GET if None),
    as JSON or, with ``form``, as an HTML form."""
    return asyncio.run(_load(url, bodies, clients, seconds, form))


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--path", default="/v1/eligibility")
    parser.add_argument("--get", action="store_true", help="GET the path instead of posting")
    args = parser.parse_args(argv)
    bodies = None if args.get else transcripts()
    with server() as base:
        load(base + args.path, bodies, clients=2, seconds=2)  # warm up
        result = load(base + args.path, bodies, args.clients, args.seconds)
    json.dump(result, sys.stdout)
    print()


if __name__ == "__main__":
    main()
