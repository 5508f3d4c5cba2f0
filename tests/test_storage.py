"""Storage on SQLite and PostgreSQL: migrations, import (one transaction, idempotent), export
round trip, the snapshot cache, and the ``articulation db`` commands."""

from __future__ import annotations

import datetime as dt
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import func, inspect
from sqlmodel import Session, select
from typer.testing import CliRunner

from articulation.catalogue import Catalogue
from articulation.cli import app as cli
from articulation.loader import load_curricula
from articulation.model import (
    Bachelor,
    Course,
    Master,
    Minor,
    Outcome,
    Premaster,
    Provenance,
    Track,
)
from articulation.storage import repository
from articulation.storage.db import (
    current_revision,
    downgrade,
    head_revision,
    make_engine,
    migrate,
)
from articulation.storage.export import export_curricula
from articulation.storage.repository import (
    Actor,
    Edit,
    PreconditionFailed,
    apply_edit,
    import_catalogue,
    read_parts,
    read_version,
)
from articulation.storage.snapshot import Snapshots
from articulation.storage.tables import AuditEntry, CourseRow, metadata
from tests.conftest import MINI

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
        ("XA", Course(code="XA-1", title="First", ects=7.5, teaches={"a.one": 3, "b.two": 2})),
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
    return Catalogue.build(outcomes, courses, programmes)


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
    assert summary.changed == {"outcomes": 0, "courses": 1, "programmes": 1}
    assert summary.removed == {"outcomes": 0, "courses": 1, "programmes": 0}
    assert stored(engine) == new
    assert count(engine, AuditEntry) == before + 3
    with Session(engine) as session:
        entries = repository.audit_log(session)
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

    monkeypatch.setattr(repository, "_write_programmes", explode)
    with pytest.raises(RuntimeError, match="disk full"):
        import_catalogue(engine, new)
    assert stored(engine) == mini
    with Session(engine) as session:
        assert read_version(session) == 1


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
    assert isinstance(results["one"], repository.EditResult)
    assert isinstance(results["two"], PreconditionFailed)
    assert results["two"].current == 2
    assert stored(engine).courses["UT-LA"].title == "First"
    with Session(engine) as session:
        changes = repository.audit_log(session, entity="course", code="UT-LA")
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
        client = repository.client_for_token(session, token)
        assert client is not None and client.institution == "UT" and client.role == "editor"
        assert client.token_hash != token and token not in client.token_hash
        assert repository.client_for_token(session, token + "x") is None
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


def test_cli_add_client_scanner_needs_no_institution_editor_does(database_url: str) -> None:
    scanner = run("db", "add-client", "board", "--role", "scanner", "--database-url", database_url)
    assert scanner.exit_code == 0, scanner.output
    engine = make_engine(database_url)
    with Session(engine) as session:
        client = repository.client_for_token(session, scanner.stdout.strip())
        assert client is not None and client.role == "scanner" and client.institution == "*"
    engine.dispose()
    editor = run("db", "add-client", "someone", "--database-url", database_url)
    assert editor.exit_code == 2 and "needs --institution" in editor.stderr


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
