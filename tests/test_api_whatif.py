"""POST /v1/whatif: proposed edits against the current catalogue, never stored."""

from __future__ import annotations

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
