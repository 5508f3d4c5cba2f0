"""POST /v1/whatif: proposed edits against the current catalogue, never stored."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.main import create_app
from articulation.answers.whatif import Edit, what_if
from articulation.curriculum.edits import ACTIONS, WORDS
from articulation.curriculum.loader import load_curricula
from articulation.curriculum.patch import programme_document
from articulation.settings import Settings
from articulation.storage.clients import add_client
from tests.conftest import MINI

NEW_COURSE = {
    "institution": "UT",
    "code": "UT-STAT",
    "title": "Statistics",
    "ects": 5,
    "teaches": {"math.probability": "apply"},
    "prerequisites": [["UT-CALC-A", "math.calculus@apply"]],
    "bridging": True,
}


@pytest.fixture
def app(database_url: str) -> FastAPI:
    settings = Settings(database_url=database_url, migrate_on_start=False, seed_on_start=False)
    return create_app(settings)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=True) as test_client:
        yield test_client


def test_whatif_equals_the_engine_and_stores_nothing(client: TestClient) -> None:
    catalogue = load_curricula(MINI)
    master = catalogue.master("UT-M-CS")
    easier = master.model_copy(update={"requires": master.requires[:1]})
    document = programme_document(easier)
    before = client.get("/v1/programmes/UT-M-CS").json()
    answer = client.post(
        "/v1/whatif", json={"edits": [{"action": "change", "programme": document}]}
    )
    assert answer.status_code == 200, answer.text
    expected = what_if(catalogue, [Edit("change", "programme", "UT-M-CS", easier)]).to_json()
    assert answer.json() == expected
    assert answer.json()["changed"] and answer.json()["recomputed"] == 2
    assert client.get("/v1/programmes/UT-M-CS").json() == before  # never stored


def test_whatif_remove_by_code_and_errors_name_the_edit(client: TestClient) -> None:
    ok = client.post(
        "/v1/whatif",
        json={"edits": [{"action": "remove", "entity": "programme", "code": "UT-M-PSTS"}]},
    )
    assert ok.status_code == 200, ok.text
    assert {c["master"] for c in ok.json()["changed"]} == {"UT-M-PSTS"}
    bad = client.post(
        "/v1/whatif",
        json={
            "edits": [
                {"action": "remove", "entity": "course", "code": "UT-ADC"},  # still referenced
            ]
        },
    )
    assert bad.status_code == 422
    assert bad.json()["detail"][0]["loc"][:3] == ["body", "edits", 0]
    unknown = client.post(
        "/v1/whatif",
        json={
            "edits": [
                {"action": "remove", "entity": "programme", "code": "UT-M-PSTS"},
                {"action": "remove", "entity": "course", "code": "UT-NOPE"},
            ]
        },
    )
    assert unknown.status_code == 422
    assert unknown.json()["detail"][0]["loc"] == ["body", "edits", 1, "code"]
    missing = client.post("/v1/whatif", json={"edits": [{"action": "change"}]})
    assert missing.status_code == 422
    assert missing.json()["detail"][0]["loc"] == ["body", "edits", 0, "course"]
    course = client.get("/v1/courses/UT-ADC").json()
    course["prerequisites"] = [["UT-NOPE"]]
    broken = client.post("/v1/whatif", json={"edits": [{"action": "change", "course": course}]})
    assert broken.status_code == 422
    loc = broken.json()["detail"][0]["loc"]
    assert loc == ["body", "edits", 0, "course", "prerequisites", 0, 0], loc


@pytest.mark.parametrize("word", ["change", "update"])
def test_whatif_and_stored_edits_name_the_same_field_of_a_dotted_outcome(
    client: TestClient, app: FastAPI, word: str
) -> None:
    """One path splitter: ``teaches.math.calculus.limits`` is the key ``math.calculus.limits``
    of ``teaches`` in a what-if edit and a stored edit alike."""
    current = client.get("/v1/courses/UT-ADC")
    course = {**current.json(), "teaches": {"math.calculus.limits": "apply"}}
    whatif = client.post("/v1/whatif", json={"edits": [{"action": word, "course": course}]})
    assert whatif.status_code == 422, whatif.text
    [item] = whatif.json()["detail"]
    assert item["loc"][:4] == ["body", "edits", 0, "course"]
    token = add_client(app.state.engine, "ut-editor", "editor", "UT")
    headers = {"Authorization": f"Bearer {token}", "If-Match": current.headers["ETag"]}
    stored = client.put("/v1/courses/UT-ADC", json=course, headers=headers)
    assert stored.status_code == 422, stored.text
    [stored_item] = stored.json()["detail"]
    assert stored_item["loc"] == ["body", "teaches", "math.calculus.limits"]
    assert item["loc"][4:] == stored_item["loc"][1:]
    assert item["msg"] == stored_item["msg"] and "math.calculus.limits" in item["msg"]


def test_whatif_takes_every_word_of_the_edit_vocabulary(client: TestClient) -> None:
    """create/update/delete and their synonyms add/change/remove name the same actions."""
    answers: dict[str, object] = {}
    for word in WORDS:
        edit: dict[str, object] = {"action": word, "entity": "programme", "code": "UT-M-PSTS"}
        if ACTIONS[WORDS[word]].document:
            edit = {"action": word, "course": NEW_COURSE}
            if ACTIONS[WORDS[word]].existing:
                edit["course"] = {**client.get("/v1/courses/UT-MATHPACK").json(), "ects": 10}
        response = client.post("/v1/whatif", json={"edits": [edit]})
        assert response.status_code == 200, (word, response.text)
        answers[word] = response.json()
    for action, spec in ACTIONS.items():
        assert answers[str(action)] == answers[spec.synonym]
    missing = client.post("/v1/whatif", json={"edits": [{"action": "delete", "code": "UT-X"}]})
    item = missing.json()["detail"][0]
    assert missing.status_code == 422 and item["loc"] == ["body", "edits", 0, "entity"]
    assert "delete (remove) needs entity and code" in item["msg"]
    wrong = client.post("/v1/whatif", json={"edits": [{"action": "drop", "code": "UT-X"}]})
    assert wrong.status_code == 422
    assert wrong.json()["detail"][0]["loc"] == ["body", "edits", 0, "action"]


# --- a merge patch: what-if and PATCH routes alike -----------------------------------------------

MERGE_PATCH = {"Content-Type": "application/merge-patch+json"}


def test_whatif_change_is_a_merge_patch_equal_to_the_full_document(client: TestClient) -> None:
    """``{"code", "ects"}`` changes the EC and keeps every other field, as the whole document
    with that EC does (before, the other fields were required: 422 "title: Field required")."""
    full = {**client.get("/v1/courses/UT-DM").json(), "ects": 9}
    patch = {"code": "UT-DM", "ects": 9}
    by_patch = client.post("/v1/whatif", json={"edits": [{"action": "change", "course": patch}]})
    assert by_patch.status_code == 200, by_patch.text
    by_document = client.post("/v1/whatif", json={"edits": [{"action": "change", "course": full}]})
    assert by_patch.json() == by_document.json()
    assert by_patch.json()["changed"], "the change moves a cell"
    # null removes a field (its default applies), errors name the field and its value
    bad = client.post(
        "/v1/whatif",
        json={"edits": [{"action": "update", "course": {"code": "UT-DM", "ects": "nine"}}]},
    )
    assert bad.status_code == 422
    [item] = bad.json()["detail"]
    assert item["loc"] == ["body", "edits", 0, "course", "ects"] and "'nine'" in item["msg"]
    removed = client.post(
        "/v1/whatif",
        json={"edits": [{"action": "change", "course": {"code": "UT-DM", "title": None}}]},
    )
    assert removed.status_code == 422
    assert removed.json()["detail"][0]["loc"] == ["body", "edits", 0, "course", "title"]
    moved = client.post(
        "/v1/whatif",
        json={"edits": [{"action": "change", "code": "UT-DM", "course": {"code": "UT-LA"}}]},
    )
    assert moved.status_code == 422
    assert moved.json()["detail"][0]["loc"] == ["body", "edits", 0, "code"]


def test_whatif_programme_patch_keeps_the_fields_it_does_not_name(client: TestClient) -> None:
    catalogue = load_curricula(MINI)
    master = catalogue.master("UT-M-CS")
    patch = {
        "code": "UT-M-CS",
        "requires": [r.model_dump(mode="json") for r in master.requires[:1]],
    }
    answer = client.post("/v1/whatif", json={"edits": [{"action": "change", "programme": patch}]})
    assert answer.status_code == 200, answer.text
    easier = master.model_copy(update={"requires": master.requires[:1]})
    expected = what_if(catalogue, [Edit("change", "programme", "UT-M-CS", easier)]).to_json()
    assert answer.json() == expected


def test_patch_course_merges_checks_if_match_and_is_audited(
    client: TestClient, app: FastAPI
) -> None:
    from tests.test_api import audit, bearer, error

    editor = bearer(app, "ut-editor", "UT")
    current = client.get("/v1/courses/UT-LA")
    etag = current.headers["ETag"]
    body = json.dumps({"ects": 4, "title_nl": "Lineaire algebra"})
    url = "/v1/courses/UT-LA"
    assert error(client.patch(url, content=body, headers={**editor, **MERGE_PATCH}), 428)[
        "loc"
    ] == ["header", "If-Match"]
    plain = {**editor, "If-Match": etag, "Content-Type": "application/json"}
    item = error(client.patch(url, content=body, headers=plain), 415)
    assert item["loc"] == ["header", "Content-Type"] and "merge-patch" in item["msg"]
    assert client.patch(url, content=body, headers=plain).headers["Accept-Patch"] == (
        "application/merge-patch+json"
    )
    ok = client.patch(url, content=body, headers={**editor, **MERGE_PATCH, "If-Match": etag})
    assert ok.status_code == 200, ok.text
    assert ok.json() == {**current.json(), "ects": 4, "title_nl": "Lineaire algebra"}
    assert ok.headers["ETag"] != etag
    assert client.get(url).json() == ok.json()
    [entry] = audit(app, "UT-LA")
    assert entry.action == "update" and entry.actor == "ut-editor"
    assert entry.before["ects"] == 3 and entry.after["ects"] == 4
    assert entry.after["teaches"] == entry.before["teaches"]  # not named: kept
    stale = client.patch(url, content=body, headers={**editor, **MERGE_PATCH, "If-Match": etag})
    assert error(stale, 412)["loc"] == ["header", "If-Match"]
    headers = {**editor, **MERGE_PATCH, "If-Match": ok.headers["ETag"]}
    bad = client.patch(url, content=json.dumps({"ects": 0, "title": None}), headers=headers)
    assert bad.status_code == 422, bad.text
    locs = {tuple(i["loc"]): i["msg"] for i in bad.json()["detail"]}
    assert (
        set(locs) == {("body", "ects"), ("body", "title")} and "(got 0)" in locs[("body", "ects")]
    )
    unknown = client.patch(
        url, content=json.dumps({"teaches": {"nope.x": "apply"}}), headers=headers
    )
    assert error(unknown, 422)["loc"] == ["body", "teaches", "nope.x"]
    removed = client.patch(url, content=json.dumps({"title_nl": None}), headers=headers)
    assert removed.status_code == 200 and removed.json().get("title_nl") is None
    assert len(audit(app, "UT-LA")) == 2
    scanner = {"Authorization": bearer(app, "vu-editor", "VU")["Authorization"]}
    foreign = client.patch(url, content="{}", headers={**scanner, **MERGE_PATCH, "If-Match": "*"})
    assert error(foreign, 403)["loc"] == ["header", "Authorization"]
    assert error(client.patch(url, content="[1]", headers={**headers, "If-Match": "*"}), 422)[
        "loc"
    ] == ["body"]


def test_patch_programme_merges_nested_objects(client: TestClient, app: FastAPI) -> None:
    from tests.test_api import audit, bearer, error

    editor = bearer(app, "ut-editor", "UT")
    current = client.get("/v1/programmes/UT-M-CS")
    headers = {**editor, **MERGE_PATCH, "If-Match": current.headers["ETag"]}
    patch = {"premaster": {"max_ects": 45}}
    ok = client.patch("/v1/programmes/UT-M-CS", content=json.dumps(patch), headers=headers)
    assert ok.status_code == 200, ok.text
    after = client.get("/v1/programmes/UT-M-CS").json()
    before = current.json()
    assert after["premaster"] == {**before["premaster"], "max_ects": 45}
    assert after["requires"] == before["requires"] and after["name"] == before["name"]
    [entry] = audit(app, "UT-M-CS")
    assert entry.action == "update" and entry.after["premaster"]["max_ects"] == 45
    headers["If-Match"] = ok.headers["ETag"]
    kind = client.patch("/v1/programmes/UT-M-CS", content='{"kind": "minor"}', headers=headers)
    assert kind.status_code == 422
    assert error(client.patch("/v1/programmes/UT-M-NOPE", content="{}", headers=headers), 404)


def test_patch_routes_are_in_the_openapi_document(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    for path in ("/v1/courses/{code}", "/v1/programmes/{code}"):
        operation = spec["paths"][path]["patch"]
        assert set(operation["requestBody"]["content"]) == {"application/merge-patch+json"}
        assert {"412", "415", "422", "428"} <= set(operation["responses"])
    assert "$defs" not in json.dumps(spec)
