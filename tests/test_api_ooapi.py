"""The read-only OOAPI v6 endpoints: the same objects as `articulation ooapi export`, valid
against the published schema, paged, from the catalogue snapshot."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from articulation.curriculum.loader import load_curricula
from articulation.interop.ooapi import export_ooapi
from articulation.settings import Settings
from tests.conftest import MINI
from tests.test_ooapi import SINGLE, assert_valid


@pytest.fixture
def client(database_url: str) -> Iterator[TestClient]:
    settings = Settings(database_url=database_url, migrate_on_start=False, seed_on_start=False)
    with TestClient(create_app(settings), raise_server_exceptions=True) as test_client:
        yield test_client


def test_lists_are_ooapi_and_match_the_export(client):
    exported = export_ooapi(load_curricula(MINI))
    for kind in ("courses", "programmes", "learning-outcomes"):
        response = client.get(f"/ooapi/v6/{kind}", params={"pageSize": 1000})
        assert response.status_code == 200
        body = response.json()
        assert_valid(body, f"/{kind}")
        assert body["items"] == exported[f"{kind}.json"]["items"]


def test_paging(client):
    first = client.get("/ooapi/v6/courses", params={"pageSize": 5}).json()
    second = client.get("/ooapi/v6/courses", params={"pageSize": 5, "pageNumber": 2}).json()
    assert (first["hasPreviousPage"], first["hasNextPage"], first["totalPages"]) == (False, True, 3)
    assert len(first["items"]) == 5 and first["items"] != second["items"]
    assert client.get("/ooapi/v6/courses", params={"pageSize": 0}).status_code == 422


def test_single_items_by_uuid_or_code(client):
    course = client.get("/ooapi/v6/courses/UT-ADC").json()
    assert_valid(course, SINGLE["courses.json"])
    again = client.get(f"/ooapi/v6/courses/{course['courseId']}").json()
    assert again == course
    programme = client.get("/ooapi/v6/programmes/UT-M-CS")
    assert programme.status_code == 200
    assert_valid(programme.json(), SINGLE["programmes.json"])
    missing = client.get("/ooapi/v6/courses/UT-ADX")
    assert missing.status_code == 404 and "UT-ADC" in missing.text
    assert client.get("/ooapi/v6/teachers").status_code == 422
