"""The aansluitscan report on the fixture: formats agree, pages explain, output is deterministic."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest
from typer.testing import CliRunner

from articulation.answers.minor import design_minor
from articulation.cli import app
from articulation.cli.files import write_files
from articulation.curriculum.loader import load_curricula
from articulation.messages.message import Message
from articulation.messages.status import STATUSES, VALUES
from articulation.outputs import heatmap, report
from articulation.outputs.render import FILES, FormatError, parse_formats, render

MINI = Path(__file__).parent / "fixtures" / "mini"
runner = CliRunner()
VOID = {"br", "meta", "link", "img", "input", "hr", "col", "source", "wbr", "area", "base"}


class Node:
    """A parsed HTML element: tag, attributes, children."""

    def __init__(self, tag: str, attrs: dict[str, str | None]):
        self.tag, self.attrs, self.children = tag, attrs, []

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def find_all(self, tag: str | None = None, **attrs: str) -> list[Node]:
        found = []
        for child in self.children:
            if isinstance(child, Node):
                if (tag is None or child.tag == tag) and all(
                    child.attrs.get(k.replace("_", "-")) == v for k, v in attrs.items()
                ):
                    found.append(child)
                found.extend(child.find_all(tag, **attrs))
        return found

    def find(self, tag: str | None = None, **attrs: str) -> Node:
        found = self.find_all(tag, **attrs)
        assert found, f"no <{tag}> with {attrs}"
        return found[0]


class TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.root = Node("#root", {})
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, dict(attrs))
        self.stack[-1].children.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_endtag(self, tag: str) -> None:
        assert self.stack[-1].tag == tag, f"</{tag}> closes <{self.stack[-1].tag}>"
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def parse(path: Path) -> Node:
    builder = TreeBuilder()
    builder.feed(path.read_text(encoding="utf-8"))
    builder.close()
    assert builder.stack == [builder.root], "unclosed elements"
    return builder.root


@pytest.fixture(scope="module")
def catalogue():
    return load_curricula(MINI)


@pytest.fixture(scope="module")
def built(catalogue) -> report.Report:
    return report.make_report(catalogue)


@pytest.fixture(scope="module")
def out(built, tmp_path_factory) -> Path:
    directory = tmp_path_factory.mktemp("report")
    write_files(render(built), directory)
    return directory


def scan_cli(*args: str):
    return runner.invoke(app, ["scan", "--curricula", str(MINI), *args])


def test_every_format_agrees_on_status_and_ects(built, out) -> None:
    """For both populations: a student still in the bachelor and a graduate."""
    expected = {(c.bachelor, c.master): (c.status, c.total_ects) for c in built.cells}
    graduates = {
        (c.bachelor, c.master): (c.graduate.status, c.graduate.total_ects) for c in built.cells
    }
    assert len(expected) == 8
    assert graduates != expected  # the mini catalogue has electives and minor routes
    assert {s for s, _ in expected.values()} == {
        "direct",
        "electives",
        "minor",
        "premaster",
        "infeasible",
    }

    data = json.loads((out / "aansluitscan.json").read_text(encoding="utf-8"))
    assert {
        (c["bachelor"], c["master"]): (c["status"], c["total_ects"]) for c in data["cells"]
    } == (expected)
    assert {
        (c["bachelor"], c["master"]): (c["graduate"]["status"], c["graduate"]["total_ects"])
        for c in data["cells"]
    } == graduates

    rows = list(csv.DictReader(io.StringIO((out / "aansluitscan.csv").read_text("utf-8"))))
    assert len(rows) == 8
    assert {
        (r["bachelor"], r["master"]): (r["status"], float(r["total_ects"])) for r in rows
    } == expected
    assert {
        (r["bachelor"], r["master"]): (r["graduate_status"], float(r["graduate_total_ects"]))
        for r in rows
    } == graduates

    md = (out / "aansluitscan.md").read_text(encoding="utf-8")
    for s in STATUSES:  # every status used in the memo is said in words in its legend
        assert f"- `{s.value}`: {Message(s.name_id).text()}: " in md, s.value
    table = [line for line in md.splitlines() if line.startswith("| VU-B-")]
    header = next(line for line in md.splitlines() if line.startswith("| bachelor |"))
    heads = [h.strip() for h in header.strip("|").split("|")][1:]
    masters = [h.removesuffix("°") for h in heads]
    for head, m in zip(heads, masters, strict=True):  # ° marks a master whose cap is assumed
        assumed = built.catalogue.master(m).premaster.cap_status == "assumed"
        assert head.endswith("°") == assumed, head
    from_matrix, graduate_matrix, grades = {}, {}, {}
    for line in table:
        b, *entries = [e.strip() for e in line.strip("|").split("|")]
        for m, entry in zip(masters, entries, strict=True):
            label = r"(\w+)(?: ([\d.]+) EC)?"
            match = re.fullmatch(rf"{label}(?: / {label})? ([RrBbPp–]{{3}})", entry)
            assert match, entry
            from_matrix[(b, m)] = (match[1], float(match[2] or 0))
            graduate_matrix[(b, m)] = (match[3], float(match[4] or 0)) if match[3] else None
            grades[(b, m)] = match[5]
    assert from_matrix == expected
    assert graduate_matrix == {  # the graduate's only where it differs
        pair: (graduates[pair] if graduates[pair] != expected[pair] else None) for pair in expected
    }
    assert grades == {(c["bachelor"], c["master"]): c["provenance"]["grade"] for c in data["cells"]}
    assert [r["grade"] for r in rows] == [c["provenance"]["grade"] for c in data["cells"]]
    from_lists = {}
    bachelor = None
    for line in md.splitlines():
        heading = re.match(r"## .* \((VU-B-[A-Z]+)\)", line)
        if heading:
            bachelor = heading[1]
        item = re.match(r"- (UT-M-\w+) .*?: \*\*(\w+)(?: ([\d.]+) EC)?\*\*", line)
        if item and bachelor:
            from_lists[(bachelor, item[1])] = (item[2], float(item[3] or 0))
    assert from_lists == expected

    index = parse(out / "index.html")
    cells = [td for td in index.find_all("td") if "data-status" in td.attrs]
    assert len(cells) == 8
    from_html = {}
    for td in cells:
        key = (td.attrs["data-bachelor"], td.attrs["data-master"])
        ects = float(td.attrs["data-ects"])
        from_html[key] = (td.attrs["data-status"], ects)
        graduate = (td.attrs["data-graduate-status"], float(td.attrs["data-graduate-ects"]))
        assert graduate == graduates[key]
        shown = re.search(r"(\d+(?:\.\d+)?)", td.text())
        assert float(shown[1] if shown else 0) == ects  # the visible number is the EC
        assert (" / " in td.text()) == (graduate != from_html[key])  # both where they differ
        assert td.find("a").attrs["href"] == heatmap.pair_path(*key)
    assert from_html == expected
    for (b, m), (status, ects) in expected.items():
        verdict = parse(out / heatmap.pair_path(b, m)).find("p", id="verdict")
        assert (verdict.attrs["data-status"], float(verdict.attrs["data-ects"])) == (status, ects)

    counts = {s: sum(1 for st, _ in expected.values() if st == s) for s in VALUES}
    graduate_counts = {s: sum(1 for st, _ in graduates.values() if st == s) for s in VALUES}
    assert data["summary"]["counts"] == counts
    assert data["summary"]["graduate_counts"] == graduate_counts
    assert graduate_counts["electives"] == graduate_counts["minor"] == 0
    for tr in index.find("table", id="counts").find("tbody").find_all("tr"):
        tds = tr.find_all("td")
        assert int(tds[1].text()) == counts[tr.attrs["data-status"]]
        assert int(tds[2].text()) == graduate_counts[tr.attrs["data-status"]]
    for status, n in counts.items():
        assert f"| {status} | {n} | {graduate_counts[status]} |" in md


def test_json_is_the_scan_contract_plus_summary_and_designs(catalogue, out) -> None:
    data = json.loads((out / "aansluitscan.json").read_text(encoding="utf-8"))
    assert list(data) == ["cells", "summary", "minor_designs", "alternatives", "flagship"]
    assert data["flagship"] == {}  # no flagship question asked of this report
    printed = scan_cli("--json", "--no-report")
    assert printed.exit_code == 0, printed.output
    assert data["cells"] == json.loads(printed.stdout)["cells"]
    assert set(data["minor_designs"]) == {"VU-B-AI", "VU-B-CREATE"}
    for code, design in data["minor_designs"].items():
        assert design == design_minor(catalogue, code, budget=30).to_json()
    assert data["minor_designs"]["VU-B-CREATE"]["opened"] == ["UT-M-CS", "UT-M-ITECH", "UT-M-PSTS"]
    # alternatives only for the electives and pre-master routes; AI -> CS has one more
    pairs = [(a["bachelor"], a["master"]) for a in data["alternatives"]]
    assert pairs == [("VU-B-AI", "UT-M-CS"), ("VU-B-CREATE", "UT-M-ITECH")]
    ai_cs = data["alternatives"][0]["alternatives"]
    assert [a["total_ects"] for a in ai_cs] == [16.5]
    assert [c["code"] for c in ai_cs[0]["courses"]] == ["UT-DM", "UT-ADC", "UT-MATHPACK"]


def test_most_needed_courses_count_the_routes_that_use_them(built) -> None:
    needed = [(row["code"], row["cells"]) for row in built.summary["most_needed"]]
    assert needed == [
        ("UT-ADC", 2),  # AI -> CS pre-master and Creative Technology's CS minor
        ("UT-CALC-A", 2),
        ("UT-DM", 2),
        ("UT-LA", 1),
        ("UT-PROG", 1),
        ("VU-PROG", 1),  # the electives route into ITECH
    ]
    adc = built.summary["most_needed"][0]
    assert adc["by_status"] == {"minor": 1, "premaster": 1} and adc["masters"] == ["UT-M-CS"]


def test_pair_page_explains_gap_route_alternatives_and_provenance(out) -> None:
    page = parse(out / heatmap.pair_path("VU-B-AI", "UT-M-CS"))
    gap_rows = {
        tr.find("code").text(): [td.text() for td in tr.find_all("td")]
        for tr in page.find("table", id="gap").find("tbody").find_all("tr")
    }
    assert gap_rows["cs.algorithms@apply"][2:] == ["nothing", "no"]
    assert gap_rows[">= 12 EC mathematics"][2:] == ["6 EC", "no"]
    route = {
        tr.attrs["data-course"]: tr.find_all("td")
        for tr in page.find("div", id="route").find_all("tr")
        if "data-course" in tr.attrs
    }
    assert list(route) == ["UT-CALC-A", "UT-DM", "UT-ADC"]
    assert ">= 12 EC mathematics" in route["UT-DM"][3].text()
    assert route["UT-DM"][4].text() == "UT-ADC"  # a prerequisite of Algorithms
    calc, dm = route["UT-CALC-A"][5], route["UT-DM"][5]
    assert "illustrative" not in calc.text() and "retrieved 2026-11-27" in calc.text()
    assert calc.find("a").attrs["href"] == "https://example.org/calculus"
    assert dm.find("span", **{"class": "badge illus"}).text() == "illustrative"
    why = [li.text() for li in page.find("ul", id="why-not").find_all("li")]
    assert why == [
        "direct: 3 requirement(s) unmet",
        "electives: the bachelor has no elective space",
        "minor: UT-MIN-CS (30 EC) does not fit",
    ]
    alternatives = page.find("ol", id="alternatives").find_all("li")
    assert "16.5 EC" in alternatives[0].text() and "UT-MATHPACK" in alternatives[0].text()
    notice = page.find("p", **{"class": "notice"}).text()
    assert "UT-ADC, UT-DM, UT-M-CS, VU-B-AI" in notice

    infeasible = parse(out / heatmap.pair_path("VU-B-AI", "UT-M-AP"))
    assert [li.text() for li in infeasible.find("ul", id="unmet").find_all("li")] == [
        "physics.quantum@apply"
    ]
    policy = parse(out / heatmap.pair_path("VU-B-AI", "UT-M-PSTS")).text()
    assert "admits the bachelor by policy" in policy


def test_bachelor_page_shows_the_minor_design(out) -> None:
    page = parse(out / heatmap.bachelor_path("VU-B-CREATE"))
    design = page.find("p", id="design")
    assert design.attrs["data-opened"] == "3" and design.attrs["data-ects"] == "22"
    assert "3 of 4" in design.text() and "proven optimal" in design.text()
    needed_by = {
        tr.attrs["data-course"]: tr.find_all("td")[3].text()
        for tr in page.find_all("tr")
        if "data-course" in tr.attrs
    }
    assert needed_by["UT-PROG"] == "UT-M-CS, UT-M-ITECH"
    closed = page.find("table", id="still-closed").find("tbody").find_all("tr")
    assert [[td.text().split()[-1] for td in tr.find_all("td")] for tr in closed] == [
        ["UT-M-AP", "physics.quantum@apply"]
    ]
    opened = page.find("ul", id="opened").text()
    assert "UT-M-PSTS (already open)" in opened
    links = [a.attrs["href"] for a in page.find("table", id="routes").find_all("a")]
    assert links == [
        f"../pairs/VU-B-CREATE/{m}.html" for m in ["UT-M-AP", "UT-M-CS", "UT-M-ITECH", "UT-M-PSTS"]
    ]


def test_html_is_self_contained_and_every_link_resolves(built, out) -> None:
    pages = sorted(out.rglob("*.html"))
    assert len(pages) == 2 * (1 + 1 + 2 + 8)  # index, sources, bachelors, pairs; English, Dutch
    sources = set()
    for code in [*built.catalogue.programmes, *built.catalogue.courses]:
        prov = report.provenance(built.catalogue, code)
        if prov["link"]:
            sources.add(prov["source"])
    for path in pages:
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"<(link|img|iframe)\b|<script [^>]*src=|@import|url\(", text)
        for node in parse(path).find_all("a"):
            href = node.attrs["href"]
            if urlparse(href).scheme:
                assert href in sources, f"{path.name}: unexpected external link {href}"
                continue
            target = (path.parent / unquote(href)).resolve()
            assert target.is_file(), f"{path.relative_to(out)} links to missing {href}"


def test_index_marks_illustrative_items_and_prints_on_a4_landscape(out) -> None:
    text = (out / "index.html").read_text(encoding="utf-8")
    assert "@page { size: A4 landscape;" in text and "@media print" in text
    index = parse(out / "index.html")
    ai_row = index.find("tr", data_bachelor="VU-B-AI")
    assert "illustrative" in ai_row.find("th").text()  # the fixture's bachelors have no source
    cs_cell = index.find("td", data_bachelor="VU-B-AI", data_master="UT-M-CS")
    grade = cs_cell.attrs["data-grade"]
    assert re.fullmatch(r"[Rr][Bb–][Pp–]", grade) and cs_cell.text().endswith(grade)
    assert "†" not in index.text()
    legend = index.find("div", id="legend").text()
    assert "RBP" in legend and "capital = sourced, small letter = illustrative" in legend


def test_report_is_byte_identical_across_runs_and_workers(tmp_path) -> None:
    first, second = tmp_path / "one", tmp_path / "two"
    assert scan_cli("--out", str(first), "--workers", "1").exit_code == 0
    assert scan_cli("--out", str(second), "--workers", "2").exit_code == 0
    files = sorted(p.relative_to(first) for p in first.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(second) for p in second.rglob("*") if p.is_file())
    assert len(files) == 2 * 13 + 3  # the pages (flagship too) in English and Dutch, CSV, JSON, MD
    for name in files:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name


def test_scan_writes_the_report_into_report_by_default(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = scan_cli()
    assert result.exit_code == 0, result.output
    assert "8 pairs: 2 direct" in result.stdout  # the matrix and counts still on stdout
    for name in ["index.html", "sources.html", *FILES.values()]:
        assert (tmp_path / "report" / name).is_file(), name


def test_format_and_no_report_choose_what_is_written(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = scan_cli("--no-report", "--json")
    assert result.exit_code == 0 and not (tmp_path / "report").exists()
    assert list(json.loads(result.stdout)) == ["cells"]
    result = scan_cli("--format", "md, CSV", "--out", "only")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "only").iterdir()) == [
        "aansluitscan.csv",
        "aansluitscan.md",
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--format", "html,pdf"], "unknown report format 'pdf'; choose from html, csv, json, md"),
        (["--format", ","], "no report format given"),
        (["--out", "a-file"], "a-file: exists and is not a directory"),
        (["--out", "a-file/report"], "a-file/report: cannot write the report there"),
    ],
)
def test_bad_report_options_exit_2_before_scanning(tmp_path, monkeypatch, args, message) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a-file").write_text("not a directory")
    result = scan_cli(*args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert result.stdout == ""  # nothing was scanned or printed
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-file"]


def test_parse_formats_is_canonical() -> None:
    assert parse_formats("json,html,json") == ("html", "json")
    assert parse_formats(" MD ") == ("md",)
    with pytest.raises(FormatError, match="'xlsx'"):
        parse_formats("csv,xlsx")


def test_markdown_matrix_rows_have_one_entry_per_master(out) -> None:
    md = (out / "aansluitscan.md").read_text(encoding="utf-8")
    rows = [line for line in md.splitlines() if line.startswith("| VU-B-")]
    assert len(rows) == 2
    for row in rows:
        assert len(re.findall(r"(?<!\\)\|", row)) == 4 + 2


def test_rewriting_removes_pages_of_an_earlier_report_only(built, tmp_path) -> None:
    for folder in (tmp_path, tmp_path / "nl"):
        (folder / "pairs" / "VU-B-OLD").mkdir(parents=True)
        (folder / "pairs" / "VU-B-OLD" / "UT-M-CS.html").write_text("old")
        (folder / "bachelors").mkdir()
        (folder / "bachelors" / "VU-B-OLD.html").write_text("old")
        (folder / "notes.txt").write_text("mine")
    write_files(render(built, ["html"]), tmp_path)
    for folder in (tmp_path, tmp_path / "nl"):
        assert not (folder / "pairs" / "VU-B-OLD").exists()
        assert not (folder / "bachelors" / "VU-B-OLD.html").exists()
        assert (folder / "notes.txt").read_text() == "mine"
        assert len(list((folder / "pairs").rglob("*.html"))) == 8
        assert len(list((folder / "bachelors").rglob("*.html"))) == 2


HOSTILE = "<img src=x onerror=alert(1)>"


def test_markdown_shows_titles_and_names_as_text_never_as_html(tmp_path) -> None:
    """A title or name holding HTML, a link or table markup reaches report.md escaped: as text
    when rendered, with the table's columns intact."""
    curricula = tmp_path / "curricula"
    shutil.copytree(MINI, curricula)
    for path, old, new in (
        (
            "ut/courses.yaml",
            "title: Algorithms, Data Structures and Complexity",
            f"title: '{HOSTILE}'",
        ),
        ("ut/masters/cs.yaml", "name: Computer Science", "name: '[CS](javascript:alert(1)) | x'"),
        ("vu/bachelors/ai.yaml", "name: Artificial Intelligence", f"name: '{HOSTILE}'"),
    ):
        file = curricula / path
        text = file.read_text(encoding="utf-8")
        assert old in text, (path, old)
        file.write_text(text.replace(old, new), encoding="utf-8")
    catalogue = load_curricula(curricula)
    md = render(report.make_report(catalogue), ["md"])[FILES["md"]].decode()
    assert "<" not in md, [line for line in md.splitlines() if "<" in line]
    assert "&lt;img src=x onerror=alert(1)>" in md
    assert "## &lt;img src=x onerror=alert(1)> (VU-B-AI)" in md
    assert "\\[CS\\](javascript:alert(1)) \\| x" in md
    assert "](javascript:" not in md.replace("\\](javascript:", "")
    assert re.search(r"UT-ADC( \(illustrative\))? \| &lt;img", md), "most-needed title"
