"""The roles of API clients and what each may do: one table, read by the API's checks, the
command that adds clients, and the messages that list who may.

>>> [name for name, role in ROLES.items() if role.may_scan]
['editor', 'scanner']
>>> role_of("editor").may_edit, role_of("scanner").may_edit, role_of("retired").may_scan
(True, False, False)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Role:
    """A role: whether its clients may edit the catalogue of their own institution and start
    scans, and whether a client needs an institution (the one whose catalogue it edits)."""

    name: str
    may_edit: bool
    may_scan: bool
    needs_institution: bool
    description: str


ROLES: dict[str, Role] = {
    role.name: role
    for role in (
        Role(
            "editor",
            may_edit=True,
            may_scan=True,
            needs_institution=True,
            description="edits its institution's catalogue, starts scans",
        ),
        Role(
            "scanner",
            may_edit=False,
            may_scan=True,
            needs_institution=False,
            description="starts scans",
        ),
    )
}

#: What a client whose role is not in the table (one stored before it was dropped) may do.
NO_ROLE = Role("none", False, False, False, "nothing")


def role_of(name: str) -> Role:
    """The role named ``name``; one that may do nothing when the table has no such role."""
    return ROLES.get(name, NO_ROLE)


def roles_that(may: Callable[[Role], bool] = lambda _role: True) -> str:
    """The names of the roles that may do something, for messages (default: every role).

    >>> roles_that(lambda role: role.may_edit), roles_that()
    ('editor', 'editor, scanner')
    """
    return ", ".join(name for name, role in ROLES.items() if may(role))


def unknown_role(name: str) -> str:
    """The message for a role the table does not hold.

    >>> unknown_role("admin")
    "unknown role 'admin'; roles: editor, scanner"
    """
    return f"unknown role {name!r}; roles: {roles_that()}"
