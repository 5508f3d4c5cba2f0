"""Dependencies of the routes: settings, database session, catalogue snapshot, API client."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Annotated, Any, Literal, TypeVar

from fastapi import Depends, Header, Query, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import Engine
from sqlmodel import Session

from api.errors import ApiError
from api.executor import EngineExecutor
from api.jobs import ScanRunner
from api.schemas import MAX_OFFSET
from articulation.settings import Settings
from articulation.storage.clients import client_for_token
from articulation.storage.roles import role_of, roles_that
from articulation.storage.snapshot import Snapshot, Snapshots
from articulation.storage.tables import ApiClient


def get_settings(request: Request) -> Settings:
    return request.app.state.settings


def get_engine(request: Request) -> Engine:
    return request.app.state.engine


def get_snapshots(request: Request) -> Snapshots:
    return request.app.state.snapshots


def get_snapshot(snapshots: Annotated[Snapshots, Depends(get_snapshots)]) -> Snapshot:
    return snapshots.get()


def get_session(engine: Annotated[Engine, Depends(get_engine)]) -> Iterator[Session]:
    with Session(engine) as session:
        yield session


def get_runner(request: Request) -> ScanRunner:
    return request.app.state.runner


def get_executor(request: Request) -> EngineExecutor:
    return request.app.state.executor


SettingsDep = Annotated[Settings, Depends(get_settings)]

# the query parameters of a listed page
PageLimit = Annotated[int, Query(ge=1, le=1000)]
PageOffset = Annotated[int, Query(ge=0, le=MAX_OFFSET)]

LANGUAGES = ("en", "nl")


def language(accept: str | None, default: str = "en") -> str:
    """The first of ``en``/``nl`` an ``Accept-Language`` header asks for, by its q-values.

    >>> language("de-DE, nl;q=0.8, en;q=0.5"), language(None), language("fr")
    ('nl', 'en', 'en')
    """
    best, best_q = default, -1.0
    for position, part in enumerate((accept or "").split(",")):
        tag, _, params = part.strip().partition(";")
        q = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        primary = tag.strip().lower().split("-")[0]
        if primary in LANGUAGES and q > 0 and q - position * 1e-6 > best_q:
            best, best_q = primary, q - position * 1e-6
    return best


def request_language(
    accept_language: Annotated[str | None, Header()] = None,
    lang: Annotated[
        Literal["en", "nl"] | None,
        Query(description="The language of the answer's texts (default: Accept-Language, else en)"),
    ] = None,
) -> str:
    """The language asked for: ``?lang=`` when given, else the ``Accept-Language`` header."""
    return lang or language(accept_language)


LangDep = Annotated[str, Depends(request_language)]


def at_most(value: float, limit: float, loc: list[str | int], name: str) -> None:
    """A request value within a limit of the server's Settings, else 422 naming the field."""
    if value > limit:
        raise ApiError(
            422, loc, f"{name} must be at most {limit:g} (got {value:g})", "less_than_equal"
        )


def solve_time(settings: Settings, requested: float | None, loc: list[str | int]) -> float:
    """The time limit of a request — one deadline for all its solves: as asked, at most the
    server's maximum; else the default."""
    if requested is None:
        return min(settings.time_limit, settings.max_time_limit)
    at_most(requested, settings.max_time_limit, loc, "time_limit")
    return requested


EngineDep = Annotated[Engine, Depends(get_engine)]
SnapshotsDep = Annotated[Snapshots, Depends(get_snapshots)]
SnapshotDep = Annotated[Snapshot, Depends(get_snapshot)]
SessionDep = Annotated[Session, Depends(get_session)]
RunnerDep = Annotated[ScanRunner, Depends(get_runner)]
ExecutorDep = Annotated[EngineExecutor, Depends(get_executor)]

T = TypeVar("T")


@dataclass(frozen=True)
class Solver:
    """What a route that solves needs: its request (to notice the client leave), the engine
    threads, the catalogue snapshot and the settings (its time limits)."""

    http: Request
    executor: EngineExecutor
    snapshot: Snapshot
    settings: Settings

    def time_limit(self, requested: float | None, loc: list[str | int]) -> float:
        return solve_time(self.settings, requested, loc)

    async def run(self, limit: float, work: Callable[..., T], *args: Any) -> T:
        """``work(catalogue, *args)`` on an engine thread, within one deadline of ``limit``
        seconds."""
        return await self.executor.run(self.http, limit, work, self.snapshot.catalogue, *args)


def get_solver(
    http: Request, executor: ExecutorDep, snapshot: SnapshotDep, settings: SettingsDep
) -> Solver:
    return Solver(http, executor, snapshot, settings)


SolverDep = Annotated[Solver, Depends(get_solver)]

bearer = HTTPBearer(auto_error=False, description="A token made with `articulation db add-client`")


def current_client(
    session: SessionDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> ApiClient:
    """The API client of the request's bearer token; 401 without a valid one."""
    challenge = {"WWW-Authenticate": "Bearer"}
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise ApiError(
            401,
            ["header", "Authorization"],
            "a bearer token is required",
            "unauthorized",
            challenge,
        )
    client = client_for_token(session, credentials.credentials)
    if client is None:
        raise ApiError(
            401, ["header", "Authorization"], "unknown bearer token", "unauthorized", challenge
        )
    return client


ClientDep = Annotated[ApiClient, Depends(current_client)]


def scanning_client(client: ClientDep) -> ApiClient:
    """A client whose role may start scans (:data:`articulation.storage.roles.ROLES`); 403
    otherwise."""
    if not role_of(client.role).may_scan:
        raise ApiError(
            403,
            ["header", "Authorization"],
            f"client {client.name!r} ({client.role}) may not start scans; "
            f"roles that may: {roles_that(lambda role: role.may_scan)}",
            "forbidden",
        )
    return client


ScannerDep = Annotated[ApiClient, Depends(scanning_client)]
