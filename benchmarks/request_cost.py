"""What one ``POST /v1/eligibility`` costs a warm server process, part by part.

    python -m benchmarks.request_cost

Processor time per request (``time.process_time``, so other load on the shared cores adds
nothing), on the transcripts of the ``wrk`` benchmark: the first half warms the memo as a
server's earlier requests would, the second half is measured. Parts: the engine
(:func:`~articulation.answers.eligibility.assess_transcript` for every master), the service
around it (the answer in JSON form, in the request's language), the response model's validation
and JSON encoding, and the whole request through the app beside ``GET /health``. The ratio of
``/health``'s cost to eligibility's is the most eligibility's request rate can reach of
``/health``'s when both use the whole machine.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def per_call(items: list[Any], call: Callable[[Any], object]) -> float:
    """Mean processor seconds of ``call`` over ``items``."""
    times = []
    for item in items:
        start = time.process_time()
        call(item)
        times.append(time.process_time() - start)
    return statistics.fmean(times)


def main(n: int = 300) -> None:
    os.environ["ARTICULATION_SCAN_ON_START"] = "false"
    from fastapi.testclient import TestClient

    from api import services
    from api.main import create_app
    from api.schemas import EligibilityRequest, EligibilityResponse
    from articulation.answers.eligibility import assess_transcript
    from articulation.curriculum.loader import load_curricula
    from articulation.curriculum.model import TranscriptEntry
    from articulation.settings import Settings
    from benchmarks.load_api import transcripts

    catalogue = load_curricula(ROOT / "curricula")
    bodies = transcripts(n=2 * n)
    warm, measured = bodies[:n], bodies[n:]
    requests = [EligibilityRequest.model_validate(b) for b in bodies]
    answers = {}

    def engine(body: dict[str, Any]) -> None:
        entries = [TranscriptEntry(code=c) for c in body["courses"]]
        assess_transcript(catalogue, entries, bachelor=body["bachelor"])

    def service(i: int) -> None:
        answers[i] = services.eligibility(catalogue, requests[i], 10.0, "en", 400)

    def respond(i: int) -> None:
        EligibilityResponse.model_validate(answers[i]).model_dump_json()

    per_call(warm, engine)
    cost = {"engine": per_call(measured, engine)}
    cost["service"] = per_call(list(range(n, 2 * n)), service)
    cost["response"] = per_call(list(range(n, 2 * n)), respond)
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(Settings(database_url=f"sqlite:///{tmp}/cost.db"))
        with TestClient(app) as client:
            per_call(warm, lambda b: client.post("/v1/eligibility", json=b))
            cost["eligibility"] = per_call(
                measured, lambda b: client.post("/v1/eligibility", json=b)
            )
            cost["health"] = per_call(list(range(n)), lambda _: client.get("/health"))
    print(f"processor time per request, mean of {n} (after {n} to warm the memo):")
    print(f"  engine, every master             {1000 * cost['engine']:6.1f} ms")
    print(f"  service (engine + JSON form)     {1000 * cost['service']:6.1f} ms")
    print(f"  response model and JSON          {1000 * cost['response']:6.1f} ms")
    print(f"  POST /v1/eligibility (whole)     {1000 * cost['eligibility']:6.1f} ms")
    print(f"  GET /health (whole)              {1000 * cost['health']:6.1f} ms")
    ceiling = cost["health"] / cost["eligibility"]
    budget = 2 * cost["health"] - (cost["eligibility"] - cost["engine"])
    print(f"  most eligibility can reach of /health's rate: {ceiling:.2f}×")
    print(f"  the engine's share at 0.5× /health's rate: ≤ {1000 * budget:.1f} ms")


if __name__ == "__main__":
    sys.exit(main())
