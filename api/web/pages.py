"""The web pages: the student page (``/``) and the director pages (``/directors``), and the API
docs from local assets (``/docs``, ``/redoc``).

The pages parse a form, call one engine (or service) function and present its answer; they
decide nothing. Every form works without JavaScript (a full page comes back); with htmx only
the result part is swapped in. A transcript is posted, never put in a URL.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode

from babel.dates import format_date
from fastapi import APIRouter, Depends, Form, Query, Request, Response
from fastapi.openapi.docs import (
    get_redoc_html,
    get_swagger_ui_html,
    get_swagger_ui_oauth2_redirect_html,
)
from fastapi.responses import HTMLResponse, RedirectResponse
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy import Engine
from sqlmodel import Session

from api import services
from api.deps import (
    LANGUAGES,
    EngineDep,
    RunnerDep,
    SettingsDep,
    SnapshotDep,
    Solver,
    SolverDep,
)
from api.errors import ApiError, SolveTimeout
from api.headers import policy_for_page
from api.jobs import ScanRunner
from api.schemas import JOB_ID, FlagshipRequest, MinorRequest
from api.web.form_errors import problems
from api.web.i18n import choose, translations
from articulation.answers.eligibility import TooManyEntries, UnknownCondition, UnreadableEntries
from articulation.answers.explain import illustrative_data
from articulation.answers.flagship import DEFAULT_LIST, MAX_BUDGET
from articulation.answers.grade import Grade
from articulation.answers.student import Advice, advise
from articulation.curriculum.catalogue import Catalogue, UnknownCode
from articulation.curriculum.model import MAX_LINE
from articulation.messages.catalogue import LANGUAGES as MESSAGE_LANGUAGES
from articulation.messages.message import Message, number, render, render_json
from articulation.messages.status import ADMISSIONS, STATUS, STATUSES, VALUES, mark
from articulation.outputs.heatmap import flagship_section
from articulation.outputs.report import ALTERNATIVES, FLAGSHIP_BACHELOR
from articulation.settings import Settings
from articulation.solving.planning.results import finished_at
from articulation.storage.clients import client_for_token
from articulation.storage.jobs import get_job, latest_finished_job, running_job
from articulation.storage.roles import role_of
from articulation.storage.snapshot import Snapshot
from articulation.support.suggest import nearest

HERE = Path(__file__).parent
STATIC = HERE / "static"
MAX_TRANSCRIPT_CHARS = 200_000

router = APIRouter(include_in_schema=False)

Lang = Annotated[str | None, Query(max_length=5)]
Text = Annotated[str, Form(max_length=MAX_LINE)]


def _translator(lang: str) -> Callable[..., Markup]:
    """``_(message, **variables)`` as the i18n extension's new-style gettext does it (the
    translation as markup, the variables escaped into it), with each message looked up once:
    a page calls it hundreds of times."""
    lookup = functools.lru_cache(maxsize=4096)(
        lambda message: Markup(translations(lang).gettext(message))
    )

    def translate(message: str, **variables: Any) -> Markup:
        return lookup(message) % variables

    return translate


@functools.cache
def environment(lang: str) -> Environment:
    env = Environment(
        loader=FileSystemLoader(HERE / "templates"),
        autoescape=select_autoescape(["html", "j2"]),
        undefined=StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_translations(translations(lang), newstyle=True)  # type: ignore[attr-defined]
    env.globals.update(
        _=_translator(lang),
        STATUS=STATUS,
        STATUSES=STATUSES,
        status_name=lambda value: (
            render(Message(STATUS[value].name_id), lang) if value in STATUS else value
        ),
        status_words=lambda value: (
            render(Message(STATUS[value].means_id), lang) if value in STATUS else value
        ),
        ec=lambda value: number(value, lang),
        say=lambda message: render_json(message, lang),
        finished=lambda at: render(finished_at(at["year"], at["period"]), lang),
        illustrative_data=lambda codes: render(illustrative_data(codes), lang),
        cell_mark=lambda cell: mark(
            cell["status"], cell.get("admission"), conditions=bool(cell.get("conditions"))
        ),
        legend=lambda kind: render(Message(f"legend.{kind}"), lang),
        condition_text=lambda c: c["text_nl"] if lang == "nl" and c.get("text_nl") else c["text"],
        ADMISSIONS=ADMISSIONS,
        grade_words=lambda data: render(grade_message(data), lang),
        grade_legend=lambda: render(Message("legend.grade"), lang),
        month=lambda iso: month_words(iso, lang),
    )
    return env


def month_words(iso: str, lang: str) -> str:
    """A month ``YYYY-MM`` in words of ``lang``: ``september 2027``, ``September 2027``.

    >>> month_words("2028-01", "nl"), month_words("2028-01", "en")
    ('januari 2028', 'January 2028')
    """
    day = dt.date.fromisoformat(f"{iso}-01")
    return format_date(day, "LLLL y", locale=MESSAGE_LANGUAGES.get(lang, "en_GB"))


def grade_message(data: dict[str, Any]) -> Message:
    """A provenance grade in its JSON form (a cell's or a result's ``provenance``) in words."""
    return Grade(data["requirements"], data["bachelor"], data["route"]).message()


def page(
    request: Request,
    template: str,
    lang: str,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
    **context: Any,
) -> HTMLResponse:
    """``template`` in ``lang``; only its ``result`` block for an htmx request."""
    env = environment(lang)
    tpl = env.get_template(template)
    # the same page in the other language; a director's question in the address stays (a
    # shared answer); nothing else a URL might carry is echoed (a transcript never is)
    kept: list[tuple[str, str]] = []
    if request.url.path.startswith("/directors/"):
        kept = [(k, v) for k, v in request.query_params.multi_items() if k != "lang"]
    switch = {
        other: f"{request.url.path}?{urlencode([*kept, ('lang', other)])}" for other in LANGUAGES
    }
    values = {"lang": lang, "switch": switch, "path": request.url.path, **context}
    # htmx asks for the whole page when it restores an address its history cache lacks
    partial = request.headers.get("hx-request") == "true"
    if request.headers.get("hx-history-restore-request") == "true":
        partial = False
    if partial and "result" in tpl.blocks:
        ctx = tpl.new_context(values)
        html = "".join(tpl.blocks["result"](ctx))
    else:
        html = tpl.render(values)
    return HTMLResponse(
        html, status_code=status_code, headers={"Vary": "Accept-Language", **(headers or {})}
    )


def _lang(request: Request, query: str | None, form: str | None = None) -> str:
    return choose(form or query, request.headers.get("accept-language"))


def _bachelors(snapshot) -> list[dict[str, Any]]:
    return [
        {"code": b.code, "name": b.name, "tracks": list(b.track_names)}
        for b in snapshot.catalogue.bachelors
    ]


# --- the student page ---------------------------------------------------------------------------


class StudentForm(BaseModel):
    """The student form as posted: each field bounded, each problem said in the page's language
    (:mod:`api.web.form_errors`)."""

    model_config = ConfigDict(extra="ignore")

    courses: str = Field("", max_length=MAX_TRANSCRIPT_CHARS)
    bachelor: str = Field("", max_length=MAX_LINE)
    track: str = Field("", max_length=MAX_LINE)
    studying: str = Field("", max_length=10)
    masters: list[Annotated[str, Field(max_length=MAX_LINE)]] = Field([], max_length=500)
    start: str = Field("", pattern=r"^(\d{4}-(0[1-9]|1[0-2]))?$", max_length=7)
    meets: list[Annotated[str, Field(max_length=MAX_LINE)]] = Field([], max_length=100)
    lang: str = Field("", max_length=5)


def next_september(today: dt.date | None = None) -> str:
    """The start month the form proposes: the coming September (``YYYY-MM``).

    >>> next_september(dt.date(2026, 12, 5)), next_september(dt.date(2027, 3, 1))
    ('2027-09', '2027-09')
    """
    today = today or dt.date.today()
    return f"{today.year + 1 if today.month >= 9 else today.year}-09"


def _masters(snapshot: Snapshot) -> list[dict[str, str]]:
    return [{"code": m.code, "name": m.name} for m in snapshot.catalogue.masters]


def _student(request: Request, snapshot: Snapshot, lang: str, **parts: Any) -> HTMLResponse:
    values: dict[str, Any] = {
        "form": {
            "courses": "",
            "bachelor": "",
            "track": "",
            "studying": False,
            "meets": [],
            "masters": [],
            "start": next_september(),
        },
        "answer": None,
        "errors": [],
        "busy": False,
        "status_code": 200,
        "headers": None,
        **parts,
    }
    status, headers = values.pop("status_code"), values.pop("headers")
    return page(
        request,
        "student.html.j2",
        lang,
        status_code=status,
        headers=headers,
        bachelors=_bachelors(snapshot),
        masters=_masters(snapshot),
        catalogue_courses=snapshot.catalogue.courses,
        **values,
    )


@router.get("/", response_class=HTMLResponse)
def student_page(request: Request, snapshot: SnapshotDep, lang: Lang = None) -> HTMLResponse:
    return _student(request, snapshot, _lang(request, lang))


@router.post("/", response_class=HTMLResponse)
async def student_check(request: Request, solver: SolverDep) -> HTMLResponse:
    """The student's routes into every master, the chosen ones first (the transcript stays in
    the posted body), computed on the engine's threads as ``POST /v1/eligibility`` is; the
    form's problems are said in the page's language."""
    snapshot, settings = solver.snapshot, solver.settings
    posted = await request.form()
    raw = {
        key: (posted.getlist(key) if key in ("masters", "meets") else posted.get(key, ""))
        for key in StudentForm.model_fields
        if key in posted
    }
    raw_lang = posted.get("lang")
    chosen = _lang(request, None, raw_lang if isinstance(raw_lang, str) else None)
    _ = _translator(chosen)
    try:
        data = StudentForm.model_validate(raw)
    except ValidationError as exc:
        shown = {k: v for k, v in raw.items() if isinstance(v, str | list)}
        form = {
            "courses": "",
            "bachelor": "",
            "track": "",
            "studying": False,
            "meets": [],
            "masters": [],
            "start": "",
            **shown,
        }
        form["studying"] = bool(form["studying"])
        return _student(
            request, snapshot, chosen, form=form, errors=problems(exc, _), status_code=422
        )
    ticked = sorted({m for m in data.meets if m})
    targets = [m for m in dict.fromkeys(data.masters) if m]
    form = {
        "courses": data.courses,
        "bachelor": data.bachelor,
        "track": data.track,
        "studying": bool(data.studying),
        "meets": ticked,
        "masters": targets,
        "start": data.start,
    }
    answer, errors, status, busy = None, [], 200, None
    lines = [line for line in data.courses.splitlines() if line.strip()]
    if not lines and not data.bachelor:
        errors, status = [_("Paste at least one course, or choose your bachelor.")], 422
    else:
        limit = solver.time_limit(None, ["body", "time_limit"])

        def check(catalogue: Catalogue) -> Advice:
            return advise(
                catalogue,
                data.courses,
                bachelor=data.bachelor or None,
                track=data.track or None,
                studying=bool(data.studying),
                lang=chosen,
                max_entries=settings.max_transcript_entries,
                meets=ticked,
                prefer=targets,
                start=data.start or None,
            )

        try:
            answer = await solver.run(limit, check)
        except UnknownCode as exc:
            kinds = {"bachelor": _("bachelor"), "master": _("master"), "track": _("track")}
            kind = kinds.get(exc.kind, exc.kind)
            errors = [_("We do not know the %(kind)s “%(code)s”.", kind=kind, code=exc.code)]
            status = 422
        except UnknownCondition as exc:
            errors = [_("We do not know the condition “%(code)s”.", code=exc.condition)]
            status = 422
        except UnreadableEntries as exc:
            errors = [
                _(
                    "Line %(n)s (“%(text)s”): the grade %(value)s is not between 1 and 10.",
                    n=index + 1,
                    text=text,
                    value=value,
                )
                if kind == "grade"
                else _(
                    "Line %(n)s (“%(text)s”): the result “%(value)s” is not a grade, nor V, "
                    "voldaan, VR, vrijstelling, NV, niet voldaan or bezig.",
                    n=index + 1,
                    text=text,
                    value=value,
                )
                for (index, text, _problem), (kind, value) in zip(
                    exc.problems, exc.values, strict=True
                )
            ]
            status = 422
        except TooManyEntries as exc:
            errors = [
                _(
                    "Your transcript has %(n)s lines; we read at most %(max)s.",
                    n=exc.count,
                    max=exc.limit,
                )
            ]
            status = 422
        except ApiError as exc:
            busy = _busy(exc)
            status = exc.status
    return _student(
        request,
        snapshot,
        chosen,
        status_code=status,
        headers=busy,
        form=form,
        answer=answer,
        errors=errors,
        busy=busy is not None,
    )


def _busy(exc: ApiError) -> dict[str, str]:
    """The headers of a page answered 503 because the engine's queue is full (its
    ``Retry-After``); any other error is answered as the API answers it."""
    if exc.status != 503:
        raise exc
    return exc.headers or {}


# --- the director pages -------------------------------------------------------------------------


@dataclass(frozen=True)
class Directors:
    """What every director page reads: the request, the catalogue snapshot, the settings and the
    database (for the matrix of the last scan)."""

    request: Request
    snapshot: Snapshot
    settings: Settings
    engine: Engine
    solver: Solver
    runner: ScanRunner

    def director(self) -> dict[str, Any] | None:
        """The signed-in director (a client whose role may start scans, by the token the
        sign-in form kept in a cookie), or None."""
        token = self.request.cookies.get(TOKEN_COOKIE)
        if not token or len(token) > MAX_LINE:
            return None
        with Session(self.engine) as session:
            client = client_for_token(session, token)
        if client is None or not role_of(client.role).may_scan:
            return None
        return {"id": client.id, "name": client.name, "role": client.role}

    def page(
        self,
        lang: str,
        status: int | None = None,
        headers: dict[str, str] | None = None,
        **parts: Any,
    ) -> HTMLResponse:
        catalogue = self.snapshot.catalogue
        context = {
            "bachelors": _bachelors(self.snapshot),
            "masters": [{"code": m.code, "name": m.name} for m in catalogue.masters],
            "pair": None,
            "row": None,
            "column": None,
            "minor": None,
            "flagship": None,
            "matrix": None,
            "error": None,
            "timed_out": False,
            "section": None,
            "query": {},
            "busy": False,
            "sign_in_error": None,
            "scan_error": None,
            "role": None,
            **parts,
        }
        if context["section"] is None or context["section"] == "matrix":
            context["matrix"] = _matrix(self.snapshot, self.engine)
            context.setdefault("director", self.director())
            context["running"] = _running(self.snapshot, self.engine)
            context.setdefault("scan_note", None)
        if status is None:
            status = 422 if context["error"] else 200
        return page(
            self.request, "directors.html.j2", lang, status_code=status, headers=headers, **context
        )

    async def answer(
        self,
        lang: str,
        section: str,
        query: dict[str, Any],
        compute: Callable[[Catalogue, float], Any],
    ) -> HTMLResponse:
        """The page with ``section`` answered by ``compute(catalogue, time_limit)`` on the
        engine's threads: its answer, the error in the form, what was proven when the time
        limit passed, or 503 when the engine's queue is full."""
        parts: dict[str, Any] = {"section": section, "query": query}
        where = "body" if self.request.method == "POST" else "query"
        busy = None
        try:
            limit = self.solver.time_limit(None, [where, "time_limit"])
            parts[section] = await self.solver.run(limit, compute, limit)
        except ValidationError as exc:
            first = exc.errors()[0]
            parts["error"] = f"{'.'.join(str(p) for p in first['loc'])}: {first['msg']}"
        except SolveTimeout as exc:
            parts[section], parts["timed_out"] = exc.partial, True
        except ApiError as exc:
            if exc.status < 499:  # the form's input: 422 (or 404)
                parts["error"] = exc.items[0][1]
            else:
                busy = _busy(exc)
        if busy is None:
            return self.page(lang, **parts)
        return self.page(lang, busy=True, status=503, headers=busy, **parts)


def directors(
    request: Request,
    snapshot: SnapshotDep,
    settings: SettingsDep,
    engine: EngineDep,
    solver: SolverDep,
    runner: RunnerDep,
) -> Directors:
    return Directors(request, snapshot, settings, engine, solver, runner)


DirectorsDep = Annotated[Directors, Depends(directors)]


def _matrix(snapshot, engine) -> dict[str, Any] | None:
    """The cells of the last finished scan of the current catalogue version, as a grid."""
    with Session(engine) as session:
        job = latest_finished_job(session, snapshot.version)
    if job is None:
        return None
    cells = job.cells or []
    bachelors = sorted({c["bachelor"] for c in cells})
    masters = sorted({c["master"] for c in cells})
    grid = {(c["bachelor"], c["master"]): c for c in cells}
    counts = {v: sum(1 for c in cells if c["status"] == v) for v in VALUES}
    graduates = [c.get("graduate") or c for c in cells]
    graduate_counts = {v: sum(1 for c in graduates if c["status"] == v) for v in VALUES}
    names = {m.code: m.name for m in snapshot.catalogue.masters}
    names.update({b.code: b.name for b in snapshot.catalogue.bachelors})
    return {
        "job": job.id,
        "names": names,
        "finished": job.finished_at,
        "report": f"/v1/scans/{job.id}/report.html" if job.status == "done" else None,
        "bachelors": bachelors,
        "masters": masters,
        "grid": grid,
        "counts": counts,
        "graduate_counts": graduate_counts,
    }


def _running(snapshot, engine) -> dict[str, Any] | None:
    """The scan of the current catalogue version under way, if any: its id and progress."""
    with Session(engine) as session:
        job = running_job(session, snapshot.version)
    if job is None:
        return None
    return {"job": job.id, "status": job.status, "done": job.done, "total": job.total}


@router.get("/directors", response_class=HTMLResponse)
def directors_page(
    desk: DirectorsDep,
    lang: Lang = None,
    job: Annotated[str | None, Query(max_length=64, pattern=JOB_ID)] = None,
) -> HTMLResponse:
    """The director page: the lookups and the matrix of the last scan (``job``: the scan a
    signed-in director just started, whose state the page says)."""
    note = None
    if job is not None:
        with Session(desk.engine) as session:
            found = get_job(session, job)
        if found is not None:
            note = {"job": found.id, "status": found.status}
    return desk.page(_lang(desk.request, lang), scan_note=note)


# --- signing in to start scans ------------------------------------------------------------------

#: The cookie that keeps a signed-in director's token: only for the director pages, never read
#: by scripts, never sent along from another site.
TOKEN_COOKIE = "articulation_director"
Token = Annotated[str, Form(max_length=MAX_LINE)]


def _back(lang: str, **query: str) -> RedirectResponse:
    """To the director page (after a form that changed something: a reload asks nothing
    again)."""
    return RedirectResponse(f"/directors?{urlencode({'lang': lang, **query})}", status_code=303)


@router.post("/directors/sign-in", response_class=HTMLResponse)
def directors_sign_in(
    desk: DirectorsDep, token: Token, lang: Annotated[str, Form(max_length=5)] = ""
) -> Response:
    """Sign in with a client's token (``articulation db add-client NAME --role scanner``):
    the page then offers to start a new scan."""
    said = _lang(desk.request, None, lang)
    with Session(desk.engine) as session:
        client = client_for_token(session, token.strip())
    if client is None:
        return desk.page(said, status=401, sign_in_error="unknown", director=None)
    if not role_of(client.role).may_scan:
        return desk.page(said, status=403, sign_in_error="role", role=client.role, director=None)
    answer = _back(said)
    answer.set_cookie(
        TOKEN_COOKIE,
        token.strip(),
        httponly=True,
        samesite="strict",
        secure=desk.request.url.scheme == "https",
        path="/directors",
    )
    return answer


@router.post("/directors/sign-out", response_class=HTMLResponse)
def directors_sign_out(
    desk: DirectorsDep, lang: Annotated[str, Form(max_length=5)] = ""
) -> Response:
    answer = _back(_lang(desk.request, None, lang))
    answer.delete_cookie(TOKEN_COOKIE, path="/directors")
    return answer


@router.post("/directors/scan", response_class=HTMLResponse)
def directors_scan(desk: DirectorsDep, lang: Annotated[str, Form(max_length=5)] = "") -> Response:
    """A signed-in director starts a scan of every pair of the current catalogue (as ``POST
    /v1/scans`` without a body: the same scan of the same catalogue version is not computed
    twice)."""
    said = _lang(desk.request, None, lang)
    director = desk.director()
    if director is None:
        return desk.page(said, status=401, sign_in_error="signed_out", director=None)
    catalogue, settings = desk.snapshot.catalogue, desk.settings
    try:
        job, _new = desk.runner.queue(
            catalogue,
            desk.snapshot.version,
            [b.code for b in catalogue.bachelors],
            [m.code for m in catalogue.masters],
            settings.solve_limit,
            client_id=int(director["id"]),
            per_client=settings.scan_queue_per_client,
            total=settings.scan_queue_total,
        )
    except ApiError as exc:  # a full queue
        return desk.page(
            said, status=exc.status, headers=exc.headers, scan_error="busy", director=director
        )
    return _back(said, job=job.id)


Code = Annotated[str, Query(max_length=MAX_LINE)]


@router.get("/directors/pair", response_class=HTMLResponse)
async def directors_pair(
    desk: DirectorsDep, bachelor: Code, master: Code, track: Code = "", lang: Lang = None
) -> HTMLResponse:
    """One pair: its explanation, alternatives and plan (as ``GET /v1/paths/{b}/{m}``)."""
    k = min(ALTERNATIVES, desk.settings.max_alternatives)
    return await desk.answer(
        _lang(desk.request, lang),
        "pair",
        {"bachelor": bachelor, "master": master, "track": track},
        lambda catalogue, limit: services.transfer_path(
            catalogue, bachelor, master, k, limit, track or None, _lang(desk.request, lang)
        ),
    )


@router.get("/directors/row", response_class=HTMLResponse)
async def directors_row(
    desk: DirectorsDep, bachelor: Code, track: Code = "", lang: Lang = None
) -> HTMLResponse:
    """A bachelor's row: every master, best first (as ``GET /v1/paths/{b}``)."""
    return await desk.answer(
        _lang(desk.request, lang),
        "row",
        {"bachelor": bachelor, "track": track},
        lambda catalogue, limit: services.transfer_row(catalogue, bachelor, limit, track or None),
    )


@router.get("/directors/column", response_class=HTMLResponse)
async def directors_column(
    desk: DirectorsDep, master: Code, sort: Code = "status", lang: Lang = None
) -> HTMLResponse:
    """A master's column: every bachelor, by status or by name (as ``GET /v1/paths?master=``)."""
    said = _lang(desk.request, lang)
    order = "name" if sort == "name" else "status"
    return await desk.answer(
        said,
        "column",
        {"master": master, "sort": order},
        lambda catalogue, limit: services.transfer_column(catalogue, master, limit, said, order),
    )


@router.get("/directors/minor", response_class=HTMLResponse)
async def directors_minor(
    desk: DirectorsDep,
    bachelor: Code,
    track: Code = "",
    masters: Annotated[list[str] | None, Query(max_length=500)] = None,
    budget: Annotated[str, Query(max_length=10)] = "30",
    lang: Lang = None,
) -> HTMLResponse:
    """The minor designer (as ``POST /v1/minors/design``), its question in the URL to share."""
    return await _minor(desk, bachelor, track, masters, budget, _lang(desk.request, lang))


@router.post("/directors/minor", response_class=HTMLResponse)
async def directors_minor_form(
    desk: DirectorsDep,
    bachelor: Text,
    track: Text = "",
    masters: Annotated[list[str] | None, Form(max_length=500)] = None,
    budget: Annotated[str, Form(max_length=10)] = "30",
    lang: Annotated[str, Form(max_length=5)] = "",
) -> HTMLResponse:
    """The minor designer from a posted form (as the page posted it before its question went
    into the URL)."""
    return await _minor(desk, bachelor, track, masters, budget, _lang(desk.request, None, lang))


async def _minor(
    desk: Directors,
    bachelor: str,
    track: str,
    masters: list[str] | None,
    budget: str,
    lang: str,
) -> HTMLResponse:
    chosen = [m for m in masters or [] if m]

    def design(catalogue: Catalogue, limit: float) -> Any:
        body = MinorRequest(
            bachelor=bachelor,
            track=track or None,
            masters=chosen or None,
            budget=budget.replace(",", "."),
        )
        return services.minor_design(catalogue, body, limit)

    query = {"bachelor": bachelor, "track": track, "masters": chosen, "budget": budget}
    return await desk.answer(lang, "minor", query, design)


class FlagshipForm(ValueError):
    """A flagship question the form cannot take, said in the page's language."""

    def __init__(self, field: str, message: Markup):
        super().__init__(message)
        self.field, self.text = field, message.unescape()  # escaped once, by the page


def flagship_request(
    catalogue: Catalogue,
    bachelor: str,
    masters: list[str],
    budget: str,
    window: str,
    _: Callable[..., Markup],
) -> FlagshipRequest:
    """The form's question as the API takes it (``POST /v1/flagship``), each bad value named in
    the page's language: an unknown code (with the nearest one), a budget that is no number or
    is out of range, a window other than the two."""

    def unknown_code(kind: str, code: str, known: list[str]) -> FlagshipForm:
        hint = nearest(code, known)
        message = _("Unknown %(kind)s code “%(code)s”.", kind=kind, code=code)
        if hint:
            message += " " + _("Did you mean %(code)s?", code=hint)
        return FlagshipForm(kind, message)

    known_bachelors = [b.code for b in catalogue.bachelors]
    if bachelor not in known_bachelors:
        raise unknown_code(_("bachelor"), bachelor, known_bachelors)
    known_masters = [m.code for m in catalogue.masters]
    for code in masters:
        if code not in known_masters:
            raise unknown_code(_("master"), code, known_masters)
    space = None
    if budget.strip():
        try:
            space = float(budget.strip().replace(",", "."))
        except ValueError:
            raise FlagshipForm(
                "budget", _("The budget “%(value)s” is not a number of EC.", value=budget)
            ) from None
        if not 0 < space <= MAX_BUDGET:  # also NaN
            raise FlagshipForm(
                "budget",
                _(
                    "The budget of %(value)s EC is out of range: allowed above 0 up to %(max)s EC.",
                    value=budget,
                    max=f"{MAX_BUDGET:g}",
                ),
            )
    if window not in ("minor", "final"):
        raise FlagshipForm(
            "window", _("The window “%(value)s” is neither of the two offered.", value=window)
        )
    return FlagshipRequest(
        bachelor=bachelor, masters=masters or None, budget=space, window=window == "minor"
    )


@router.get("/directors/flagship", response_class=HTMLResponse)
async def directors_flagship(
    desk: DirectorsDep,
    bachelor: Code = FLAGSHIP_BACHELOR,
    masters: Annotated[list[str] | None, Query(max_length=500)] = None,
    budget: Annotated[str, Query(max_length=10)] = "",
    window: Annotated[str, Query(max_length=10)] = "minor",
    lang: Lang = None,
) -> HTMLResponse:
    """The flagship question (as ``POST /v1/flagship``), its question in the URL to share: per
    master seamless or not, the packages to offer, the curve and what stands in the way."""
    language = _lang(desk.request, lang)
    _ = _translator(language)
    chosen = [m for m in masters or [] if m]
    query = {"bachelor": bachelor, "masters": chosen, "budget": budget, "window": window}
    default_list = desk.settings.curricula_dir / DEFAULT_LIST

    def answer(catalogue: Catalogue, limit: float) -> dict[str, Any]:
        try:
            body = flagship_request(catalogue, bachelor, chosen, budget, window, _)
        except FlagshipForm as exc:
            raise ApiError(422, ["query", exc.field], exc.text, "value_error") from None
        data = services.flagship(catalogue, body, language, default_list)
        name = catalogue.programmes[data["bachelor"]].name
        share = urlencode({**query, "lang": language}, doseq=True)
        return {
            "data": data,
            "html": flagship_section(data, name, language, h=3),
            "share": f"/directors/flagship?{share}",
        }

    return await desk.answer(language, "flagship", query, answer)


# --- the API docs, from local assets ------------------------------------------------------------


FAVICON = "/static/favicon.svg"


def _docs(request: Request) -> dict[str, Any]:
    """What both API docs pages show: the app's OpenAPI document, under its title."""
    return {"openapi_url": request.app.openapi_url, "title": f"{request.app.title} – API"}


def _own_policy(page: HTMLResponse, *, styles_made_by_script: bool = False) -> HTMLResponse:
    """A docs page with the Content-Security-Policy that allows its own inline script and
    style (fixed text, no data in them) by their hashes."""
    html = bytes(page.body).decode("utf-8")
    page.headers["Content-Security-Policy"] = policy_for_page(
        html, styles_made_by_script=styles_made_by_script
    )
    return page


@router.get("/docs", response_class=HTMLResponse)
def swagger_ui(request: Request) -> HTMLResponse:
    return _own_policy(
        get_swagger_ui_html(
            **_docs(request),
            swagger_js_url="/static/vendor/swagger-ui/swagger-ui-bundle.js",
            swagger_css_url="/static/vendor/swagger-ui/swagger-ui.css",
            swagger_favicon_url=FAVICON,
            oauth2_redirect_url="/docs/oauth2-redirect",
        )
    )


@router.get("/docs/oauth2-redirect", response_class=HTMLResponse)
def swagger_ui_redirect() -> HTMLResponse:
    return _own_policy(get_swagger_ui_oauth2_redirect_html())


@router.get("/redoc", response_class=HTMLResponse)
def redoc(request: Request) -> HTMLResponse:
    """Redoc, whose script makes its styles as it runs (so it may apply inline styles)."""
    page = get_redoc_html(
        **_docs(request),
        redoc_js_url="/static/vendor/redoc/redoc.standalone.js",
        redoc_favicon_url=FAVICON,
        with_google_fonts=False,
    )
    return _own_policy(page, styles_made_by_script=True)


@router.get("/favicon.ico")
def favicon() -> RedirectResponse:
    """The icon browsers ask for on any page, the report's too."""
    return RedirectResponse(FAVICON, status_code=308)
