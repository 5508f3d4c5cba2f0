"""What-if: proposed catalogue edits applied to a copy, never stored, and the cells they change."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from api import services
from api.deps import SolverDep
from api.errors import responses
from api.schemas import WhatIfOut, WhatIfRequest

router = APIRouter(prefix="/v1", tags=["students and programme design"])


@router.post("/whatif", response_model=WhatIfOut, responses=responses(413, 422, 503))
async def what_if(request: WhatIfRequest, solver: SolverDep) -> dict[str, Any]:
    """The cells of the aansluitscan whose status, EC, route, track or plan finish the proposed
    edits would change (course and programme documents as the catalogue edits take them, with
    ``action`` create, update or delete — or their synonyms add, change, remove), each with the
    changes that caused it; counts per kind of change; and how many cells were computed again
    (only those an edit can reach). The edits are applied to a copy of the current catalogue
    and never stored. 422 names the edit and field; 503 when the time limit passes before every
    cell is proven."""
    limit = solver.time_limit(request.time_limit, ["body", "time_limit"])
    return await solver.run(limit, services.what_if, request, limit)
