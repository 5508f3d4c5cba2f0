"""The student page under load against the JSON API, same server, same run, same transcripts.

4 concurrent clients post the same transcripts as the page's form (``POST /``, the HTML answer)
and as ``POST /v1/eligibility`` (JSON); the target, the page's p95 within 1.2× the API's, is
reported in benchmarks/README.md, met or not.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from benchmarks.conftest import record

pytest.importorskip("api.main")
load_api = pytest.importorskip("benchmarks.load_api")

CLIENTS = 4
SECONDS = 15


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    with load_api.server() as url:
        yield url


def test_student_page_against_the_api(benchmark: Any, base_url: str):
    bodies = load_api.transcripts(n=64)
    forms = [{"courses": "\n".join(b["courses"]), "bachelor": b["bachelor"]} for b in bodies]
    load_api.load(base_url + "/v1/eligibility", bodies, clients=2, seconds=2)  # warm up
    load_api.load(base_url + "/", forms, clients=2, seconds=2, form=True)
    api = load_api.load(base_url + "/v1/eligibility", bodies, CLIENTS, SECONDS)
    page = benchmark.pedantic(
        load_api.load, args=(base_url + "/", forms, CLIENTS, SECONDS, True), rounds=1
    )
    ratio = page["p95_ms"] / api["p95_ms"]
    record(benchmark, page=page, api=api, p95_ratio=round(ratio, 2), transcripts=len(bodies))
    print(f"\npage p95 {page['p95_ms']} ms, API p95 {api['p95_ms']} ms, ratio {ratio:.2f}")
    assert page["errors"] == 0 and api["errors"] == 0, (page, api)
