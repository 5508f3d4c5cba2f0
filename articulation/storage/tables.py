"""The database tables (SQLModel). The schema itself is created by the Alembic migrations.

The catalogue is stored relationally: outcomes; courses with their taught outcomes and their
prerequisite groups; programmes with their course lists, tracks and requirement items (a tree:
``any_of`` and ``at_least`` items are parents of their members); the academic calendars the
curricula give, one row per period (an institution without rows has the default calendar). Every
catalogue row carries ``version``, the catalogue version at which it was last written; that
number is the entity's ETag. ``catalogue_state`` holds the one catalogue version number, bumped
by every change.
Fields of a course or programme without a column of their own are kept in its ``attributes``
(JSON), so that nothing of the file format is lost on the way through the database.
"""

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    Column,
    Connection,
    DateTime,
    ForeignKey,
    String,
    Table,
    Text,
    TypeDecorator,
    insert,
)
from sqlmodel import Field, SQLModel

metadata = SQLModel.metadata


def _json(nullable: bool = True) -> Any:
    return Field(default=None, sa_column=Column(JSON, nullable=nullable))


class UTCDateTime(TypeDecorator[dt.datetime]):
    """A timestamp stored in UTC and read back time-zone aware, on SQLite too."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is not None and value.tzinfo is not None:
            value = value.astimezone(dt.UTC)
        return value

    def process_result_value(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)
        return value


def _timestamp(nullable: bool = False) -> Any:
    return Field(default=None, sa_column=Column(UTCDateTime(), nullable=nullable))


def _part_of(parent: str, **column: Any) -> Any:
    """The key of a row that is part of the row ``parent`` (``table.column``) names: it is
    deleted with it."""
    return Field(sa_column=Column(String, ForeignKey(parent, ondelete="CASCADE"), **column))


class CatalogueState(SQLModel, table=True):
    __tablename__ = "catalogue_state"

    id: int = Field(default=1, primary_key=True)
    version: int = 0
    updated_at: dt.datetime | None = _timestamp(nullable=True)


class OutcomeRow(SQLModel, table=True):
    __tablename__ = "outcome"

    id: str = Field(primary_key=True)
    title: str
    title_nl: str | None = None
    area: str = Field(index=True)
    parent: str | None = None
    version: int = 0


class ProvenanceColumns(SQLModel):
    """Where a course's or programme's data comes from (see ``Provenance`` in the model)."""

    has_provenance: bool = False
    provenance_source: str | None = None
    provenance_retrieved: dt.date | None = None
    provenance_status: str | None = None
    provenance_note: str | None = None
    provenance_as_of: str | None = None


class CourseRow(ProvenanceColumns, table=True):
    __tablename__ = "course"

    code: str = Field(primary_key=True)
    institution: str = Field(index=True)
    title: str
    ects: float
    periods: list[str] | None = _json()
    language: str | None = None
    area: str | None = None
    bridging: bool = False
    attributes: dict[str, Any] | None = _json()
    version: int = 0


class CourseTeaches(SQLModel, table=True):
    __tablename__ = "course_teaches"

    course_code: str = _part_of("course.code", primary_key=True)
    outcome_id: str = Field(
        sa_column=Column(String, ForeignKey("outcome.id"), primary_key=True, index=True)
    )
    level: int
    position: int


class PrerequisiteMember(SQLModel, table=True):
    """One alternative of one prerequisite group: a course code or ``outcome@level``."""

    __tablename__ = "prerequisite"

    course_code: str = _part_of("course.code", primary_key=True)
    group_index: int = Field(primary_key=True)
    member_index: int = Field(primary_key=True)
    member: str = Field(index=True)


class ProgrammeRow(ProvenanceColumns, table=True):
    __tablename__ = "programme"

    code: str = Field(primary_key=True)
    kind: str = Field(index=True)
    name: str
    institution: str = Field(index=True)
    ects: float
    electives: float | None = None
    elective_catalogue: list[str] | None = _json()
    premaster_max_ects: float | None = None
    premaster_catalogue: list[str] | None = _json()
    direct_admission: list[str] | None = _json()
    min_gpa: float | None = None
    language: str | None = None
    open_to: list[str] | None = _json()
    attributes: dict[str, Any] | None = _json()
    version: int = 0


class ProgrammeTrack(SQLModel, table=True):
    __tablename__ = "programme_track"

    programme_code: str = _part_of("programme.code", primary_key=True)
    position: int = Field(primary_key=True)
    name: str


class ProgrammeCourse(SQLModel, table=True):
    """A course in a programme's list: ``track`` is None for the programme's own ``courses``,
    else the position of the track."""

    __tablename__ = "programme_course"

    id: int | None = Field(default=None, primary_key=True)
    programme_code: str = _part_of("programme.code", nullable=False, index=True)
    track: int | None = None
    position: int
    course_code: str = Field(
        sa_column=Column(String, ForeignKey("course.code"), nullable=False, index=True)
    )


class RequirementRow(SQLModel, table=True):
    """A requirement item of a master (``role`` requires) or a minor (``role`` entry)."""

    __tablename__ = "requirement"

    id: int | None = Field(default=None, primary_key=True)
    programme_code: str = _part_of("programme.code", nullable=False, index=True)
    role: str
    parent_id: int | None = Field(
        default=None,
        sa_column=Column(ForeignKey("requirement.id", ondelete="CASCADE"), nullable=True),
    )
    position: int
    kind: str
    outcome: str | None = None
    level: int | None = None
    area: str | None = None
    min_ects: float | None = None
    at_least: int | None = None  # how many of its children an ``at_least`` item needs


class CalendarPeriod(SQLModel, table=True):
    """One period of an institution's academic calendar, in the order of its year
    (``position``); ``end_week`` is None where the period ends at ``start_week + weeks``.
    ``pass_mark`` is the institution's lowest passing grade, the same on each of its periods
    (None: the Dutch pass mark)."""

    __tablename__ = "calendar_period"

    institution: str = Field(primary_key=True)
    position: int = Field(primary_key=True)
    name: str
    start_week: int
    weeks: int
    end_week: int | None = None
    pass_mark: float | None = None
    version: int = 0


class ApiClient(SQLModel, table=True):
    """A client of the write API; only the SHA-256 of its bearer token is stored."""

    __tablename__ = "api_client"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True)
    role: str
    institution: str
    token_hash: str = Field(unique=True)
    created_at: dt.datetime = _timestamp()


class AuditEntry(SQLModel, table=True):
    """One change of the catalogue: who, when, what, and the entity before and after."""

    __tablename__ = "audit"

    id: int | None = Field(default=None, primary_key=True)
    at: dt.datetime = _timestamp()
    actor: str
    client_id: int | None = Field(
        default=None, sa_column=Column(ForeignKey("api_client.id"), nullable=True)
    )
    action: str
    entity: str
    code: str = Field(index=True)
    catalogue_version: int
    before: dict[str, Any] | None = _json()
    after: dict[str, Any] | None = _json()


class ScanJob(SQLModel, table=True):
    """A scan job: ``queued`` → ``running`` → ``done`` (→ ``expired`` when its report files
    are deleted) or ``failed``. ``heartbeat_at`` is refreshed by the server process that runs
    or queues it; a job whose heartbeat stopped is failed by any server's sweeper."""

    __tablename__ = "scan_job"

    id: str = Field(primary_key=True)
    status: str = Field(index=True)
    created_at: dt.datetime = _timestamp()
    started_at: dt.datetime | None = _timestamp(nullable=True)
    finished_at: dt.datetime | None = _timestamp(nullable=True)
    catalogue_version: int
    parameters: dict[str, Any] | None = _json()
    total: int = 0
    done: int = 0
    counts: dict[str, int] | None = _json()
    error: str | None = None
    client_id: int | None = Field(
        default=None, sa_column=Column(ForeignKey("api_client.id"), nullable=True, index=True)
    )
    request_key: str | None = Field(default=None, index=True)
    heartbeat_at: dt.datetime | None = _timestamp(nullable=True)
    expired_at: dt.datetime | None = _timestamp(nullable=True)
    cells: list[dict[str, Any]] | None = _json()
    server: str | None = None  # the process that runs it: "host:pid"
    retried: int = Field(default=0, sa_column_kwargs={"server_default": "0"})


class ScanFile(SQLModel, table=True):
    """One file of a finished scan's report (HTML pages, CSV, JSON, Markdown)."""

    __tablename__ = "scan_file"

    job_id: str = _part_of("scan_job.id", primary_key=True)
    path: str = Field(primary_key=True)
    media_type: str
    content: str = Field(sa_column=Column(Text, nullable=False))


# --- writing rows --------------------------------------------------------------------------------


def now() -> dt.datetime:
    """The time rows are stamped with (time-zone aware, UTC)."""
    return dt.datetime.now(dt.UTC)


def table_of(model: type[SQLModel]) -> Table:
    return model.__table__  # type: ignore[attr-defined, return-value]


def insert_rows(connection: Connection, model: type[SQLModel], rows: list[dict[str, Any]]) -> None:
    """Insert ``rows`` (column values) into the table of ``model`` in one statement, if any."""
    if rows:
        connection.execute(insert(table_of(model)), rows)
