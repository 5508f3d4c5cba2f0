"""Rows stored before today's bounds: requirements nested deeper than MAX_DEPTH levels of any_of
are reported and repaired without changing their meaning (a one-member any_of becomes its
member; if that is not enough, an any_of inside an any_of adds its members to it); audit entries
too deep to show are reported (the log is history: they are shown with a warning).

Revision ID: 0008
Revises: 0007
"""

import logging
import sys
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

from articulation.curriculum.model import MAX_DEPTH
from articulation.storage.bounds import MAX_DOCUMENT_DEPTH, json_depth, nesting, repair_requirement
from articulation.storage.rows import requirement_tree

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

log = logging.getLogger("articulation.storage")

requirement = sa.table(
    "requirement",
    sa.column("id", sa.Integer),
    sa.column("programme_code", sa.String),
    sa.column("role", sa.String),
    sa.column("parent_id", sa.Integer),
    sa.column("position", sa.Integer),
    sa.column("kind", sa.String),
    sa.column("outcome", sa.String),
    sa.column("level", sa.Integer),
    sa.column("area", sa.String),
    sa.column("min_ects", sa.Float),
)
audit = sa.table("audit", sa.column("id", sa.Integer), sa.column("before", sa.JSON),
                 sa.column("after", sa.JSON))  # fmt: skip


def report(message: str) -> None:
    log.warning(message)
    print(f"migration 0008: {message}", file=sys.stderr)


def upgrade() -> None:
    bind = op.get_bind()
    rows = bind.execute(sa.select(requirement)).all()
    by_programme: dict[str, list[Any]] = {}
    for row in rows:
        by_programme.setdefault(row.programme_code, []).append(row)
    for code, found in sorted(by_programme.items()):
        roots = sorted(
            (r for r in found if r.parent_id is None), key=lambda r: (r.role, r.position)
        )
        tree = requirement_tree(found)
        for role in sorted(tree):
            role_roots = [r for r in roots if r.role == role]
            for root, item in zip(role_roots, tree[role], strict=True):
                if nesting(item) <= MAX_DEPTH:
                    continue
                fixed, what = repair_requirement(item)
                if nesting(fixed) > MAX_DEPTH:
                    report(f"programme {code}: {role}[{root.position}]: {what}; not repairable")
                    continue
                _replace(bind, found, root, fixed)
                report(f"programme {code}: {role}[{root.position}]: repaired ({what})")
    for entry in bind.execute(sa.select(audit)).all():
        for side in ("before", "after"):
            document = getattr(entry, side)
            depth = json_depth(document)
            if depth > MAX_DOCUMENT_DEPTH:
                report(
                    f"audit entry {entry.id}: {side} nests {depth} levels deep; kept as history, "
                    "shown with a warning"
                )


def _subtree(rows: list[Any], root: Any) -> list[int]:
    children: dict[int, list[int]] = {}
    for row in rows:
        if row.parent_id is not None:
            children.setdefault(row.parent_id, []).append(row.id)
    ids, stack, seen = [], [root.id], set()
    while stack:
        current = stack.pop()
        if current in seen:
            continue
        seen.add(current)
        ids.append(current)
        stack.extend(children.get(current, []))
    return ids


def _replace(bind: Any, rows: list[Any], root: Any, item: dict[str, Any]) -> None:
    """Replace the rows of one top-level requirement by the rows of ``item``."""
    ids = _subtree(rows, root)
    for start in range(0, len(ids), 500):  # unlink first: no cascade runs down a deep chain
        chunk = ids[start : start + 500]
        bind.execute(
            sa.update(requirement).where(requirement.c.id.in_(chunk)).values(parent_id=None)
        )
    for start in range(0, len(ids), 500):
        bind.execute(sa.delete(requirement).where(requirement.c.id.in_(ids[start : start + 500])))
    stack: list[tuple[dict[str, Any], int | None, int]] = [(item, None, root.position)]
    while stack:
        current, parent, position = stack.pop()
        values = {
            "programme_code": root.programme_code,
            "role": root.role,
            "parent_id": parent,
            "position": position,
        }
        if "any_of" in current:
            values["kind"] = "any_of"
        elif "area" in current:
            values.update(kind="area", area=current["area"], min_ects=current["min_ects"])
        else:
            values.update(kind="outcome", outcome=current["outcome"], level=current.get("level"))
        new_id = bind.execute(
            sa.insert(requirement).values(**values).returning(requirement.c.id)
        ).scalar_one()
        for k, member in enumerate(current.get("any_of", [])):
            stack.append((member, new_id, k))


def downgrade() -> None:
    pass  # a repair keeps the meaning: nothing to undo
