"""Student eligibility from a transcript, and minor design."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from api import services
from api.deps import LangDep, SolverDep
from api.errors import responses
from api.schemas import EligibilityRequest, EligibilityResponse, MinorDesignOut, MinorRequest

router = APIRouter(prefix="/v1", tags=["students and programme design"])


@router.post("/eligibility", response_model=EligibilityResponse, responses=responses(413, 422, 503))
async def eligibility(
    request: EligibilityRequest, solver: SolverDep, lang: LangDep
) -> dict[str, Any]:
    """Per master: admissible directly, or the gap and the optimal bridging programme.

    Courses are codes in any common form or titles; each recognised one is in ``matched``,
    unknown ones in ``unrecognised`` with their nearest courses in ``suggestions`` (or refused
    with 422 when ``strict``); a master's ``min_gpa`` is checked when the transcript has grades.
    The requirements' texts are in the language of ``Accept-Language`` (English or Dutch). The
    masters not proven when the time limit passes are ``unknown``, with the best programme and
    bound known."""
    limit = solver.time_limit(request.time_limit, ["body", "time_limit"])
    most = solver.settings.max_transcript_entries
    return await solver.run(limit, services.eligibility, request, limit, lang, most)


@router.post("/minors/design", response_model=MinorDesignOut, responses=responses(413, 422, 503))
async def design_minor(request: MinorRequest, solver: SolverDep) -> dict[str, Any]:
    """The minor within the EC budget that opens the most of the masters to the bachelor.
    503 with what was proven when the time limit passes first."""
    limit = solver.time_limit(request.time_limit, ["body", "time_limit"])
    return await solver.run(limit, services.minor_design, request, limit)
