"""Read the catalogue in the shape of the Open Education API (OOAPI) v6: courses, programmes
and learning outcomes, from the same snapshot as the other routes (see
articulation.interop.ooapi)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query

from api.deps import SnapshotDep
from api.errors import responses
from api.services import unknown_code
from articulation.interop.ooapi import ooapi_item, ooapi_page

router = APIRouter(prefix="/ooapi/v6", tags=["ooapi"])

Kind = Literal["courses", "programmes", "learning-outcomes"]
Ident = Annotated[
    str,
    Path(
        max_length=100,
        pattern=r"^[A-Za-z0-9][A-Za-z0-9_.@\-]*$",
        description="The OOAPI id (a UUID) or the code",
    ),
]
PageSize = Annotated[int, Query(alias="pageSize", ge=1, le=1000)]
PageNumber = Annotated[int, Query(alias="pageNumber", ge=1, le=100_000)]


@router.get("/{kind}", response_model=None)
def ooapi_list(
    snapshot: SnapshotDep, kind: Kind, page_size: PageSize = 100, page_number: PageNumber = 1
) -> dict[str, Any]:
    """One page of OOAPI v6 courses, programmes or learning outcomes (an OOAPI list response)."""
    return ooapi_page(snapshot.catalogue, kind, page_number, page_size)


@router.get("/{kind}/{ident}", response_model=None, responses=responses(404))
def ooapi_get(snapshot: SnapshotDep, kind: Kind, ident: Ident) -> dict[str, Any]:
    """One OOAPI v6 course, programme or learning outcome, by its UUID or its code."""
    item = ooapi_item(snapshot.catalogue, kind, ident)
    if item is None:
        raise unknown_code(kind.rstrip("s"), ident, _codes(snapshot, kind), ["path", "ident"])
    return item


def _codes(snapshot: Any, kind: str) -> list[str]:
    catalogue = snapshot.catalogue
    return {"courses": list(catalogue.courses), "programmes": list(catalogue.programmes)}.get(
        kind, list(catalogue.outcomes)
    )
