"""A what-if update as a JSON Merge Patch (RFC 7396), and why each changed cell changed."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from articulation.answers.whatif import Diff, Edit, EditError, base_scan, what_if
from articulation.curriculum.loader import load_curricula
from articulation.curriculum.patch import (
    PatchError,
    course_document,
    merge_patch,
    patched_course,
    patched_programme,
)
from articulation.messages.message import Message, render
from tests.conftest import bundled_catalogue

CATALOGUE = bundled_catalogue()
ACCEPTANCE = {"code": "UT-202001184", "ects": 6}

# RFC 7396, appendix A: original, patch, result.
RFC_EXAMPLES: list[tuple[Any, Any, Any]] = [
    ({"a": "b"}, {"a": "c"}, {"a": "c"}),
    ({"a": "b"}, {"b": "c"}, {"a": "b", "b": "c"}),
    ({"a": "b"}, {"a": None}, {}),
    ({"a": "b", "b": "c"}, {"a": None}, {"b": "c"}),
    ({"a": ["b"]}, {"a": "c"}, {"a": "c"}),
    ({"a": "c"}, {"a": ["b"]}, {"a": ["b"]}),
    ({"a": {"b": "c"}}, {"a": {"b": "d", "c": None}}, {"a": {"b": "d"}}),
    ({"a": [{"b": "c"}]}, {"a": [1]}, {"a": [1]}),
    (["a", "b"], ["c", "d"], ["c", "d"]),
    ({"a": "b"}, ["c"], ["c"]),
    ({"a": "foo"}, None, None),
    ({"a": "foo"}, "bar", "bar"),
    ({"e": None}, {"a": 1}, {"e": None, "a": 1}),
    ([1, 2], {"a": "b", "c": None}, {"a": "b"}),
    ({}, {"a": {"bb": {"ccc": None}}}, {"a": {"bb": {}}}),
]


@pytest.mark.parametrize(("original", "patch", "result"), RFC_EXAMPLES)
def test_merge_patch_follows_the_rfc_examples(original: Any, patch: Any, result: Any) -> None:
    kept = repr((original, patch))
    assert merge_patch(original, patch) == result
    assert repr((original, patch)) == kept  # neither argument is changed


def test_the_rfc_section_3_example() -> None:
    target = {
        "title": "Goodbye!",
        "author": {"givenName": "John", "familyName": "Doe"},
        "tags": ["example", "sample"],
        "content": "This will be unchanged",
    }
    patch = {
        "title": "Hello!",
        "phoneNumber": "+01-123-456-7890",
        "author": {"familyName": None},
        "tags": ["example"],
    }
    assert merge_patch(target, patch) == {
        "title": "Hello!",
        "author": {"givenName": "John"},
        "tags": ["example"],
        "content": "This will be unchanged",
        "phoneNumber": "+01-123-456-7890",
    }


def test_a_patch_keeps_what_it_does_not_name_and_errors_name_field_and_value() -> None:
    current = (CATALOGUE.institution_of["UT-202001184"], CATALOGUE.courses["UT-202001184"])
    institution, course = patched_course(current, ACCEPTANCE, code="UT-202001184")
    assert institution == "UT" and course == current[1].model_copy(update={"ects": 6})
    assert course.periods == current[1].periods  # not named: kept (it used to be emptied)
    _, fewer = patched_course(current, {"teaches": {"math.logic": None}})
    assert set(fewer.teaches) == set(current[1].teaches) - {"math.logic"}
    with pytest.raises(PatchError) as caught:
        patched_course(current, {"ects": 0.3, "title": None, "periods": "Q9"})
    problems = dict((tuple(path), msg) for path, msg in caught.value.problems)
    assert set(problems) == {("ects",), ("title",), ("periods",)}
    assert "0.3" in problems[("ects",)] and "'Q9'" in problems[("periods",)]
    with pytest.raises(PatchError, match="must be 'UT-202001184'"):
        patched_course(current, {"code": "UT-OTHER"}, code="UT-202001184")
    with pytest.raises(PatchError, match="JSON object"):
        patched_course(current, [1])
    master = CATALOGUE.master("UT-M-CS")
    patched = patched_programme(master, {"premaster": {"max_ects": 45}})
    assert patched.premaster == master.premaster.model_copy(update={"max_ects": 45})
    assert patched.requires == master.requires


def reasons_in(result: Diff) -> None:
    """Every changed cell says why beyond the catalogue change that reached it, in both
    languages, as messages that read back from their JSON."""
    for change in result.changed:
        assert len(change.reasons) > len(change.causes), change
        for reason in change.reasons:
            assert Message.from_json(reason.to_json()) == reason
            assert render(reason, "en") and render(reason, "nl")
        english = [r.text("en") for r in change.reasons]
        assert english != [r.text("nl") for r in change.reasons]


@pytest.mark.slow
def test_the_acceptance_patch_gives_the_cells_of_the_full_document() -> None:
    before = base_scan(CATALOGUE)
    code = ACCEPTANCE["code"]
    full = CATALOGUE.courses[code].model_copy(update={"ects": 6})
    by_patch = what_if(CATALOGUE, [Edit("change", "course", code, patch=ACCEPTANCE)], before=before)
    by_document = what_if(CATALOGUE, [Edit("update", "course", code, full, "UT")], before=before)
    assert by_patch.changed and by_patch.to_json() == by_document.to_json()
    assert by_patch.to_json("nl") == by_document.to_json("nl")
    reasons_in(by_patch)
    for change in by_patch.changed:
        assert change.reasons[0] == Message.of(
            "whatif.cause_fields",
            what=Message("whatif.kind.course"),
            code=code,
            fields=[Message.of("whatif.field", field="ects", before=4.0, after=6.0)],
        )
    # the old way to say it (the whole document without its periods) answers differently
    emptied = full.model_copy(update={"periods": []})
    without = what_if(CATALOGUE, [Edit("update", "course", code, emptied, "UT")], before=before)
    assert without.to_json()["changed"] != by_patch.to_json()["changed"]


def one_field(code: str, n: int) -> dict[str, Any]:
    """A change of one field: the EC up by one (every other course), or the periods."""
    course = CATALOGUE.courses[code]
    if n % 2 == 0 or not course.periods:
        return {"code": code, "ects": course.ects + 1}
    return {"code": code, "periods": list(course.periods[:1]) or ["Q1"]}


def test_every_bundled_course_patched_equals_its_full_document() -> None:
    """For every bundled course, a one-field patch gives the catalogue the whole document
    with that field changed gives (so the engine answers the same)."""
    for n, (code, course) in enumerate(sorted(CATALOGUE.courses.items())):
        patch = one_field(code, n)
        document = {**course_document(CATALOGUE.institution_of[code], course), **patch}
        current = (CATALOGUE.institution_of[code], course)
        assert patched_course(current, patch) == patched_course(None, document), code


CS_PREMASTER = CATALOGUE.master("UT-M-CS").premaster
CS_POOL = sorted({*(CS_PREMASTER.courses or ()), *(CS_PREMASTER.university_courses or ())})


@pytest.mark.parametrize("code", CS_POOL)
def test_every_cs_premaster_course_patched_changes_the_cells_its_document_does(code: str) -> None:
    """Every course of UT-M-CS's pre-master (the acceptance example's master): a one-field
    patch changes the same cells, for the same reasons, as the whole document."""
    before = base_scan(CATALOGUE)
    n = sorted(CATALOGUE.courses).index(code)
    patch = one_field(code, n)
    course = CATALOGUE.courses[code]
    full = course.model_copy(update={k: v for k, v in patch.items() if k != "code"})
    full = type(course).model_validate(full.model_dump())
    by_patch = what_if(CATALOGUE, [Edit("change", "course", code, patch=patch)], before=before)
    by_document = what_if(CATALOGUE, [Edit("change", "course", code, full, "UT")], before=before)
    assert by_patch.to_json() == by_document.to_json()
    reasons_in(by_patch)


def test_a_broken_requirement_is_named_in_the_reasons() -> None:
    """IEM → CS: a bachelor course that no longer teaches calculus leaves the calculus
    requirement unmet; a pre-master course that no longer teaches discrete mathematics leaves
    the route, and the reason names what it covered."""
    before = base_scan(CATALOGUE)
    pair = ("VU-B-IEM", "UT-M-CS")
    calculus = Edit("change", "course", "UT-940100001", patch={"teaches": {"math.calculus": None}})
    result = what_if(CATALOGUE, [calculus], before=before)
    [change] = [c for c in result.changed if (c.bachelor, c.master) == pair]
    unmet = [r for r in change.reasons if r.id == "whatif.now_unmet"]
    assert unmet and "math.calculus@apply" in unmet[0].kwargs["requirement"]
    assert "math.calculus@apply" in unmet[0].text("nl") and "voldoen niet meer" in unmet[0].text(
        "nl"
    )
    reasons_in(result)
    discrete = Edit("change", "course", "UT-202001184", patch={"teaches": {"math.discrete": None}})
    result = what_if(CATALOGUE, [discrete], before=before)
    [change] = [c for c in result.changed if (c.bachelor, c.master) == pair]
    left = [r for r in change.reasons if r.id == "whatif.course_left_covering"]
    assert left and left[0].kwargs["code"] == "UT-202001184"
    assert "math.discrete@apply" in left[0].kwargs["covers"]
    reasons_in(result)


def test_a_patch_that_breaks_the_catalogue_names_the_edit_and_field() -> None:
    with pytest.raises(EditError) as caught:
        what_if(
            CATALOGUE,
            [
                Edit("change", "course", "UT-202001184", patch={"ects": 6}),
                Edit("change", "course", "UT-202001182", patch={"ects": -1}),
            ],
        )
    assert [(i, path) for i, path, _ in caught.value.problems] == [(1, ["ects"])]
    assert "-1" in caught.value.problems[0][2]


@pytest.fixture(scope="module")
def bundled(bundled_client: TestClient) -> TestClient:
    return bundled_client


def without_texts(data: Any) -> Any:
    """A JSON answer without its rendered texts (what stays the same in every language)."""
    if isinstance(data, dict):
        return {k: without_texts(v) for k, v in data.items() if k != "text"}
    if isinstance(data, list):
        return [without_texts(v) for v in data]
    return data


@pytest.mark.slow
def test_the_acceptance_patch_on_the_api(bundled: TestClient) -> None:
    """``POST /v1/whatif`` with ``{"code": "UT-202001184", "ects": 6}`` answers as the whole
    document does, each changed cell with its reasons in the language asked."""
    full = {**bundled.get("/v1/courses/UT-202001184").json(), "ects": 6}
    answers = {}
    for lang, course in (("nl", ACCEPTANCE), ("en", full)):
        answer = bundled.post(
            f"/v1/whatif?lang={lang}",
            json={"edits": [{"action": "change", "course": course}], "time_limit": 60},
        )
        assert answer.status_code == 200, answer.text[:2000]
        answers[lang] = answer.json()
    patched, whole = answers["nl"], answers["en"]
    assert patched["changed"] and without_texts(patched) == without_texts(whole)
    for dutch, english in zip(patched["changed"], whole["changed"], strict=True):
        assert dutch["reasons"] and dutch["causes"] == ["course UT-202001184 changed"]
        assert english["reasons"][0]["text"] == "course UT-202001184 changed: ects 4 → 6"
        assert dutch["reasons"][0]["text"] == "cursus UT-202001184 gewijzigd: ects 4 → 6"
        for reason in dutch["reasons"]:
            assert reason["text"] == render(Message.from_json(reason), "nl")


def test_new_and_removed_pairs_say_so() -> None:
    """A created master's pairs and a deleted master's pairs say what happened to the pair."""
    from tests.conftest import MINI

    mini = load_curricula(MINI)
    document = {**mini.master("UT-M-CS").model_dump(mode="json"), "code": "UT-M-CS2"}
    created = what_if(mini, [Edit("create", "programme", "UT-M-CS2", patch=document)])
    assert created.changed and all(c.master == "UT-M-CS2" for c in created.changed)
    for change in created.changed:
        ids = [r.id for r in change.reasons]
        assert ids[-1] == "whatif.pair_added", ids
        assert change.reasons[0].text("nl") == "opleiding UT-M-CS2 toegevoegd"
    removed = what_if(mini, [Edit("delete", "programme", "UT-M-PSTS")])
    assert removed.changed
    for change in removed.changed:
        assert [r.id for r in change.reasons] == ["whatif.cause", "whatif.pair_removed"]
        assert change.reasons[1].text("en").startswith("the pair is gone (it was ")
