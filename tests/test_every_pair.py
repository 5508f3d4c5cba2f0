"""Every bundled pair through every surface that shows it, in English and Dutch: the API
(``GET /v1/paths/{b}/{m}``), the directors' pair view, the CLI (``bridge --json --lang``) and
the report's pair page give the same status and EC, answer 200 / exit 0, and say every reason
from the catalogue of messages: no message id left untranslated, no English message text on a
Dutch surface."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from html import unescape
from pathlib import Path
from string import Formatter

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from api.web.i18n import LOCALE as WEB_LOCALE
from articulation.cli import app as cli
from articulation.messages import catalogue as messages
from articulation.messages.status import ROUTED
from tests.conftest import bundled_catalogue

CATALOGUE = bundled_catalogue()
PAIRS = [(b.code, m.code) for b in CATALOGUE.bachelors for m in CATALOGUE.masters]
runner = CliRunner()


def english_fragments() -> set[str]:
    """The literal parts of every English message text that its Dutch text does not share:
    none may appear on a Dutch surface."""
    found = set()
    for id, text in messages.templates("en").items():
        dutch = messages.templates("nl")[id]
        for part in re.split(r"\{[a-z_]+\}", text):
            part = part.strip(" .;:,()")
            if len(part) >= 12 and part not in dutch:
                found.add(part)
    return found


ENGLISH = english_fragments()


def page_english() -> set[str]:
    """The English texts of the web pages' own catalogue that Dutch says otherwise: none may
    appear on a Dutch page."""
    from babel.messages.pofile import read_po

    with (WEB_LOCALE / "nl" / "LC_MESSAGES" / "messages.po").open("rb") as source:
        catalog = read_po(source, locale="nl")
    found = set()
    for message in catalog:
        if not message.id or not message.string or isinstance(message.id, tuple):
            continue
        for part in re.split(r"%\(\w+\)s", message.id):
            part = part.strip(" .;:,()")
            if len(part) >= 12 and part not in message.string:
                found.add(part)
    return found


PAGE_ENGLISH = page_english()


def visible(html: str) -> str:
    """The text of a page a reader sees: no tags, scripts, styles or entities."""
    shown = re.sub(r"(?s)<(script|style)\b.*?</\1>", " ", html)
    shown = unescape(re.sub(r"<[^>]+>", " ", shown))
    return re.sub(r"\s+", " ", shown)


def dutch_page(html: str, where: str) -> None:
    """No English sentence of either catalogue on a Dutch page (titles and codes are data)."""
    shown = visible(html)
    english = [part for part in ENGLISH | PAGE_ENGLISH if part in shown]
    assert not english, (where, english)


def test_every_message_has_both_languages_with_the_same_placeholders() -> None:
    en, nl = messages.templates("en"), messages.templates("nl")
    assert set(en) == set(nl) and len(en) > 40

    def fields(text: str) -> list[str]:
        return sorted(name for _, name, _, _ in Formatter().parse(text) if name is not None)

    for id in en:
        assert fields(en[id]) == fields(nl[id]), id


@pytest.fixture(scope="module")
def client(bundled_client: TestClient) -> TestClient:
    return bundled_client


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory, bridge) -> Path:
    """``articulation scan --format html`` on the bundled curricula (loaded once: ``bridge``)."""
    out = tmp_path_factory.mktemp("report")
    result = runner.invoke(cli, ["scan", "--out", str(out), "--format", "html", "--workers", "1"])
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="module")
def bridge(monkeypatch_module: pytest.MonkeyPatch):
    """``articulation bridge … --json --lang L`` on the bundled curricula, read once."""
    import articulation.cli.commands as commands

    # the command reads the name it imported: patched there, each run reads the catalogue
    # loaded once (and its memo) instead of parsing every YAML file of the curricula again
    monkeypatch_module.setattr(commands, "load", lambda curricula=None: CATALOGUE)

    def run(bachelor: str, master: str, lang: str) -> dict:
        result = runner.invoke(cli, ["bridge", bachelor, master, "--json", "--lang", lang])
        assert result.exit_code == 0, result.output
        return json.loads(result.stdout)

    return run


@pytest.fixture(scope="module")
def monkeypatch_module() -> Iterator[pytest.MonkeyPatch]:
    with pytest.MonkeyPatch.context() as patch:
        yield patch


def said(texts: list[str], lang: str, where: str) -> None:
    """Each text is a sentence of the catalogue: no id, no placeholder; no English in Dutch."""
    assert texts, where
    for text in texts:
        assert not re.search(r"\{[a-z_]+\}", text), (where, text)
        assert text not in messages.templates("en"), (where, text)  # an id, untranslated
        if lang == "nl":
            english = [part for part in ENGLISH if part in text]
            assert not english, (where, text, english)


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["en", "nl"])
def test_every_pair_reads_the_same_on_every_surface(
    client: TestClient, report: Path, bridge, lang: str
) -> None:
    verdict = re.compile(r'id="verdict" data-status="(\w+)" data-ects="([\d.,]+)"')
    graduate_verdict = re.compile(r'id="graduate" data-status="(\w+)" data-ects="([\d.]+)"')
    for bachelor, master in PAIRS:
        where = f"{bachelor} → {master} ({lang})"
        api = client.get(f"/v1/paths/{bachelor}/{master}", params={"lang": lang})
        assert api.status_code == 200, (where, api.text)
        answer = api.json()
        status, ects = answer["status"], answer["total_ects"]
        grade = answer["provenance"]["grade"]
        assert re.fullmatch(r"[Rr][Bb–][Pp–]", grade), where
        said([r["text"] for r in answer["reasons"]], lang, where)
        assert answer["explanation"] == [r["text"] for r in answer["reasons"]]

        cli_answer = bridge(bachelor, master, lang)
        assert (cli_answer["status"], cli_answer["total_ects"]) == (status, ects), where
        assert [r["text"] for r in cli_answer["reasons"]] == answer["explanation"], where

        page = client.get(
            "/directors/pair", params={"bachelor": bachelor, "master": master, "lang": lang}
        )
        assert page.status_code == 200, (where, page.text[:300])
        shown = verdict.search(page.text)
        assert shown and shown.group(1) == status and float(shown.group(2)) == ects, where
        assert f'data-grade="{grade}"' in page.text, where
        for line in answer["explanation"]:
            assert _html(line) in page.text, (where, line)
        graduate = answer["graduate"]  # a graduate's route: its own section, with its reasons
        said([r["text"] for r in graduate["reasons"]], lang, f"{where}, graduate")
        shown = graduate_verdict.search(page.text)
        assert shown and shown.group(1) == graduate["status"], where
        assert float(shown.group(2)) == graduate["total_ects"], where
        for line in graduate["reasons"]:
            assert _html(line["text"]) in page.text, (where, line["text"])
        if lang == "nl":
            dutch_page(page.text, where)

        folder = report / "nl" if lang == "nl" else report
        html = (folder / "pairs" / bachelor / f"{master}.html").read_text()
        assert f'<html lang="{lang}">' in html, where
        shown = verdict.search(html)
        assert shown and shown.group(1) == status, where
        assert float(shown.group(2)) == ects, where  # data attributes: English numbers
        shown = graduate_verdict.search(html)
        assert shown and shown.group(1) == graduate["status"], where
        assert float(shown.group(2)) == graduate["total_ects"], where
        assert f'<p id="grade" data-grade="{grade}">' in html, where


def _html(text: str) -> str:
    return (
        text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("'", "&#39;")
        .replace('"', "&#34;")
    )


@pytest.mark.slow
def test_every_reason_on_every_surface_comes_from_the_catalogue(
    client: TestClient, bridge, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With a sentinel for every message, no surface shows a message text of its own: the API,
    the CLI, the directors' pair view and the student page of every pair and bachelor, and the
    reasons on the report's pair pages."""
    from articulation.outputs.heatmap import render_html
    from articulation.outputs.report import make_report

    sentinel = {
        lang: {
            id: f"⟦{id}⟧ "
            + " ".join(f"{{{name}}}" for _, name, _, _ in Formatter().parse(text) if name)
            for id, text in messages.templates("en").items()
        }
        for lang in ("en", "nl")
    }
    monkeypatch.setattr(messages, "template", lambda id, lang: sentinel[lang][id])

    def own(text: str, where: str) -> None:
        plain = re.sub(r"⟦[\w.]+⟧", "", text)
        english = [part for part in ENGLISH if part in plain]
        assert not english, (where, text, english)

    for bachelor, master in PAIRS:
        where = f"{bachelor} → {master}"
        answer = client.get(f"/v1/paths/{bachelor}/{master}", params={"lang": "nl"}).json()
        cli_answer = bridge(bachelor, master, "en")
        for texts in (answer["explanation"], [r["text"] for r in cli_answer["reasons"]]):
            for text in texts:
                assert text.startswith("⟦"), (where, text)
                own(text, where)
        page = client.get(
            "/directors/pair", params={"bachelor": bachelor, "master": master, "lang": "nl"}
        )
        own(visible(page.text), where)
    for b in CATALOGUE.bachelors:
        for form in (
            {"courses": "\n".join(b.courses), "bachelor": b.code, "lang": "nl"},
            {"bachelor": b.code, "studying": "1", "lang": "en"},
        ):
            own(visible(client.post("/", data=form).text), b.code)
    report = make_report(CATALOGUE, workers=1)
    pages = render_html(report, top=15)
    for bachelor, master in PAIRS:
        html = pages[f"pairs/{bachelor}/{master}.html"]
        verdict = re.search(r'(?s)<p id="verdict"[^>]*>(.*?)</p>', html)
        assert verdict and "⟦" in verdict.group(1), (bachelor, master)
        for note in re.findall(r"(?s)<li>(.*?)</li>", html.partition('id="why-not"')[2][:5000]):
            if "⟦" not in note:
                break  # past the list
            own(visible(note), f"{bachelor} → {master} (report)")
        own(visible(verdict.group(1)), f"{bachelor} → {master} (report)")


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["en", "nl"])
def test_every_bachelor_reads_the_same_on_the_student_page_and_the_api(
    client: TestClient, lang: str
) -> None:
    """A graduate's transcript (the bachelor's mandatory courses) and a student still studying:
    the student page and the API (``POST /v1/eligibility``, ``GET /v1/paths/{b}``) give every
    master the same status and EC, in the same order."""
    row = re.compile(r'id="m-([\w-]+)" data-status="(\w+)" data-ects="([\d.]+)"')
    for b in CATALOGUE.bachelors:
        codes = list(b.courses)
        form = {"courses": "\n".join(codes), "bachelor": b.code, "lang": lang}
        page = client.post("/", data=form)
        assert page.status_code == 200, (b.code, page.text[:300])
        shown = [(m, s, float(e)) for m, s, e in row.findall(page.text)]
        api = client.post(
            "/v1/eligibility", json={"courses": codes, "bachelor": b.code}, params={"lang": lang}
        )
        assert api.status_code == 200, api.text
        expected = [
            (
                r["master"],
                r["status"],
                r["bridging"]["total_ects"] if r["status"] in ROUTED else 0.0,
            )
            for r in api.json()["results"]
        ]
        assert len(shown) == len(CATALOGUE.masters) and shown == expected, b.code
        for r in api.json()["results"]:  # the same grade, from the same engine function
            grade = r["provenance"]["grade"]
            assert re.search(
                rf'(?s)id="m-{r["master"]}"[^<]*>(?:(?!id="m-).)*data-grade="{grade}"', page.text
            ), (
                b.code,
                r["master"],
            )
        if lang == "nl":
            dutch_page(page.text, b.code)
        for r in api.json()["results"]:
            said([x["text"] for x in r["reasons"]], lang, f"{b.code} → {r['master']}")

        studying = client.post("/", data={"bachelor": b.code, "studying": "1", "lang": lang})
        assert studying.status_code == 200, b.code
        shown = {m: (s, float(e)) for m, s, e in row.findall(studying.text)}
        if lang == "nl":
            dutch_page(studying.text, f"{b.code} studying")
        paths = client.get(f"/v1/paths/{b.code}", params={"lang": lang}).json()["paths"]
        for cell in paths:
            said([x["text"] for x in cell["reasons"]], lang, f"{b.code} → {cell['master']} (row)")
            grade = cell["provenance"]["grade"]
            assert re.search(
                rf'(?s)id="m-{cell["master"]}"[^<]*>(?:(?!id="m-).)*data-grade="{grade}"',
                studying.text,
            ), (b.code, cell["master"])
            has_route = cell["status"] in ROUTED
            assert shown[cell["master"]] == (
                cell["status"],
                cell["total_ects"] if has_route else 0.0,
            ), (b.code, cell["master"])
