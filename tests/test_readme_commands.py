"""Every command line the README shows runs as written.

The test reads README.md, takes every line of its ``sh`` code blocks that starts with
``articulation`` or ``make`` and every inline code span that is a whole ``articulation`` command
(no placeholders such as ``B M``, ``DIR``, ``[--option]`` or ``…``), and runs each through the
shell with the virtual environment's ``articulation`` entry point first on ``PATH``, in a fresh
directory of its own (outputs such as ``report/`` land there, never in the checkout). The lines
of one code block run in order in one directory, as a reader types them (``ooapi import ooapi/``
reads what ``ooapi export ooapi/`` wrote). Files the README names as the reader's own
(``my-list.txt``, ``my-curriculum.csv``, ``plan.csv``, ``OLD``/``NEW`` curricula) are made
beforehand; ``curricula/`` and ``tests/fixtures/mini`` are the checkout's, as from its root.

Lines that start a server or take minutes are listed in ``EXCEPTIONS`` with the reason; every
entry must still be in the README (a stale exception fails), so nothing is skipped unseen.
Lines that are not commands of this program (``curl`` against a running server) are not run:
the HTTP API has its own tests.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
BIN = Path(sys.executable).parent
ENTRY_POINT = BIN / "articulation"

#: README command lines that are not run, each with why.
EXCEPTIONS: dict[str, str] = {
    "make scan": "sets up .venv from nothing first (minutes); its scan is `articulation scan`, "
    "which runs here",
    "make test": "the whole test suite (10+ minutes); this test is part of it",
    "articulation serve --host 127.0.0.1 --port 8000": "starts a server that runs until stopped",
    "articulation serve": "starts a server that runs until stopped",
    "articulation scan --cluster local": "starts a Dask cluster and writes the whole report "
    "(half a minute); tests/test_cluster.py runs the scan on a cluster",
}

#: Inline spans that name a command in prose rather than give a line to type, each with why.
MENTIONS: dict[str, str] = {
    "articulation flagship": "names the command; its bachelor is in the line around it",
    "articulation flagship --json": "names the command's JSON output; the bachelor is not given",
    "articulation minor": "the settings table names the command whose default it sets",
    "articulation plan": "the settings table names the command whose default it sets",
}

#: Placeholders a README command may name instead of a value: a span with one is a synopsis.
PLACEHOLDER = re.compile(r"^[A-Z][A-Z_]*(\.[a-z]+)?$")
INSTITUTIONS = {"UT", "VU"}  # `--institution UT` is a value, not a placeholder


@dataclass(frozen=True)
class Block:
    """Command lines the README shows together, from line ``line`` on."""

    line: int
    commands: tuple[str, ...]

    @property
    def id(self) -> str:
        return f"README.md:{self.line}"


def code_blocks(text: str) -> list[Block]:
    """The ``sh`` code blocks' command lines (``articulation …`` and ``make …``), in order."""
    blocks, current, start, inside = [], [], 0, False
    for number, line in enumerate(text.splitlines(), start=1):
        if line.startswith("```"):
            if inside and current:
                blocks.append(Block(start, tuple(current)))
            inside, current, start = line.strip() == "```sh" and not inside, [], number
            continue
        if inside and line.startswith(("articulation ", "make ")):
            current.append(line)
    return blocks


def is_synopsis(command: str) -> bool:
    """A span that shows a command's shape, not a line to type: brackets, ellipses, choices or
    placeholders like ``B M`` and ``DIR``."""
    if any(mark in command for mark in ("[", "…", "|", "<")):
        return True
    words = command.split()[1:]
    return any(PLACEHOLDER.match(w) and w not in INSTITUTIONS for w in words)


def inline_commands(text: str, blocks: list[Block]) -> list[Block]:
    """Inline code spans that are whole ``articulation`` commands, once each (by their first
    line), leaving out those a code block runs already."""
    in_blocks = {c.split("#")[0].strip() for b in blocks for c in b.commands}
    seen: dict[str, int] = {}
    for match in re.finditer(r"`(articulation [^`]+)`", text):
        command = " ".join(match.group(1).split())
        if not is_synopsis(command) and command not in in_blocks:
            seen.setdefault(command, text.count("\n", 0, match.start()) + 1)
    return [Block(line, (command,)) for command, line in seen.items()]


def not_run(command: str) -> bool:
    return command.split("#")[0].strip() in EXCEPTIONS | MENTIONS


TEXT = README.read_text(encoding="utf-8")
BLOCKS = code_blocks(TEXT)
INLINE_ALL = inline_commands(TEXT, BLOCKS)
INLINE = [b for b in INLINE_ALL if not not_run(b.commands[0])]


def run(command: str, cwd: Path, timeout: float = 240) -> subprocess.CompletedProcess[str]:
    """``command`` through the shell, as a reader would type it, with this checkout's code."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ARTICULATION_")}
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    env["PYTHONPATH"] = str(ROOT)
    env["COLUMNS"] = "100"
    return subprocess.run(
        ["bash", "-c", command],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


@pytest.fixture(scope="module")
def readers_files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The files the README names as the reader's own, made once."""
    made = tmp_path_factory.mktemp("readers-files")
    (made / "my-list.txt").write_text("UT-M-CS\nUT-M-ROB\n", encoding="utf-8")
    exported = run("articulation ca export VU-B-AI --out my-curriculum.csv", made)
    assert exported.returncode == 0, exported.stderr
    shutil.copy(made / "my-curriculum.csv", made / "plan.csv")
    old = made / "OLD"
    shutil.copytree(ROOT / "tests" / "fixtures" / "mini", old)
    new = made / "NEW"
    shutil.copytree(old, new)
    courses = new / "ut" / "courses.yaml"
    text = courses.read_text(encoding="utf-8")
    assert "bridging: true" in text
    courses.write_text(text.replace("bridging: true", "bridging: false", 1), encoding="utf-8")
    return made


@pytest.fixture
def workdir(tmp_path: Path, readers_files: Path) -> Path:
    """A fresh directory laid out as the checkout's root, with the reader's files."""
    (tmp_path / "curricula").symlink_to(ROOT / "curricula")
    (tmp_path / "tests" / "fixtures").mkdir(parents=True)
    (tmp_path / "tests" / "fixtures" / "mini").symlink_to(ROOT / "tests" / "fixtures" / "mini")
    for item in readers_files.iterdir():
        (tmp_path / item.name).symlink_to(item)
    for name, target in (("OLD_CURRICULA", "OLD"), ("NEW_CURRICULA", "NEW")):
        (tmp_path / name).symlink_to(readers_files / target)
    return tmp_path


def run_block(block: Block, workdir: Path) -> None:
    ran = 0
    for command in block.commands:
        if not_run(command):
            continue
        result = run(command, workdir)
        assert result.returncode == 0, (
            f"{block.id}: `{command}` exited with {result.returncode}\n"
            f"stderr: {result.stderr[-2000:]}\nstdout: {result.stdout[-1000:]}"
        )
        assert "Traceback" not in result.stderr, (command, result.stderr[-2000:])
        ran += 1
    assert ran or all(not_run(c) for c in block.commands)


@pytest.mark.slow
@pytest.mark.timeout(300)
@pytest.mark.parametrize("block", BLOCKS, ids=[b.id for b in BLOCKS])
def test_every_command_of_a_readme_code_block_runs_as_written(block: Block, workdir: Path) -> None:
    run_block(block, workdir)


@pytest.mark.slow
@pytest.mark.timeout(300)
@pytest.mark.parametrize("block", INLINE, ids=[f"{b.id}:{b.commands[0]}" for b in INLINE])
def test_every_whole_command_in_the_readme_text_runs_as_written(
    block: Block, workdir: Path
) -> None:
    run_block(block, workdir)


def test_the_readme_shows_the_commands_and_every_exception_is_still_in_it() -> None:
    shown = {c.split("#")[0].strip() for b in (*BLOCKS, *INLINE_ALL) for c in b.commands}
    assert len(shown) >= 30, sorted(shown)
    for subcommand in ("scan", "minor", "flagship", "plan", "diff", "metrics", "ooapi", "db"):
        assert any(c.startswith(f"articulation {subcommand} ") for c in shown), subcommand
    stale = (set(EXCEPTIONS) | set(MENTIONS)) - shown
    assert not stale, f"exceptions no longer in the README: {sorted(stale)}"


def test_a_synopsis_is_told_from_a_command_line() -> None:
    assert is_synopsis("articulation gap B M --json")
    assert is_synopsis("articulation ooapi export DIR")
    assert is_synopsis("articulation serve --workers N")
    assert is_synopsis("articulation ca import plan.csv --out imported/ [--credit-factor 2]")
    assert not is_synopsis("articulation db add-client ut --role editor --institution UT")
    assert not is_synopsis("articulation plan VU-B-AI UT-M-CS --start 2027-09")
