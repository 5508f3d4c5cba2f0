"""The bundled seed curricula: counts, provenance, and the known facts they must reproduce.

These tests pin what the sources say (see curricula/README.md): the joint Mechanical Engineering
bachelor enters UT Mechanical Engineering and Sustainable Energy Technology directly, Creative
Technology is admitted to Philosophy of Science, Technology and Society and reaches Computer Science
through the transfer minor the CS master's policy names, a Dutch research bachelor in Computer
Science enters UT Computer Science directly, VU Artificial Intelligence needs a pre-master with
systems and networks modules for UT Computer Science (over the cap: the committee decides),
Communication Science, Educational Science and Technology and Health Sciences are
one-year masters, the pre-master course lists of Computer Science, Embedded Systems and Robotics are
in the catalogue, and every pre-master stays within its master's cap.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path

import pytest

from articulation.answers.scan import assess
from articulation.curriculum.catalogue import Catalogue
from articulation.curriculum.model import AtLeast
from articulation.curriculum.patch import course_document
from articulation.outputs.heatmap import render_html
from articulation.outputs.report import make_report
from articulation.solving.bridging import bridge
from articulation.solving.gap import attainment, gap, holds
from articulation.solving.pool import premaster_candidates
from articulation.solving.route import MINOR_BY_POLICY, decide

CURRICULA = Path(__file__).resolve().parent.parent / "curricula"
RETRIEVED = dt.date(2026, 11, 27)
#: The day pages were re-read for the masters' own admission rules (curricula/README.md, "Each
#: master's sources"); the facts compiled first carry RETRIEVED.
RECHECKED = dt.date(2026, 12, 5)

BACHELORS = {
    "VU-B-CREATE",
    "VU-B-ME",
    "VU-B-IEM",
    "VU-B-AI",
    "VU-B-CS",
    "VU-B-BA",
    "VU-B-EOR",
    "VU-B-MATH",
    "VU-B-PHYS",
    "VU-B-HMS",
    "VU-B-IS",
}
FLAGSHIP = {
    "UT-M-IT",
    "UT-M-CS",
    "UT-M-BIT",
    "UT-M-EMSYS",
    "UT-M-EE",
    "UT-M-ROB",
    "UT-M-SC",
    "UT-M-IDE",
    "UT-M-BME",
    "UT-M-COM",
    "UT-M-PSTS",
    "UT-M-EST",
    "UT-M-PSY",
    "UT-M-IEM",
    "UT-M-ME",
}
MASTERS = FLAGSHIP | {
    "UT-M-AM",
    "UT-M-SET",
    "UT-M-TM",
    "UT-M-BA",
    "UT-M-CE",
    "UT-M-CME",
    "UT-M-AP",
    "UT-M-CSE",
    "UT-M-NT",
    "UT-M-SE",
}
TRANSFER_MINORS = {"UT-MIN-IT", "UT-MIN-ES", "UT-MIN-BIT", "UT-MIN-IEM", "UT-MIN-CEM", "UT-MIN-CS"}
JOINT = {"VU-B-CREATE", "VU-B-ME", "VU-B-IEM"}


@pytest.fixture(scope="module")
def cat(bundled_catalogue: Catalogue) -> Catalogue:
    return bundled_catalogue


@pytest.fixture(scope="module")
def cells(bundled_cells):
    return list(bundled_cells)


def cell_of(cells, bachelor: str, master: str):
    return next(c for c in cells if c.bachelor == bachelor and c.master == master)


# --- counts and coverage -----------------------------------------------------------------------


def test_counts(cat: Catalogue) -> None:
    assert len(cat.outcomes) >= 150
    assert len(cat.courses) >= 400
    assert len(cat.bachelors) >= 10
    assert len(cat.masters) >= 25
    assert {m.code for m in cat.minors} >= TRANSFER_MINORS
    assert any(m.institution == "VU" for m in cat.minors)


def test_the_programmes_of_the_issue_are_there(cat: Catalogue) -> None:
    assert {b.code for b in cat.bachelors} >= BACHELORS
    assert {m.code for m in cat.masters} >= MASTERS


def test_flagship_file_lists_the_fifteen_masters(cat: Catalogue) -> None:
    text = (CURRICULA / "flagship-masters.txt").read_text()
    lines = [code for line in text.splitlines() if (code := line.split("#", 1)[0].strip())]
    assert len(lines) == len(set(lines)) == 15
    assert set(lines) == FLAGSHIP
    assert all(code in cat.programmes for code in lines)
    # no source lists these masters: the file and the data card say it is our choice
    assert "ILLUSTRATIVE" in text
    card = (CURRICULA / "README.md").read_text()
    assert "flagship-masters.txt" in card and "illustrative" in card


def test_every_outcome_is_taught_somewhere(cat: Catalogue) -> None:
    taught = {o for c in cat.courses.values() for o in c.teaches}
    assert set(cat.outcomes) - taught == set()


def test_every_course_has_an_area(cat: Catalogue) -> None:
    assert all(set(cat.course_areas[code]) <= set(cat.areas) for code in cat.courses)


def test_course_conventions(cat: Catalogue) -> None:
    for code, course in cat.courses.items():
        inst = cat.institution_of[code]
        assert code.startswith(inst + "-"), code
        periods = {"VU": {f"P{i}" for i in range(1, 7)}, "UT": {f"Q{i}" for i in range(1, 5)}}
        assert set(course.periods) <= periods[inst], code
        if course.bridging:
            assert inst == "UT", f"{code}: pre-master courses are UT courses"
        if inst == "UT":
            assert 0.5 <= course.ects <= 30, code


def test_bachelors_add_up_to_180(cat: Catalogue) -> None:
    for b in cat.bachelors:
        mandatory = sum(cat.courses[c].ects for c in b.courses)
        track = max((sum(cat.courses[c].ects for c in t.courses) for t in b.tracks), default=0)
        assert b.ects == 180
        assert 170 <= mandatory + track + b.electives <= 180, b.code
        assert b.electives == 30, b.code


def test_joint_bachelors(cat: Catalogue) -> None:
    for code in JOINT:
        b = cat.bachelor(code)
        assert b.institution == "VU"
        assert "joint VU–UT, Amsterdam" in b.name
        assert "awarded by the University of Twente" in (b.provenance.note or "")
    # the joint programmes are UT curricula: built from the UT catalogue
    assert all(cat.institution_of[c] == "UT" for c in cat.bachelor("VU-B-ME").courses)
    assert "UT-201900014" in cat.bachelor("VU-B-ME").courses  # TIME, sourced
    assert "UT-201600066" in cat.bachelor("VU-B-CREATE").courses  # module 1, sourced


def test_premaster_caps(cat: Catalogue) -> None:
    for m in cat.masters:
        assert 15 <= m.premaster.max_ects <= 60, m.code
        assert m.premaster.catalogue == ["UT"]
        assert m.ects in (60, 120)
    assert cat.master("UT-M-TM").premaster.max_ects == 60
    assert cat.master("UT-M-CS").premaster.max_ects == 30


#: The masters whose pre-master cap a source gives for university bachelors, with the line of the
#: source (the rest is our assumption: BIT, EMSYS, ME and ROB give 30 EC for HBO graduates only).
SOURCED_CAPS = {
    "UT-M-CS": "computer-science/pre-master/: 15 or 30 EC when the gap is under 30 EC",
    "UT-M-EE": "mee/Premaster's Programme: 15 or 30 EC, mostly 30 EC, tailor-made",
    "UT-M-SC": "sc/programme/premaster/: 15 or 30 EC, mostly 30 EC, tailor-made",
    "UT-M-AM": "applied-mathematics/pre-master/: 10 to 30 EC depending on background",
    "UT-M-BA": "ba/pre-master/general-information/: only if the deficiencies fit in 30 EC",
    "UT-M-COM": "communication-science/admission/dutch-degree/: the full 30-credit pre-master",
    "UT-M-EST": "educational-science-technology/admission/dutch-university/: up to 30 EC",
    "UT-M-IEM": "industrial-engineering-management/admission/: 3 or 6 months",
    "UT-M-TM": "technical-medicine/pre-master/: one year, at most 60 EC",
    "UT-M-HS": "health-sciences/admission/pre-master/: 15 to 30 EC",
    "UT-M-PSY": "psychology/pre-master/: 10 to 45 EC, 45 EC the HBO standard",
}


def test_cap_status_of_every_master(cat: Catalogue) -> None:
    general = "https://www.utwente.nl/en/education/master/pre-master/continue-after-dutch-wo"
    for m in cat.masters:
        premaster = m.premaster
        expected = "sourced" if m.code in SOURCED_CAPS else "assumed"
        assert premaster.cap_status == expected, m.code
        assert premaster.cap_source, m.code  # a sourced cap cites its page; an assumption says so
        if expected == "sourced":
            assert premaster.cap_source.startswith("https://www.utwente.nl/"), m.code
        # UT's rule: pre-masters for university bachelors range from 15 to 60 EC
        assert premaster.ceiling == 60 and premaster.ceiling_status == "sourced", m.code
        own = m.code == "UT-M-TM"  # Technical Medicine's own page: one year, at most 60 EC
        assert (premaster.ceiling_source or "").startswith(
            m.provenance.source if own else general  # type: ignore[union-attr]
        ), m.code


def test_cap_status_is_in_every_output(cat: Catalogue, cells) -> None:
    """Every cell's JSON, CSV row and pair page (both languages) says whether its master's
    pre-master cap is sourced or assumed; the matrix marks the masters whose cap is assumed."""
    import csv
    import io

    from articulation.outputs.render import render
    from articulation.outputs.report import build_report

    built = build_report(cat, cells, {}, {})
    files = render(built, ("html", "csv", "json"))
    rows = list(csv.DictReader(io.StringIO(files["aansluitscan.csv"].decode())))
    assert len(rows) == len(cells) == len(cat.bachelors) * len(cat.masters)
    index = files["index.html"].decode()
    for cell, row in zip(cells, rows, strict=True):
        status = cat.master(cell.master).premaster.cap_status
        data = cell.to_json()
        assert data["cap_status"] == status and data["ceiling_status"] == "sourced"
        assert row["cap_status"] == status, (cell.bachelor, cell.master)
        for prefix in ("", "nl/"):
            page = files[f"{prefix}pairs/{cell.bachelor}/{cell.master}.html"].decode()
            assert f'data-cap-status="{status}"' in page, (prefix, cell.bachelor, cell.master)
        said = {r["id"] for r in data["reasons"]}
        # the total names the cap's status (a late minor's total is the elective space's)
        if cell.status in ("premaster", "late", "over_cap") and not cell.minor:
            total = next(r for r in data["reasons"] if r["id"].startswith("explain.total"))
            assert total["params"]["cap"]["id"] == f"cap.{status}", said
            words = "(sourced)" if status == "sourced" else "the assumed cap"
            assert words in total["text"], total["text"]
    for m in cat.masters:
        marked = f'data-master="{m.code}" data-cap-status="{m.premaster.cap_status}"'
        assert marked in index, m.code


def test_fixed_packages_apply_to_exactly_their_bachelors(cat: Catalogue, cells) -> None:
    """A fixed pre-master package is the answer for exactly the bachelors it names (every one,
    when it names none) wherever the pre-master is the route, across every bundled pair."""
    packages = [(m, p) for m in cat.masters for p in m.premaster.fixed]
    assert packages, "no fixed package in the bundled data"
    for cell in cells:
        master = cat.master(cell.master)
        package = master.premaster.package_for(cell.bachelor)
        if cell.status in ("premaster", "late", "over_cap") and package is not None:
            assert cell.package is not None and cell.package.name == package.name
            assert set(cell.codes) <= set(package.courses)
        else:
            assert cell.package is None, (cell.bachelor, cell.master)
    for master, package in packages:
        if not package.bachelors:  # every bachelor not admitted directly takes it
            assert any(
                cell_of(cells, b.code, master.code).package is not None for b in cat.bachelors
            ), master.code
        for code in package.bachelors:
            cell = cell_of(cells, code, master.code)
            assert cell.package is not None and cell.package.name == package.name


@pytest.mark.parametrize("master", ["UT-M-COM", "UT-M-EST", "UT-M-HS"])
def test_one_year_masters(cat: Catalogue, master: str) -> None:
    # the UT programme pages: one-year masters of 60 EC
    m = cat.master(master)
    assert m.ects == 60
    assert "https://www.utwente.nl/en/education/master/programmes/" in (m.provenance.note or "")


# --- provenance ----------------------------------------------------------------------------------


def test_provenance_on_every_course_and_programme(cat: Catalogue) -> None:
    items = [*cat.courses.values(), *cat.programmes.values()]
    for item in items:
        p = item.provenance
        assert p is not None, item.code
        assert p.source and p.source.startswith("http"), item.code
        assert p.retrieved in (RETRIEVED, RECHECKED), item.code
        assert p.status in ("sourced", "illustrative"), item.code
        if p.status == "illustrative":
            assert p.note, f"{item.code}: say what is illustrative"


#: Code ranges of ours (see the data card's "Code ranges"): no page gives such a code.
OUR_CODES = ("UT-9", "VU-ILL_", "UT-SE-PM-")


def test_codes_of_ours_are_said(cat: Catalogue) -> None:
    """A course with a code of ours is sourced only when a page gives its title and EC, and
    its note then says that the code is ours."""
    for code, course in cat.courses.items():
        if code.startswith(OUR_CODES) and course.provenance.status == "sourced":
            assert "code is ours" in course.provenance.note, code
    statuses = Counter(c.provenance.status for c in cat.courses.values())
    assert statuses["sourced"] >= 80 and statuses["illustrative"] >= 200


def test_real_codes_from_the_sources(cat: Catalogue) -> None:
    expected = {
        "UT-202001171": ("Calculus A", 5),
        "UT-202001178": ("Linear Algebra", 3),
        "UT-202001182": ("Algorithms, Data Structures and Complexity", 5),
        "UT-202001184": ("Discrete Mathematics and Introduction to Mathematics", 4),
        "UT-202001177": ("Probability Theory and Statistics", 3),
        "UT-202001185": ("Linear Systems", 6),
        "VU-XB_0114": ("Linear Algebra and Calculus", 6),
        "VU-X_400154": ("Machine Learning", 6),
        "VU-B_BOP": ("Bachelor Research Project", 24),
        "VU-X_418156": ("Statistics with R", 6),
        "VU-XB_0082": ("Introduction to Python Programming", 6),
        "UT-202000677": ("Thermodynamics", 4),
        "UT-201000157": ("Organization Theory and Design", 5),
        "VU-X_405067": ("Operating Systems", 6),
        "VU-X_400614": ("Data Structures and Algorithms", 6),
        "VU-AB_1056": ("Cognitive Neuroscience", 6),
        "VU-X_400617": ("Calculus", 6),
        "VU-X_400638": ("Linear Algebra", 6),
        "VU-XB_40009": ("Computer Organization", 6),
        "UT-202000425": ("Stochastic Models", 5),
        "UT-202000701": ("Introduction Solid State Physics", 7),
        "UT-191403070": ("Electricity & Magnetism HBO", 5),
        "UT-201500555": ("Philosophical Theories and Methods", 5),
        "UT-201500556": ("Essays in Philosophy of Technology", 6),
        "UT-900100001": ("Engineering System Dynamics", 5),  # title and EC; the code is ours
    }
    for code, (title, ects) in expected.items():
        course = cat.courses[code]
        assert (course.title, course.ects) == (title, ects)
        assert course.provenance.status == "sourced"
    assert cat.courses["UT-202001182"].bridging


#: The Communication Studies pre-master page lists these courses with code, EC and block
#: (Research Methodology and Descriptive Statistics also runs in Q3, by the Health Sciences
#: transfer minor's page): code -> (title, EC, periods).
COMMUNICATION_PREMASTER = (
    "https://www.utwente.nl/en/education/master/programmes/communication-studies/pre-master/"
)
COMMUNICATION_COURSES = {
    "UT-201300063": ("Research Methodology and Descriptive Statistics", 5, ("Q1", "Q3")),
    "UT-192470410": ("Communication Science", 5, ("Q1",)),
    "UT-201300064": ("Inferential Statistics", 5, ("Q2",)),
    "UT-201800356": ("Qualitative Research Pre-master COM", 3, ("Q2",)),
}


def test_communication_premaster_courses_carry_the_page_facts(cat: Catalogue) -> None:
    for code, (title, ects, periods) in COMMUNICATION_COURSES.items():
        course = cat.courses[code]
        assert (course.title, course.ects) == (title, ects), code
        assert tuple(str(p) for p in course.periods) == periods, code
        assert course.provenance.status == "sourced", code
        assert course.provenance.source == COMMUNICATION_PREMASTER, code
        assert course.bridging, code
    for old in ("UT-900100135", "UT-900100021", "UT-900100141", "UT-900100136"):
        assert old not in cat.courses  # the invented subjects they replace


def test_vu_codes_cite_a_page_that_lists_them(cat: Catalogue) -> None:
    # Introduction to Python Programming is named by the AI guide; the HCI code by no page we cite
    python = cat.courses["VU-XB_0082"].provenance
    assert python.source == "https://vu-ai-hub.vercel.app/guide/academic/program-structure"
    assert cat.courses["VU-XB_0013"].provenance.status == "illustrative"


# the pre-master course lists (FACTS section 5): code -> EC; all bridging courses of the catalogue
PREMASTERS = {
    # https://utwente.nl/en/csc/premaster (EC of Academic Research Skills not shown there)
    "UT-M-CS": {
        "UT-202001171": 5,
        "UT-202001177": 3,
        "UT-202001178": 3,
        "UT-202001182": 5,
        "UT-202001184": 4,
        "UT-202000240": 4,
    },
    # https://www.utwente.nl/en/education/master/programmes/embedded-systems/pre-master/
    "UT-M-EMSYS": {
        "UT-202001171": 5,
        "UT-202001173": 4,
        "UT-202001178": 3,
        "UT-202001185": 6,
        "UT-202001183": 4,
        "UT-201500252": 3,
        "UT-202300099": 5,
    },
    # https://www.educatly.com/program/769628/pre-master-in-robotics (a copy of the UT page)
    "UT-M-ROB": {
        "UT-202001171": 5,
        "UT-202001173": 4,
        "UT-202001178": 3,
        "UT-201500252": 3,
        "UT-202001185": 6,  # Linear Systems, 2 + 4 EC
        "UT-202000240": 4,  # Academic Research Skills, 2 + 2 EC
        "UT-900100001": 5,  # Engineering System Dynamics: no code in the source (ours)
    },
}


@pytest.mark.parametrize("master", sorted(PREMASTERS))
def test_premaster_course_lists_are_in_the_catalogue(cat: Catalogue, master: str) -> None:
    courses = PREMASTERS[master]
    for code, ects in courses.items():
        course = cat.courses[code]
        assert course.ects == ects, code
        assert course.bridging, code
        assert cat.institution_of[code] in cat.master(master).premaster.catalogue
        # every course of a published list is sourced (a code of ours says so in its note)
        assert course.provenance.status == "sourced", code
    assert sum(courses.values()) <= cat.master(master).premaster.max_ects
    if master != "UT-M-CS":
        assert sum(courses.values()) == 30  # the fixed 30 EC HBO pre-masters


def test_embedded_systems_minor_cites_the_premaster_list(cat: Catalogue) -> None:
    minor = cat.programmes["UT-MIN-ES"]
    assert minor.provenance.source.endswith("/embedded-systems/pre-master/")
    assert set(minor.courses) == set(PREMASTERS["UT-M-EMSYS"])


def test_ai_tracks(cat: Catalogue) -> None:
    ai = cat.bachelor("VU-B-AI")
    assert sum(cat.courses[c].ects for c in ai.courses) == 126
    tracks = {t.name: set(t.courses) for t in ai.tracks}
    assert tracks == {
        "Intelligent Systems": {
            "VU-XB_0043",  # Data Structures and Algorithms for AI
            "VU-XB_0101",
            "VU-X_401008",  # Databases
            "VU-XB_0026",
            "VU-XB_0084",
        },
        "Socially Aware Computing": {
            "VU-XB_0040",
            "VU-XB_0042",
            "VU-XB_0070",
            "VU-XB_0020",
            "VU-XB_0084",
        },
    }
    for t in ai.tracks:
        assert sum(cat.courses[c].ects for c in t.courses) == 24, t.name
        assert all(cat.courses[c].provenance.status == "sourced" for c in t.courses), t.name


# --- known facts -------------------------------------------------------------------------------


@pytest.mark.parametrize("master", ["UT-M-ME", "UT-M-SET"])
def test_joint_me_enters_me_and_set_directly(cat: Catalogue, master: str) -> None:
    me = cat.bachelor("VU-B-ME")
    # direct by the data; SET's admission page also names the UT ME bachelor, ME's pages do not
    assert gap(cat.master(master), attainment(cat, me.courses)).closed
    assert ("VU-B-ME" in cat.master(master).direct_admission) == (master == "UT-M-SET")
    assert assess(cat, me, cat.master(master)).status == "direct"


def test_create_is_admitted_to_psts(cat: Catalogue) -> None:
    assert "VU-B-CREATE" in cat.master("UT-M-PSTS").direct_admission
    cell = assess(cat, cat.bachelor("VU-B-CREATE"), cat.master("UT-M-PSTS"))
    assert cell.status == "direct"


def test_ai_to_cs_is_reported_per_track(cat: Catalogue) -> None:
    ai, cs = cat.bachelor("VU-B-AI"), cat.master("UT-M-CS")
    cell = assess(cat, ai, cs)
    by_track = {t.track: t for t in cell.tracks}
    assert set(by_track) == set(ai.track_names) and cell.track in by_track
    assert by_track[cell.track].status == cell.status
    # the Intelligent Systems track has Data Structures and Algorithms and Databases, so it
    # leaves less of the gap than Socially Aware Computing
    gaps = {t: len(gap(cs, attainment(cat, ai.courses_of(t))).unmet) for t in ai.track_names}
    assert gaps["Intelligent Systems"] < gaps["Socially Aware Computing"]


# the TCS bachelor modules that teach the aspects the old CS pre-master page checks (FACTS §5)
CS_UNIVERSITY_POOL = {"UT-201400210", "UT-201600146", "UT-201300180", "UT-201600270"}


def test_cs_premaster_pool_holds_the_tcs_modules(cat: Catalogue) -> None:
    # old page https://www.utwente.nl/csc/programme/premaster/: a university bachelor is checked
    # on programming, software engineering, architecture, operating systems, information
    # systems, databases and discrete mathematics; the pre-master holds at least algorithms and
    # courses on the aspects that are lacking
    premaster = cat.master("UT-M-CS").premaster
    assert set(premaster.university_courses or ()) == CS_UNIVERSITY_POOL
    taught = {o for c in CS_UNIVERSITY_POOL for o in cat.courses[c].teaches}
    assert taught >= {
        "cs.computer-architecture",
        "cs.operating-systems",
        "cs.networks",
        "cs.databases",
        "cs.information-systems",
        "math.discrete",
        "cs.algorithms",
    }
    for code in CS_UNIVERSITY_POOL:
        course = cat.courses[code]
        assert course.ects == 15 and course.provenance.status == "sourced", code
        assert course.provenance.source.endswith("/tcscurriculum2017/"), code
    # the current page: a 15 or 30 EC pre-master when the gap is under 30 EC
    assert premaster.max_ects == 30 and premaster.rule is not None
    assert premaster.rule.source.endswith("/computer-science/pre-master/")


def test_ai_intelligent_systems_to_cs_is_over_the_cap_with_systems_and_networks(
    cat: Catalogue,
) -> None:
    # read as a university pool, AI (Intelligent Systems) → CS is about 35 EC: over the current
    # page's 30 EC rule, a committee decision (issue 20)
    ai, cs = cat.bachelor("VU-B-AI"), cat.master("UT-M-CS")
    cell = assess(cat, ai, cs, track="Intelligent Systems")
    assert cell.status == "over_cap" and cell.optimal
    assert cell.total_ects == 35 and cell.over_cap_by == 5
    taught = {o for c in cell.codes for o in cat.courses[c].teaches}
    assert {"cs.computer-architecture", "cs.operating-systems", "cs.networks"} <= taught
    assert {"UT-201400210", "UT-201600146"} <= set(cell.codes)
    # the reason quotes the master's own rule
    assert cell.reason.id == "bridging.over_cap_rule"
    assert cell.reason.kwargs["rule"].id == "premaster_rule.gap_under_30"
    assert "15 or 30 EC pre-master when the gap is under 30 EC" in cell.reason.text("en")


def test_no_bachelor_is_infeasible_for_cs_for_lack_of_a_systems_course(cells) -> None:
    systems = ("cs.computer-architecture", "cs.operating-systems", "cs.networks")
    for cell in cells:
        if cell.master == "UT-M-CS" and cell.status == "infeasible":
            assert not any(item.startswith(systems) for item in cell.unmet), cell.bachelor


def test_vu_cs_enters_ut_cs_directly(cat: Catalogue) -> None:
    # a Dutch research bachelor in Computer Science is admitted directly (UT CS admission page)
    assert "VU-B-CS" in cat.master("UT-M-CS").direct_admission
    cell = assess(cat, cat.bachelor("VU-B-CS"), cat.master("UT-M-CS"))
    assert cell.status == "direct"
    assert cell.total_ects == 0


def test_create_reaches_cs_through_the_transfer_minor_policy(cat: Catalogue) -> None:
    # old page https://www.utwente.nl/en/ist/programme/premaster/: CreaTe students reach the CS
    # master after a transfer minor of at least two CS/EE modules
    create, cs = cat.bachelor("VU-B-CREATE"), cat.master("UT-M-CS")
    [policy] = cs.transfer_minors
    assert (policy.minor, policy.bachelors) == ("UT-MIN-CS", ["VU-B-CREATE"])
    assert policy.provenance.status == "sourced"
    assert policy.provenance.source == "https://www.utwente.nl/en/ist/programme/premaster/"
    minor = cat.programmes["UT-MIN-CS"]
    assert minor.provenance.status == "sourced"
    assert set(minor.courses) == {"UT-201400210", "UT-201600270"}
    assert minor.ects <= create.electives
    # a student: the minor, by policy; its modules run in Q1 and Q3, beyond the minor semester,
    # so the route is late (a minor not to be finished in the minor semester), and says so
    cell = assess(cat, create, cs)
    assert cell.status == "late" and cell.minor == "UT-MIN-CS" and cell.total_ects == 30
    assert cell.reason.id == "route.minor_by_policy_beyond"
    assert cell.reason.kwargs["periods"] == ("Q1", "Q3")
    assert cell.plan is not None and not cell.plan.plan.fits
    assert "Q1 and Q3, beyond the minor semester" in cell.reason.text("en")
    # the explanation does not claim that the minor closes the gap in our data
    said = {m.id for m in cell.explanation}
    assert "explain.minor_by_policy" in said and "explain.minor" not in said
    assert [cat.courses[c].periods for c in sorted(minor.courses)] == [["Q1"], ["Q3"]]
    # a graduate: the pre-master route, as for any bachelor
    taken = frozenset(create.courses)
    graduate = decide(
        cat, cs, taken, gap(cs, attainment(cat, taken)), bachelor=create, studying=False
    )
    assert graduate.status in ("premaster", "over_cap") and graduate.minor is None


# the four encodings that were once set so that CreaTe → CS came out, back to their values
# before that (curricula/README.md)
REVERTED = {
    "UT-920200002": ("math.calculus", 2),  # Introduction to Mathematics and Modelling
    "UT-920600001": ("math.probability", 2),  # Statistical Techniques
    "UT-920200003": ("cs.networks", 1),  # Smart Environment Lectures
}


def test_create_encodings_are_not_tuned_to_a_route(cat: Catalogue) -> None:
    for code, (outcome, level) in REVERTED.items():
        assert cat.courses[code].teaches[outcome] == level, code
    dsea = cat.courses["UT-201600270"]
    assert dsea.areas is None and dsea.area is None
    assert cat.course_areas["UT-201600270"] == {"algorithms": 15}


def test_transfer_minor_policy_applies_to_exactly_the_listed_bachelors(
    cat: Catalogue, cells
) -> None:
    listed = {(b, m.code) for m in cat.masters for p in m.transfer_minors for b in p.bachelors}
    assert listed == {("VU-B-CREATE", "UT-M-CS")}
    by_policy = {(c.bachelor, c.master) for c in cells if c.reason.id in MINOR_BY_POLICY}
    assert by_policy == listed
    for bachelor, master in listed:  # a minor when it fits the minor semester, else late
        cell = cell_of(cells, bachelor, master)
        assert cell.status == ("minor" if cell.plan.plan.fits else "late"), (bachelor, master)


def test_human_movement_sciences(cat: Catalogue) -> None:
    hms, tm = cat.bachelor("VU-B-HMS"), cat.master("UT-M-TM")
    # Electrical Engineering: a programme exists, but the smallest exceeds the 30 EC cap
    ee = assess(cat, hms, cat.master("UT-M-EE"))
    assert ee.status == "over_cap" and ee.optimal and ee.unmet == ()
    assert 30 < ee.total_ects <= 60 and ee.over_cap_by == ee.total_ects - 30
    # Technical Medicine's page (technical-medicine/pre-master/): the "deficiency in technology"
    # variant for a broad medical background, e.g. Kinesiology/Bewegingswetenschappen, is a
    # fixed full-time year of 60 EC (mathematics: calculus, linear algebra, signal analysis;
    # physics of imaging; signals). The answer is that package, not our smallest programme.
    assert tm.premaster.max_ects == 60 and tm.premaster.cap_status == "sourced"
    route = bridge(cat, tm, hms.courses)  # the smallest programme for our encoding
    assert route.status == "premaster" and route.optimal
    assert 30 < route.total_ects < 60
    cell = assess(cat, hms, tm)
    assert cell.status == "premaster" and cell.total_ects == 60
    assert cell.plan is not None and cell.plan.plan.fits  # planned within a year
    assert cell.package is not None and not cell.package.tailoring
    assert cell.package.tailored is not None
    assert cell.package.tailored.total_ects == route.total_ects  # the optimum, as a note
    # our encoding also asks for clinical medicine, which the technology package does not
    # teach: the answer says so
    assert cell.package.leaves == ("health.clinical-medicine@understand",)
    data = cell.to_json()
    assert data["fixed_package"]["tailored"]["total_ects"] == route.total_ects
    assert "fixed pre-master package" in data["reason"]
    assert "health.clinical-medicine@understand" in data["reason"]
    # a graduate's transcript (the bachelor's courses) gets the same package
    from articulation.answers.eligibility import assess_transcript

    answer = assess_transcript(cat, [], bachelor=hms.code, masters=[tm.code])
    result = answer.results[0].to_json()
    assert result["status"] == "premaster" and result["bridging"]["total_ects"] == 60
    assert result["fixed_package"]["name"] == cell.package.name
    assert [c["code"] for c in result["bridging"]["courses"]] == list(cell.codes)


SE_ADMISSION = (
    "https://www.utwente.nl/en/education/master/programmes/spatial-engineering/admission/"
)
SE_PREMASTER = (
    "https://www.utwente.nl/en/education/master/programmes/spatial-engineering/pre-master/"
)


def test_spatial_engineering_from_its_own_pages(cat: Catalogue, cells) -> None:
    """The admission page: bachelors of six fields are admitted directly (none of ours) and the
    rest need bachelor-level knowledge of at least three of six topics; the pre-master page: one
    fixed semester of four courses (5, 12.5 and 7.5 EC named, the fourth not in our copy)."""
    se = cat.master("UT-M-SE")
    assert se.provenance.status == "sourced" and se.provenance.source == SE_ADMISSION
    assert se.direct_admission == []
    [item] = se.requires
    assert isinstance(item, AtLeast) and item.at_least == 3 and len(item.of) == 6
    [package] = se.premaster.fixed
    assert package.provenance.source == SE_PREMASTER and not package.tailoring
    assert package.bachelors == []  # every bachelor the admission board does not admit
    ects = [cat.courses[c].ects for c in package.courses]
    assert ects == [5, 12.5, 7.5, 5] and sum(ects) == 30
    statuses = [cat.courses[c].provenance.status for c in package.courses]
    assert statuses == ["sourced", "sourced", "sourced", "illustrative"]
    assert all(cat.courses[c].provenance.source == SE_PREMASTER for c in package.courses)
    # the package meets the at_least: it teaches three of the six topics
    after = attainment(cat, set(package.courses))
    assert holds(item, after)
    for b in cat.bachelors:
        cell = cell_of(cells, b.code, "UT-M-SE")
        assert cell.status != "direct", b.code
        assert cell.status != "premaster" or cell.package is not None, b.code


def test_direct_admission_lists_name_bachelors(cat: Catalogue) -> None:
    bachelors = {b.code for b in cat.bachelors}
    for m in cat.masters:
        assert set(m.direct_admission) <= bachelors, m.code
    psts = set(cat.master("UT-M-PSTS").direct_admission)
    assert psts >= {"VU-B-CREATE", "VU-B-ME", "VU-B-IEM", "VU-B-CS"}


# --- admission by assessment, and conditions no curriculum shows --------------------------------

HMI = "https://www.utwente.nl/en/hmi/programme/premaster/"
IEM_ADMISSION = (
    "https://www.utwente.nl/en/education/master/programmes/industrial-engineering-management/"
    "admission/"
)
COM_ADMISSION = (
    "https://www.utwente.nl/en/education/master/programmes/communication-science/"
    "admission-and-application/international-students"
)
ME_ADMISSION = "https://www.educatly.com/program/683541/mechanical-engineering"
AP_ADMISSION = (
    "https://www.utwente.nl/en/education/master/programmes/applied-physics/admission/"
    "university-students/"
)


UT_MASTERS = "https://www.utwente.nl/en/education/master/programmes/"
#: Each master whose requirements are sourced, with the page its provenance cites and the VU
#: bachelors that page admits directly (by name): what curricula/README.md, "Each master's
#: sources", says of them.
SOURCED_DIRECT_ADMISSION = {
    "UT-M-AM": (UT_MASTERS + "applied-mathematics/pre-master/", []),
    "UT-M-AP": (AP_ADMISSION, []),
    "UT-M-BME": (
        "https://www.utwente.nl/bme/archive/archive_education/studyguide_2007-2008/chap11/",
        ["VU-B-ME"],
    ),
    "UT-M-BA": ("https://www.utwente.nl/en/ba/pre-master/general-information/", []),
    "UT-M-BIT": (UT_MASTERS + "business-information-technology/pre-master/", []),
    "UT-M-COM": (COM_ADMISSION, []),
    "UT-M-CS": (UT_MASTERS + "computer-science/admission/dutch-degree/", ["VU-B-CS"]),
    "UT-M-EST": (UT_MASTERS + "educational-science-technology/admission/dutch-university/", []),
    "UT-M-EE": ("https://www.utwente.nl/en/mee/Premaster%27s%20Programme/", []),
    "UT-M-EMSYS": (UT_MASTERS + "embedded-systems/pre-master/", []),
}
#: Masters of the same group whose requirements stay illustrative (their searches are listed in
#: the data card).
ILLUSTRATIVE_REQUIREMENTS = {"UT-M-CSE", "UT-M-CE", "UT-M-CME"}


@pytest.mark.parametrize("code", sorted(SOURCED_DIRECT_ADMISSION))
def test_sourced_direct_admission_lists_are_pinned(cat: Catalogue, code: str) -> None:
    """A sourced master's direct-admission list is exactly what its cited page names."""
    source, direct = SOURCED_DIRECT_ADMISSION[code]
    master = cat.master(code)
    assert master.provenance is not None and master.provenance.status == "sourced"
    assert master.provenance.source == source
    assert master.direct_admission == direct


def test_masters_without_a_page_stay_illustrative(cat: Catalogue) -> None:
    for code in ILLUSTRATIVE_REQUIREMENTS:
        master = cat.master(code)
        assert master.provenance is not None and master.provenance.status == "illustrative"
        assert master.direct_admission == [], code
    card = (Path(__file__).resolve().parent.parent / "curricula/README.md").read_text("utf-8")
    section = card.split("## Each master's sources", 1)[1].split("\n## ", 1)[0]
    for code in ILLUSTRATIVE_REQUIREMENTS | set(SOURCED_DIRECT_ADMISSION):
        assert f"({code})" in section, code
    for code in ILLUSTRATIVE_REQUIREMENTS:
        entry = section.split(f"({code})", 1)[1].split("\n### ", 1)[0]
        assert "Searched" in entry, code


def test_biomedical_engineering_rests_on_its_2007_08_guide(cat: Catalogue, cells) -> None:
    """The 2007-08 study guide admits Dutch Mechanical Engineering bachelors (homologation inside
    the master): the joint ME bachelor is direct by that policy, and the answer says as of when."""
    bme = cat.master("UT-M-BME")
    assert bme.provenance.as_of == "2007-08"
    cell = cell_of(cells, "VU-B-ME", "UT-M-BME")
    assert (cell.status, cell.admission) == ("direct", "policy")


def test_psychology_needs_educational_science_first(cells) -> None:
    """EST's admission page: a behavioural-science bachelor takes the educational-science part of
    the pre-master; only educational science or pedagogy bachelors enter directly."""
    cell = cell_of(cells, "VU-B-PSY", "UT-M-EST")
    assert cell.status == "premaster" and cell.total_ects > 0


TM_PREMASTER = (
    "https://www.utwente.nl/en/education/master/programmes/technical-medicine/pre-master/"
)


@pytest.mark.parametrize("bachelor", ["VU-B-CREATE", "VU-B-AI"])
def test_interaction_technology_admits_by_assessment(cat: Catalogue, bachelor: str) -> None:
    """FACTS.md §5, Human Media Interaction (predecessor of Interaction Technology): AI and
    Creative Technology bachelors after the admission committee's individual assessment
    (https://www.utwente.nl/en/hmi/programme/premaster/); our reading for IT."""
    it = cat.master("UT-M-IT")
    assessment = it.assessment_of(bachelor)
    assert assessment is not None and assessment.provenance is not None
    assert (assessment.provenance.source, assessment.provenance.status) == (HMI, "sourced")
    assert "predecessor" in (assessment.provenance.note or "")
    cell = assess(cat, cat.bachelor(bachelor), it)
    assert (cell.status, cell.admission) == ("direct", "assessment")
    assert HMI in cell.reason.text() and HMI in cell.reason.text("nl")
    # a Dutch CS bachelor is admitted unconditionally: no assessment
    assert it.assessment_of("VU-B-CS") is None


def test_admission_conditions_are_sourced(cat: Catalogue) -> None:
    """FACTS.md §5: IEM asks for Mathematics B and English at VWO level whatever the background
    (IEM admission page); Communication Science for Mathematics A or B at VWO level (its
    admission page for international students); Applied Physics for Mathematics B at VWO level
    (its page for students of Dutch universities); Technical Medicine offers its pre-master to
    Dutch-speaking students (its pre-master page). No other master has conditions."""
    found = {
        m.code: [(c.id, c.source, c.provenance.status) for c in m.conditions] for m in cat.masters
    }
    assert {code: ids for code, ids in found.items() if ids} == {
        "UT-M-IEM": [
            ("vwo-math-b", IEM_ADMISSION, "sourced"),
            ("vwo-english", IEM_ADMISSION, "sourced"),
        ],
        "UT-M-COM": [("vwo-math-a-or-b", COM_ADMISSION, "sourced")],
        "UT-M-AP": [("vwo-math-b", AP_ADMISSION, "sourced")],
        "UT-M-TM": [("dutch-language", TM_PREMASTER, "sourced")],
    }


def test_only_joint_me_guarantees_mathematics_b(cat: Catalogue) -> None:
    """FACTS.md §7: joint ME admits VWO Nature and Technology or another profile with
    Mathematics B (educatly copy of the VU/UT page); CreaTe is open to any VWO profile (§4), and
    no source states another bachelor's admission requirements."""
    guarantees = {
        b.code: {(g.condition, g.provenance.source) for g in b.guarantees}
        for b in cat.bachelors
        if b.guarantees
    }
    assert guarantees == {
        "VU-B-ME": {("vwo-math-b", ME_ADMISSION), ("vwo-math-a-or-b", ME_ADMISSION)}
    }
    create_to_iem = assess(cat, cat.bachelor("VU-B-CREATE"), cat.master("UT-M-IEM"))
    assert [c.id for c in create_to_iem.conditions] == ["vwo-math-b", "vwo-english"]
    me_to_iem = assess(cat, cat.bachelor("VU-B-ME"), cat.master("UT-M-IEM"))
    assert [c.id for c in me_to_iem.conditions] == ["vwo-english"]


def test_direct_admissions_by_kind(cells) -> None:
    """19 direct cells: 10 by the requirements, 7 by policy, 2 after an assessment; 46 cells
    carry conditions (12 into IEM, 11 into Communication Science, 11 into Applied Physics, 12 into
    Technical Medicine)."""
    kinds = Counter(c.admission for c in cells if c.status == "direct")
    assert kinds == {"requirements": 10, "policy": 7, "assessment": 2}
    assert all(c.admission is None for c in cells if c.status != "direct")
    assert sum(1 for c in cells if c.conditions) == 46
    assert Counter(c.master for c in cells if c.conditions) == {
        "UT-M-IEM": 12,
        "UT-M-COM": 11,
        "UT-M-AP": 11,
        "UT-M-TM": 12,
    }


# --- the scan ----------------------------------------------------------------------------------


def test_every_premaster_respects_its_cap(cat: Catalogue, cells) -> None:
    """A student's pre-master and a graduate's alike."""
    assert len(cells) == len(cat.bachelors) * len(cat.masters)
    for cell in [*cells, *(c.graduate for c in cells)]:
        master = cat.master(cell.master)
        total = sum(c.ects for c in cell.courses)
        if cell.status == "premaster":
            assert cell.optimal, cell
            pair = (cell.bachelor, cell.master)
            assert total == cell.total_ects <= master.premaster.max_ects, pair
            package = master.premaster.package_for(cell.bachelor)
            if package is not None:  # a fixed package: its courses, whether bridging or not
                assert cell.package is not None and cell.package.name == package.name, pair
                assert set(cell.codes) <= set(package.courses), pair
            else:
                pool = premaster_candidates(cat, master, frozenset()).codes
                assert set(cell.codes) <= set(pool), pair
        if cell.status == "electives":
            assert total <= cat.bachelor(cell.bachelor).electives


def test_scan_distribution_is_plausible(cells) -> None:
    counts = Counter(c.status for c in cells)
    n = len(cells)
    assert counts["direct"] >= 12
    assert counts["premaster"] + counts["electives"] + counts["minor"] >= n // 3
    assert 0 < counts["infeasible"] <= n // 2
    assert counts["direct"] <= n // 4
    assert counts["unknown"] == 0
    assert cell_of(cells, "VU-B-ME", "UT-M-ME").status == "direct"
    assert cell_of(cells, "VU-B-MATH", "UT-M-AM").status == "direct"
    assert cell_of(cells, "VU-B-PHYS", "UT-M-AP").status == "direct"


# --- dates of sources --------------------------------------------------------------------------

# the page's own date or academic year where FACTS records one (FACTS §2a, §2b, §5, §7, §10)
AS_OF = {
    "tcscurriculum2017/": "2017-18",  # TCS curriculum 2017-18
    "vu-ai-hub.vercel.app/guide/academic/program-structure": "2025-26",  # VU AI guide
    "utwente-studyplan-assembler/blob/main/src/data/courseData.ts": "2025-26",  # student tool
    "/ba/master/studyprogramme/": "2018-19",  # BA master programme
    "studyguide_2007-2008/chap11/": "2007-08",  # BME study guide
    "/itech/EducationI-Tech/programme/": "2020-21",  # Interaction Technology programme
    "cursus=202000121&collegejaar=2021&taal=en": "2021-22",  # Osiris, ME module 4
    "cursus=201900014&collegejaar=2022&taal=nl": "2022-23",  # Osiris, TIME
    "_posts/2025-01-31-followed-vu-courses.md": "2025-01-31",  # HMS course list (blog post)
    "philosophy-science-technology-society/programme/factsheet/": "2021-22",  # intakes 2021-23
    "cursus=202000677&collegejaar=2021&taal=en": "2021-22",  # Osiris, Thermodynamics
    "cursus=201000157&collegejaar=2014&taal=en": "2014-15",  # Osiris, Organization Theory
    "/2019-2020/courses/X_405067": "2019-20",  # VU study guide, Operating Systems
    "/2018-2019/business-analytics/X_400614": "2018-19",  # VU study guide, DSA
    "/courses/computer-organization-4": "2024-25",  # VU course page, study guide 2024-25
    "cursus=202000425&collegejaar=2022&taal=en": "2022-23",  # Osiris, Stochastic Models
    "cursus=202000701&collegejaar=2022&taal=en": "2022-23",  # Osiris, Intro Solid State Physics
    "cursus=202001423&collegejaar=2021&taal=en": "2021-22",  # Osiris, PST minor (philosophy)
}


def test_dated_sources_carry_their_date(cat: Catalogue) -> None:
    items = [*cat.courses.values(), *cat.programmes.values()]
    dated = 0
    for item in items:
        prov = item.provenance
        expected = next((d for end, d in AS_OF.items() if prov.source.endswith(end)), None)
        assert prov.as_of == expected, (item.code, prov.source)
        dated += expected is not None
    assert dated >= 100
    assert cat.courses["UT-201400210"].provenance.as_of == "2017-18"
    assert cat.master("UT-M-BME").provenance.as_of == "2007-08"
    # the API's course document carries it
    document = course_document("UT", cat.courses["UT-201400210"])
    assert document["provenance"]["as_of"] == "2017-18"


def test_report_pages_show_the_date_of_a_source(cat: Catalogue) -> None:
    pages = render_html(make_report(cat, ["VU-B-AI"], ["UT-M-CS"], extras=False), top=5)
    sources = [pages[p] for p in pages if p.endswith("sources.html")]
    assert len(sources) == 2
    english, dutch = sorted(sources, key=lambda page: "stand 2017-18" in page)
    assert "as of 2017-18" in english and "as of 2025-26" in english
    assert "stand 2017-18" in dutch and "as of" not in dutch
    pair = next(pages[p] for p in pages if "UT-M-CS" in p and "nl/" not in p and p != "index.html")
    assert "as of 2025-26" in pair  # the VU AI bachelor's guide


# --- each master's sources: Health Sciences to Technical Medicine -------------------------------

UT_MASTERS = "https://www.utwente.nl/en/education/master/programmes/"
#: Per master (Health Sciences to Technical Medicine, the data card's "Each master's sources"):
#: the page its requirements rest on, whether they are sourced, and the bachelors of ours that
#: page admits directly (empty where it names none of them).
SOURCES_H_TO_T = {
    "UT-M-HS": (UT_MASTERS + "health-sciences/admission/dutch-university/", "sourced", set()),
    "UT-M-IDE": (
        "https://www.utwente.nl/en/ide/about_ide/set-up-masters-programme/",
        "illustrative",
        set(),
    ),
    "UT-M-IEM": (IEM_ADMISSION, "sourced", {"VU-B-IEM"}),
    "UT-M-IT": (UT_MASTERS + "interaction-technology/pre-master/", "sourced", set()),
    "UT-M-ME": (UT_MASTERS + "mechanical-engineering/pre-master", "sourced", set()),
    "UT-M-NT": (
        "https://www.utwente.nl/en/education/master/pre-master/continue-after-dutch-wo",
        "illustrative",
        set(),
    ),
    "UT-M-PSTS": (
        UT_MASTERS + "philosophy-science-technology-society/programme/factsheet/",
        "sourced",
        {"VU-B-CREATE", "VU-B-CS", "VU-B-IEM", "VU-B-ME", "VU-B-PSY"},
    ),
    "UT-M-PSY": (UT_MASTERS + "psychology/pre-master/", "sourced", set()),
    "UT-M-ROB": (
        "https://www.educatly.com/program/769628/pre-master-in-robotics",
        "sourced",
        set(),
    ),
    "UT-M-SET": ("https://www.utwente.nl/en/set/premaster/admission_set/", "sourced", {"VU-B-ME"}),
    "UT-M-SC": ("https://www.utwente.nl/en/sc/Admission-Premaster/Academic/", "sourced", set()),
    "UT-M-TM": (TM_PREMASTER, "sourced", set()),
}


def test_direct_admission_sourced_h_to_t(cat: Catalogue) -> None:
    """Every direct-admission list of these masters with the address that states it; each was
    read again on 2026-12-05. Ten of the twelve rest on their own pages; Industrial Design
    Engineering and Nanotechnology stay illustrative (no admission page for university
    bachelors found; the data card lists the searches)."""
    card = (CURRICULA / "README.md").read_text(encoding="utf-8")
    section = card.split("## Each master's sources", 1)[1]
    for code, (source, status, admitted) in SOURCES_H_TO_T.items():
        master = cat.master(code)
        prov = master.provenance
        assert (prov.source, prov.status, prov.retrieved) == (source, status, RECHECKED), code
        assert set(master.direct_admission) == admitted, code
        # the data card names the master, its page and, where it stays illustrative, the searches
        heading = f"({code})"
        assert heading in section, code
        part = section.split(heading, 1)[1].split("\n### ", 1)[0]
        assert source in part, code
        if status == "illustrative":
            assert "Searched" in part, code
    # the pages name no bachelor of ours for these masters beyond the lists above
    assert cat.master("UT-M-PSTS").provenance.as_of == "2021-22"
    assert not cat.master("UT-M-ME").direct_admission  # no page says the UT ME bachelor is direct
    assert cat.master("UT-M-PSY").premaster.max_ects == 45  # 10 to 45 EC on its page
    hs = cat.master("UT-M-HS")
    assert {"outcome": "health.economics", "level": "understand"} in [
        r.model_dump() for r in hs.requires if hasattr(r, "outcome")
    ]
