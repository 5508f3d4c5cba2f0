"""Every class of bad curricula input: exit code 2, a message naming the file and the value."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from articulation.cli import app
from articulation.curriculum.loader import CurriculaError, load_curricula

MINI = Path(__file__).parent / "fixtures" / "mini"
runner = CliRunner()


@pytest.fixture
def curricula(tmp_path: Path) -> Path:
    target = tmp_path / "curricula"
    shutil.copytree(MINI, target)
    return target


def run(*args: str):
    return runner.invoke(app, list(args))


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1))


def problems_of(curricula: Path) -> list[str]:
    with pytest.raises(CurriculaError) as info:
        load_curricula(curricula)
    return [str(p) for p in info.value.problems]


def test_fixture_is_valid() -> None:
    result = run("validate", "--curricula", str(MINI))
    assert result.exit_code == 0, result.output
    assert "valid" in result.stdout


def assert_rejected(curricula: Path, file: str, *needles: str) -> str:
    result = run("validate", "--curricula", str(curricula))
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    lines = [line for line in result.stderr.splitlines() if file in line]
    assert lines, result.stderr
    text = "\n".join(lines)
    for needle in needles:
        assert needle in text, text
    return text


def test_yaml_syntax_error_names_file_and_line(curricula: Path) -> None:
    edit(curricula / "ut/courses.yaml", "    ects: 3\n", "    ects: [3\n")
    text = assert_rejected(curricula, "ut/courses.yaml", "YAML syntax error")
    assert ":" in text.split("ut/courses.yaml", 1)[1][:6]  # a line number follows the name


def test_unknown_key_is_named_with_suggestion(curricula: Path) -> None:
    edit(curricula / "ut/courses.yaml", "    bridging: true\n", "    bridgeing: true\n")
    assert_rejected(curricula, "ut/courses.yaml", "bridgeing", "did you mean 'bridging'")


def test_wrong_type(curricula: Path) -> None:
    edit(curricula / "ut/masters/cs.yaml", "ects: 120", "ects: lots")
    assert_rejected(curricula, "ut/masters/cs.yaml", "ects", "'lots'")


def test_unknown_course_reference_suggests_nearest(curricula: Path) -> None:
    edit(curricula / "vu/bachelors/ai.yaml", "VU-PROG,", "VU-PRGO,")
    assert_rejected(
        curricula, "vu/bachelors/ai.yaml", "unknown course 'VU-PRGO'", "did you mean 'VU-PROG'"
    )


def test_unknown_outcome_reference_suggests_nearest(curricula: Path) -> None:
    edit(curricula / "ut/masters/cs.yaml", "{outcome: cs.algorithms,", "{outcome: cs.algoritms,")
    assert_rejected(
        curricula,
        "ut/masters/cs.yaml",
        "unknown outcome 'cs.algoritms'",
        "did you mean 'cs.algorithms'",
    )


def test_unknown_outcome_in_prerequisite(curricula: Path) -> None:
    edit(curricula / "ut/courses.yaml", '"math.discrete@apply"', '"math.discrete-x@apply"')
    assert_rejected(curricula, "ut/courses.yaml", "math.discrete-x", "prerequisites[0][1]")


def test_unknown_institution(curricula: Path) -> None:
    edit(curricula / "ut/masters/cs.yaml", "catalogue: [UT]", "catalogue: [UTT]")
    assert_rejected(
        curricula, "ut/masters/cs.yaml", "unknown institution 'UTT'", "did you mean 'UT'"
    )


def test_duplicate_course_code(curricula: Path) -> None:
    edit(curricula / "ut/courses.yaml", "code: UT-LA\n", "code: UT-CALC-A\n")
    assert_rejected(curricula, "ut/courses.yaml", "duplicate course code 'UT-CALC-A'")


def test_duplicate_programme_code(curricula: Path) -> None:
    edit(curricula / "ut/masters/ap.yaml", "code: UT-M-AP", "code: UT-M-CS")
    result = run("validate", "--curricula", str(curricula))
    assert result.exit_code == 2
    assert "duplicate programme code 'UT-M-CS'" in result.stderr


def test_bad_level(curricula: Path) -> None:
    edit(
        curricula / "ut/courses.yaml",
        "teaches: {math.discrete: apply}",
        "teaches: {math.discrete: bloom_7}",
    )
    assert_rejected(curricula, "ut/courses.yaml", "unknown level 'bloom_7'", "math.discrete")


@pytest.mark.parametrize("value", ["0", "61", "4.3", "-5"])
def test_ects_out_of_range(curricula: Path, value: str) -> None:
    edit(curricula / "ut/courses.yaml", "    ects: 3\n", f"    ects: {value}\n")
    assert_rejected(curricula, "ut/courses.yaml", "ects", value)


def test_prerequisite_cycle_is_printed(curricula: Path) -> None:
    edit(
        curricula / "ut/courses.yaml",
        "    teaches: {math.discrete: apply}\n",
        "    teaches: {math.discrete: apply}\n    prerequisites: [[UT-ADC]]\n",
    )
    assert_rejected(curricula, "ut/courses.yaml", "prerequisite cycle", "UT-ADC -> UT-DM -> UT-ADC")


def test_all_problems_reported_in_one_run(curricula: Path) -> None:
    edit(curricula / "vu/bachelors/ai.yaml", "VU-PROG,", "VU-PRGO,")
    edit(curricula / "ut/masters/cs.yaml", "catalogue: [UT]", "catalogue: [UTT]")
    edit(curricula / "ut/courses.yaml", "    bridging: true\n", "    bridgeing: true\n")
    problems = problems_of(curricula)
    assert len(problems) >= 3
    assert {p.split(":")[0].rsplit("/", 2)[-2] for p in problems} >= {"bachelors", "masters", "ut"}


def test_missing_directory_and_empty_file(tmp_path: Path) -> None:
    result = run("validate", "--curricula", str(tmp_path / "nope"))
    assert result.exit_code == 2 and "not found" in result.stderr
    (tmp_path / "empty.yaml").write_text("")
    result = run("validate", "--curricula", str(tmp_path))
    assert result.exit_code == 2 and "empty.yaml" in result.stderr


def test_unknown_programme_code_on_bridge_is_bad_input() -> None:
    result = run("bridge", "VU-B-A1", "UT-M-CS", "--curricula", str(MINI))
    assert result.exit_code == 2
    assert "unknown bachelor 'VU-B-A1'" in result.stderr and "VU-B-AI" in result.stderr


def test_validate_json_lists_problems(curricula: Path) -> None:
    edit(curricula / "ut/masters/cs.yaml", "catalogue: [UT]", "catalogue: [UTT]")
    result = run("validate", "--json", "--curricula", str(curricula))
    assert result.exit_code == 2
    assert '"valid": false' in result.stdout and "UTT" in result.stdout


def test_unknown_period_and_malformed_span(curricula: Path) -> None:
    edit(
        curricula / "ut/courses.yaml",
        "    teaches: {math.calculus: apply}\n",
        '    teaches: {math.calculus: apply}\n    periods: [Q5, "Q3-Q1", Q1-Q2, "Q1-", Q1-Q2-Q3]\n',
    )
    text = assert_rejected(curricula, "ut/courses.yaml:7", "courses[0].periods")
    assert "periods[0]: unknown period 'Q5' (did you mean 'Q4'?)" in text
    assert "periods[1]: malformed period span 'Q3-Q1'" in text
    assert "periods[2]" not in text
    assert "periods[3]: malformed period span 'Q1-'" in text
    assert "periods[4]: malformed period span 'Q1-Q2-Q3'" in text


def test_calendar_in_a_catalogue(curricula: Path) -> None:
    path = curricula / "ut/courses.yaml"
    edit(
        path,
        "institution: UT\n",
        "institution: UT\ncalendar:\n  periods:\n"
        "    - {name: S1, start_week: 0, weeks: 20}\n"
        "    - {name: S2, start_week: 22, weeks: 20}\n",
    )
    edit(
        path,
        "    teaches: {math.calculus: apply}\n",
        "    teaches: {math.calculus: apply}\n    periods: [S2, Q1]\n",
    )
    text = assert_rejected(curricula, "ut/courses.yaml", "unknown period 'Q1'", "S1, S2")
    assert "periods[1]" in text
    edit(path, "periods: [S2, Q1]", "periods: [S1-S2]")
    catalogue = load_curricula(curricula)
    assert catalogue.calendar("UT").names == ["S1", "S2"]
    assert catalogue.calendar("VU").names == ["P1", "P2", "P3", "P4", "P5", "P6"]


def test_bad_calendar_is_reported_and_courses_still_checked(curricula: Path) -> None:
    edit(
        curricula / "ut/courses.yaml",
        "institution: UT\n",
        "institution: UT\ncalendar:\n  periods:\n"
        "    - {name: S1, start_week: 0, weeks: 20}\n"
        "    - {name: S2, start_week: 10, wekes: 20}\n",
    )
    edit(curricula / "ut/courses.yaml", "  - code: UT-LA\n", "  - code: UT-LA\n    periods: [Q9]\n")
    text = assert_rejected(curricula, "ut/courses.yaml", "calendar.periods[1].wekes")
    assert "unknown key 'wekes' (did you mean 'weeks'?)" in text
    assert "unknown period 'Q9'" in text
    edit(curricula / "ut/courses.yaml", "wekes", "weeks")
    edit(curricula / "ut/courses.yaml", "[Q9]", "[Q1]")
    text = assert_rejected(curricula, "ut/courses.yaml", "calendar")
    assert "period S2 starts in week 10, before S1 ends (week 20)" in text


def test_new_format_fields_are_cross_checked(curricula: Path) -> None:
    """A bachelor's minor semester, a pre-master's course list and a course's credit split name
    real periods, courses and areas."""
    bachelor = curricula / "vu" / "bachelors" / "ai.yaml"
    bachelor.write_text(
        bachelor.read_text(encoding="utf-8")
        + "minor_window: {institution: UT, periods: [Q1, Q9]}\n",
        encoding="utf-8",
    )
    assert_rejected(curricula, "ai.yaml", "minor_window.periods[1]", "'Q9'", "did you mean 'Q4'")
    master = curricula / "ut" / "masters" / "cs.yaml"
    edit(
        master,
        "premaster: {max_ects: 30, catalogue: [UT]}",
        "premaster: {max_ects: 30, catalogue: [UT], courses: [UT-CALC-B]}",
    )
    assert_rejected(curricula, "cs.yaml", "premaster.courses[0]", "'UT-CALC-B'")
    courses = curricula / "ut" / "courses.yaml"
    edit(
        courses,
        "    teaches: {math.discrete: apply}\n",
        "    teaches: {math.discrete: apply}\n    areas: {mathematics: 2, mathematic: 1}\n",
    )
    text = assert_rejected(curricula, "courses.yaml", "areas")
    assert "add up to 3" in text and "4 EC" in text  # the split must add up to the course's EC


def test_bad_part_of_is_named(curricula: Path) -> None:
    """A module component's ``part_of`` names a sensible module: not a lone component (a typo),
    not a programme, not the course itself, not another component; with a module course, the
    components add up to its EC."""
    courses = curricula / "ut" / "courses.yaml"
    text = courses.read_text(encoding="utf-8")
    courses.write_text(
        text.replace(
            "    title: Linear Algebra\n", "    part_of: UT-MOD\n    title: Linear Algebra\n"
        )
        .replace(
            "    title: Discrete Mathematics\n",
            "    part_of: UT-MOD\n    title: Discrete Mathematics\n",
        )
        .replace("    title: Programming\n", "    part_of: UT-M0D\n    title: Programming\n"),
        encoding="utf-8",
    )
    found = assert_rejected(
        curricula, "courses.yaml", "part_of", "'UT-M0D'", "did you mean 'UT-MOD'"
    )
    assert "'UT-MOD'" not in found.replace("did you mean 'UT-MOD'", "")  # the real module is fine
    edit(courses, "part_of: UT-M0D", "part_of: UT-MIN-CS")
    assert_rejected(curricula, "courses.yaml", "part_of", "'UT-MIN-CS' is a programme")
    edit(courses, "part_of: UT-MIN-CS", "part_of: UT-LA")
    assert_rejected(curricula, "courses.yaml", "part_of", "'UT-LA' is itself part of 'UT-MOD'")
    edit(courses, "part_of: UT-LA", "part_of: VU-MOD")
    assert_rejected(curricula, "courses.yaml", "part_of", "'VU-MOD' must start with 'UT-'")
    edit(courses, "part_of: VU-MOD", "part_of: UT-MATHPACK")
    found = assert_rejected(curricula, "courses.yaml", "part_of", "'UT-MATHPACK'")
    assert "add up to 5 EC, not to the module's 7.5 EC" in found
    edit(courses, "part_of: UT-MATHPACK", "part_of: UT-PROG")
    assert_rejected(curricula, "courses.yaml", "part_of", "'UT-PROG' is named as part of itself")


def test_a_minor_lists_whole_units(curricula: Path) -> None:
    """A minor that lists a module's component lists all its siblings too."""
    edit(
        curricula / "ut" / "courses.yaml",
        "    title: Linear Algebra\n",
        "    part_of: UT-MOD\n    title: Linear Algebra\n",
    )
    edit(
        curricula / "ut" / "courses.yaml",
        "    title: Mathematics Package\n",
        "    part_of: UT-MOD\n    title: Mathematics Package\n",
    )
    assert_rejected(
        curricula,
        "cs-transfer.yaml",
        "courses[1]",
        "'UT-LA' is part of module 'UT-MOD'",
        "'UT-MATHPACK'",
    )
    edit(curricula / "ut" / "minors" / "cs-transfer.yaml", "UT-ADC]", "UT-ADC, UT-MATHPACK]")
    assert load_curricula(curricula).modules == {"UT-MOD": ("UT-LA", "UT-MATHPACK")}
