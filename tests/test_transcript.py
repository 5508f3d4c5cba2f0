"""A transcript read as Dutch transcripts print it, the same on the API and the student page
(bundled curricula): every pass/fail notation, a failed grade that keeps its course in the gap,
lines separated by tabs, semicolons or spaces, grades out of range as errors on their line, and
suggestions that find a course from its abbreviation."""

from __future__ import annotations

import re
from html import unescape

import pytest
from fastapi.testclient import TestClient

from articulation.curriculum.loader import load_curricula
from articulation.interop.transcript import match_course, read_line, suggestions
from articulation.settings import BUNDLED_CURRICULA

CATALOGUE = load_curricula(BUNDLED_CURRICULA)
COURSE, CODE = "XB_0043", "VU-XB_0043"  # Data Structures and Algorithms for AI, 6 EC

#: Each notation as a transcript prints it, and what it means.
NOTATIONS = {
    "5,5": "passed",
    "5.5": "passed",
    "8,0": "passed",
    "5,4": "failed",
    "5.4": "failed",
    "3,5": "failed",
    "V": "passed",
    "voldaan": "passed",
    "P": "passed",
    "pass": "passed",
    "VR": "exempt",
    "VRS": "exempt",
    "EX": "exempt",
    "vrijstelling": "exempt",
    "NV": "failed",
    "NVD": "failed",
    "niet voldaan": "failed",
    "F": "failed",
    "fail": "failed",
    "bezig": "in_progress",
    "in progress": "in_progress",
}
ROW = re.compile(
    r'<tr class="[^"]*" data-result="(\w+)">\s*<td>([^<]*)</td>\s*'
    r"<td>[^<]*<span[^>]*>[^<]*</span> <code>([^<]+)</code>"
)


@pytest.fixture(scope="module")
def client(bundled_client: TestClient) -> TestClient:
    return bundled_client


def api(client: TestClient, lines: list[str], masters: list[str] | None = None) -> dict:
    body: dict = {"courses": lines}
    if masters is not None:
        body["masters"] = masters
    answer = client.post("/v1/eligibility", json=body)
    assert answer.status_code == 200, answer.text
    return answer.json()


def page_rows(client: TestClient, lines: list[str]) -> tuple[str, list[tuple[str, str]]]:
    """The student page for the pasted lines, and each recognised line's (code, result)."""
    answer = client.post("/", data={"courses": "\n".join(lines)})
    assert answer.status_code == 200, answer.text[:500]
    return answer.text, [(code, result) for result, _, code in ROW.findall(answer.text)]


def missing(html: str, master: str) -> set[str]:
    """The requirement ids the page lists as missing for ``master``."""
    section = re.search(rf'(?s)id="m-{master}".*?(?=<li class="result"|</ol>)', html)
    assert section, master
    return set(re.findall(r'<code class="id">([^<]+)</code>', section.group()))


@pytest.mark.parametrize("notation", list(NOTATIONS))
def test_each_notation_reads_the_same_on_the_api_and_the_page(
    client: TestClient, notation: str
) -> None:
    meaning = NOTATIONS[notation]
    for line in (
        f"{COURSE} {notation}",
        f"{COURSE};Data Structures and Algorithms for AI;6;{notation}",
    ):
        data = api(client, [line], ["UT-M-CS"])
        assert [(e["code"], e["result"]) for e in data["transcript"]] == [(CODE, meaning)], line
        counts = meaning in ("passed", "exempt")
        assert (CODE in data["recognised"]) is counts
        assert (CODE in data["not_passed"]) is (meaning == "failed")
        assert (CODE in data["planned"]) is (meaning == "in_progress")
        html, rows = page_rows(client, [line])
        assert rows == [(CODE, meaning)], line
        if meaning == "failed":
            assert f"still in the gap: {CODE}" in unescape(html)


def test_the_pass_mark_is_the_boundary_for_entries_too(client: TestClient) -> None:
    results = {}
    for grade in (5.5, "5,5", 5.4, "5,4", "V", "NV", "VRS"):
        body = {"courses": [{"code": COURSE, "grade": grade}], "masters": ["UT-M-CS"]}
        data = client.post("/v1/eligibility", json=body).json()
        results[grade] = data["transcript"][0]["result"]
    assert results == {
        5.5: "passed",
        "5,5": "passed",
        5.4: "failed",
        "5,4": "failed",
        "V": "passed",
        "NV": "failed",
        "VRS": "exempt",
    }


def test_a_failed_grade_leaves_its_course_in_the_gap(client: TestClient) -> None:
    """The request of the issue: 3,5 keeps data structures and algorithms in the gap, 8,0 takes
    them out, on the API and the page."""

    def gap(grade: str) -> list[str]:
        body = {"courses": [{"code": COURSE, "grade": grade}], "masters": ["UT-M-CS"]}
        answer = client.post("/v1/eligibility", json=body)
        assert answer.status_code == 200, answer.text
        return [q["id"] for q in answer.json()["results"][0]["requirements"]]

    failed, passed, nothing = gap("3,5"), gap("8,0"), api(client, [], ["UT-M-CS"])
    taught = {"cs.algorithms@apply", "cs.data-structures@apply"}
    assert taught <= set(failed) and not taught & set(passed)
    assert failed == [q["id"] for q in nothing["results"][0]["requirements"]]
    for grade, inside in (("3,5", True), ("8,0", False)):
        html, rows = page_rows(client, [f"{COURSE} {grade}"])
        assert rows == [(CODE, "failed" if inside else "passed")]
        assert (taught <= missing(html, "UT-M-CS")) is inside
        if inside:
            assert "✓" not in html.split('data-result="failed"')[1].split("</tr>")[0]


@pytest.mark.parametrize(
    "line",
    ["XB_0043 11,5", "XB_0043\tData Structures and Algorithms for AI\t6\t11,5", "XB_0043;6;0,5"],
)
def test_a_grade_out_of_range_is_an_error_on_its_line(client: TestClient, line: str) -> None:
    answer = client.post("/v1/eligibility", json={"courses": ["VU-XB_0114", line]})
    assert answer.status_code == 422
    item = answer.json()["detail"][0]
    assert item["loc"] == ["body", "courses", 1] and "line 2" in item["msg"]
    assert "not between 1 and 10" in item["msg"]
    page = client.post("/", data={"courses": f"VU-XB_0114\n{line}"})
    assert page.status_code == 422 and "Line 2" in page.text and "not between 1 and 10" in page.text
    dutch = client.post("/", data={"courses": f"VU-XB_0114\n{line}", "lang": "nl"})
    assert (
        dutch.status_code == 422 and "Regel 2" in dutch.text and "niet tussen 1 en 10" in dutch.text
    )
    assert "uw " not in dutch.text and "Input should" not in dutch.text
    entry = client.post("/v1/eligibility", json={"courses": [{"code": COURSE, "grade": "11,5"}]})
    assert entry.status_code == 422 and entry.json()["detail"][0]["loc"][:3] == [
        "body",
        "courses",
        0,
    ]


SEPARATORS = ["\t", ";", "   "]


@pytest.mark.parametrize("bachelor", [b.code for b in CATALOGUE.bachelors])
def test_every_bachelors_courses_pasted_as_printed_read_back(
    client: TestClient, bachelor: str
) -> None:
    """The bachelor's mandatory courses as printed lines (code, title, EC, grade; tab, semicolon
    or spaces between the fields): the same courses, passed with their grades, on both."""
    b = CATALOGUE.bachelor(bachelor)
    codes = list(b.courses)
    lines = []
    for i, code in enumerate(codes):
        course = CATALOGUE.courses[code]
        bare = code.split("-", 1)[1]
        grade = f"{6 + i % 4},{5 * (i % 2)}"
        lines.append(SEPARATORS[i % 3].join([bare, course.title, f"{course.ects:g}", grade]))
    data = api(client, lines, ["UT-M-CS"])
    assert data["unrecognised"] == [] and data["recognised"] == sorted(set(codes))
    assert [e["code"] for e in data["transcript"]] == codes
    assert all(e["result"] == "passed" and e["grade"] is not None for e in data["transcript"])
    assert data["gpa"] is not None
    _, rows = page_rows(client, lines)
    assert rows == [(code, "passed") for code in codes]


def test_lines_as_osiris_prints_them() -> None:
    for line, code in {
        "Project Management and Design 1 V": "UT-920200006",
        "Professional Development 0,5 V": "UT-920200008",
        "Sketching 0,5 V": "UT-920200007",
    }.items():
        read = read_line(CATALOGUE, line)
        assert read.mark == "V" and read.grade is None
        assert match_course(CATALOGUE, read.text) == code, line


def test_an_abbreviation_finds_its_course() -> None:
    found = suggestions(CATALOGUE, "AI and Programming")
    assert found[0] == "UT-920600002"
    assert CATALOGUE.courses[found[0]].title == "Artificial Intelligence and Programming"


@pytest.mark.parametrize(
    ("lang", "words"),
    [("en", "below the pass mark of 5.5"), ("nl", "het cijfer 3,5 ligt onder de zakgrens")],
)
def test_a_failed_line_says_why_in_the_page_language(
    client: TestClient, lang: str, words: str
) -> None:
    html = client.post("/", data={"courses": f"{COURSE} 3,5", "lang": lang}).text
    assert words in unescape(html)
    data = client.post(
        "/v1/eligibility",
        json={"courses": [f"{COURSE} 3,5"], "masters": ["UT-M-CS"]},
        headers={"Accept-Language": lang},
    ).json()
    assert words in data["transcript"][0]["reason"]


def test_a_student_still_studying_has_the_transcript_read_as_done_so_far(
    client: TestClient,
) -> None:
    form = {"courses": f"{COURSE} 3,5\nXB_0114 V", "bachelor": "VU-B-AI", "studying": "yes"}
    html = client.post("/", data=form).text
    assert 'id="done-so-far"' in html and "courses you have done so far" in html
    assert ROW.findall(html) and [(c, r) for r, _, c in ROW.findall(html)] == [
        (CODE, "failed"),
        ("VU-XB_0114", "passed"),
    ]
    assert 'id="population" data-population="studying"' in html
    graduate = client.post("/", data={"courses": f"{COURSE} 3,5", "bachelor": "VU-B-AI"}).text
    assert 'id="done-so-far"' not in graduate


def test_tabs_are_read_by_the_api_as_by_the_page(client: TestClient) -> None:
    line = "XB_0043\tData Structures and Algorithms for AI\t6\t8,0"
    data = api(client, [line], ["UT-M-CS"])
    assert data["recognised"] == [CODE] and data["gpa"] == 8.0
    html, rows = page_rows(client, [line])
    assert rows == [(CODE, "passed")] and "(EC-weighted, passed courses): 8</p>" in html


def test_the_pass_mark_is_the_institutions() -> None:
    """5,8 passes at the Dutch 5,5 and fails where the course's institution passes from 6."""
    from dataclasses import replace

    from articulation.answers.eligibility import assess_transcript

    vu = CATALOGUE.calendar("VU")
    stricter = replace(
        CATALOGUE, calendars={**CATALOGUE.calendars, "VU": replace(vu, pass_mark=6.0)}, memo={}
    )
    line = [f"{COURSE} 5,8"]
    assert assess_transcript(CATALOGUE, line, masters=["UT-M-CS"]).recognised == (CODE,)
    answer = assess_transcript(stricter, line, masters=["UT-M-CS"])
    assert answer.recognised == () and answer.not_passed == (CODE,)


def test_a_dutch_title_names_its_course() -> None:
    """A course with a Dutch title (``title_nl``) is recognised by it, in any case."""
    from dataclasses import replace

    course = CATALOGUE.courses[CODE].model_copy(
        update={"title_nl": "Datastructuren en algoritmen voor AI"}
    )
    dutch = replace(CATALOGUE, courses={**CATALOGUE.courses, CODE: course}, memo={})
    line = read_line(dutch, "datastructuren en algoritmen voor ai;6;7,5")
    assert line.grade == 7.5 and match_course(dutch, line.text) == CODE
    assert match_course(CATALOGUE, line.text) is None
    assert suggestions(dutch, "Datastructuren algoritmen")[0] == CODE


def test_a_result_in_unknown_words_is_an_error_on_its_entry(client: TestClient) -> None:
    body = {"courses": ["VU-XB_0114", {"code": COURSE, "grade": "goed"}]}
    answer = client.post("/v1/eligibility", json=body)
    assert answer.status_code == 422
    item = answer.json()["detail"][0]
    assert item["loc"] == ["body", "courses", 1, "grade"] and "'goed'" in item["msg"]
