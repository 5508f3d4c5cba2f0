"""One curricula YAML file, parsed with the line of every node, and the problems found in it.

A :class:`Problem` names the file, the line, the YAML path and what is wrong; every check of the
curricula (:mod:`articulation.curriculum.loader`, :mod:`articulation.curriculum.crosscheck`)
reports through the :class:`YamlFile` the problem is in.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from articulation.curriculum.model import (
    AnyOf,
    AreaRequirement,
    AtLeast,
    Bachelor,
    CalendarSpec,
    CatalogueFile,
    Course,
    FixedPackage,
    Master,
    Minor,
    Outcome,
    OutcomeAt,
    OutcomesFile,
    PeriodSpec,
    Premaster,
)
from articulation.support.suggest import did_you_mean

YamlPath = tuple[str | int, ...]
_YamlLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when available


@dataclass(frozen=True, order=True)
class Problem:
    """One problem in the curricula: where it is and what is wrong."""

    file: str
    line: int | None
    path: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.path}: {self.message}" if self.path else f"{where}: {self.message}"


class CurriculaError(Exception):
    """The curricula could not be loaded; ``problems`` lists every reason."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = sorted(set(problems))
        super().__init__("\n".join(str(p) for p in self.problems))


def format_path(path: YamlPath) -> str:
    """``("courses", 3, "teaches")`` → ``courses[3].teaches``."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text


_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")
#: Mappings keyed by outcome ids, which hold dots: the rest of a path after one is one key.
_KEYED_BY_OUTCOME = frozenset({"teaches"})


def split_path(path: str) -> list[str | int]:
    """The parts of a path as :func:`format_path` writes it (a problem's ``path``).

    >>> split_path("requires[2].any_of[0].outcome")
    ['requires', 2, 'any_of', 0, 'outcome']
    >>> split_path("teaches.math.calculus")  # the keys of teaches are dotted outcome ids
    ['teaches', 'math.calculus']
    >>> split_path(format_path(("courses", 3, "teaches", "math.linear-algebra")))
    ['courses', 3, 'teaches', 'math.linear-algebra']
    >>> split_path("")
    []
    """
    parts: list[str | int] = []
    for match in _PART.finditer(path):
        name, index = match.groups()
        if name and parts and parts[-1] in _KEYED_BY_OUTCOME:
            parts.append(path[match.start() :])
            break
        parts.append(int(index) if index else name)
    return parts


class YamlFile:
    """One parsed YAML file with the line of every node, for error messages; ``path`` None is an
    in-memory part named ``name`` (see :func:`articulation.curriculum.crosscheck.check_parts`)."""

    def __init__(self, path: Path | None, name: str | None = None):
        self.path = path
        self.name = name if path is None else _display(path)
        self.lines: dict[YamlPath, int] = {}
        self.problems: list[Problem] = []
        self.data: Any = None
        if path is None:
            return
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            self.problem((), f"cannot read file: {exc}")
            return
        try:
            loader = _YamlLoader(text)
            try:
                node = loader.get_single_node()
                reused = None if node is None else _reused_node(node)
                if reused is not None:
                    line = reused.start_mark.line + 1
                    message = "YAML aliases are not allowed (this anchored node is reused by '*')"
                    self.problems.append(Problem(self.name, line, "", message))
                    return
                self.data = None if node is None else loader.construct_document(node)
            finally:
                loader.dispose()
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            line = mark.line + 1 if mark else None
            reason = " ".join(str(part) for part in (exc.context, exc.problem) if part)
            self.problems.append(Problem(self.name, line, "", f"YAML syntax error: {reason}"))
            return
        except yaml.YAMLError as exc:
            self.problem((), f"YAML error: {exc}")
            return
        if node is not None:
            self._index(node, ())

    def _index(self, root: yaml.Node, base: YamlPath) -> None:
        """Record the line of every node, in document order, without recursion (the parser
        allows documents deeper than Python's stack)."""
        stack: list[tuple[yaml.Node, YamlPath]] = [(root, base)]
        while stack:
            node, path = stack.pop()
            self.lines.setdefault(path, node.start_mark.line + 1)
            children: list[tuple[yaml.Node, YamlPath]] = []
            if isinstance(node, yaml.MappingNode):
                seen: set[str] = set()
                for key, value in node.value:
                    name = key.value
                    if name in seen:
                        line = key.start_mark.line + 1
                        where = format_path((*path, name))
                        self.problems.append(Problem(self.name, line, where, "duplicate key"))
                    seen.add(name)
                    self.lines.setdefault((*path, name), key.start_mark.line + 1)
                    children.append((value, (*path, name)))
            elif isinstance(node, yaml.SequenceNode):
                children = [(item, (*path, i)) for i, item in enumerate(node.value)]
            stack.extend(reversed(children))

    def line(self, path: YamlPath) -> int | None:
        for end in range(len(path), -1, -1):
            key = tuple(str(p) if not isinstance(p, int) else p for p in path[:end])
            if key in self.lines:
                return self.lines[key]
        return None

    def problem(self, path: YamlPath, message: str) -> None:
        self.problems.append(Problem(self.name, self.line(path), format_path(path), message))

    def validate(
        self, model: type[BaseModel], data: Any, base: YamlPath = (), skip: int = 0
    ) -> Any:
        """Validate ``data`` (found at YAML path ``base``) with ``model``; record each error at
        its YAML path. ``skip`` drops leading parts of pydantic's locations (a wrapper)."""
        try:
            return model.model_validate(data)
        except ValidationError as exc:
            for error in exc.errors():
                self.problem(self._yaml_path(error["loc"][skip:], base), _describe(error))
            return None

    def _yaml_path(self, loc: tuple[Any, ...], base: YamlPath) -> YamlPath:
        """Map a pydantic location onto the YAML path, skipping union tags."""
        path = base
        for part in loc:
            candidate = (*path, part)
            if candidate in self.lines or not (isinstance(part, str) and _is_tag(part)):
                path = candidate
        return path


def _reused_node(root: yaml.Node) -> yaml.Node | None:
    """The first node the document reaches twice (an alias of an anchor), or None; walked once
    per node, so an alias bomb is refused before it is expanded."""
    seen: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            return node
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                stack.extend((key, value))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
    return None


def _is_tag(part: str) -> bool:
    """Pydantic's names for union members, which are not YAML keys."""
    return (
        part in {"bachelor", "master", "minor", "str"}
        or part.endswith("-item")
        or ("[" in part or part.startswith("function-") or part == "OutcomeAt")
    )


_FIELDS = sorted(
    {
        name
        for model in (
            OutcomesFile,
            Outcome,
            CatalogueFile,
            Course,
            Bachelor,
            Master,
            Minor,
            OutcomeAt,
            AreaRequirement,
            AnyOf,
            AtLeast,
            CalendarSpec,
            PeriodSpec,
        )
        for name in model.model_fields
    }
    | {"source", "retrieved", "status", "note", "name", "courses"}
    | {"as_of", "minor", "bachelors"}
    | set(Premaster.model_fields)
    | set(FixedPackage.model_fields)
)


def _describe(error: dict[str, Any]) -> str:
    kind = error["type"]
    if kind == "extra_forbidden":
        key = error["loc"][-1]
        return f"unknown key {key!r}{did_you_mean(str(key), _FIELDS)}"
    if kind == "missing":
        return "required field is missing"
    message = error["msg"].removeprefix("Value error, ")
    value = error.get("input")
    if isinstance(value, dict | list) or kind == "value_error":
        return message
    return f"{message} (got {value!r})"


def _display(path: Path) -> str:
    """The path as a user can find it: relative to the working directory when below it."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.as_posix()
