"""Student eligibility from a transcript, and minor design."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from api import services
from api.deps import LangDep, SolverDep
from api.errors import responses
from api.schemas import (
    EligibilityRequest,
    EligibilityResponse,
    FlagshipOut,
    FlagshipRequest,
    MinorDesignOut,
    MinorRequest,
)

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


@router.post("/flagship", response_model=FlagshipOut, responses=responses(413, 422, 503))
async def flagship(request: FlagshipRequest, solver: SolverDep, lang: LangDep) -> dict[str, Any]:
    """Per master: seamless through the bachelor's flexible space (direct, or a package of whole
    elective courses within the budget, planned in the minor semester)? The fewest packages to
    offer, the curve of flexible spaces from 0 to 90 EC and what stands in the way of the rest.
    ``optimal: false`` with the best found when the time limit cuts it."""
    from articulation.answers.flagship import DEFAULT_LIST

    limit = solver.time_limit(request.time_limit, ["body", "time_limit"])
    default_list = solver.settings.curricula_dir / DEFAULT_LIST
    return await solver.run(limit, services.flagship, request, lang, default_list)
