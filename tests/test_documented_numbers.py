"""The numbers the README and the data card state come from a run: these tests re-run it.

The scan's counts are stated for both populations: students still in the bachelor (``finds:
N direct, …``) and graduates (``graduates (pre-master routes only): N direct, …``)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from articulation.answers.minor import design_minor
from articulation.answers.scan import Cell, graduate_counts, status_counts
from articulation.curriculum.catalogue import Catalogue
from articulation.messages.status import VALUES
from articulation.settings import BUNDLED_CURRICULA, Settings

ROOT = Path(__file__).resolve().parent.parent
LIST = r"((?:\d+ (?:" + "|".join(VALUES) + r")[,.\s]*)+)"
COUNTS = re.compile(r"finds: " + LIST, re.S)
GRADUATE_COUNTS = re.compile(r"graduates\s+\(pre-master\s+routes\s+only\):\s+" + LIST, re.S)
MINOR = re.compile(r"finds a (\d+(?:\.\d+)?) EC minor that opens (\d+) of the (\d+)")


def stated_counts(text: str, sentence: re.Pattern[str] = COUNTS) -> dict[str, int]:
    found = sentence.search(text)
    assert found, f"no '{sentence.pattern[:30]}…' sentence"
    return {status: int(n) for n, status in re.findall(r"(\d+) (\w+)", found.group(1))}


CAPS = re.compile(
    r"Of the (\d+) `over_cap` cells, (\d+) rest on an assumed 30 EC cap and (\d+) on a sourced "
    r"one; of the (\d+) pre-masters, (\d+) and (\d+)"
)


@pytest.fixture(scope="module")
def cells(bundled_cells: tuple[Cell, ...]) -> list[Cell]:
    return list(bundled_cells)


def test_stated_cap_statuses_are_measured(cells) -> None:
    """The data card's count of over-cap and pre-master cells by the status of the cap."""
    text = " ".join((ROOT / "curricula/README.md").read_text(encoding="utf-8").split())
    found = CAPS.search(text)
    assert found, "no 'Of the N `over_cap` cells, …' sentence"
    measured = []
    for status in ("over_cap", "premaster"):
        of = [c for c in cells if c.status == status]
        assumed = sum(1 for c in of if c.cap_status == "assumed")
        measured += [len(of), assumed, len(of) - assumed]
    assert [int(n) for n in found.groups()] == measured


@pytest.mark.parametrize("document", ["README.md", "curricula/README.md"])
def test_stated_scan_counts_are_measured(document: str, cells: list[Cell]) -> None:
    """Both populations: students still in the bachelor, and graduates."""
    text = (ROOT / document).read_text(encoding="utf-8")
    assert stated_counts(text) == status_counts(cells)
    assert stated_counts(text, GRADUATE_COUNTS) == graduate_counts(cells)


ADMISSION = re.compile(
    r"of the (\d+) direct cells, (\d+) are by the requirements, (\d+) by policy, (\d+) by "
    r"assessment; (\d+) cells carry conditions"
)


def test_stated_admission_counts_are_measured(cells: list[Cell]) -> None:
    """The README's kinds of direct admission and the cells with conditions come from a scan."""
    text = " ".join((ROOT / "README.md").read_text(encoding="utf-8").split())
    found = ADMISSION.search(text)
    assert found, "no 'of the N direct cells, … cells carry conditions' sentence"
    direct = [c for c in cells if c.status == "direct"]
    measured = (
        len(direct),
        *(
            sum(1 for c in direct if c.admission == k)
            for k in ("requirements", "policy", "assessment")
        ),
        sum(1 for c in cells if c.conditions),
    )
    assert tuple(int(n) for n in found.groups()) == measured


@pytest.mark.parametrize("document", ["README.md", "curricula/README.md"])
def test_stated_flagship_minor_is_measured(document: str, bundled_catalogue: Catalogue) -> None:
    catalogue = bundled_catalogue
    lines = (BUNDLED_CURRICULA / "flagship-masters.txt").read_text(encoding="utf-8").splitlines()
    masters = [line.split("#")[0].strip() for line in lines if line.split("#")[0].strip()]
    design = design_minor(catalogue, "VU-B-CREATE", masters, budget=30)
    text = " ".join((ROOT / document).read_text(encoding="utf-8").split())
    found = MINOR.search(text)
    assert found, "no 'finds a N EC minor that opens K of the M' sentence"
    assert float(found.group(1)) == design.total_ects
    assert (int(found.group(2)), int(found.group(3))) == (len(design.opened), len(masters))


def test_every_setting_is_documented() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name in Settings.model_fields:
        assert f"`ARTICULATION_{name.upper()}`" in readme, name
