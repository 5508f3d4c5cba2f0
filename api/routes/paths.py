"""Transfer paths: one (bachelor, master) pair, or a bachelor's whole row."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query

from api import services
from api.deps import SettingsDep, SnapshotDep
from api.errors import responses
from api.schemas import MAX_TIME_LIMIT, PathOut, PathRow
from articulation.model import CODE, MAX_CODE

router = APIRouter(prefix="/v1/paths", tags=["transfer paths"])

ProgrammeCode = Annotated[str, Path(max_length=MAX_CODE, pattern=CODE)]
TimeLimitQuery = Annotated[
    float | None,
    Query(gt=0, le=MAX_TIME_LIMIT, description="Solver time limit per solve, seconds"),
]


@router.get("/{bachelor}/{master}", response_model=PathOut, responses=responses(404, 503))
def transfer_path(
    snapshot: SnapshotDep,
    settings: SettingsDep,
    bachelor: ProgrammeCode,
    master: ProgrammeCode,
    alternatives: Annotated[int, Query(ge=0, le=10, description="Next-best programmes")] = 3,
    time_limit: TimeLimitQuery = None,
) -> dict[str, Any]:
    """How a bachelor's graduates get into a master: the scan cell with its explanation and
    the next-best alternatives."""
    limit = time_limit or settings.time_limit
    return services.transfer_path(snapshot.catalogue, bachelor, master, alternatives, limit)


@router.get("/{bachelor}", response_model=PathRow, responses=responses(404, 503))
def transfer_row(
    snapshot: SnapshotDep,
    settings: SettingsDep,
    bachelor: ProgrammeCode,
    time_limit: TimeLimitQuery = None,
) -> dict[str, Any]:
    """Every master for one bachelor, ranked by status (direct first), then EC."""
    return services.transfer_row(snapshot.catalogue, bachelor, time_limit or settings.time_limit)
