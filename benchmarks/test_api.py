"""The HTTP API under load: a real uvicorn on 127.0.0.1, 16 concurrent clients.

Eligibility requests (a transcript, every master assessed) for 30 s, and ``GET /health`` for
10 s on the same server as the baseline of what the framework itself costs.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from benchmarks.conftest import record

pytest.importorskip("api.main")
load_api = pytest.importorskip("benchmarks.load_api")

CLIENTS = 16


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    with load_api.server() as url:
        yield url


def _run(benchmark: Any, url: str, bodies: list | None, seconds: float) -> dict[str, Any]:
    load_api.load(url, bodies, clients=2, seconds=2)  # warm up
    result = benchmark.pedantic(load_api.load, args=(url, bodies, CLIENTS, seconds), rounds=1)
    record(benchmark, **result)
    return result


def test_api_health(benchmark: Any, base_url: str):
    result = _run(benchmark, base_url + "/health", None, 10)
    assert result["requests"] > 0


def test_api_eligibility(benchmark: Any, base_url: str):
    bodies = load_api.transcripts()
    result = _run(benchmark, base_url + "/v1/eligibility", bodies, 30)
    record(benchmark, transcripts=len(bodies))
    assert result["requests"] > 0
