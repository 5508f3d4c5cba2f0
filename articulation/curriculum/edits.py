"""The vocabulary of catalogue edits: what an edit of a course or programme does.

One table for every edit of the catalogue — the stored ones
(:mod:`articulation.storage.edits`, and the actions of the audit log) and the proposed ones of
what-if (:mod:`articulation.answers.whatif`): ``create``, ``update`` and ``delete``. The words
the what-if API has always taken, ``add``, ``change`` and ``remove``, are synonyms of them.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

EditEntity = Literal["course", "programme"]


class EditAction(StrEnum):
    """What an edit does to its course or programme."""

    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"


@dataclass(frozen=True)
class ActionSpec:
    """One action of the table: its synonym, and what an edit with it needs.

    ``existing``: the entity must exist already (else it must not); ``document``: the edit
    carries the entity's new document (else its code is enough)."""

    action: EditAction
    synonym: str
    existing: bool
    document: bool
    description: str


ACTIONS: dict[EditAction, ActionSpec] = {
    spec.action: spec
    for spec in (
        ActionSpec(EditAction.CREATE, "add", False, True, "adds a new course or programme"),
        ActionSpec(EditAction.UPDATE, "change", True, True, "replaces one that exists"),
        ActionSpec(EditAction.DELETE, "remove", True, False, "removes one that exists"),
    )
}

#: Every word an edit's action may be given as, and the action it names.
WORDS: dict[str, EditAction] = {
    **{str(action): action for action in ACTIONS},
    **{spec.synonym: spec.action for spec in ACTIONS.values()},
}


def edit_action(word: str) -> EditAction:
    """The action a word names (an action or its synonym); ValueError listing the words.

    >>> edit_action("change"), edit_action("delete"), edit_action(EditAction.CREATE)
    (<EditAction.UPDATE: 'update'>, <EditAction.DELETE: 'delete'>, <EditAction.CREATE: 'create'>)
    >>> edit_action("drop")
    Traceback (most recent call last):
    ValueError: unknown edit action 'drop'; actions: create (add), update (change), delete (remove)
    """
    try:
        return WORDS[word]
    except KeyError:
        raise ValueError(f"unknown edit action {word!r}; actions: {spelled()}") from None


def spelled(*actions: EditAction) -> str:
    """``update (change)``: the actions (default all) with their synonyms, for messages.

    >>> spelled(EditAction.CREATE, EditAction.UPDATE)
    'create (add), update (change)'
    """
    return ", ".join(f"{a} ({ACTIONS[a].synonym})" for a in actions or tuple(ACTIONS))
