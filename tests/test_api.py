"""The HTTP API through FastAPI's test client, on SQLite and PostgreSQL: every endpoint, its
answers and its error cases (every 4xx names the field and the reason; nothing is a 500)."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlmodel import Session
from typer.testing import CliRunner

from api.main import create_app
from articulation.answers.scan import scan
from articulation.cli import app as cli_app
from articulation.curriculum.loader import load_curricula
from articulation.messages.status import VALUES as STATUSES
from articulation.settings import Settings
from articulation.storage.audit import audit_log
from articulation.storage.clients import add_client, hash_token
from articulation.storage.db import head_revision
from articulation.storage.jobs import create_job
from articulation.storage.roles import ROLES
from articulation.storage.rows import read_version
from articulation.storage.tables import ApiClient, now
from tests.conftest import MINI, calendar_curricula

TINY = 0.000001  # a time limit no solve can finish in


@pytest.fixture
def app(database_url: str) -> FastAPI:
    settings = Settings(database_url=database_url, migrate_on_start=False, seed_on_start=False)
    return create_app(settings)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=True) as test_client:
        yield test_client


def bearer(app: FastAPI, name: str, institution: str) -> dict[str, str]:
    token = add_client(app.state.engine, name, "editor", institution)
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def ut_editor(app: FastAPI) -> dict[str, str]:
    return bearer(app, "ut-editor", "UT")


@pytest.fixture
def scanner(app: FastAPI) -> dict[str, str]:
    token = add_client(app.state.engine, "board", "scanner", "*")
    return {"Authorization": f"Bearer {token}"}


def error(response, status: int) -> dict[str, Any]:
    """The single error item of a response, after checking status and shape."""
    assert response.status_code == status, response.text
    body = response.json()
    assert isinstance(body["detail"], list) and body["detail"]
    for item in body["detail"]:
        assert set(item) == {"loc", "msg", "type"} and item["msg"]
    return body["detail"][0]


def audit(app: FastAPI, code: str) -> list[Any]:
    """The audited changes of ``code`` since the fixture's import (version 1), newest first."""
    with Session(app.state.engine) as session:
        return [e for e in audit_log(session, code=code) if e.catalogue_version > 1]


def version(app: FastAPI) -> int:
    with Session(app.state.engine) as session:
        return read_version(session)


# --- health and reads ---------------------------------------------------------------------------


def test_health_reports_database_and_versions(client: TestClient, app: FastAPI) -> None:
    body = client.get("/health").json()
    assert body["status"] == "ok"
    assert body["database"] == app.state.engine.dialect.name
    assert body["catalogue_version"] == 1
    assert body["schema_revision"] == head_revision()


def test_outcomes(client: TestClient) -> None:
    body = client.get("/v1/outcomes").json()
    assert body["total"] == 10 and len(body["items"]) == 10
    assert [o["id"] for o in body["items"]] == sorted(o["id"] for o in body["items"])
    maths = client.get("/v1/outcomes", params={"area": "mathematics"}).json()
    assert {o["id"] for o in maths["items"]} == {
        "math.calculus",
        "math.discrete",
        "math.linear-algebra",
        "math.probability",
    }
    assert client.get("/v1/outcomes/cs.algorithms").json()["area"] == "programming"
    item = error(client.get("/v1/outcomes/cs.algorithm"), 404)
    assert item["loc"] == ["path", "outcome_id"]
    assert "did you mean 'cs.algorithms'" in item["msg"]


def test_courses_filter_search_and_page(client: TestClient) -> None:
    everything = client.get("/v1/courses").json()
    assert everything["total"] == 13
    ut = client.get("/v1/courses", params={"institution": "ut"}).json()
    assert ut["total"] == 8 and all(c["institution"] == "UT" for c in ut["items"])
    found = client.get("/v1/courses", params={"q": "MATH"}).json()
    assert [c["code"] for c in found["items"]] == ["UT-DM", "UT-MATHPACK"]
    bridging = client.get("/v1/courses", params={"bridging": "false"}).json()
    assert {c["code"] for c in bridging["items"]} == {
        "UT-QM",
        "VU-PROG",
        "VU-LAC",
        "VU-HCI",
        "VU-RM",
    }
    teaching = client.get("/v1/courses", params={"outcome": "math.calculus"}).json()
    assert {c["code"] for c in teaching["items"]} == {"UT-CALC-A", "UT-MATHPACK", "VU-LAC"}
    page = client.get("/v1/courses", params={"limit": 5, "offset": 10}).json()
    assert page["total"] == 13 and len(page["items"]) == 3
    assert [c["code"] for c in page["items"]] == [c["code"] for c in everything["items"][10:]]
    item = error(client.get("/v1/courses", params={"limit": 0}), 422)
    assert item["loc"] == ["query", "limit"]


def test_one_course_in_file_format_with_etag(client: TestClient) -> None:
    response = client.get("/v1/courses/UT-ADC")
    assert response.status_code == 200
    assert response.headers["ETag"] == '"1"'
    body = response.json()
    assert body["institution"] == "UT"
    assert body["teaches"] == {"cs.algorithms": "apply"}
    assert body["prerequisites"] == [["UT-DM", "math.discrete@apply"], ["cs.programming@apply"]]
    item = error(client.get("/v1/courses/UT-ADX"), 404)
    assert item["loc"] == ["path", "code"] and "did you mean 'UT-ADC'" in item["msg"]


def test_programmes_and_one_programme_with_requirements(client: TestClient) -> None:
    masters = client.get("/v1/programmes", params={"kind": "master"}).json()
    assert [p["code"] for p in masters["items"]] == [
        "UT-M-AP",
        "UT-M-CS",
        "UT-M-ITECH",
        "UT-M-PSTS",
    ]
    vu = client.get("/v1/programmes", params={"institution": "VU"}).json()
    assert {p["code"] for p in vu["items"]} == {"VU-B-AI", "VU-B-CREATE"}
    response = client.get("/v1/programmes/UT-M-CS")
    assert response.headers["ETag"] == '"1"'
    body = response.json()
    assert body["requires"] == [
        {"outcome": "cs.algorithms", "level": "apply"},
        {
            "any_of": [
                {"outcome": "math.calculus", "level": "apply"},
                {"outcome": "math.probability", "level": "apply"},
            ]
        },
        {"area": "mathematics", "min_ects": 12.0},
    ]
    assert body["premaster"] == {  # a cap and ceiling without a status are assumptions
        "max_ects": 30.0,
        "cap_status": "assumed",
        "cap_source": None,
        "catalogue": ["UT"],
        "courses": None,
        "ceiling": 60.0,
        "ceiling_status": "assumed",
        "ceiling_source": None,
        "fixed": [],
        "university_courses": None,
        "rule": None,
    }
    item = error(client.get("/v1/programmes/UT-M-XS"), 404)
    assert item["loc"] == ["path", "code"] and "UT-M-CS" in item["msg"]
    item = error(client.get("/v1/programmes", params={"kind": "phd"}), 422)
    assert item["loc"] == ["query", "kind"]


# --- transfer paths -----------------------------------------------------------------------------


def test_transfer_path_is_the_scan_cell_with_explanation_and_alternatives(
    client: TestClient,
) -> None:
    body = client.get("/v1/paths/VU-B-AI/UT-M-CS", params={"alternatives": 2}).json()
    assert body["status"] == "premaster" and body["optimal"] is True
    assert body["total_ects"] == 14.0
    assert [c["code"] for c in body["courses"]] == ["UT-CALC-A", "UT-DM", "UT-ADC"]
    assert body["bachelor_name"] == "Artificial Intelligence"
    assert any(
        line.startswith("Take UT-DM Discrete Mathematics (4 EC)") for line in body["explanation"]
    )
    assert any("is a prerequisite of UT-ADC" in line for line in body["explanation"])
    assert 1 <= len(body["alternatives"]) <= 2
    chosen = {c["code"] for c in body["courses"]}
    for alternative in body["alternatives"]:
        codes = {c["code"] for c in alternative["courses"]}
        assert alternative["total_ects"] >= body["total_ects"]
        assert not chosen <= codes  # distinct: never the optimum or a superset of it
    args = ["bridge", "VU-B-AI", "UT-M-CS", "--curricula", str(MINI), "--json"]
    cli = json.loads(CliRunner().invoke(cli_app, args).stdout)
    assert {k: body[k] for k in cli} == cli  # the CLI's JSON contract, extended


def test_transfer_paths_keep_the_curricula_calendars(
    app: FastAPI, client: TestClient, ut_editor: dict[str, str], tmp_path: Path
) -> None:
    """Curricula with academic calendars of their own, imported into the database: the server
    plans in those calendars, as the command line does on the same curricula."""
    from articulation.storage.catalogue_import import import_catalogue

    curricula = calendar_curricula(tmp_path / "curricula")
    import_catalogue(app.state.engine, load_curricula(curricula))
    for bachelor, master, finish in [
        ("VU-B-AI", "UT-M-CS", "end of year 1, S2"),
        ("VU-B-CREATE", "UT-M-ITECH", "end of year 3, T2"),
    ]:
        body = client.get(f"/v1/paths/{bachelor}/{master}", params={"alternatives": 0}).json()
        assert body["finish"] == finish
        args = ["bridge", bachelor, master, "--curricula", str(curricula), "--json"]
        cli = json.loads(CliRunner().invoke(cli_app, args).stdout)
        assert {k: body[k] for k in cli} == cli
    audited = client.get("/v1/audit", params={"entity": "calendar"}, headers=ut_editor).json()
    assert sorted(e["code"] for e in audited["items"]) == ["UT", "VU"]
    ooapi = client.get("/ooapi/v6/courses").json()["ext"]["calendars"]
    assert [p["name"] for p in ooapi["UT"]["periods"]] == ["S1", "S2"]


def test_transfer_path_unknown_codes_are_404_naming_the_segment(client: TestClient) -> None:
    item = error(client.get("/v1/paths/VU-B-XI/UT-M-CS"), 404)
    assert item["loc"] == ["path", "bachelor"] and "did you mean 'VU-B-AI'" in item["msg"]
    item = error(client.get("/v1/paths/VU-B-AI/UT-M-CZ"), 404)
    assert item["loc"] == ["path", "master"]
    item = error(client.get("/v1/paths/UT-M-CS/UT-M-AP"), 404)  # a master is no bachelor
    assert item["loc"] == ["path", "bachelor"]
    item = error(client.get("/v1/paths/VU-B-AI/UT-M-CS", params={"alternatives": 11}), 422)
    assert item["loc"] == ["query", "alternatives"]
    item = error(client.get("/v1/paths/VU-B-AI/UT-M-CS", params={"time_limit": 0}), 422)
    assert item["loc"] == ["query", "time_limit"]


def test_transfer_row_ranks_every_master_by_status_then_ec(client: TestClient) -> None:
    body = client.get("/v1/paths/VU-B-AI").json()
    paths = body["paths"]
    assert sorted(p["master"] for p in paths) == ["UT-M-AP", "UT-M-CS", "UT-M-ITECH", "UT-M-PSTS"]
    keys = [(STATUSES.index(p["status"]), p["total_ects"], p["master"]) for p in paths]
    assert keys == sorted(keys)
    assert paths[0]["master"] == "UT-M-PSTS" and paths[0]["status"] == "direct"
    assert paths[-1]["status"] == "infeasible"


def test_a_solve_past_its_time_limit_answers_503_with_the_bound(client: TestClient) -> None:
    response = client.get("/v1/paths/VU-B-AI/UT-M-CS", params={"time_limit": TINY})
    assert response.status_code == 503, response.text
    body = response.json()
    assert body["detail"][0]["loc"] == ["query", "time_limit"]
    assert body["detail"][0]["type"] == "time_limit"
    assert body["time_limit"] == TINY
    assert body["timed_out"][0]["master"] == "UT-M-CS"
    assert body["timed_out"][0]["bound_ects"] is not None
    assert body["partial"]["status"] == "unknown"


def test_a_row_past_its_time_limit_answers_200_with_unknown_masters(client: TestClient) -> None:
    row = client.get("/v1/paths/VU-B-AI", params={"time_limit": TINY})
    assert row.status_code == 200, row.text
    paths = {p["master"]: p for p in row.json()["paths"]}
    assert len(paths) == 4
    assert paths["UT-M-CS"]["status"] == "unknown" and not paths["UT-M-CS"]["optimal"]
    assert paths["UT-M-CS"]["bound_ects"] is not None
    assert "time limit" in paths["UT-M-CS"]["reason"]
    assert paths["UT-M-PSTS"]["status"] == "direct"  # proven without a solve


# --- eligibility --------------------------------------------------------------------------------


def test_eligibility_per_master_with_unrecognised_codes(client: TestClient) -> None:
    transcript = {
        "courses": ["VU-PROG", {"code": "VU-LAC", "grade": 7.5}, {"code": "VU-RM"}, "XX-9"],
        "masters": ["UT-M-CS", "UT-M-ITECH"],
    }
    body = client.post("/v1/eligibility", json=transcript).json()
    assert body["recognised"] == ["VU-LAC", "VU-PROG", "VU-RM"]
    assert body["unrecognised"] == ["XX-9"]
    assert body["gpa"] == 7.5
    results = {r["master"]: r for r in body["results"]}
    assert set(results) == {"UT-M-CS", "UT-M-ITECH"}
    cs = results["UT-M-CS"]
    assert cs["status"] == "premaster"
    assert [c["code"] for c in cs["bridging"]["courses"]] == ["UT-CALC-A", "UT-DM", "UT-ADC"]
    assert cs["bridging"]["optimal"] is True
    assert "cs.algorithms@apply (has nothing)" in cs["gap"]
    assert cs["min_gpa"] is None
    assert results["UT-M-ITECH"]["status"] in STATUSES


def test_eligibility_without_targets_covers_every_master_and_honours_policy(
    client: TestClient,
) -> None:
    courses = ["VU-PROG", "VU-LAC", "VU-RM"]
    plain = client.post("/v1/eligibility", json={"courses": courses}).json()
    assert len(plain["results"]) == 4
    psts = {r["master"]: r for r in plain["results"]}["UT-M-PSTS"]
    assert psts["status"] != "direct"  # research.methods@analyse is unmet
    with_bachelor = client.post(
        "/v1/eligibility", json={"courses": courses, "bachelor": "VU-B-AI"}
    ).json()
    psts = {r["master"]: r for r in with_bachelor["results"]}["UT-M-PSTS"]
    assert psts["status"] == "direct" and "policy" in psts["reason"]
    assert psts["gap"] == ["research.methods@analyse (has apply)"]


def test_eligibility_strict_refuses_unknown_codes_naming_each(client: TestClient) -> None:
    response = client.post(
        "/v1/eligibility",
        json={"courses": ["VU-PROG", {"code": "UT-CALK-A"}, "XX-9"], "strict": True},
    )
    assert response.status_code == 422
    items = response.json()["detail"]
    assert [i["loc"] for i in items] == [["body", "courses", 1, "code"], ["body", "courses", 2]]
    assert "did you mean 'UT-CALC-A'" in items[0]["msg"]


def test_eligibility_bad_input_names_the_field(client: TestClient) -> None:
    item = error(client.post("/v1/eligibility", json={"courses": [], "bachelor": "VU-B-A"}), 422)
    assert item["loc"] == ["body", "bachelor"] and "did you mean 'VU-B-AI'" in item["msg"]
    item = error(client.post("/v1/eligibility", json={"courses": [], "masters": ["UT-M-C"]}), 422)
    assert item["loc"] == ["body", "masters", 0]
    item = error(
        client.post("/v1/eligibility", json={"courses": [{"code": "VU-PROG", "grade": 11}]}), 422
    )
    assert item["loc"][:3] == ["body", "courses", 0] and item["loc"][-1] == "grade"
    item = error(client.post("/v1/eligibility", json={"courses": ["VU-PROG"], "extra": 1}), 422)
    assert item["loc"] == ["body", "extra"]
    item = error(client.post("/v1/eligibility", json={}), 422)
    assert item["loc"] == ["body", "courses"]
    item = error(
        client.post(
            "/v1/eligibility",
            content=b'{"courses": [',
            headers={"Content-Type": "application/json"},
        ),
        422,
    )
    assert item["loc"][0] == "body" and item["type"] == "json_invalid"


def test_eligibility_over_2000_entries_is_422(client: TestClient) -> None:
    response = client.post("/v1/eligibility", json={"courses": ["VU-PROG"] * 2001})
    item = error(response, 422)
    assert item["loc"] == ["body", "courses"] and item["type"] == "too_long"
    assert client.post("/v1/eligibility", json={"courses": ["VU-PROG"] * 2000}).status_code == 200


def test_eligibility_past_its_time_limit_answers_200_with_unknown_masters(
    client: TestClient,
) -> None:
    response = client.post(
        "/v1/eligibility",
        json={"courses": ["VU-PROG"], "masters": ["UT-M-CS"], "time_limit": TINY},
    )
    assert response.status_code == 200, response.text
    result = response.json()["results"][0]
    assert result["status"] == "unknown" and "time limit" in result["reason"]
    assert not result["bridging"]["optimal"] and result["bridging"]["bound_ects"] is not None


def test_min_gpa_is_checked_when_grades_are_given(
    client: TestClient, ut_editor: dict[str, str]
) -> None:
    master = client.get("/v1/programmes/UT-M-ITECH")
    changed = {**master.json(), "min_gpa": 7.0}
    headers = {**ut_editor, "If-Match": master.headers["ETag"]}
    assert client.put("/v1/programmes/UT-M-ITECH", json=changed, headers=headers).status_code == 200

    def itech(courses: list[Any]) -> dict[str, Any]:
        body = client.post("/v1/eligibility", json={"courses": courses, "masters": ["UT-M-ITECH"]})
        return body.json()["results"][0]

    low = itech([{"code": "VU-HCI", "grade": 6}, {"code": "VU-RM", "grade": 6.5, "ects": 6}])
    assert low["min_gpa"] == {"required": 7.0, "gpa": 6.25, "met": False}
    assert low["status"] == "infeasible" and "below the master's minimum of 7" in low["reason"]
    dutch = client.post("/", data={"courses": "VU-HCI 6\nVU-RM 6,5", "lang": "nl"}).text
    itech_row = dutch[dutch.index('id="m-UT-M-ITECH"') :]
    itech_row = itech_row[: itech_row.index("</li>")]
    assert "je gemiddelde cijfer is te laag" in itech_row and "below" not in itech_row
    high = itech([{"code": "VU-HCI", "grade": 8}, {"code": "VU-RM", "grade": 7}])
    assert high["min_gpa"]["met"] is True and high["status"] != "infeasible"
    ungraded = itech(["VU-HCI", "VU-RM"])
    assert ungraded["min_gpa"] == {"required": 7.0, "gpa": None, "met": None}


# --- body limits --------------------------------------------------------------------------------


def test_bodies_over_one_mebibyte_are_413(client: TestClient) -> None:
    big = b'{"courses": ["' + b"x" * (1024 * 1024) + b'"]}'
    item = error(
        client.post("/v1/eligibility", content=big, headers={"Content-Type": "application/json"}),
        413,
    )
    assert item["loc"] == ["body"]

    def chunks() -> Iterator[bytes]:  # no Content-Length: counted while read
        yield b'{"courses": ["'
        for _ in range(20):
            yield b"x" * 65536
        yield b'"]}'

    item = error(
        client.post(
            "/v1/eligibility", content=chunks(), headers={"Content-Type": "application/json"}
        ),
        413,
    )
    assert item["loc"] == ["body"]


# --- minor design -------------------------------------------------------------------------------


def test_minor_design(client: TestClient) -> None:
    body = client.post("/v1/minors/design", json={"bachelor": "VU-B-CREATE"}).json()
    assert body["opened"] == ["UT-M-CS", "UT-M-ITECH", "UT-M-PSTS"]
    assert body["optimal"] is True and body["total_ects"] <= 30
    small = client.post(
        "/v1/minors/design",
        json={"bachelor": "VU-B-CREATE", "masters": ["UT-M-ITECH"], "budget": 10},
    ).json()
    assert small["masters"] == ["UT-M-ITECH"] and small["total_ects"] <= 10


def test_minor_design_bad_input(client: TestClient) -> None:
    item = error(client.post("/v1/minors/design", json={"bachelor": "VU-B-CRATE"}), 422)
    assert item["loc"] == ["body", "bachelor"] and "VU-B-CREATE" in item["msg"]
    bad_master = {"bachelor": "VU-B-AI", "masters": ["UT-M-CS", "UT-M-X"]}
    item = error(client.post("/v1/minors/design", json=bad_master), 422)
    assert item["loc"] == ["body", "masters", 1]
    item = error(client.post("/v1/minors/design", json={"bachelor": "VU-B-AI", "masters": []}), 422)
    assert item["loc"] == ["body", "masters"]
    item = error(client.post("/v1/minors/design", json={"bachelor": "VU-B-AI", "budget": 0}), 422)
    assert item["loc"] == ["body", "budget"]
    timed = client.post("/v1/minors/design", json={"bachelor": "VU-B-CREATE", "time_limit": TINY})
    assert timed.status_code == 503
    assert timed.json()["detail"][0]["loc"] == ["body", "time_limit"]


# --- scans --------------------------------------------------------------------------------------


def test_scan_job_runs_in_the_background_and_serves_its_reports(
    client: TestClient, app: FastAPI, scanner: dict[str, str]
) -> None:
    response = client.post("/v1/scans", json={}, headers=scanner)
    assert response.status_code == 202
    job = response.json()
    assert response.headers["Location"] == f"/v1/scans/{job['id']}"
    assert job["progress"]["total"] == 8 and job["status"] in ("queued", "running", "done")
    app.state.runner.wait(job["id"], timeout=60)
    done = client.get(f"/v1/scans/{job['id']}").json()
    assert done["status"] == "done"
    assert done["progress"] == {"done": 8, "total": 8, "retried": 0}
    expected = scan(load_curricula(MINI))
    counts: dict[str, int] = {}
    for cell in expected:
        counts[cell.status] = counts.get(cell.status, 0) + 1
    assert done["counts"] == counts
    report = client.get(done["reports"]["json"])
    assert report.headers["content-type"].startswith("application/json")
    assert report.json()["cells"] == [cell.to_json() for cell in expected]
    csv = client.get(f"/v1/scans/{job['id']}/report.csv")
    assert csv.headers["content-type"].startswith("text/csv")
    assert csv.text.splitlines()[0].startswith("bachelor,master,track,status")
    assert len(csv.text.splitlines()) == 9
    markdown = client.get(f"/v1/scans/{job['id']}/report.md")
    assert markdown.headers["content-type"].startswith("text/markdown")
    html = client.get(f"/v1/scans/{job['id']}/report.html")
    assert html.headers["content-type"].startswith("text/html")
    links = re.findall(r'href="([^"#:]+\.html)"', html.text)
    assert links, "the HTML report links to its pages"
    for link in sorted(set(links))[:3]:
        page = client.get(f"/v1/scans/{job['id']}/{link}")
        assert page.status_code == 200 and "<html" in page.text.lower()
    # the report in Dutch beside it, the same layout under nl/, each page linking to the other
    assert 'href="nl/index.html" hreflang="nl"' in html.text
    dutch = client.get(f"/v1/scans/{job['id']}/nl/index.html")
    assert dutch.headers["content-type"].startswith("text/html")
    assert '<html lang="nl">' in dutch.text and 'href="../index.html" hreflang="en"' in dutch.text
    pair = client.get(f"/v1/scans/{job['id']}/nl/pairs/VU-B-AI/UT-M-CS.html")
    assert pair.status_code == 200 and "schakelprogramma" in pair.text
    assert 'href="../../../pairs/VU-B-AI/UT-M-CS.html"' in pair.text
    # the directors' live matrix of this scan shows a graduate's route where it differs
    matrix = client.get("/directors", params={"lang": "en"}).text
    for cell in expected:
        link = f"bachelor={cell.bachelor}&amp;master={cell.master}&amp;lang=en"
        shown = re.search(rf'(?s)<a href="/directors/pair\?{link}"[^>]*>(.*?)</a>', matrix)
        assert shown, (cell.bachelor, cell.master)
        differs = 'class="route graduate"' in shown.group(1)
        assert differs == cell.graduate_differs, shown.group(1)
    assert any(cell.graduate_differs for cell in expected)


def test_scan_of_chosen_programmes_and_bad_input(
    client: TestClient, app: FastAPI, scanner: dict[str, str]
) -> None:
    response = client.post(
        "/v1/scans", json={"bachelors": ["VU-B-AI"], "masters": ["UT-M-CS"]}, headers=scanner
    )
    assert response.status_code == 202
    job = response.json()
    assert job["parameters"]["bachelors"] == ["VU-B-AI"] and job["progress"]["total"] == 1
    app.state.runner.wait(job["id"], timeout=60)
    assert client.get(f"/v1/scans/{job['id']}").json()["counts"] == {"premaster": 1}
    response = client.post(
        "/v1/scans",
        json={"bachelors": ["VU-B-AI", "VU-B-X"], "masters": ["UT-M-Q"]},
        headers=scanner,
    )
    assert response.status_code == 422
    assert [i["loc"] for i in response.json()["detail"]] == [
        ["body", "bachelors", 1],
        ["body", "masters", 0],
    ]
    item = error(client.post("/v1/scans", json={"solve_limit": -1}, headers=scanner), 422)
    assert item["loc"] == ["body", "solve_limit"]
    # a scan bounds each solve: the whole-request time_limit of other endpoints is not its name
    item = error(client.post("/v1/scans", json={"time_limit": 5}, headers=scanner), 422)
    assert item["loc"] == ["body", "time_limit"]


def test_scan_status_and_report_errors(client: TestClient, app: FastAPI) -> None:
    item = error(client.get("/v1/scans/nope"), 404)
    assert item["loc"] == ["path", "job_id"]
    item = error(client.get("/v1/scans/nope/report.json"), 404)
    assert item["loc"] == ["path", "job_id"]
    running = create_job(app.state.engine, "j-running", {}, 8, 1)
    item = error(client.get(f"/v1/scans/{running.id}/report.csv"), 409)
    assert item["loc"] == ["path", "job_id"] and "queued (0 of 8 pairs)" in item["msg"]
    item = error(client.get(f"/v1/scans/{running.id}/report.pdf"), 422)
    assert item["loc"] == ["path", "fmt"]


def test_jobs_left_unfinished_by_a_stopped_server_are_marked_failed(
    database_url: str, app: FastAPI
) -> None:
    create_job(app.state.engine, "j-orphan", {}, 8, 1)
    settings = Settings(database_url=database_url, migrate_on_start=False, seed_on_start=False)
    with TestClient(create_app(settings)) as restarted:
        body = restarted.get("/v1/scans/j-orphan").json()
    assert body["status"] == "failed" and "interrupted" in body["error"]
    item = error(TestClient(app).get("/v1/scans/j-orphan/report.json"), 409)
    assert "failed" in item["msg"]


# --- catalogue edits ----------------------------------------------------------------------------

NEW_COURSE = {
    "institution": "UT",
    "code": "UT-STAT",
    "title": "Statistics",
    "ects": 5,
    "teaches": {"math.probability": "apply"},
    "prerequisites": [["UT-CALC-A", "math.calculus@apply"]],
    "bridging": True,
}


def test_edits_need_a_bearer_token_of_an_editor_for_the_institution(
    client: TestClient, app: FastAPI
) -> None:
    response = client.post("/v1/courses", json=NEW_COURSE)
    item = error(response, 401)
    assert item["loc"] == ["header", "Authorization"]
    assert response.headers["WWW-Authenticate"] == "Bearer"
    item = error(
        client.post("/v1/courses", json=NEW_COURSE, headers={"Authorization": "Bearer nope"}), 401
    )
    assert "unknown bearer token" in item["msg"]
    vu = bearer(app, "vu-editor", "VU")  # creating is refused too: see the role cases below
    current = client.get("/v1/courses/UT-LA")
    headers = {**vu, "If-Match": current.headers["ETag"]}
    item = error(client.delete("/v1/courses/UT-LA", headers=headers), 403)
    assert item["loc"] == ["header", "Authorization"] and "UT" in item["msg"]
    assert client.get("/v1/courses/UT-LA").status_code == 200
    assert audit(app, "UT-LA") == [] and version(app) == 1


# (case, role, institution, may edit UT's catalogue, may start scans): every role of the table,
# an editor of another institution, and a role no longer in the table (it may do nothing)
ROLE_CASES = [
    *(
        (name, name, "UT" if role.needs_institution else "*", role.may_edit, role.may_scan)
        for name, role in ROLES.items()
    ),
    ("editor of another institution", "editor", "VU", False, ROLES["editor"].may_scan),
    ("role not in the table", "retired", "UT", False, False),
]


@pytest.mark.parametrize(
    ("role", "institution", "may_edit", "may_scan"),
    [case[1:] for case in ROLE_CASES],
    ids=[case[0] for case in ROLE_CASES],
)
def test_each_client_may_do_what_the_role_table_says(
    client: TestClient, app: FastAPI, role: str, institution: str, may_edit: bool, may_scan: bool
) -> None:
    if role in ROLES:
        token = add_client(app.state.engine, "someone", role, institution)
    else:  # add_client refuses a role the table does not hold; one may be stored from before
        with pytest.raises(ValueError, match="unknown role 'retired'; roles: editor, scanner"):
            add_client(app.state.engine, "someone", role, institution)
        token = "art_retired"
        with Session(app.state.engine) as session, session.begin():
            session.add(
                ApiClient(
                    name="someone",
                    role=role,
                    institution=institution,
                    token_hash=hash_token(token),
                    created_at=now(),
                )
            )
    headers = {"Authorization": f"Bearer {token}"}
    one_cell = {"bachelors": ["VU-B-AI"], "masters": ["UT-M-CS"]}
    started = client.post("/v1/scans", json=one_cell, headers=headers)
    if may_scan:
        assert started.status_code == 202, started.text
        app.state.runner.wait(started.json()["id"], timeout=60)
    else:
        item = error(started, 403)
        assert item["loc"] == ["header", "Authorization"]
        assert f"client 'someone' ({role}) may not start scans" in item["msg"]
        assert "roles that may: editor, scanner" in item["msg"]
    created = client.post("/v1/courses", json=NEW_COURSE, headers=headers)
    if may_edit:
        assert created.status_code == 201, created.text
    else:
        item = error(created, 403)
        assert item["loc"] == ["header", "Authorization"]
        assert (
            f"client 'someone' ({role}, {institution}) may not edit the catalogue of UT"
            in (item["msg"])
        )
        assert "roles that may: editor, of that institution" in item["msg"]
        assert client.get("/v1/courses/UT-STAT").status_code == 404 and version(app) == 1


def test_create_course_is_stored_audited_and_used_by_the_engine(
    client: TestClient, app: FastAPI, ut_editor: dict[str, str]
) -> None:
    response = client.post("/v1/courses", json=NEW_COURSE, headers=ut_editor)
    assert response.status_code == 201, response.text
    assert response.headers["Location"] == "/v1/courses/UT-STAT"
    assert response.headers["ETag"] == '"2"'
    stored = client.get("/v1/courses/UT-STAT")
    assert stored.headers["ETag"] == '"2"'
    assert stored.json()["prerequisites"] == [["UT-CALC-A", "math.calculus@apply"]]
    [entry] = audit(app, "UT-STAT")
    assert (entry.actor, entry.action, entry.entity) == ("ut-editor", "create", "course")
    assert entry.before is None and entry.after["title"] == "Statistics"
    found = client.get("/v1/courses", params={"q": "ut-stat"}).json()
    assert [c["code"] for c in found["items"]] == ["UT-STAT"]
    item = error(client.post("/v1/courses", json=NEW_COURSE, headers=ut_editor), 409)
    assert item["loc"] == ["body", "code"]


def test_update_needs_if_match_and_refuses_a_stale_etag(
    client: TestClient, app: FastAPI, ut_editor: dict[str, str]
) -> None:
    current = client.get("/v1/courses/UT-LA")
    etag = current.headers["ETag"]
    changed = {**current.json(), "title": "Linear Algebra I"}
    item = error(client.put("/v1/courses/UT-LA", json=changed, headers=ut_editor), 428)
    assert item["loc"] == ["header", "If-Match"]
    ok = client.put("/v1/courses/UT-LA", json=changed, headers={**ut_editor, "If-Match": etag})
    assert ok.status_code == 200 and ok.json()["title"] == "Linear Algebra I"
    assert ok.headers["ETag"] != etag
    again = {**changed, "title": "Linear Algebra II"}
    stale = client.put("/v1/courses/UT-LA", json=again, headers={**ut_editor, "If-Match": etag})
    item = error(stale, 412)
    assert item["loc"] == ["header", "If-Match"] and ok.headers["ETag"] in item["msg"]
    assert stale.headers["ETag"] == ok.headers["ETag"]
    assert client.get("/v1/courses/UT-LA").json()["title"] == "Linear Algebra I"
    [entry] = audit(app, "UT-LA")
    assert entry.before["title"] == "Linear Algebra" and entry.after["title"] == "Linear Algebra I"
    garbage = client.put("/v1/courses/UT-LA", json=again, headers={**ut_editor, "If-Match": "W/x"})
    error(garbage, 412)
    item = error(
        client.put("/v1/courses/UT-DM", json=again, headers={**ut_editor, "If-Match": "*"}), 422
    )
    assert item["loc"] == ["body", "code"]
    item = error(
        client.put(
            "/v1/courses/UT-NEW",
            json={**again, "code": "UT-NEW"},
            headers={**ut_editor, "If-Match": "*"},
        ),
        404,
    )
    assert item["loc"] == ["path", "code"]


def test_edits_that_would_invalidate_the_catalogue_are_422_and_store_nothing(
    client: TestClient, app: FastAPI, ut_editor: dict[str, str]
) -> None:
    before = version(app)
    current = client.get("/v1/courses/UT-DM")
    headers = {**ut_editor, "If-Match": current.headers["ETag"]}
    unknown = {**current.json(), "prerequisites": [["UT-ADX"]]}
    item = error(client.put("/v1/courses/UT-DM", json=unknown, headers=headers), 422)
    assert item["loc"] == ["body", "prerequisites", 0, 0]
    assert "unknown course 'UT-ADX' (did you mean 'UT-ADC'?)" in item["msg"]
    cycle = {**current.json(), "prerequisites": [["UT-ADC"]]}  # UT-ADC already needs UT-DM
    item = error(client.put("/v1/courses/UT-DM", json=cycle, headers=headers), 422)
    assert "prerequisite cycle" in item["msg"] and "UT-ADC -> UT-DM" in item["msg"]
    outcome = {**current.json(), "teaches": {"math.discrte": "apply"}}
    item = error(client.put("/v1/courses/UT-DM", json=outcome, headers=headers), 422)
    assert item["loc"] == ["body", "teaches", "math.discrte"] and "math.discrete" in item["msg"]
    prefix = {**NEW_COURSE, "code": "VU-STAT"}
    item = error(client.post("/v1/courses", json=prefix, headers=ut_editor), 422)
    assert item["loc"] == ["body", "code"] and "must start with 'UT-'" in item["msg"]
    fields = {**NEW_COURSE, "ects": 0.3}
    item = error(client.post("/v1/courses", json=fields, headers=ut_editor), 422)
    assert item["loc"] == ["body", "ects"]
    assert version(app) == before
    assert client.get("/v1/courses/UT-DM").json() == current.json()
    assert client.get("/v1/courses/UT-DM").headers["ETag"] == current.headers["ETag"]
    assert audit(app, "UT-DM") == []
    assert client.get("/v1/courses/VU-STAT").status_code == 404


def test_delete_course(client: TestClient, app: FastAPI, ut_editor: dict[str, str]) -> None:
    adc = client.get("/v1/courses/UT-DM")
    item = error(client.delete("/v1/courses/UT-DM", headers=ut_editor), 428)
    assert item["loc"] == ["header", "If-Match"]
    headers = {**ut_editor, "If-Match": adc.headers["ETag"]}
    item = error(client.delete("/v1/courses/UT-DM", headers=headers), 422)
    assert item["loc"] == ["path", "code"]
    assert "course UT-ADC: prerequisites[0][0]: unknown course 'UT-DM'" in item["msg"]
    qm = client.get("/v1/courses/UT-QM")
    headers = {**ut_editor, "If-Match": qm.headers["ETag"]}
    item = error(client.delete("/v1/courses/UT-QM", headers=headers), 422)
    assert "programme UT-MIN-PHYS: courses[0]" in item["msg"]
    pack = client.get("/v1/courses/UT-MATHPACK")
    headers = {**ut_editor, "If-Match": pack.headers["ETag"]}
    response = client.delete("/v1/courses/UT-MATHPACK", headers=headers)
    assert response.status_code == 204, response.text
    assert client.get("/v1/courses/UT-MATHPACK").status_code == 404
    [entry] = audit(app, "UT-MATHPACK")
    assert entry.action == "delete" and entry.after is None
    assert entry.before["code"] == "UT-MATHPACK"
    gone = client.delete("/v1/courses/UT-MATHPACK", headers={**ut_editor, "If-Match": "*"})
    assert error(gone, 404)["loc"] == ["path", "code"]


def test_programme_edits(client: TestClient, app: FastAPI, ut_editor: dict[str, str]) -> None:
    minor = {
        "code": "UT-MIN-MATH",
        "name": "Mathematics minor",
        "institution": "UT",
        "kind": "minor",
        "ects": 15,
        "courses": ["UT-CALC-A", "UT-LA"],
        "open_to": ["VU"],
        "entry": [{"outcome": "math.calculus", "level": "understand"}],
    }
    created = client.post("/v1/programmes", json=minor, headers=ut_editor)
    assert created.status_code == 201, created.text
    assert client.get("/v1/programmes/UT-MIN-MATH").json()["entry"] == [
        {"outcome": "math.calculus", "level": "understand"}
    ]
    etag = created.headers["ETag"]
    broken = {**minor, "courses": ["UT-CALC-A", "UT-LAA"]}
    item = error(
        client.put(
            "/v1/programmes/UT-MIN-MATH", json=broken, headers={**ut_editor, "If-Match": etag}
        ),
        422,
    )
    assert item["loc"] == ["body", "courses", 1] and "did you mean 'UT-LA'" in item["msg"]
    bigger = {**minor, "ects": 30}
    updated = client.put(
        "/v1/programmes/UT-MIN-MATH", json=bigger, headers={**ut_editor, "If-Match": etag}
    )
    assert updated.status_code == 200 and updated.json()["ects"] == 30
    item = error(
        client.post("/v1/programmes", json={**minor, "kind": "phd"}, headers=ut_editor), 422
    )
    assert item["loc"][:2] == ["body", "kind"] or item["loc"] == ["body"]
    item = error(
        client.post(
            "/v1/programmes",
            json={**minor, "code": "UT-B-X", "institution": "VU"},
            headers=ut_editor,
        ),
        403,
    )
    bachelor = client.get("/v1/programmes/VU-B-AI")
    vu = bearer(app, "vu-editor", "VU")
    item = error(
        client.delete(
            "/v1/programmes/VU-B-AI", headers={**vu, "If-Match": bachelor.headers["ETag"]}
        ),
        422,
    )
    assert "programme UT-M-PSTS: direct_admission[1]" in item["msg"]
    response = client.delete(
        "/v1/programmes/UT-MIN-MATH", headers={**ut_editor, "If-Match": updated.headers["ETag"]}
    )
    assert response.status_code == 204
    assert [e.action for e in audit(app, "UT-MIN-MATH")] == ["delete", "update", "create"]


def test_two_clients_updating_from_the_same_etag_one_wins(
    app: FastAPI, ut_editor: dict[str, str]
) -> None:
    with TestClient(app) as first, TestClient(app) as second:
        current = first.get("/v1/courses/UT-LA")
        etag = current.headers["ETag"]
        start = threading.Barrier(2)
        answers: dict[str, int] = {}

        def update(name: str, client: TestClient) -> None:
            body = {**current.json(), "title": f"Linear Algebra ({name})"}
            start.wait()
            response = client.put(
                "/v1/courses/UT-LA", json=body, headers={**ut_editor, "If-Match": etag}
            )
            answers[name] = response.status_code

        threads = [
            threading.Thread(target=update, args=(n, c)) for n, c in (("a", first), ("b", second))
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
        assert sorted(answers.values()) == [200, 412]
        winner = next(name for name, status in answers.items() if status == 200)
        assert first.get("/v1/courses/UT-LA").json()["title"] == f"Linear Algebra ({winner})"
    changes = audit(app, "UT-LA")
    assert len(changes) == 1 and changes[0].after["title"] == f"Linear Algebra ({winner})"


def test_audit_endpoint_lists_changes_newest_first(
    client: TestClient, ut_editor: dict[str, str]
) -> None:
    assert error(client.get("/v1/audit"), 401)["loc"] == ["header", "Authorization"]
    client.post("/v1/courses", json=NEW_COURSE, headers=ut_editor)
    body = client.get(
        "/v1/audit", params={"entity": "course", "limit": 2}, headers=ut_editor
    ).json()
    assert len(body["items"]) == 2
    assert body["items"][0]["code"] == "UT-STAT" and body["items"][0]["actor"] == "ut-editor"
    assert body["items"][0]["at"].endswith(("Z", "+00:00"))
    assert body["items"][0]["id"] > body["items"][1]["id"]


def test_snapshot_is_rebuilt_only_after_a_change(
    client: TestClient, app: FastAPI, ut_editor: dict[str, str]
) -> None:
    snapshots = app.state.snapshots
    client.get("/v1/courses")
    client.get("/v1/paths/VU-B-AI/UT-M-CS")
    assert snapshots.builds == 1
    client.post("/v1/courses", json=NEW_COURSE, headers=ut_editor)
    assert client.get("/v1/courses/UT-STAT").status_code == 200
    client.get("/v1/outcomes")
    assert snapshots.builds == 2


def test_unknown_endpoint_and_method_name_what_is_wrong(client: TestClient) -> None:
    item = error(client.get("/v1/nothing"), 404)
    assert item["loc"] == ["path"]
    wrong = client.post("/v1/courses/UT-LA", json={})
    item = error(wrong, 405)
    assert item["loc"] == ["method"]
    assert {"GET", "PUT", "PATCH", "DELETE"} <= set(wrong.headers["Allow"].split(", "))


def test_problems_already_in_the_database_do_not_block_other_edits(
    client: TestClient, app: FastAPI, ut_editor: dict[str, str]
) -> None:
    with app.state.engine.begin() as connection:  # a row no edit could have written
        connection.execute(
            text(
                "INSERT INTO prerequisite (course_code, group_index, member_index, member) "
                "VALUES ('UT-LA', 0, 0, 'UT-NOPE')"
            )
        )
    current = client.get("/v1/courses/UT-DM")
    headers = {**ut_editor, "If-Match": current.headers["ETag"]}
    renamed = {**current.json(), "title": "Discrete Structures"}
    assert client.put("/v1/courses/UT-DM", json=renamed, headers=headers).status_code == 200
    headers["If-Match"] = client.get("/v1/courses/UT-DM").headers["ETag"]
    broken = {**renamed, "prerequisites": [["UT-NADA"]]}
    item = error(client.put("/v1/courses/UT-DM", json=broken, headers=headers), 422)
    assert "UT-NADA" in item["msg"] and "UT-NOPE" not in json.dumps(item)


def test_an_unavailable_database_is_503_not_500(tmp_path) -> None:
    missing = tmp_path / "no" / "such" / "dir" / "articulation.db"
    settings = Settings(
        database_url=f"sqlite:///{missing}", migrate_on_start=False, seed_on_start=False
    )
    client = TestClient(create_app(settings))  # no lifespan: the database is never reachable
    item = error(client.get("/health"), 503)
    assert item["loc"] == ["database"]
    item = error(client.get("/v1/courses"), 503)
    assert item["loc"] == ["database"] and item["msg"] == "database unavailable"


@pytest.mark.slow
def test_serve_runs_uvicorn_on_a_seeded_database(tmp_path) -> None:
    import socket
    import subprocess
    import sys
    import time

    import httpx

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [
        sys.executable,
        "-c",
        "from articulation.cli import app; app()",
        "serve",
        "--port",
        str(port),
        "--curricula",
        str(MINI),
        "--database-url",
        f"sqlite:///{tmp_path / 'served.db'}",
    ]
    server = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                health = httpx.get(f"http://127.0.0.1:{port}/health", timeout=1)
                break
            except httpx.TransportError:
                assert server.poll() is None, server.stdout.read().decode()
                assert time.monotonic() < deadline, "the server did not start"
                time.sleep(0.1)
        assert health.json()["catalogue_version"] == 1
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as http:
            timed = http.get("/v1/paths/VU-B-AI/UT-M-CS", params={"time_limit": TINY})
            assert timed.status_code == 503 and timed.headers["connection"] == "close"
            assert http.get("/health").status_code == 200  # on a new connection
        path = httpx.get(f"http://127.0.0.1:{port}/v1/paths/VU-B-AI/UT-M-CS", timeout=30)
        assert path.json()["total_ects"] == 14.0
        assert httpx.get(f"http://127.0.0.1:{port}/docs", timeout=5).status_code == 200
    finally:
        server.terminate()
        server.wait(10)


def test_limits_come_from_the_settings(database_url: str) -> None:
    settings = Settings(
        database_url=database_url,
        migrate_on_start=False,
        seed_on_start=False,
        max_time_limit=5,
        max_transcript_entries=3,
        max_alternatives=1,
    )
    with TestClient(create_app(settings)) as client:
        path = "/v1/paths/VU-B-AI/UT-M-CS"
        item = error(client.get(path, params={"time_limit": 6}), 422)
        assert item["loc"] == ["query", "time_limit"] and "at most 5" in item["msg"]
        assert client.get(path, params={"time_limit": 5, "alternatives": 1}).status_code == 200
        item = error(client.get(path, params={"alternatives": 2}), 422)
        assert item["loc"] == ["query", "alternatives"]
        item = error(client.post("/v1/eligibility", json={"courses": ["VU-PROG"] * 4}), 422)
        assert item["loc"] == ["body", "courses"] and item["type"] == "too_long"
        body = {"courses": ["VU-PROG"], "time_limit": 7}
        item = error(client.post("/v1/eligibility", json=body), 422)
        assert item["loc"] == ["body", "time_limit"]


def test_an_unknown_track_is_422_naming_the_field(client: TestClient) -> None:
    item = error(client.get("/v1/paths/VU-B-AI/UT-M-CS", params={"track": "Nope"}), 422)
    assert item["loc"] == ["query", "track"] and "unknown track of VU-B-AI 'Nope'" in item["msg"]
    item = error(client.get("/v1/paths/VU-B-AI", params={"track": "Nope"}), 422)
    assert item["loc"] == ["query", "track"]
    body = {"bachelor": "VU-B-AI", "track": "Nope", "budget": 30}
    item = error(client.post("/v1/minors/design", json=body), 422)
    assert item["loc"] == ["body", "track"]


def test_with_several_workers_a_solving_answer_closes_its_connection(
    database_url: str, client: TestClient
) -> None:
    """``serve --workers N`` closes the connection after each POST, so the next solve goes to
    whichever worker is free; reads keep theirs. One worker keeps every connection."""
    body = {"courses": ["VU-MATH101"], "bachelor": "VU-B-CREATE"}
    assert client.post("/v1/eligibility", json=body).headers.get("connection") != "close"
    settings = Settings(
        database_url=database_url,
        migrate_on_start=False,
        seed_on_start=False,
        close_after_solve=True,
    )
    with TestClient(create_app(settings)) as several:
        answer = several.post("/v1/eligibility", json=body)
        assert answer.status_code == 200 and answer.json()["results"]
        assert answer.headers["connection"] == "close"
        assert several.get("/health").headers.get("connection") != "close"


def test_every_path_and_eligibility_result_carries_its_provenance_grade(
    client: TestClient,
) -> None:
    """The API's pairs, bachelor rows and eligibility results carry the grade the engine gives
    (the same as the command line's ``bridge --json``)."""
    from articulation.answers.scan import transfer_path

    catalogue = load_curricula(MINI)
    for bachelor in catalogue.bachelors:
        row = client.get(f"/v1/paths/{bachelor.code}").json()["paths"]
        assert len(row) == len(catalogue.masters)
        for path in row:
            expected = transfer_path(catalogue, bachelor.code, path["master"])["provenance"]
            assert path["provenance"] == expected, (bachelor.code, path["master"])
            assert re.fullmatch(r"[Rr][Bb–][Pp–]", expected["grade"])
            one = client.get(f"/v1/paths/{bachelor.code}/{path['master']}").json()
            assert one["provenance"] == expected
        answer = client.post(
            "/v1/eligibility", json={"courses": bachelor.courses, "bachelor": bachelor.code}
        ).json()
        for result in answer["results"]:
            assert re.fullmatch(r"[Rr][Bb–][Pp–]", result["provenance"]["grade"])
