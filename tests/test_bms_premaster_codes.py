"""The BMS pre-master courses that carry real codes from the Communication Studies pre-master page.

The page (https://www.utwente.nl/en/education/master/programmes/communication-studies/pre-master/)
lists each course with its code, EC and block; the catalogue keeps those three and the page as
its source (see curricula/README.md, "Courses in routes").
"""

from __future__ import annotations

from pathlib import Path

import pytest

from articulation.curriculum.catalogue import Catalogue
from articulation.curriculum.loader import load_curricula

CURRICULA = Path(__file__).resolve().parent.parent / "curricula"
PAGE = "https://www.utwente.nl/en/education/master/programmes/communication-studies/pre-master/"

#: code -> (title, EC, periods) as the page gives them (Research Methodology and Descriptive
#: Statistics also runs in Q3, from the Health Sciences transfer minor's page).
EXPECTED = {
    "UT-201300063": ("Research Methodology and Descriptive Statistics", 5, ("Q1", "Q3")),
    "UT-192470410": ("Communication Science", 5, ("Q1",)),
    "UT-201300064": ("Inferential Statistics", 5, ("Q2",)),
    "UT-201800356": ("Qualitative Research Pre-master COM", 3, ("Q2",)),
}


@pytest.fixture(scope="module")
def cat() -> Catalogue:
    return load_curricula(CURRICULA)


def test_courses_carry_the_page_facts(cat: Catalogue) -> None:
    for code, (title, ects, periods) in EXPECTED.items():
        course = cat.courses[code]
        assert (course.title, course.ects) == (title, ects), code
        assert tuple(str(p) for p in course.periods) == periods, code
        assert course.provenance.status == "sourced", code
        assert course.provenance.source == PAGE, code
        assert course.bridging, code


def test_invented_codes_are_gone(cat: Catalogue) -> None:
    for old in ("UT-900100135", "UT-900100021", "UT-900100141", "UT-900100136"):
        assert old not in cat.courses
