"""Error bodies and handlers: every 4xx names the field (``loc``) and the reason (``msg``).

All errors have the shape of FastAPI's validation errors::

    {"detail": [{"loc": ["path", "code"], "msg": "unknown course 'UT-X'", "type": "not_found"}]}
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Sequence
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from sqlalchemy.exc import (
    DataError,
    DBAPIError,
    DisconnectionError,
    IntegrityError,
    InterfaceError,
    OperationalError,
)
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import compile_path
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from articulation.support.deadline import DeadlineExceeded

log = logging.getLogger("articulation.api")

Loc = list[str | int]


class ErrorItem(BaseModel):
    loc: Loc = Field(
        description="Where the problem is: body, path, query or header, then the field"
    )
    msg: str = Field(description="What is wrong")
    type: str = Field(description="A machine-readable kind of problem")


class ErrorBody(BaseModel):
    detail: list[ErrorItem]


class TimedOut(BaseModel):
    """One solve that the time limit stopped before it was proven."""

    bachelor: str | None = None
    master: str | None = None
    best_ects: float | None = Field(
        default=None, description="EC of the best programme found, if any"
    )
    bound_ects: float | None = Field(
        default=None, description="Proven lower bound on the EC any programme needs"
    )
    bound_opened: int | None = Field(
        default=None, description="Minor design: proven upper bound on the masters opened"
    )


class TimeLimitBody(ErrorBody):
    """503: a solve reached its time limit (or the database is unavailable)."""

    time_limit: float | None = None
    timed_out: list[TimedOut] = Field(default_factory=list)
    partial: dict[str, Any] | None = Field(
        default=None, description="The answer as far as it is known (not proven optimal)"
    )


class ApiError(Exception):
    """An error answer: status, the field it is about, the reason."""

    def __init__(
        self,
        status: int,
        loc: Sequence[str | int],
        msg: str,
        kind: str,
        headers: dict[str, str] | None = None,
    ):
        super().__init__(msg)
        self.status, self.items, self.headers = status, [(list(loc), msg, kind)], headers

    @classmethod
    def many(cls, status: int, items: Sequence[tuple[Sequence[str | int], str, str]]) -> ApiError:
        error = cls(status, items[0][0], items[0][1], items[0][2])
        error.items = [(list(loc), msg, kind) for loc, msg, kind in items]
        return error

    def body(self) -> dict[str, Any]:
        return {"detail": [{"loc": loc, "msg": msg, "type": kind} for loc, msg, kind in self.items]}


class SolveTimeout(Exception):
    """A solve hit its time limit before proving its answer: 503 with the best bound known."""

    def __init__(
        self,
        loc: Sequence[str | int],
        time_limit: float,
        timed_out: list[TimedOut],
        partial: dict[str, Any] | None,
    ):
        super().__init__("time limit")
        self.loc, self.time_limit, self.timed_out, self.partial = (
            list(loc),
            time_limit,
            timed_out,
            partial,
        )

    def body(self) -> dict[str, Any]:
        n = len(self.timed_out)
        msg = (
            f"{n} solve(s) reached the time limit of {self.time_limit:g} s before an answer "
            "was proven; retry with a larger time_limit"
        )
        return TimeLimitBody(
            detail=[ErrorItem(loc=self.loc, msg=msg, type="time_limit")],
            time_limit=self.time_limit,
            timed_out=self.timed_out,
            partial=self.partial,
        ).model_dump(mode="json")


def _error(
    status: int, body: dict[str, Any], headers: dict[str, str] | None = None
) -> JSONResponse:
    return JSONResponse(status_code=status, content=body, headers=headers)


OOAPI_PREFIX = "/ooapi/v6"  # the routes whose errors are problem+json, as the OOAPI spec's


class Problem(BaseModel):
    """An RFC 9457 problem (``application/problem+json``), as the OOAPI v6 routes answer
    errors; ``errors`` (an extension member) names each field as the other routes do."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str
    instance: str | None = None
    errors: list[ErrorItem] = Field(default_factory=list)


def _problem(
    request: Request, status: int, body: dict[str, Any], headers: dict[str, str] | None = None
) -> JSONResponse:
    """``body`` (the common shape) as an RFC 9457 problem on the OOAPI routes; unchanged
    elsewhere."""
    if not request.url.path.startswith(OOAPI_PREFIX):
        return _error(status, body, headers)
    items = body.get("detail") or []
    problem = Problem(
        title=HTTPStatus(status).phrase,
        status=status,
        detail="; ".join(str(item.get("msg", "")) for item in items) or HTTPStatus(status).phrase,
        instance=request.url.path,
        errors=items,
    )
    return JSONResponse(
        status_code=status,
        content=problem.model_dump(mode="json", exclude_none=True),
        headers=headers,
        media_type="application/problem+json",
    )


_STATUS_TEXT = {
    404: ("path", "no such endpoint", "not_found"),
    405: ("method", "method not allowed for this endpoint", "method_not_allowed"),
}


def install(app: FastAPI) -> None:
    """Register the handlers that give every error the common shape."""

    @app.exception_handler(ApiError)
    async def _api_error(request: Request, exc: ApiError) -> JSONResponse:
        return _problem(request, exc.status, exc.body(), exc.headers)

    @app.exception_handler(SolveTimeout)
    async def _timeout(_request: Request, exc: SolveTimeout) -> JSONResponse:
        return _error(503, exc.body(), {"Retry-After": "1"})

    @app.exception_handler(DeadlineExceeded)
    async def _deadline(_request: Request, exc: DeadlineExceeded) -> JSONResponse:
        body = {
            "detail": [
                {
                    "loc": ["time_limit"],
                    "msg": f"not answered in time: {exc}; retry with a larger time_limit or "
                    "less work",
                    "type": "time_limit",
                }
            ]
        }
        return _error(503, body, {"Retry-After": "1"})

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        items = []
        for error in exc.errors():
            loc = [part if isinstance(part, int) else str(part) for part in error.get("loc", ())]
            items.append(
                {
                    "loc": loc,
                    "msg": str(error.get("msg", "invalid")),
                    "type": error.get("type", "value_error"),
                }
            )
        if request.url.path.startswith(OOAPI_PREFIX):  # OOAPI answers a bad request 400
            return _problem(request, 400, {"detail": items})
        return _error(422, {"detail": items})

    @app.exception_handler(OperationalError)
    @app.exception_handler(InterfaceError)
    @app.exception_handler(PoolTimeout)  # every pooled connection busy for pool_timeout
    @app.exception_handler(DisconnectionError)
    async def _database_down(_request: Request, exc: Exception) -> JSONResponse:
        log.error("database error: %s", exc)
        return database_unavailable()

    @app.exception_handler(DataError)
    async def _data_error(_request: Request, exc: DataError) -> JSONResponse:
        # a value the database cannot hold that validation let through: the client's input
        log.warning("database refused a value: %s", exc)
        reason = str(getattr(exc, "orig", exc)).strip().splitlines()[0][:200]
        body = {
            "detail": [{"loc": ["request"], "msg": f"invalid value: {reason}", "type": "invalid"}]
        }
        return _error(422, body)

    @app.exception_handler(DBAPIError)
    async def _database_error(_request: Request, exc: DBAPIError) -> JSONResponse:
        # any other error of the database's: its connection lost (503), else unexpected
        if exc.connection_invalidated:
            log.error("database connection lost: %s", exc)
            return database_unavailable()
        log.exception("unexpected database error", exc_info=exc)
        body = {"detail": [{"loc": [], "msg": "internal error", "type": "internal"}]}
        return _error(500, body)

    @app.exception_handler(IntegrityError)
    async def _conflict(_request: Request, exc: IntegrityError) -> JSONResponse:
        log.warning("database conflict: %s", exc)
        body = {
            "detail": [
                {
                    "loc": ["request"],
                    "msg": "conflicts with a concurrent change; retry",
                    "type": "conflict",
                }
            ]
        }
        return _error(409, body)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        if exc.status_code == 400 and exc.__cause__ is not None:  # a body that cannot be read
            reason = f"the body is not valid JSON: {type(exc.__cause__).__name__}"
            return _error(
                422, {"detail": [{"loc": ["body"], "msg": reason, "type": "json_invalid"}]}
            )
        where, msg, kind = _STATUS_TEXT.get(
            exc.status_code, ("request", str(exc.detail), "http_error")
        )
        headers = dict(getattr(exc, "headers", None) or {})
        if exc.status_code == 405:
            headers["Allow"] = ", ".join(allowed_methods(request))
            msg = f"{msg}; allowed: {headers['Allow']}"
        body = {"detail": [{"loc": [where], "msg": msg, "type": kind}]}
        return _problem(request, exc.status_code, body, headers or None)


def database_unavailable() -> JSONResponse:
    """503 with ``Retry-After``: the database did not answer in time, or is unreachable."""
    body = {"detail": [{"loc": ["database"], "msg": "database unavailable", "type": "unavailable"}]}
    return _error(503, body, {"Retry-After": str(DATABASE_RETRY_AFTER)})


#: Seconds a client is asked to wait after the database was unavailable.
DATABASE_RETRY_AFTER = 5


def allowed_methods(request: Request) -> list[str]:
    """Every method the API documents for the request's path (for ``Allow`` on a 405)."""
    methods: set[str] = set()
    for template, operations in request.app.openapi().get("paths", {}).items():
        regex, _, _ = compile_path(template)
        if regex.match(request.scope["path"]):
            methods |= {method.upper() for method in operations}
    if "GET" in methods:
        methods.add("HEAD")
    return sorted(methods)


class ServerErrors:
    """The outermost guard: an unexpected exception becomes a 500 in the common shape instead
    of a dropped connection, and every 5xx says ``Connection: close`` (the server closes the
    connection after it, so the client's next request opens a fresh one)."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def closing_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                if message["status"] >= 500:
                    headers = [
                        (k, v) for k, v in message.get("headers", []) if k.lower() != b"connection"
                    ]
                    message = {**message, "headers": [*headers, (b"connection", b"close")]}
            await send(message)

        try:
            await self.app(scope, receive, closing_send)
        except Exception:
            log.exception("unexpected error on %s %s", scope.get("method"), scope.get("path"))
            if started:
                return  # the answer is under way: the server closes the connection after it
            body = {"detail": [{"loc": [], "msg": "internal error", "type": "internal"}]}
            await JSONResponse(status_code=500, content=body)(scope, receive, closing_send)


class BodyLimit:
    """Refuse request bodies over ``max_bytes`` with 413, whether or not they announce their
    length, before the application reads them."""

    def __init__(self, app: ASGIApp, max_bytes: int):
        self.app, self.max_bytes = app, max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = dict(scope.get("headers") or []).get(b"content-length")
        if length is not None:
            text = length.decode("latin-1").strip()
            if not text.isdigit():
                await self._reply(send, 400, "invalid Content-Length header", "header")
                return
            if int(text) > self.max_bytes:
                await self._reply(send, 413, self._too_large(), "body")
                return
        seen = 0
        exceeded = False
        started = False

        async def limited_receive() -> Message:
            nonlocal seen, exceeded
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    exceeded = True
                    raise _TooLarge
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if exceeded:
                return  # the 413 is sent instead
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        with contextlib.suppress(_TooLarge):
            await self.app(scope, limited_receive, guarded_send)
        if exceeded and not started:
            await self._reply(send, 413, self._too_large(), "body")

    def _too_large(self) -> str:
        return f"request body exceeds the limit of {self.max_bytes} bytes"

    @staticmethod
    async def _reply(send: Send, status: int, msg: str, where: str) -> None:
        kind = "body_too_large" if status == 413 else "invalid_header"
        loc = ["body"] if where == "body" else ["header", "Content-Length"]
        response = JSONResponse(
            status_code=status, content={"detail": [{"loc": loc, "msg": msg, "type": kind}]}
        )
        await response({"type": "http"}, _no_receive, send)


class _TooLarge(Exception):
    pass


async def _no_receive() -> Message:  # pragma: no cover - a JSONResponse never reads
    return {"type": "http.disconnect"}


def _problem_schema() -> dict[str, Any]:
    """``Problem``'s JSON Schema with its nested models referenced as OpenAPI components
    (``ErrorItem`` is one: every error body uses it), not as ``$defs``, which OpenAPI viewers
    cannot resolve."""
    schema = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
    schema.pop("$defs", None)
    return schema


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI documentation of the problem+json error answers of an OOAPI route."""
    return {
        status: {
            "description": HTTPStatus(status).phrase,
            "content": {"application/problem+json": {"schema": _problem_schema()}},
        }
        for status in statuses
    }


def responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI documentation of the error answers a route can give."""
    text = {
        400: "Malformed request",
        401: "Missing or unknown bearer token",
        403: "The client may not change this institution's catalogue",
        404: "Unknown code or id",
        409: "Conflict with the current state",
        412: "If-Match does not match the current ETag",
        413: "Request body too large",
        415: "The body is not of the media type the route takes",
        422: "Invalid input; each item names the field and the reason",
        410: "The scan's report files have expired",
        428: "If-Match is required",
        429: "Too many unfinished scan jobs; retry after Retry-After seconds",
        503: "The time limit passed before the answer was proven (one pair, a minor design), "
        "the engine is busy (retry after Retry-After seconds), or the database is unavailable",
    }
    documented: dict[int | str, dict[str, Any]] = {}
    for status in statuses:
        model = TimeLimitBody if status == 503 else ErrorBody
        documented[status] = {"model": model, "description": text[status]}
    return documented
