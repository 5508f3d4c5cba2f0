"""OOAPI v6: the export validates against the published v6.0 schema and imports back into the
same catalogue; malformed files are refused with file and JSON path, nothing half-imported."""

from __future__ import annotations

import functools
import json
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012
from typer.testing import CliRunner

from articulation.cli import app
from articulation.curriculum.loader import load_curricula
from articulation.interop.ooapi import OoapiError, export_ooapi, import_ooapi

SPEC = Path(__file__).parent / "fixtures" / "ooapi" / "oeapi-v6.0.json"
MINI = Path(__file__).parent / "fixtures" / "mini"
BUNDLED = Path(__file__).parent.parent / "curricula"
runner = CliRunner()
# the response schema of each list operation, by exported file
OPERATIONS = {
    "courses.json": "/courses",
    "programmes.json": "/programmes",
    "learning-outcomes.json": "/learning-outcomes",
}
SINGLE = {
    "courses.json": "/courses/{courseId}",
    "programmes.json": "/programmes/{programmeId}",
    "learning-outcomes.json": "/learning-outcomes/{learningOutcomeId}",
}


@functools.cache
def _registry() -> Registry:
    spec = json.loads(SPEC.read_text())
    assert spec["info"]["version"] == "6.0"
    return Registry().with_resource("urn:oeapi", Resource.from_contents(spec, DRAFT202012))


def validator(path: str) -> Draft202012Validator:
    pointer = "/paths/" + path.replace("~", "~0").replace("/", "~1")
    pointer += "/get/responses/200/content/application~1json/schema"
    return Draft202012Validator(
        {"$ref": f"urn:oeapi#{pointer}"}, registry=_registry(), format_checker=FormatChecker()
    )


def assert_valid(data, path: str) -> None:
    errors = sorted(validator(path).iter_errors(data), key=lambda e: list(e.absolute_path))
    assert not errors, [f"{list(e.absolute_path)}: {e.message}" for e in errors[:5]]


@functools.cache
def catalogue(root: Path):
    return load_curricula(root)


@pytest.mark.parametrize("root", [MINI, BUNDLED], ids=["mini", "bundled"])
def test_export_validates_against_the_ooapi_v6_schema(root):
    files = export_ooapi(catalogue(root))
    for name, data in files.items():
        assert_valid(data, OPERATIONS[name])
        for item in data["items"][:25]:
            assert_valid(item, SINGLE[name])


def test_schema_check_catches_a_broken_course():
    data = export_ooapi(catalogue(MINI))["courses.json"]
    data["items"][0]["studyLoad"] = [{"studyLoadUnit": "ects"}]
    assert list(validator("/courses").iter_errors(data))


@pytest.mark.parametrize("root", [MINI, BUNDLED], ids=["mini", "bundled"])
def test_round_trip_gives_the_same_catalogue(root):
    original = catalogue(root)
    files = json.loads(json.dumps(export_ooapi(original)))
    assert import_ooapi(files) == original


def test_ooapi_fields_and_ext():
    files = export_ooapi(catalogue(MINI))
    course = next(c for c in files["courses.json"]["items"] if c["primaryCode"]["code"] == "UT-ADC")
    assert course["studyLoad"] == [{"studyLoadUnit": "ects", "value": 5}]
    assert [lo["complexityLevel"] for lo in course["learningOutcomes"]] == ["bloom_3"]
    assert course["ext"]["prerequisites"] == [
        ["UT-DM", "math.discrete@apply"],
        ["cs.programming@apply"],
    ]
    assert course["ext"]["institution"] == "UT" and course["ext"]["bridging"] is True
    kinds = {
        p["primaryCode"]["code"]: (p["programmeType"], p.get("level"))
        for p in files["programmes.json"]["items"]
    }
    assert kinds["VU-B-AI"] == ("programme", "bachelor")
    assert kinds["UT-M-CS"] == ("programme", "master")
    assert kinds["UT-MIN-PHYS"] == ("minor", None)


def test_cli_round_trip(tmp_path):
    result = runner.invoke(app, ["ooapi", "export", str(tmp_path / "oo"), "--curricula", str(MINI)])
    assert result.exit_code == 0, result.stderr
    result = runner.invoke(
        app, ["ooapi", "import", str(tmp_path / "oo"), "--out", str(tmp_path / "cur")]
    )
    assert result.exit_code == 0, result.stderr
    assert load_curricula(tmp_path / "cur") == catalogue(MINI)


def _broken(tmp_path, name, edit):
    files = json.loads(json.dumps(export_ooapi(catalogue(MINI))))
    edit(files[name])
    folder = tmp_path / "oo"
    folder.mkdir()
    for file, data in files.items():
        (folder / file).write_text(json.dumps(data))
    return folder


def _set(path, value):
    def edit(data):
        target = data
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value

    return edit


@pytest.mark.parametrize(
    ("name", "edit", "where"),
    [
        ("courses.json", _set(["items", 2, "studyLoad"], []), "items[2].studyLoad"),
        (
            "courses.json",
            _set(["items", 1, "learningOutcomes", 0, "complexityLevel"], "bloom_9"),
            "items[1].learningOutcomes[0].complexityLevel",
        ),
        ("courses.json", _set(["items", 0, "ext", "periods"], "Q1"), "items[0].ext.periods"),
        (
            "courses.json",
            _set(["items", 0, "ext", "prerequisites"], [["NOPE-1"]]),
            "prerequisites[0][0]",
        ),
        ("programmes.json", _set(["items", 0, "level"], "doctoral"), "items[0].level"),
        ("learning-outcomes.json", _set(["items", 0, "name"], []), "items[0].name"),
    ],
)
def test_malformed_ooapi_exits_2_naming_file_and_field(tmp_path, name, edit, where):
    folder = _broken(tmp_path, name, edit)
    out = tmp_path / "cur"
    result = runner.invoke(app, ["ooapi", "import", str(folder), "--out", str(out)])
    assert result.exit_code == 2
    assert name in result.stderr and where in result.stderr, result.stderr
    assert not out.exists()  # nothing half-imported


def test_not_json_and_missing_file(tmp_path):
    folder = _broken(tmp_path, "courses.json", lambda data: None)
    (folder / "courses.json").write_text("{not json")
    result = runner.invoke(app, ["ooapi", "import", str(folder), "--out", str(tmp_path / "c")])
    assert result.exit_code == 2 and "courses.json: line 1" in result.stderr
    (folder / "courses.json").unlink()
    with pytest.raises(OoapiError, match=r"courses\.json: file not found"):
        import_ooapi({})
