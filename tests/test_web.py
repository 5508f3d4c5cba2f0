"""The web pages and the transcript forms of the API through the test client (fixture
curricula, SQLite and PostgreSQL): every code form is matched, suggestions, Dutch texts, the
bridging programme never repeats a passed course, and the pages in both languages."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

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


CATALOGUE_MINI = load_curricula(Path(__file__).parent / "fixtures" / "mini")


def _rows(html: str) -> list[tuple[str, str]]:
    import re

    return re.findall(r'id="m-([\w-]+)" data-status="(\w+)"', html)


def test_the_chosen_masters_come_first_then_the_others_by_status(client: TestClient) -> None:
    from articulation.messages.status import rank

    form = {"courses": "VU-PROG 7,5", "masters": ["UT-M-PSTS"], "lang": "en"}
    page = client.post("/", data=form)
    assert page.status_code == 200, page.text[:300]
    rows = _rows(page.text)
    assert rows[0][0] == "UT-M-PSTS" and 'id="chosen-heading"' in page.text
    others = [status for _, status in rows[1:]]
    assert others == sorted(others, key=rank) and len(rows) == 4
    for status in set(others):  # each status once, as a group heading
        assert page.text.count(f'id="group-{status}"') == 1
    plain = client.post("/", data={"courses": "VU-PROG 7,5"})
    assert 'id="chosen-heading"' not in plain.text
    unknown = client.post("/", data={"courses": "VU-PROG", "masters": ["UT-M-XX"], "lang": "nl"})
    assert unknown.status_code == 422 and "UT-M-XX" in unknown.text and "We kennen" in unknown.text


@pytest.mark.parametrize(("lang", "month"), [("en", "September 2027"), ("nl", "september 2027")])
def test_plans_carry_calendar_months_from_the_start_month(
    client: TestClient, lang: str, month: str
) -> None:
    page = client.post("/", data={"courses": "VU-PROG 7,5", "start": "2027-09", "lang": lang})
    assert page.status_code == 200
    assert '<p class="when">' in page.text and month in page.text
    assert "August 2027" not in page.text and "augustus 2027" not in page.text
    later = client.post("/", data={"courses": "VU-PROG 7,5", "start": "2028-02", "lang": lang})
    assert ("February 2028" if lang == "en" else "februari 2028") in later.text


def test_a_closed_answer_has_a_next_step_and_the_admission_page(client: TestClient) -> None:
    import re

    from articulation.answers.student import CLOSED

    page = client.post("/", data={"courses": "VU-PROG 7,5", "lang": "nl"}).text
    closed = [m for m, status in _rows(page) if status in CLOSED]
    assert closed
    for master in closed:
        item = re.search(rf'(?s)id="m-{master}".*?</li>\s*(?=<li class="result"|</ol>)', page)
        assert item and 'class="next-step"' in item.group(0), master
        assert "toelatingscommissie" in item.group(0), master
        source = CATALOGUE_MINI.master(master).provenance
        if source is not None and source.source:  # the admission page, from the provenance
            assert f'href="{source.source}"' in item.group(0), master
    for master, status in _rows(page):
        if status not in CLOSED:
            item = re.search(rf'(?s)id="m-{master}".*?(?=<li class="result"|</ol>)', page)
            assert item and 'class="next-step"' not in item.group(0), master


@pytest.mark.parametrize(
    ("lang", "words", "field"),
    [("en", "write the month as YYYY-MM", "Start month"), ("nl", "JJJJ-MM", "Beginmaand")],
)
def test_form_errors_are_in_the_page_language(
    client: TestClient, lang: str, words: str, field: str
) -> None:
    page = client.post("/", data={"courses": "VU-PROG", "start": "09/2027", "lang": lang})
    assert page.status_code == 422
    assert field in page.text and words in page.text.replace("Write", "write")
    assert "Input should" not in page.text and "String should" not in page.text
    if lang == "nl":
        assert " uw " not in page.text and "Controleer je invoer" in page.text
    long = client.post("/", data={"courses": "VU-PROG", "masters": ["UT-M-CS"] * 501, "lang": lang})
    assert (
        long.status_code == 422
        and "Input should" not in long.text
        and "List should" not in long.text
    )


def test_every_form_error_has_a_dutch_text() -> None:
    """Each pydantic error type the form names, and each field, says it in Dutch too."""
    from api.web.form_errors import FIELDS, MESSAGES, SPECIFIC
    from api.web.pages import _translator

    en, nl = _translator("en"), _translator("nl")
    for say in [*MESSAGES.values(), *SPECIFIC.values()]:
        ctx = {"max_length": 5}
        assert say(en, ctx) != say(nl, ctx), say(en, ctx)
    for name in FIELDS.values():
        assert name(en) != name(nl) or name(en) in ("Track (optional)",), name(en)


def test_still_studying_counts_the_transcript_as_done_so_far(client: TestClient) -> None:
    form = {"bachelor": "VU-B-CREATE", "studying": "yes", "lang": "en"}
    without = client.post("/", data=form)
    done = client.post("/", data={**form, "courses": "VU-PROG 7,5"})
    assert without.status_code == done.status_code == 200
    assert 'id="done-so-far"' in done.text and 'id="done-so-far"' not in without.text
    assert _rows(done.text) != _rows(without.text)  # the transcript is counted
    assert 'id="elective-space"' in done.text and 'id="elective-space"' in without.text
    graduate = client.post("/", data={"courses": "VU-PROG", "studying": "yes", "lang": "nl"})
    assert "Kies je bachelor" in graduate.text


@pytest.mark.parametrize("bachelor", sorted(b.code for b in CATALOGUE_MINI.bachelors))
def test_still_studying_reads_the_same_on_the_api_and_the_page(
    client: TestClient, bachelor: str
) -> None:
    """Every bundled bachelor of the fixture, still studying, with a transcript: the API gives
    each master the status the page shows (the transcript counted as done so far). Without a
    bachelor, studying is refused with its field."""
    body = {"courses": ["VU-PROG 7,5"], "bachelor": bachelor, "studying": True}
    api = client.post("/v1/eligibility", json=body)
    assert api.status_code == 200, api.text
    page = client.post(
        "/", data={"courses": "VU-PROG 7,5", "bachelor": bachelor, "studying": "yes"}
    )
    assert sorted(_rows(page.text)) == sorted(
        (r["master"], r["status"]) for r in api.json()["results"]
    )
    refused = client.post("/v1/eligibility", json={"courses": ["VU-PROG"], "studying": True})
    assert refused.status_code == 422
    assert refused.json()["detail"][0]["loc"] == ["body", "studying"]
