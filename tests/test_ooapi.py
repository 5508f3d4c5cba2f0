"""OOAPI v6: the export validates against the pinned v6.0 specification (schemas, extensible
enumerations, expansion rules), links every course to learning outcomes that exist, and imports
back into the same catalogue; files from another producer (the spec's own examples, our export
without ``ext``) import into loadable curricula with a report of what was defaulted; malformed
and hostile files are refused with file and JSON path, nothing half-imported."""

from __future__ import annotations

import functools
import json
import re
import uuid
from pathlib import Path

import pytest
from typer.testing import CliRunner

from articulation.cli import app
from articulation.curriculum.calendar import default_calendar
from articulation.curriculum.loader import load_curricula
from articulation.interop.ooapi import (
    MAX_DEPTH,
    OoapiError,
    export_ooapi,
    import_ooapi,
    institutions,
    ooapi_id,
    ooapi_item,
    ooapi_list,
    read_ooapi,
)
from tests.fixtures.ooapi.examples import example_files
from tests.ooapi_spec import SINGLE, errors, expansion_errors, spec

MINI = Path(__file__).parent / "fixtures" / "mini"
BUNDLED = Path(__file__).parent.parent / "curricula"
ROOTS = pytest.mark.parametrize("root", [MINI, BUNDLED], ids=["mini", "bundled"])
runner = CliRunner()
KINDS = {
    "courses.json": "courses",
    "programmes.json": "programmes",
    "learning-outcomes.json": "learning-outcomes",
    "organisations.json": "organisations",
}


@functools.cache
def catalogue(root: Path):
    return load_curricula(root)


def test_the_pinned_spec_is_release_6_0():
    fixture = Path(__file__).parent / "fixtures" / "ooapi"
    assert spec()["info"]["version"] == "6.0"
    assert "ca188b6738a8a2bbbb7077a82eff08eb5538bbc6" in (fixture / "README.md").read_text()


@ROOTS
def test_export_validates_against_the_ooapi_v6_spec(root):
    files = export_ooapi(catalogue(root))
    assert set(files) == set(KINDS)
    for name, data in files.items():
        kind = KINDS[name]
        assert not errors(data, f"/{kind}"), name
        for item in data["items"]:
            assert not errors(item, SINGLE[kind]), (name, item["primaryCode"])
            assert not expansion_errors(item, kind), (name, item["primaryCode"])


def test_the_schema_checks_catch_broken_objects():
    data = json.loads(json.dumps(export_ooapi(catalogue(MINI))["courses.json"]))
    data["items"][0]["studyLoad"] = [{"studyLoadUnit": "ects"}]
    assert errors(data, "/courses")
    item = json.loads(json.dumps(data["items"][1]))
    item["studyLoad"][0]["studyLoadUnit"] = "credits"  # not listed, no x- prefix
    assert any("extensible" in e for e in errors(item, "/courses/{courseId}"))
    item["studyLoad"][0]["studyLoadUnit"] = "x-credits"
    assert not errors(item, "/courses/{courseId}")
    item["learningOutcomes"] = []  # not expandable on a course
    assert expansion_errors(item, "courses", ["learningOutcomes"])


@ROOTS
def test_courses_link_each_outcome_by_one_id_that_resolves(root):
    cat = catalogue(root)
    files = export_ooapi(cat)
    outcomes = {o["learningOutcomeId"]: o for o in files["learning-outcomes.json"]["items"]}
    assert len(outcomes) == len(cat.outcomes)  # one id per outcome
    used = 0
    for course in files["courses.json"]["items"]:
        code = course["primaryCode"]["code"]
        taught = cat.courses[code].teaches
        assert "learningOutcomes" not in course
        assert course["learningOutcomeIds"] == [ooapi_id("outcome", o) for o in taught]
        levels = course["ext"]["learningOutcomeLevels"]
        for ident, outcome in zip(course["learningOutcomeIds"], taught, strict=True):
            assert outcomes[ident]["primaryCode"]["code"] == outcome
            assert ooapi_item(cat, "learning-outcomes", ident) == outcomes[ident]
            assert levels[ident] == f"bloom_{taught[outcome]}"
            used += 1
    assert used == sum(len(c.teaches) for c in cat.courses.values()) > 0


@ROOTS
def test_academic_sessions_and_course_offerings(root):
    """The calendars as academic sessions, each course's periods as offerings in them."""
    cat = catalogue(root)
    sessions = ooapi_list(cat, "academic-sessions", {"pageSize": ["250"]})
    assert not errors(sessions, "/academic-sessions")
    by_id = {s["academicSessionId"]: s for s in sessions["items"]}
    years = [s for s in sessions["items"] if s["academicSessionType"] == "academic_year"]
    assert len(years) == len(institutions(cat))
    for year in years:
        inst = year["primaryCode"]["code"].split("-")[0]
        calendar = cat.calendars.get(inst) or default_calendar(inst)
        assert [by_id[c]["name"][0]["value"] for c in year["childIds"]] == calendar.names
    offered = 0
    for code, course in cat.courses.items():
        body = ooapi_list(cat, "course-offerings", {"pageSize": ["250"]}, ooapi_id("course", code))
        assert not errors(body, "/courses/{courseId}/course-offerings"), code
        assert len(body["items"]) == len(course.periods)
        for offering, period in zip(body["items"], course.periods, strict=True):
            session = by_id[offering["academicSessionId"]]
            assert session["name"][0]["value"] == period.split("-")[0]
            assert offering["startDateTime"] == session["startDateTime"]
            assert not expansion_errors(offering, "course-offerings")
        offered += len(body["items"])
    if root == BUNDLED:
        assert offered > 0


def test_ids_are_deterministic_uuids():
    first, again = export_ooapi(catalogue(MINI)), export_ooapi(load_curricula(MINI))
    assert json.dumps(first, sort_keys=True) == json.dumps(again, sort_keys=True)
    course = first["courses.json"]["items"][0]
    assert uuid.UUID(course["courseId"]).version == 5
    assert course["organisationId"] == ooapi_id("organisation", "UT")


@ROOTS
def test_round_trip_gives_the_same_catalogue(root):
    original = catalogue(root)
    files = json.loads(json.dumps(export_ooapi(original)))
    imported = read_ooapi(files)
    assert imported.catalogue == original
    assert imported.notes == []  # our own files need no defaults


def test_ooapi_fields_and_ext():
    files = export_ooapi(catalogue(MINI))
    course = next(c for c in files["courses.json"]["items"] if c["primaryCode"]["code"] == "UT-ADC")
    assert course["studyLoad"] == [{"studyLoadUnit": "ects", "value": 5}]
    assert list(course["ext"]["learningOutcomeLevels"].values()) == ["bloom_3"]
    assert course["ext"]["prerequisites"] == [
        ["UT-DM", "math.discrete@apply"],
        ["cs.programming@apply"],
    ]
    assert course["ext"]["bridging"] is True
    kinds = {
        p["primaryCode"]["code"]: (p["programmeType"], p.get("level"))
        for p in files["programmes.json"]["items"]
    }
    assert kinds["VU-B-AI"] == ("programme", "bachelor")
    assert kinds["UT-M-CS"] == ("programme", "master")
    assert kinds["UT-MIN-PHYS"] == ("minor", None)
    assert [o["primaryCode"]["code"] for o in files["organisations.json"]["items"]] == ["UT", "VU"]


def _write(folder: Path, files: dict) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (folder / name).write_text(json.dumps(data, ensure_ascii=False))
    return folder


def _import(tmp_path: Path, folder: Path, *extra: str):
    out = tmp_path / "cur"
    result = runner.invoke(app, ["ooapi", "import", str(folder), "--out", str(out), *extra])
    return result, out


def test_cli_round_trip(tmp_path):
    result = runner.invoke(app, ["ooapi", "export", str(tmp_path / "oo"), "--curricula", str(MINI)])
    assert result.exit_code == 0, result.stderr
    assert "2 in organisations.json" in result.stderr
    result, out = _import(tmp_path, tmp_path / "oo")
    assert result.exit_code == 0, result.stderr
    assert load_curricula(out) == catalogue(MINI)


def test_the_spec_examples_are_spec_valid():
    """The file set is made of the spec's own examples; they satisfy its schemas (the
    examples themselves use code types outside the extensible enumeration, such as
    ``learningOutcomeCode``, so the ``x-`` rule is not applied to them)."""
    for name, data in example_files().items():
        assert not errors(data, f"/{KINDS[name]}", strict=False), name
        assert data["items"], name


def test_import_of_the_spec_examples_gives_loadable_curricula(tmp_path):
    folder = _write(tmp_path / "oo", example_files())
    report = tmp_path / "report.json"
    result, out = _import(tmp_path, folder, "--report", str(report))
    assert result.exit_code == 0, result.stderr
    loaded = load_curricula(out)
    validated = runner.invoke(app, ["validate", "--curricula", str(out)])
    assert validated.exit_code == 0, validated.stderr
    (course,) = loaded.courses.values()
    assert course.title == "Academic and Professional Writing" and course.ects == 3
    assert course.teaches == {"lo-2.1": 1}  # the outcome's complexityLevel bloom_1
    assert loaded.institution_of[course.code] == "SURF"  # the organisation's shortName
    assert [(p.code, p.kind) for p in loaded.programmes.values()] == [("BIO", "master")]
    notes = json.loads(report.read_text())["notes"]
    said = "\n".join(f"{n['file']}: {n['path']}: {n['note']}" for n in notes)
    for expected in (
        "learning-outcomes.json: items[0]: no area: 'general'",
        "outcome 'LO 2.1' is 'lo-2.1' here",
        "courses.json: items[0].organisationId: no known organisation; institution 'SURF'",
        "programmes.json: items[0]: no admission requirements to map",
        "courses.json: items[0]: not mapped: abbreviation, modesOfDelivery",
    ):
        assert expected in said, said
    assert said.count("\n") + 1 == len(notes) and "note:" in result.stderr


@ROOTS
@pytest.mark.parametrize("links", ["ids", "expanded"])
def test_import_without_our_ext_gives_loadable_curricula(tmp_path, root, links):
    """Spec-valid files with no ``ext`` at all: institutions from the organisations, areas
    defaulted, a bachelor's and minor's courses from the courses' programmeIds; the levels
    defaulted (``ids``: learningOutcomeIds only) or read from expanded learningOutcomes."""
    cat = catalogue(root)
    files = json.loads(json.dumps(export_ooapi(cat)))
    outcomes = {o["learningOutcomeId"]: o for o in files["learning-outcomes.json"]["items"]}
    for name, data in files.items():
        data.pop("ext", None)
        for item in data["items"]:
            ext = item.pop("ext", None) or {}
            if links == "expanded" and "learningOutcomeIds" in item:
                item["learningOutcomes"] = [
                    {**outcomes[i], "complexityLevel": ext["learningOutcomeLevels"][i]}
                    for i in item.pop("learningOutcomeIds")
                ]
                for lo in item["learningOutcomes"]:
                    lo.pop("ext", None)
        assert not errors(data, f"/{KINDS[name]}")
    imported = read_ooapi(files)
    out = _write(tmp_path / "oo", files)
    result, cur = _import(tmp_path, out)
    assert result.exit_code == 0, result.stderr
    loaded = load_curricula(cur)
    assert set(loaded.courses) == set(cat.courses)
    assert {c: cat.institution_of[c] for c in cat.courses} == dict(loaded.institution_of)
    defaulted = 0
    for code, course in cat.courses.items():
        if links == "expanded":
            assert loaded.courses[code].teaches == course.teaches
        else:
            assert loaded.courses[code].teaches == dict.fromkeys(course.teaches, 3)  # apply
            defaulted += len(course.teaches)
    said = [n for n in imported.notes if n[2] == "no Bloom level (None): taught at 'apply'"]
    assert len(said) == defaulted
    for code, programme in cat.programmes.items():
        if programme.kind in ("bachelor", "minor"):
            members = set(programme.courses) | {
                c for t in getattr(programme, "tracks", []) for c in t.courses
            }
            assert set(loaded.programmes[code].courses) == members, code
    areas = [n for n in imported.notes if n[2] == "no area: 'general'"]
    assert len(areas) == len(cat.outcomes)


def test_other_taxonomies_and_dangling_links_are_noted():
    """A level of another taxonomy (SOLO) is taught at 'apply'; a link to a programme that is
    not in the files is dropped; another producer's ``ext`` fields are not read; all are
    said."""
    files = example_files()
    files["learning-outcomes.json"]["items"][0]["complexityLevel"] = "solo_2"
    files["courses.json"]["items"][0]["programmeIds"] = ["00000000-0000-0000-0000-000000000001"]
    files["courses.json"]["items"][0]["ext"] = {"vendorField": "a"}  # another producer's ext
    files["programmes.json"]["items"][0]["ext"] = {"vendorField": "b"}
    assert not errors(files["learning-outcomes.json"], "/learning-outcomes", strict=False)
    imported = read_ooapi(files)
    (course,) = imported.catalogue.courses.values()
    assert course.teaches == {"lo-2.1": 3}
    notes = {(f, p): m for f, p, m in imported.notes}
    assert notes[("courses.json", "items[0].learningOutcomeIds[0]")] == (
        "no Bloom level ('solo_2'): taught at 'apply'"
    )
    assert "not in the files" in notes[("courses.json", "items[0].programmeIds[0]")]
    assert imported.catalogue.programmes["BIO"].kind == "master"
    for name in ("courses.json", "programmes.json"):
        assert "not mapped" in notes[(name, "items[0].ext.vendorField")]


def _broken(tmp_path, name, edit):
    files = json.loads(json.dumps(export_ooapi(catalogue(MINI))))
    edit(files[name])
    return _write(tmp_path / "oo", files)


def _set(path, value):
    def edit(data):
        target = data
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value

    return edit


def _append_copy(index, **changes):
    def edit(data):
        item = json.loads(json.dumps(data["items"][index]))
        item["primaryCode"]["code"] = changes.pop("code", item["primaryCode"]["code"])
        item.update(changes)
        data["items"].append(item)

    return edit


@pytest.mark.parametrize(
    ("name", "edit", "where"),
    [
        ("courses.json", _set(["items", 2, "studyLoad"], []), "items[2].studyLoad"),
        (
            "courses.json",
            _set(
                ["items", 1, "learningOutcomes"],
                [
                    {
                        "primaryCode": {"codeType": "identifier", "code": "x"},
                        "complexityLevel": "bloom_9",
                    }
                ],
            ),
            "items[1].learningOutcomes[0].complexityLevel",
        ),
        ("courses.json", _set(["items", 0, "ext", "periods"], "Q1"), "items[0].ext.periods"),
        (
            "courses.json",
            _set(["items", 0, "ext", "prerequisites"], [["NOPE-1"]]),
            "prerequisites[0][0]",
        ),
        (
            "courses.json",
            _set(["items", 0, "learningOutcomeIds"], ["00000000-0000-0000-0000-000000000000"]),
            "items[0].learningOutcomeIds[0]",
        ),
        ("programmes.json", _set(["items", 0, "level"], "bogus"), "items[0].level"),
        ("programmes.json", _set(["items", 0, "programmeType"], "bogus"), "items[0].programmeType"),
        ("learning-outcomes.json", _set(["items", 0, "name"], []), "items[0].name"),
        # the checks of `articulation validate`: self-prerequisite, cycle, duplicates, case twins
        (
            "courses.json",
            _set(["items", 0, "ext", "prerequisites"], [["UT-ADC"]]),
            "UT-ADC",
        ),
        (
            "courses.json",
            _append_copy(0, name=[{"language": "en-GB", "value": "Other"}]),
            "duplicate",
        ),
        ("courses.json", _append_copy(0, code="ut-adc"), "only in case"),
        ("courses.json", _set(["items", 0, "studyLoad", 0, "value"], 61), "items[0].studyLoad"),
    ],
)
def test_malformed_ooapi_exits_2_naming_file_and_field(tmp_path, name, edit, where):
    folder = _broken(tmp_path, name, edit)
    result, out = _import(tmp_path, folder)
    assert result.exit_code == 2, result.stderr
    assert name in result.stderr and where in result.stderr, result.stderr
    assert not out.exists()  # nothing half-imported


def test_a_prerequisite_cycle_is_refused(tmp_path):
    files = json.loads(json.dumps(export_ooapi(catalogue(MINI))))
    courses = {c["primaryCode"]["code"]: c for c in files["courses.json"]["items"]}
    courses["UT-DM"].setdefault("ext", {})["prerequisites"] = [["UT-ADC"]]
    result, out = _import(tmp_path, _write(tmp_path / "oo", files))
    assert result.exit_code == 2 and "cycle" in result.stderr, result.stderr
    assert "UT-ADC" in result.stderr and not out.exists()


def test_a_kind_of_programme_we_cannot_map_is_left_out_and_said(tmp_path):
    folder = _broken(tmp_path, "programmes.json", _set(["items", 0, "level"], "doctoral"))
    left = json.loads((folder / "programmes.json").read_text())["items"][0]["primaryCode"]["code"]
    result, out = _import(tmp_path, folder)
    assert result.exit_code == 0, result.stderr
    said = "items[0]: left out: programmeType 'programme' at level 'doctoral'"
    assert said in result.stderr, result.stderr
    loaded = load_curricula(out)
    assert left not in loaded.programmes
    assert set(loaded.programmes) == set(catalogue(MINI).programmes) - {left}


def test_a_bad_pattern_is_shown_as_it_is(tmp_path):
    folder = _broken(tmp_path, "courses.json", _set(["items", 0, "ext", "periods"], ["Q 1"]))
    result, _ = _import(tmp_path, folder)
    assert result.exit_code == 2
    assert r"'^[A-Za-z0-9][A-Za-z0-9_.\-]*$'" in result.stderr, result.stderr


def _hostile(tmp_path: Path, text_edit) -> tuple:
    files = json.loads(json.dumps(export_ooapi(catalogue(MINI))))
    folder = _write(tmp_path / "oo", files)
    path = folder / "courses.json"
    path.write_text(text_edit(path.read_text()))
    return _import(tmp_path, folder)


@pytest.mark.parametrize(
    ("edit", "where"),
    [
        (  # a 128 KiB field
            lambda text: text.replace('"Algorithms, Data', '"' + "x" * 128 * 1024 + " Data", 1),
            f"items[0].name[0].value: {128 * 1024 + len(' Data Structures and Complexity')} "
            "characters, more than",
        ),
        (  # JSON nested 1,000 deep
            lambda text: text.replace(
                '"bridging": true', '"bridging": ' + "[" * 1000 + "]" * 1000, 1
            ),
            f"items[0].ext.bridging{'[0]' * (MAX_DEPTH - 4)}: nested deeper than {MAX_DEPTH}",
        ),
        (  # a study load of 10**400
            lambda text: text.replace('"value": 5}', '"value": 1' + "0" * 400 + "}", 1),
            "items[0].studyLoad[0].value: number out of range",
        ),
        (  # a number of 5,000 digits (beyond Python's integer parsing limit)
            lambda text: text.replace('"value": 5}', '"value": 1' + "0" * 5000 + "}", 1),
            "courses.json: not readable JSON",
        ),
        (
            lambda text: text.replace('"value": 5}', '"value": 1e400}', 1),
            "items[0].studyLoad[0].value: number out of range",
        ),
    ],
    ids=["128KiB", "nested-1000", "1e400-int", "5000-digits", "1e400-float"],
)
def test_hostile_input_exits_2_naming_item_and_field(tmp_path, edit, where):
    result, out = _hostile(tmp_path, edit)
    assert result.exit_code == 2, result.stderr
    assert isinstance(result.exception, SystemExit)  # no traceback
    assert where in result.stderr, result.stderr
    assert "Traceback" not in result.stderr and not out.exists()


def test_not_json_and_missing_file(tmp_path):
    folder = _broken(tmp_path, "courses.json", lambda data: None)
    (folder / "courses.json").write_text("{not json")
    result = runner.invoke(app, ["ooapi", "import", str(folder), "--out", str(tmp_path / "c")])
    assert result.exit_code == 2 and "courses.json: line 1" in result.stderr
    (folder / "courses.json").unlink()
    with pytest.raises(OoapiError, match=r"courses\.json: file not found"):
        import_ooapi({})


def test_no_traceback_text_in_any_problem(tmp_path):
    folder = _broken(tmp_path, "courses.json", _set(["items", 0, "studyLoad"], "five"))
    result, _ = _import(tmp_path, folder)
    assert result.exit_code == 2 and re.search(
        r"items\[0\]\.studyLoad: expected list", result.stderr
    )
