"""Storage on SQLite and PostgreSQL: migrations, import (one transaction, idempotent), export
round trip, the academic calendars, the snapshot cache, and the ``articulation db`` commands."""

from __future__ import annotations

import datetime as dt
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from sqlalchemy import Engine, func, inspect, text
from sqlmodel import Session, select
from typer.testing import CliRunner

from articulation.answers.scan import scan
from articulation.answers.whatif import Edit as WhatIfEdit
from articulation.answers.whatif import apply_edits
from articulation.cli import app as cli
from articulation.curriculum.calendar import UT_CALENDAR, VU_CALENDAR, Calendar
from articulation.curriculum.catalogue import Catalogue
from articulation.curriculum.loader import load_curricula
from articulation.curriculum.model import (
    Bachelor,
    CalendarSpec,
    Course,
    Master,
    Minor,
    Outcome,
    PeriodSpec,
    Premaster,
    Provenance,
    StudyWindow,
    Track,
)
from articulation.interop.ooapi import export_ooapi, import_ooapi
from articulation.storage import catalogue_import
from articulation.storage.audit import Actor, audit_log
from articulation.storage.catalogue_import import import_catalogue
from articulation.storage.clients import client_for_token
from articulation.storage.db import (
    current_revision,
    downgrade,
    head_revision,
    make_engine,
    migrate,
)
from articulation.storage.edits import (
    Edit,
    EditResult,
    InvalidCatalogue,
    PreconditionFailed,
    apply_edit,
)
from articulation.storage.export import export_curricula
from articulation.storage.roles import ROLES
from articulation.storage.rows import Parts, read_parts, read_version
from articulation.storage.snapshot import Snapshots
from articulation.storage.tables import AuditEntry, CalendarPeriod, CourseRow, metadata
from tests.conftest import MINI, calendar_curricula, postgres_url, skip_group, with_search_path

BUNDLED = Path(__file__).parent.parent / "curricula"
runner = CliRunner()


@pytest.fixture
def engine(database_url: str):
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture(scope="module")
def mini() -> Catalogue:
    return load_curricula(MINI)


def stored(engine) -> Catalogue:
    with Session(engine) as session:
        return read_parts(session).catalogue()


def count(engine, table) -> int:
    with Session(engine) as session:
        return session.exec(select(func.count()).select_from(table)).one()


# --- migrations ---------------------------------------------------------------------------------


def test_migrations_create_exactly_the_model_schema(engine) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    assert current_revision(engine) == head_revision()
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, metadata) == []
    tables = set(inspect(engine).get_table_names())
    assert {t.name for t in metadata.sorted_tables} <= tables


def test_migrations_go_down_and_up_again(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'fresh.db'}")
    migrate(engine)
    downgrade(engine, "base")
    assert current_revision(engine) is None
    assert "course" not in inspect(engine).get_table_names()
    migrate(engine)
    with Session(engine) as session:
        assert read_version(session) == 0
    engine.dispose()


# --- import and export --------------------------------------------------------------------------


def test_import_then_export_round_trip_gives_an_equal_catalogue(
    engine, mini: Catalogue, tmp_path: Path
) -> None:
    assert stored(engine) == mini  # imported by the fixture
    export_curricula(stored(engine), tmp_path / "out")
    assert load_curricula(tmp_path / "out") == mini


def every_field_catalogue() -> Catalogue:
    """A small catalogue that sets every optional field of the file format."""
    prov = Provenance(
        source="https://example.org/x", retrieved=dt.date(2026, 11, 27), status="sourced", note="n"
    )
    outcomes = [
        Outcome(id="a.one", title="One", area="alpha"),
        Outcome(id="a.one.sub", title="Sub", area="alpha", parent="a.one"),
        Outcome(id="b.two", title="Two", area="beta"),
    ]
    courses = [
        (
            "XA",
            Course(
                code="XA-1",
                title="First",
                ects=7.5,
                teaches={"a.one": 3, "b.two": 2},
                part_of="XA-MOD",
            ),
        ),
        (
            "XA",
            Course(
                code="XA-2",
                title="Second",
                ects=2.5,
                teaches={"a.one.sub": "create"},
                periods=["Q1", "Q3-Q4"],
                language="nl",
                area="beta",
                prerequisites=[["XA-1", "a.one@apply"], ["b.two@understand"]],
                bridging=True,
                part_of="XA-MOD",
                provenance=prov,
            ),
        ),
        ("XB", Course(code="XB-1", title="Area only", ects=60, area="alpha")),
        ("XB", Course(code="XB-2", title="Split", ects=15, areas={"alpha": 5, "beta": 10})),
    ]
    programmes = [
        Bachelor(
            code="XA-B",
            name="Bachelor",
            institution="XA",
            kind="bachelor",
            ects=180,
            courses=["XA-1"],
            electives=15,
            elective_catalogue=["XA", "XB"],
            tracks=[Track(name="T1", courses=["XA-2"]), Track(name="T2", courses=["XA-1", "XA-2"])],
            minor_window=StudyWindow(institution="XA", periods=["Q3-Q4"], year=2),
            provenance=prov,
        ),
        Master(
            code="XB-M",
            name="Master",
            institution="XB",
            kind="master",
            ects=120,
            requires=[
                {"outcome": "a.one", "level": 4},
                {
                    "any_of": [
                        {"area": "beta", "min_ects": 2.5},
                        {"any_of": [{"outcome": "b.two", "level": 1}]},
                    ]
                },
            ],
            premaster=Premaster(
                max_ects=45, catalogue=["XA", "XB"], courses=["XA-2", "XB-2"], ceiling=50
            ),
            direct_admission=["XA-B"],
            min_gpa=7.5,
            language="en",
        ),
        Minor(
            code="XA-MIN",
            name="Minor",
            institution="XA",
            kind="minor",
            ects=30,
            courses=["XA-2", "XA-1"],
            open_to=["XB"],
            entry=[{"area": "alpha", "min_ects": 5}],
        ),
    ]
    calendar = CalendarSpec(
        periods=[
            PeriodSpec(name="Q1", start_week=0, weeks=10),
            PeriodSpec(name="Q2", start_week=10, weeks=9, end_week=22),
            PeriodSpec(name="Q3", start_week=22, weeks=10),
            PeriodSpec(name="Q4", start_week=32, weeks=11, end_week=45),
        ]
    )
    return Catalogue.build(outcomes, courses, programmes, {"XA": Calendar.of(calendar)})


def test_every_field_survives_the_database(engine, tmp_path: Path) -> None:
    catalogue = every_field_catalogue()
    summary = import_catalogue(engine, catalogue)
    assert summary.added["courses"] == 4 and summary.removed["courses"] == 13
    assert stored(engine) == catalogue
    export_curricula(stored(engine), tmp_path / "out")
    assert load_curricula(tmp_path / "out") == catalogue


@pytest.mark.skipif(not (BUNDLED / "outcomes.yaml").exists(), reason="no bundled curricula")
def test_bundled_curricula_round_trip(tmp_path: Path) -> None:
    catalogue = load_curricula(BUNDLED)
    engine = make_engine(f"sqlite:///{tmp_path / 'bundled.db'}")
    migrate(engine)
    import_catalogue(engine, catalogue)
    assert stored(engine) == catalogue
    export_curricula(stored(engine), tmp_path / "out")
    assert load_curricula(tmp_path / "out") == catalogue
    engine.dispose()


def test_importing_twice_changes_nothing(engine, mini: Catalogue) -> None:
    audits, courses = count(engine, AuditEntry), count(engine, CourseRow)
    summary = import_catalogue(engine, mini)
    assert summary.unchanged
    assert summary.version == 1
    with Session(engine) as session:
        assert read_version(session) == 1
    assert (count(engine, AuditEntry), count(engine, CourseRow)) == (audits, courses)


def test_import_writes_only_the_differences_and_audits_them(engine, mini: Catalogue) -> None:
    courses = [(mini.institution_of[c], course) for c, course in mini.courses.items()]
    changed = [
        (inst, course.model_copy(update={"title": "Renamed"}) if course.code == "UT-LA" else course)
        for inst, course in courses
        if course.code != "UT-QM"
    ]
    physics = mini.programmes["UT-MIN-PHYS"].model_copy(update={"courses": []})
    programmes = [physics if p.code == "UT-MIN-PHYS" else p for p in mini.programmes.values()]
    new = Catalogue.build(mini.outcomes.values(), changed, programmes)
    before = count(engine, AuditEntry)
    summary = import_catalogue(engine, new)
    assert summary.version == 2
    assert summary.changed == {"outcomes": 0, "courses": 1, "programmes": 1, "calendars": 0}
    assert summary.removed == {"outcomes": 0, "courses": 1, "programmes": 0, "calendars": 0}
    assert stored(engine) == new
    assert count(engine, AuditEntry) == before + 3
    with Session(engine) as session:
        entries = audit_log(session)
    by_code = {e.code: e for e in entries if e.catalogue_version == 2}
    assert set(by_code) == {"UT-LA", "UT-QM", "UT-MIN-PHYS"}
    assert by_code["UT-LA"].before["title"] == "Linear Algebra"
    assert by_code["UT-LA"].after["title"] == "Renamed"
    assert by_code["UT-QM"].action == "delete" and by_code["UT-QM"].after is None


def test_a_failing_import_leaves_the_database_untouched(
    engine, mini: Catalogue, monkeypatch: pytest.MonkeyPatch
) -> None:
    new = every_field_catalogue()

    def explode(*_args, **_kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(catalogue_import, "write_programmes", explode)
    with pytest.raises(RuntimeError, match="disk full"):
        import_catalogue(engine, new)
    assert stored(engine) == mini
    with Session(engine) as session:
        assert read_version(session) == 1


# --- academic calendars -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def calendars_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return calendar_curricula(tmp_path_factory.mktemp("calendars") / "curricula")


@pytest.fixture(scope="module")
def with_calendars(calendars_dir: Path) -> Catalogue:
    return load_curricula(calendars_dir)


def test_the_calendar_fixture_gives_calendars_of_its_own(with_calendars: Catalogue) -> None:
    assert with_calendars.calendar("UT").names == ["S1", "S2"]
    assert with_calendars.calendar("UT").period("S1").end_week == 21
    assert with_calendars.calendar("VU").names == ["T1", "T2", "T3"]
    window = with_calendars.programmes["VU-B-CREATE"].minor_window
    assert window == StudyWindow(institution="VU", periods=["T2-T3"])


def test_calendars_survive_the_database(engine, with_calendars: Catalogue) -> None:
    summary = import_catalogue(engine, with_calendars)
    assert summary.added["calendars"] == 2 and summary.total["calendars"] == 2
    snapshot = Snapshots(engine).get()
    assert snapshot.catalogue.calendars == with_calendars.calendars
    assert snapshot.catalogue == with_calendars
    assert snapshot.catalogue.programmes["VU-B-CREATE"].minor_window is not None
    assert snapshot.entity_version("calendar", "UT") == summary.version
    assert count(engine, CalendarPeriod) == 5
    again = import_catalogue(engine, with_calendars)
    assert again.unchanged and again.version == summary.version
    with Session(engine) as session:
        changes = audit_log(session, entity="calendar")
    assert sorted((e.code, e.action) for e in changes) == [("UT", "create"), ("VU", "create")]
    ut = next(e for e in changes if e.code == "UT")
    assert ut.after == {
        "institution": "UT",
        "periods": [
            {"name": "S1", "start_week": 0, "weeks": 18, "end_week": 21},
            {"name": "S2", "start_week": 22, "weeks": 18},
        ],
    }


def test_plans_from_the_database_equal_those_from_the_curricula(
    engine, with_calendars: Catalogue
) -> None:
    """The engine answers the same on the snapshot of the database as on the YAML it came from:
    every cell of the scan, its plan in the custom periods included."""
    import_catalogue(engine, with_calendars)
    from_database = [c.to_json() for c in scan(Snapshots(engine).get().catalogue)]
    assert from_database == [c.to_json() for c in scan(with_calendars)]
    plans = {(c["bachelor"], c["master"]): c["plan"] for c in from_database if c["plan"]}
    assert plans["VU-B-AI", "UT-M-CS"]["finish"] == "end of year 1, S2"
    assert plans["VU-B-CREATE", "UT-M-ITECH"]["window"] == ["T2", "T3"]
    assert plans["VU-B-CREATE", "UT-M-ITECH"]["finish"] == "end of year 3, T2"


def test_calendars_are_changed_and_removed_by_an_import(engine, with_calendars: Catalogue) -> None:
    import_catalogue(engine, with_calendars)
    ut = CalendarSpec(
        periods=[
            PeriodSpec(name="S1", start_week=0, weeks=20),
            PeriodSpec(name="S2", start_week=22, weeks=20),
        ]
    )
    changed = Parts.of(with_calendars)
    changed.calendars["UT"] = Calendar.of(ut)
    summary = import_catalogue(engine, changed.catalogue())
    assert summary.changed == {"outcomes": 0, "courses": 0, "programmes": 0, "calendars": 1}
    assert stored(engine).calendars == {"UT": Calendar.of(ut), "VU": with_calendars.calendar("VU")}
    mini = load_curricula(MINI)
    summary = import_catalogue(engine, mini)
    assert summary.removed["calendars"] == 2
    assert stored(engine) == mini and count(engine, CalendarPeriod) == 0


def test_a_database_without_calendars_has_the_default_ones(engine, mini: Catalogue) -> None:
    assert count(engine, CalendarPeriod) == 0
    catalogue = Snapshots(engine).get().catalogue
    assert catalogue.calendars == {} and catalogue == mini
    assert catalogue.calendar("UT") == UT_CALENDAR and catalogue.calendar("VU") == VU_CALENDAR


def test_export_keeps_the_calendars(engine, with_calendars: Catalogue, tmp_path: Path) -> None:
    """YAML → database → export → load, and → OOAPI → import: the calendars come back."""
    import_catalogue(engine, with_calendars)
    catalogue = Snapshots(engine).get().catalogue
    export_curricula(catalogue, tmp_path / "out")
    written = yaml.safe_load((tmp_path / "out" / "ut" / "courses.yaml").read_text())
    assert list(written)[:2] == ["institution", "calendar"]
    assert written["calendar"]["periods"] == [
        {"name": "S1", "start_week": 0, "weeks": 18, "end_week": 21},
        {"name": "S2", "start_week": 22, "weeks": 18},
    ]
    assert load_curricula(tmp_path / "out") == with_calendars
    assert import_ooapi(export_ooapi(catalogue)) == with_calendars


def test_a_calendar_without_courses_is_exported(tmp_path: Path, mini: Catalogue) -> None:
    parts = Parts.of(mini)
    parts.calendars["XC"] = VU_CALENDAR
    catalogue = parts.catalogue()
    export_curricula(catalogue, tmp_path / "out")
    written = yaml.safe_load((tmp_path / "out" / "xc" / "courses.yaml").read_text())
    assert written["courses"] == [] and len(written["calendar"]["periods"]) == 6
    assert load_curricula(tmp_path / "out") == catalogue


def test_cli_import_and_export_keep_the_calendars(
    database_url: str, calendars_dir: Path, with_calendars: Catalogue, tmp_path: Path
) -> None:
    imported = run(
        "db", "import", "--curricula", str(calendars_dir), "--database-url", database_url
    )
    assert imported.exit_code == 0, imported.output
    assert "calendars: 2 added" in imported.stdout
    exported = run("db", "export", str(tmp_path / "out"), "--database-url", database_url)
    assert exported.exit_code == 0, exported.output
    assert load_curricula(tmp_path / "out") == with_calendars


def test_edits_are_checked_against_the_stored_calendars(engine, with_calendars: Catalogue) -> None:
    """A course offered in a period of its institution's own calendar is accepted, one in a
    period of the default calendar is refused, by the API's edits and by what-if alike."""
    import_catalogue(engine, with_calendars)
    course = with_calendars.courses["UT-LA"]
    in_s2 = course.model_copy(update={"periods": ["S2"]})
    apply_edit(engine, Edit("update", "course", "UT-LA", ("UT", in_s2)), Actor("t"))
    in_q1 = course.model_copy(update={"periods": ["Q1"]})
    with pytest.raises(InvalidCatalogue, match="unknown period 'Q1'"):
        apply_edit(engine, Edit("update", "course", "UT-LA", ("UT", in_q1)), Actor("t"))
    snapshot = Snapshots(engine).get().catalogue
    assert snapshot.courses["UT-LA"].periods == ["S2"]
    edit = WhatIfEdit(
        action="change",
        entity="course",
        code="UT-DM",
        item=in_s2.model_copy(update={"code": "UT-DM"}),
    )
    assert apply_edits(snapshot, [edit]).courses["UT-DM"].periods == ["S2"]


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def empty_engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """An engine on a database without any table: a new SQLite file, or a new PostgreSQL schema
    (dropped afterwards)."""
    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path / 'empty.db'}")
        yield engine
        engine.dispose()
        return
    base, why = postgres_url()
    if base is None:
        skip_group("postgresql", why)
    admin = make_engine(base, connect_timeout=5)
    schema = f"articulation_migrate_{uuid.uuid4().hex[:10]}"
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine = make_engine(with_search_path(base, schema))
    try:
        yield engine
    finally:
        engine.dispose()
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


def test_the_calendar_migration_goes_up_and_down(
    empty_engine: Engine, with_calendars: Catalogue
) -> None:
    """0005 adds the calendars to a database of 0004 and takes them away again; the rest of the
    catalogue stays, and a database without calendars reads the default ones."""
    migrate(empty_engine, "0004")
    assert "calendar_period" not in inspect(empty_engine).get_table_names()
    migrate(empty_engine)
    assert current_revision(empty_engine) == head_revision()
    import_catalogue(empty_engine, with_calendars)
    assert stored(empty_engine) == with_calendars
    downgrade(empty_engine, "0004")
    assert current_revision(empty_engine) == "0004"
    assert "calendar_period" not in inspect(empty_engine).get_table_names()
    assert count(empty_engine, CourseRow) == len(with_calendars.courses)
    migrate(empty_engine)
    with Session(empty_engine) as session:
        parts = read_parts(session)
    assert parts.calendars == {} and len(parts.courses) == len(with_calendars.courses)
    summary = import_catalogue(empty_engine, with_calendars)
    assert summary.added == {"outcomes": 0, "courses": 0, "programmes": 0, "calendars": 2}
    assert stored(empty_engine) == with_calendars


def with_pass_marks(catalogue: Catalogue) -> Catalogue:
    """``catalogue`` with a pass mark of its own for UT (6.0), VU's left at the Dutch 5.5."""
    parts = Parts.of(catalogue)
    ut = parts.calendars["UT"]
    parts.calendars["UT"] = Calendar.of(ut.spec().model_copy(update={"pass_mark": 6.0}))
    return parts.catalogue()


def test_a_pass_mark_of_its_own_survives_the_database(
    engine, with_calendars: Catalogue, tmp_path: Path
) -> None:
    """An institution's pass mark other than the Dutch 5.5 is stored, read back, audited,
    exported and changed by an import like the rest of its calendar."""
    marked = with_pass_marks(with_calendars)
    assert marked.pass_mark("UT-LA") == 6.0 and marked.pass_mark("VU-PROG") == 5.5
    import_catalogue(engine, marked)
    catalogue = Snapshots(engine).get().catalogue
    assert catalogue.calendar("UT").pass_mark == 6.0
    assert catalogue.calendar("VU").pass_mark == 5.5
    assert catalogue.pass_mark("UT-LA") == 6.0
    assert catalogue == marked
    with Session(engine) as session:
        (ut,) = [e for e in audit_log(session, entity="calendar") if e.code == "UT"]
    assert ut.after["pass_mark"] == 6.0
    export_curricula(catalogue, tmp_path / "out")
    written = yaml.safe_load((tmp_path / "out" / "ut" / "courses.yaml").read_text())
    assert written["calendar"]["pass_mark"] == 6.0
    assert load_curricula(tmp_path / "out") == marked
    summary = import_catalogue(engine, with_calendars)  # back to the Dutch pass mark
    assert summary.changed["calendars"] == 1
    assert Snapshots(engine).get().catalogue.calendar("UT").pass_mark == 5.5


def pass_mark_revisions() -> tuple[str, str]:
    """The migration that stores the pass mark (``…_calendar_pass_mark.py``) and the one
    before it."""
    from alembic.script import ScriptDirectory

    from articulation.storage.db import alembic_config

    (script,) = [
        s
        for s in ScriptDirectory.from_config(alembic_config()).walk_revisions()
        if s.path.endswith("_calendar_pass_mark.py")
    ]
    return script.revision, str(script.down_revision)


def test_the_pass_mark_migration_goes_up_and_down(
    empty_engine: Engine, with_calendars: Catalogue
) -> None:
    """The pass mark's migration gives the stored calendars their pass mark; down again, the
    calendars stay (with the Dutch pass mark) and the rest of the catalogue too."""
    _, before = pass_mark_revisions()
    migrate(empty_engine, before)
    assert "pass_mark" not in {
        c["name"] for c in inspect(empty_engine).get_columns("calendar_period")
    }
    migrate(empty_engine)
    marked = with_pass_marks(with_calendars)
    import_catalogue(empty_engine, marked)
    assert stored(empty_engine) == marked
    downgrade(empty_engine, before)
    assert current_revision(empty_engine) == before
    columns = {c["name"] for c in inspect(empty_engine).get_columns("calendar_period")}
    assert "pass_mark" not in columns and "start_week" in columns
    assert count(empty_engine, CalendarPeriod) == 5
    migrate(empty_engine)
    assert stored(empty_engine) == with_calendars
    assert import_catalogue(empty_engine, marked).changed["calendars"] == 1
    assert stored(empty_engine) == marked


# --- the snapshot -------------------------------------------------------------------------------


def test_snapshot_is_rebuilt_only_when_the_version_changes(engine, mini: Catalogue) -> None:
    snapshots = Snapshots(engine)
    first = snapshots.get()
    assert snapshots.get() is first and snapshots.builds == 1
    assert first.catalogue == mini and first.version == 1
    course = mini.courses["UT-LA"].model_copy(update={"ects": 4})
    apply_edit(
        engine,
        Edit("update", "course", "UT-LA", ("UT", course), expected=1),
        Actor("test"),
    )
    second = snapshots.get()
    assert second.version == 2 and snapshots.builds == 2
    assert second.catalogue.courses["UT-LA"].ects == 4
    assert second.entity_version("course", "UT-LA") == 2
    assert second.entity_version("course", "UT-DM") == 1


def test_concurrent_updates_from_one_version_let_exactly_one_win(engine, mini: Catalogue) -> None:
    """Two writers, same expected version; the first holds its transaction open while the
    second arrives. The database serialises them: one commits, the other finds the version
    moved (412 in the API), and the audit log has one change."""
    first_inside = threading.Event()
    results: dict[str, object] = {}

    def slow_base(_version: int):
        first_inside.set()
        time.sleep(0.3)  # keep the transaction (and its lock) open
        return None

    def writer(name: str, title: str, base) -> None:
        course = mini.courses["UT-LA"].model_copy(update={"title": title})
        edit = Edit("update", "course", "UT-LA", ("UT", course), expected=1)
        try:
            results[name] = apply_edit(engine, edit, Actor(name), base=base)
        except PreconditionFailed as exc:
            results[name] = exc

    one = threading.Thread(target=writer, args=("one", "First", slow_base))
    one.start()
    assert first_inside.wait(5)
    two = threading.Thread(target=writer, args=("two", "Second", None))
    two.start()
    one.join(10)
    two.join(10)
    assert isinstance(results["one"], EditResult)
    assert isinstance(results["two"], PreconditionFailed)
    assert results["two"].current == 2
    assert stored(engine).courses["UT-LA"].title == "First"
    with Session(engine) as session:
        changes = audit_log(session, entity="course", code="UT-LA")
    assert [(e.actor, e.action) for e in changes if e.catalogue_version > 1] == [("one", "update")]


# --- the command line ---------------------------------------------------------------------------


def run(*args: str):
    return runner.invoke(cli, list(args))


def test_cli_import_is_idempotent_and_export_round_trips(tmp_path: Path, mini: Catalogue) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    first = run("db", "import", "--curricula", str(MINI), "--database-url", url)
    assert first.exit_code == 0, first.output
    assert "imported (catalogue version 1)" in first.stdout
    second = run("db", "import", "--curricula", str(MINI), "--database-url", url, "--json")
    assert second.exit_code == 0, second.output
    assert '"unchanged": true' in second.stdout
    exported = run("db", "export", str(tmp_path / "out"), "--database-url", url)
    assert exported.exit_code == 0, exported.output
    assert load_curricula(tmp_path / "out") == mini
    again = run("db", "export", str(tmp_path / "out"), "--database-url", url)
    assert again.exit_code == 2
    assert "already contains YAML files" in again.stderr


def test_cli_import_of_bad_curricula_exits_2_and_writes_nothing(tmp_path: Path) -> None:
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "outcomes.yaml").write_text("outcomes: [{id: x, title: X}]\n")
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    result = run("db", "import", "--curricula", str(bad), "--database-url", url)
    assert result.exit_code == 2
    assert "outcomes.yaml" in result.stderr and "area" in result.stderr
    assert not (tmp_path / "cli.db").exists()


def test_cli_add_client_prints_a_token_that_only_its_hash_is_stored_for(database_url: str) -> None:
    result = run(
        "db", "add-client", "ut-admissions", "--institution", "UT", "--database-url", database_url
    )
    assert result.exit_code == 0, result.output
    token = result.stdout.strip()
    assert token.startswith("art_") and len(token) > 30
    engine = make_engine(database_url)
    with Session(engine) as session:
        client = client_for_token(session, token)
        assert client is not None and client.institution == "UT" and client.role == "editor"
        assert client.token_hash != token and token not in client.token_hash
        assert client_for_token(session, token + "x") is None
    engine.dispose()
    again = run(
        "db", "add-client", "ut-admissions", "--institution", "UT", "--database-url", database_url
    )
    assert again.exit_code == 2 and "already exists" in again.stderr
    typo = run("db", "add-client", "other", "--institution", "UTT", "--database-url", database_url)
    assert typo.exit_code == 2 and "did you mean 'UT'" in typo.stderr
    role = run(
        "db",
        "add-client",
        "other",
        "--institution",
        "UT",
        "--role",
        "admin",
        "--database-url",
        database_url,
    )
    assert role.exit_code == 2 and "unknown role" in role.stderr


@pytest.mark.parametrize("role", list(ROLES))
def test_cli_add_client_needs_an_institution_as_the_role_table_says(
    database_url: str, role: str
) -> None:
    """A scanner needs no institution, an editor does: every role as the table says."""
    without = run("db", "add-client", "board", "--role", role, "--database-url", database_url)
    if ROLES[role].needs_institution:
        assert without.exit_code == 2 and f"role {role} needs --institution" in without.stderr
        options = ["--role", role, "--institution", "UT", "--database-url", database_url]
        with_one = run("db", "add-client", "board", *options)
        assert with_one.exit_code == 0, with_one.output
        token, institution = with_one.stdout.strip(), "UT"
    else:
        assert without.exit_code == 0, without.output
        token, institution = without.stdout.strip(), "*"
    engine = make_engine(database_url)
    with Session(engine) as session:
        client = client_for_token(session, token)
        assert client is not None and (client.role, client.institution) == (role, institution)
    engine.dispose()


def test_cli_migrate_reports_the_revision(tmp_path: Path) -> None:
    result = run("db", "migrate", "--database-url", f"sqlite:///{tmp_path / 'm.db'}")
    assert result.exit_code == 0, result.output
    assert head_revision() in result.stdout


def test_cli_reports_an_unreachable_database_without_a_traceback(tmp_path: Path) -> None:
    url = "postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=2"
    result = run("db", "import", "--curricula", str(MINI), "--database-url", url)
    assert result.exit_code == 1
    assert "error: database" in result.stderr
    assert "Traceback" not in result.output
