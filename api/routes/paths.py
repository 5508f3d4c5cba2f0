"""Transfer paths: one (bachelor, master) pair, a bachelor's whole row, or a master's column."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query

from api import services
from api.deps import LangDep, SolverDep, at_most
from api.errors import responses
from api.schemas import NO_CONTROL, PathColumn, PathOut, PathRow
from articulation.curriculum.model import CODE, MAX_CODE
from articulation.outputs.report import ALTERNATIVES as DEFAULT_ALTERNATIVES

router = APIRouter(prefix="/v1/paths", tags=["transfer paths"])

ProgrammeCode = Annotated[str, Path(max_length=MAX_CODE, pattern=CODE)]
TrackQuery = Annotated[
    str | None,
    Query(
        min_length=1,
        max_length=200,
        pattern=NO_CONTROL,
        description="The bachelor's track (default: the best track)",
    ),
]
TimeLimitQuery = Annotated[
    float | None,
    Query(
        gt=0,
        description="Time limit of the request, seconds: one deadline for all its solves (at "
        "most the server's maximum)",
    ),
]


@router.get("", response_model=PathColumn, responses=responses(422, 503))
async def transfer_column(
    solver: SolverDep,
    lang: LangDep,
    master: Annotated[
        str,
        Query(max_length=MAX_CODE, pattern=CODE, description="The master (code, any case)"),
    ],
    sort: Annotated[
        Literal["status", "name"],
        Query(description="status: direct first, then EC; name: by bachelor name"),
    ] = "status",
    time_limit: TimeLimitQuery = None,
) -> dict[str, Any]:
    """Every bachelor into one master (each bachelor's best track): the matrix's column, the
    same cells as the scan. The bachelors not proven when the time limit passes are
    ``unknown``, with the best bound known."""
    limit = solver.time_limit(time_limit, ["query", "time_limit"])
    return await solver.run(limit, services.transfer_column, master, limit, lang, sort)


@router.get("/{bachelor}/{master}", response_model=PathOut, responses=responses(404, 503))
async def transfer_path(
    solver: SolverDep,
    lang: LangDep,
    bachelor: ProgrammeCode,
    master: ProgrammeCode,
    alternatives: Annotated[
        int | None,
        Query(ge=0, description="Next-best programmes (default 3; at most the server's maximum)"),
    ] = None,
    time_limit: TimeLimitQuery = None,
    track: TrackQuery = None,
) -> dict[str, Any]:
    """How a bachelor's graduates get into a master: the scan cell (of the track, else the
    best track) with its explanation and the next-best alternatives. 503 with what was proven
    when the time limit passes first."""
    settings = solver.settings
    if alternatives is None:
        alternatives = min(DEFAULT_ALTERNATIVES, settings.max_alternatives)
    at_most(alternatives, settings.max_alternatives, ["query", "alternatives"], "alternatives")
    limit = solver.time_limit(time_limit, ["query", "time_limit"])
    return await solver.run(
        limit, services.transfer_path, bachelor, master, alternatives, limit, track, lang
    )


@router.get("/{bachelor}", response_model=PathRow, responses=responses(404, 503))
async def transfer_row(
    solver: SolverDep,
    lang: LangDep,
    bachelor: ProgrammeCode,
    time_limit: TimeLimitQuery = None,
    track: TrackQuery = None,
) -> dict[str, Any]:
    """Every master for one bachelor (of the track, else each master's best track), ranked by
    status (direct first), then EC. The masters not proven when the time limit passes are
    ``unknown``, with the best bound known."""
    limit = solver.time_limit(time_limit, ["query", "time_limit"])
    return await solver.run(limit, services.transfer_row, bachelor, limit, track, lang)
