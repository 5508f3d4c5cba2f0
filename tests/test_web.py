"""The web pages and the transcript forms of the API through the test client (fixture
curricula, SQLite and PostgreSQL): every code form is matched, suggestions, Dutch texts, the
bridging programme never repeats a passed course, and the pages in both languages."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from articulation.curriculum.loader import load_curricula
from articulation.interop.transcript import match_course
from articulation.settings import Settings


@pytest.fixture
def client(database_url: str) -> Iterator[TestClient]:
    settings = Settings(database_url=database_url, migrate_on_start=False, seed_on_start=False)
    with TestClient(create_app(settings)) as test_client:
        yield test_client


def test_every_code_form_is_matched() -> None:
    from pathlib import Path

    catalogue = load_curricula(Path(__file__).parent.parent / "curricula")
    forms = {
        "201500252": "UT-201500252",
        "UT-201500252": "UT-201500252",
        "ut_201500252": "UT-201500252",
        "XB_0114": "VU-XB_0114",
        "xb-0114": "VU-XB_0114",
        "VU-XB_0114": "VU-XB_0114",
        "vu-xb-0114": "VU-XB_0114",
        "Digital Logic and Computer Organisation": "UT-201500252",
        "digital logic and computer organisation 3": "UT-201500252",
    }
    for text, code in forms.items():
        assert match_course(catalogue, text) == code, text


def test_api_accepts_what_the_page_accepts(client: TestClient) -> None:
    body = {
        "courses": [
            "vu-prog",
            {"code": "linear algebra and calculus", "grade": "7,5"},
            "UT-CALK-A",
        ],
        "masters": ["UT-M-CS"],
    }
    answer = client.post("/v1/eligibility", json=body)
    assert answer.status_code == 200, answer.text
    data = answer.json()
    assert data["matched"] == {"vu-prog": "VU-PROG", "linear algebra and calculus": "VU-LAC"}
    assert data["unrecognised"] == ["UT-CALK-A"]
    assert data["suggestions"]["UT-CALK-A"][0]["code"] == "UT-CALC-A"
    assert data["gpa"] == 7.5
    result = data["results"][0]
    assert {
        "id": "cs.algorithms@apply",
        "text": "Algorithms and data structures at level apply (has: nothing)",
    } in result["requirements"]
    bridging = {c["code"] for c in result["bridging"]["courses"]}
    assert bridging and not bridging & set(data["recognised"])
    dutch = client.post("/v1/eligibility", json=body, headers={"Accept-Language": "nl, en;q=0.5"})
    assert "op niveau toepassen" in dutch.json()["results"][0]["requirements"][0]["text"]


def test_bachelor_names_in_any_case(client: TestClient) -> None:
    ok = client.post("/v1/eligibility", json={"courses": ["VU-PROG"], "bachelor": "vu-b-ai"})
    assert ok.status_code == 200 and ok.json()["bachelor"] == "VU-B-AI"
    bad = client.post("/v1/eligibility", json={"courses": [], "bachelor": "Artificial"})
    assert bad.status_code == 422
    assert "did you mean 'VU-B-AI'" in bad.json()["detail"][0]["msg"]


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_pages_in_both_languages(client: TestClient, lang: str) -> None:
    word = {"en": "Courses", "nl": "Vakken"}[lang]
    for path in ("/", "/directors"):
        page = client.get(path, params={"lang": lang})
        assert page.status_code == 200 and f'<html lang="{lang}">' in page.text
    assert word in client.get("/", params={"lang": lang}).text
    chosen = client.get("/", headers={"Accept-Language": f"{lang};q=0.9"})
    assert f'<html lang="{lang}">' in chosen.text
    answer = client.post("/", data={"courses": "VU-PROG 7,5\nVU-LAC\nNonsense", "lang": lang})
    assert answer.status_code == 200 and "UT-M-CS" in answer.text
    partial = client.post("/", data={"courses": "VU-PROG"}, headers={"HX-Request": "true"})
    assert partial.text.lstrip().startswith('<section id="result"')


@pytest.mark.parametrize(
    ("lang", "words", "other"),
    [("en", "end of year", "eind van jaar"), ("nl", "eind van jaar", "end of year")],
)
def test_the_finish_is_in_the_page_language(
    client: TestClient, lang: str, words: str, other: str
) -> None:
    student = client.post("/", data={"courses": "VU-PROG 7,5\nVU-LAC", "lang": lang}).text
    pair = {"bachelor": "VU-B-AI", "master": "UT-M-CS", "lang": lang}
    director = client.get("/directors/pair", params=pair).text
    for page in (student, director):
        assert '<p class="finish">' in page and words in page and other not in page


def test_the_transcript_never_reaches_a_url(client: TestClient) -> None:
    page = client.get("/").text
    assert 'method="post"' in page and 'hx-post="/"' in page
    assert client.get("/", params={"courses": "VU-PROG"}).text.count("VU-PROG") == 0


def test_offline_docs_use_local_assets(client: TestClient) -> None:
    for path in ("/docs", "/redoc"):
        html = client.get(path).text
        assert "cdn" not in html and "googleapis" not in html and "/static/vendor/" in html
    assert client.get("/static/vendor/htmx/htmx.min.js").status_code == 200


def test_unknown_bachelor_on_the_page_is_shown(client: TestClient) -> None:
    answer = client.post("/", data={"courses": "", "bachelor": "VU-B-XX"})
    assert answer.status_code == 422 and "VU-B-XX" in answer.text


def test_messages_cover_every_template_text() -> None:
    """Every text of the templates has a Dutch translation in the committed catalogue."""

    from pathlib import Path

    from babel.messages.extract import extract_from_dir
    from babel.messages.pofile import read_po

    web = Path(__file__).parent.parent / "api" / "web"
    with (web / "locale" / "nl" / "LC_MESSAGES" / "messages.po").open("rb") as f:
        catalogue = read_po(f)
    ids = {
        message
        for _, _, message, _, _ in extract_from_dir(
            str(web / "templates"),
            method_map=[("**.j2", "jinja2")],
            options_map={"**.j2": {"extensions": "jinja2.ext.i18n"}},
        )
    }
    assert len(ids) > 50
    missing = sorted(i for i in ids if not (catalogue.get(i) and catalogue.get(i).string))
    assert missing == [], missing
