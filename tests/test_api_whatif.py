"""POST /v1/whatif: proposed edits against the current catalogue, never stored."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.main import create_app
from articulation.answers.whatif import Edit, what_if
from articulation.curriculum.loader import load_curricula
from articulation.settings import Settings
from articulation.storage.rows import programme_document
from tests.conftest import MINI


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
