"""Stored data against today's bounds: rows written before a bound existed (a requirement nested
deeper than :data:`~articulation.curriculum.model.MAX_DEPTH` levels of ``any_of``) are read
without recursion, shown repaired with a warning, and repaired for good by the migration
``0008_repair_bounds``.

A repair never changes what a requirement means: an ``any_of`` with one member is that member,
and an ``any_of`` among the members of an ``any_of`` adds its members to it (any one of them
satisfies both). An ``any_of`` without members cannot be repaired; it is reported.

>>> deep = {"any_of": [{"any_of": [{"outcome": "x", "level": 2}]}]}
>>> repaired(deep)
{'outcome': 'x', 'level': 2}
>>> nesting({"any_of": [{"area": "a", "min_ects": 5}, {"any_of": [{"outcome": "x"}]}]})
2
"""

from __future__ import annotations

from typing import Any

from articulation.curriculum.model import MAX_DEPTH

#: JSON nesting an audit entry's document may have to be shown as it is (a programme with
#: requirements of :data:`MAX_DEPTH` levels nests about twice as deep).
MAX_DOCUMENT_DEPTH = 2 * MAX_DEPTH + 16


def nesting(item: Any) -> int:
    """Levels of ``any_of`` and ``at_least`` (its ``of``) in a requirement (raw data), counted
    together as the model counts them, without recursion.

    >>> nesting({"at_least": 1, "of": [{"any_of": [{"outcome": "x"}]}]})
    2
    """
    deepest = 0
    stack: list[tuple[Any, int]] = [(item, 0)]
    while stack:
        value, depth = stack.pop()
        members = None
        if isinstance(value, dict):
            members = value.get("any_of") if "any_of" in value else value.get("of")
        if isinstance(members, list):
            deepest = max(deepest, depth + 1)
            stack.extend((member, depth + 1) for member in members)
    return deepest


def json_depth(value: Any) -> int:
    """Levels of objects and arrays in a JSON value, counted without recursion.

    >>> json_depth({"a": [1, {"b": 2}]}), json_depth(3)
    (3, 0)
    """
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            deepest = max(deepest, depth + 1)
            stack.extend((v, depth + 1) for v in item.values())
        elif isinstance(item, list):
            deepest = max(deepest, depth + 1)
            stack.extend((v, depth + 1) for v in item)
    return deepest


def collapsed(item: Any) -> Any:
    """``item`` with every chain of one-member ``any_of`` replaced by its member (without
    recursion).

    >>> collapsed({"any_of": [{"any_of": [{"outcome": "x"}]}, {"outcome": "y"}]})
    {'any_of': [{'outcome': 'x'}, {'outcome': 'y'}]}
    """
    return _rebuild(item, merge=False)


def repaired(item: Any) -> Any:
    """``item`` with one-member ``any_of`` collapsed and every ``any_of`` inside an ``any_of``
    merged into it: at most one level of ``any_of`` is left, and the same courses satisfy it."""
    return _rebuild(item, merge=True)


def _rebuild(item: Any, *, merge: bool) -> Any:
    """The tree rebuilt bottom-up with an explicit stack (any depth is safe)."""
    if not (isinstance(item, dict) and isinstance(item.get("any_of"), list)):
        return item
    # each frame: the any_of's members, how many are done, the rebuilt ones
    frames: list[tuple[list[Any], list[int], list[Any]]] = [(item["any_of"], [0], [])]
    result: Any = None
    while frames:
        members, done, rebuilt = frames[-1]
        if done[0] < len(members):
            member = members[done[0]]
            done[0] += 1
            if isinstance(member, dict) and isinstance(member.get("any_of"), list):
                frames.append((member["any_of"], [0], []))
            else:
                rebuilt.append(member)
            continue
        frames.pop()
        node = rebuilt[0] if len(rebuilt) == 1 else {"any_of": rebuilt}
        if frames:
            parent = frames[-1][2]
            if merge and isinstance(node, dict) and isinstance(node.get("any_of"), list):
                parent.extend(node["any_of"])
            else:
                parent.append(node)
        else:
            result = node
    return result


def repair_requirement(item: Any) -> tuple[Any, str | None]:
    """A requirement within today's bounds, and what was done to it (None: nothing was
    needed). One-member ``any_of`` are collapsed first; nested ``any_of`` are merged only if
    that is not enough. An empty ``any_of`` is left as it is (nothing repairs it)."""
    depth = nesting(item)
    if depth <= MAX_DEPTH:
        return item, None
    first = collapsed(item)
    if nesting(first) <= MAX_DEPTH:
        return first, f"{depth} levels of any_of, one-member any_of collapsed"
    return repaired(item), f"{depth} levels of any_of, nested any_of merged"


def repair_document(document: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """A programme document (curricula format) with its requirements (``requires``,
    ``entry``) within today's bounds, and a warning per repaired requirement."""
    warnings: list[str] = []
    fixed = dict(document)
    for role in ("requires", "entry"):
        items = document.get(role)
        if not isinstance(items, list):
            continue
        repaired_items = []
        for i, item in enumerate(items):
            new, what = repair_requirement(item)
            if what:
                warnings.append(
                    f"{role}[{i}] is stored with {what} (the limit is {MAX_DEPTH}); shown "
                    "repaired, meaning unchanged; `articulation db migrate` repairs it for good"
                )
            repaired_items.append(new)
        fixed[role] = repaired_items
    return fixed, warnings


def shown_document(document: Any) -> tuple[Any, list[str]]:
    """An audit entry's stored document as it can be shown: within today's bounds (repaired
    like a stored programme), or None when it nests too deep to show at all; the warnings."""
    if not isinstance(document, dict):
        return document, []
    fixed, warnings = repair_document(document)
    depth = json_depth(fixed)
    if depth > MAX_DOCUMENT_DEPTH:
        warning = (
            f"the stored document nests {depth} levels deep (more than {MAX_DOCUMENT_DEPTH}); "
            "not shown"
        )
        return None, [*warnings, warning]
    return fixed, warnings
