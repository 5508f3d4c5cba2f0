"""What-if: proposed catalogue edits applied to a copy, never stored, and the cells they change."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from api import services
from api.deps import LangDep, SolverDep
from api.errors import responses
from api.schemas import WhatIfOut, WhatIfRequest

router = APIRouter(prefix="/v1", tags=["students and programme design"])


@router.post("/whatif", response_model=WhatIfOut, responses=responses(413, 422, 503))
async def what_if(request: WhatIfRequest, solver: SolverDep, lang: LangDep) -> dict[str, Any]:
    """The cells of the aansluitscan whose status, EC, route, track or plan finish the proposed
    edits would change, each with the changes that caused it and why it changed (``reasons``:
    the engine's messages, their ``text`` in the language of ``?lang=`` or Accept-Language);
    counts per kind of change; and how many cells were computed again (only those an edit can
    reach). ``action`` is create, update or delete (or their synonyms add, change, remove); an
    update is a JSON Merge Patch (RFC 7396) of the course or programme — ``{"code":
    "UT-202001184", "ects": 6}`` changes its EC and keeps every other field — a create the
    whole document. The edits are applied to a copy of the current catalogue and never stored.
    422 names the edit and field; 503 when the time limit passes before every cell is
    proven."""
    limit = solver.time_limit(request.time_limit, ["body", "time_limit"])
    return await solver.run(limit, services.what_if, request, limit, lang)
