"""Why a cell of the aansluitscan changed: its reasons as structured messages.

:func:`change_reasons` compares a cell before and after a catalogue change (a what-if edit, or
two curricula directories) and says, as messages of the catalogue
(:mod:`articulation.messages`, English and Dutch): which catalogue change reached it (with the
fields a changed course or programme changed), the status before and after, which requirement
the bachelor's courses no longer meet or now meet, which requirement no route meets any more
(or again), which course entered or left the route and what it covered, the EC, the track, the
plan's finish, how it is admitted, and what the cell answers now. A graduate's route that
changed says the same, each reason marked as the graduate's.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from articulation.answers.scan import Cell
from articulation.curriculum.catalogue import Catalogue
from articulation.curriculum.patch import course_document, programme_document
from articulation.messages.message import Message
from articulation.solving.planning.results import finished_at
from articulation.solving.route import Route

#: What a master asks before and after the change (each None where unknown).
Asked = tuple[frozenset[str] | None, frozenset[str] | None]

#: The kinds of catalogue change and what they did, as ``Change`` writes them.
KINDS = ("course", "programme", "outcome", "calendar")
ACTIONS = ("added", "changed", "removed")
#: The cause of a pair whose two programmes were not both in the old catalogue.
NEW_PAIR = "new pair"


def _status(status: str) -> Message:
    return Message(f"status.{status}")


def cause_message(
    cause: str, old: Catalogue | None = None, new: Catalogue | None = None
) -> Message:
    """``course UT-X changed`` (``Change``'s words) as a message; a changed course or
    programme names the fields that changed when both catalogues are given."""
    if cause == NEW_PAIR:
        return Message("whatif.new_pair")
    parts = cause.split(" ")
    if len(parts) != 3 or parts[0] not in KINDS or parts[2] not in ACTIONS:
        return Message.of("whatif.cause_other", cause=cause)
    kind, code, action = parts
    what = Message(f"whatif.kind.{kind}")
    done = Message(f"whatif.action.{action}")
    fields = _changed_fields(kind, code, old, new) if action == "changed" else ()
    if fields:
        return Message.of("whatif.cause_fields", what=what, code=code, fields=fields)
    return Message.of("whatif.cause", what=what, code=code, action=done)


def _document(kind: str, code: str, catalogue: Catalogue) -> dict[str, Any] | None:
    if kind == "course" and code in catalogue.courses:
        return course_document(catalogue.institution_of[code], catalogue.courses[code])
    if kind == "programme" and code in catalogue.programmes:
        return programme_document(catalogue.programmes[code])
    return None


def _changed_fields(
    kind: str, code: str, old: Catalogue | None, new: Catalogue | None
) -> tuple[Message, ...]:
    """The fields of a course's or programme's document that differ (sorted by name), each
    with its values before and after where they are one number or text."""
    if old is None or new is None:
        return ()
    before, after = _document(kind, code, old), _document(kind, code, new)
    if before is None or after is None:
        return ()
    found = []
    for name in sorted(k for k in {*before, *after} if before.get(k) != after.get(k)):
        was, now = before.get(name), after.get(name)
        if all(v is None or isinstance(v, str | int | float) for v in (was, now)):
            found.append(
                Message.of(
                    "whatif.field",
                    field=name,
                    before="—" if was is None else was,
                    after="—" if now is None else now,
                )
            )
        else:
            found.append(Message.of("whatif.field_named", field=name))
    return tuple(found)


def _requirement_changes(before: Cell, after: Cell, asked: Asked) -> list[Message]:
    """Requirements the bachelor's courses no longer meet or now meet (or that the master
    asks now, or no longer asks), and those no route meets any more or again."""
    found: list[Message] = []
    asked_before, asked_after = asked
    was = {str(item) for item in before.gap.unmet}
    details = zip(after.gap.unmet, after.gap.details(), strict=True)
    now = {str(item): detail for item, detail in details}
    for requirement in sorted(now.keys() - was):
        new = asked_before is not None and requirement not in asked_before
        found.append(
            Message.of(
                "whatif.newly_asked" if new else "whatif.now_unmet",
                requirement=requirement,
                detail=now[requirement],
            )
        )
    for requirement in sorted(was - now.keys()):
        gone = asked_after is not None and requirement not in asked_after
        found.append(
            Message.of("whatif.not_asked" if gone else "whatif.now_met", requirement=requirement)
        )
    for requirement in sorted(set(after.unmet) - set(before.unmet)):
        found.append(Message.of("whatif.route_cannot", requirement=requirement))
    for requirement in sorted(set(before.unmet) - set(after.unmet)):
        found.append(Message.of("whatif.route_can", requirement=requirement))
    return found


def _course_changes(before: Route, after: Route) -> list[Message]:
    """Courses that left or entered the route, with the requirements each covered (or the
    courses it was needed for)."""
    found: list[Message] = []
    now = set(after.codes)
    was = set(before.codes)
    for course, side, moved in (
        *((c, "left", c.code not in now) for c in before.courses),
        *((c, "entered", c.code not in was) for c in after.courses),
    ):
        if not moved:
            continue
        if course.covers:
            found.append(
                Message.of(
                    f"whatif.course_{side}_covering",
                    code=course.code,
                    title=course.title,
                    covers=course.covers,
                )
            )
        elif course.needed_for:
            found.append(
                Message.of(
                    f"whatif.course_{side}_needed",
                    code=course.code,
                    title=course.title,
                    needed_for=course.needed_for,
                )
            )
        else:
            found.append(Message.of(f"whatif.course_{side}", code=course.code, title=course.title))
    return found


def _route_changes(before: Cell, after: Cell, asked: Asked) -> list[Message]:
    """What differs between two versions of one route (a student's, or a graduate's)."""
    found: list[Message] = []
    if before.status != after.status:
        found.append(
            Message.of("whatif.status", before=_status(before.status), after=_status(after.status))
        )
    found += _requirement_changes(before, after, asked)
    found += _course_changes(before, after)
    if before.total_ects != after.total_ects:
        found.append(Message.of("whatif.ects", before=before.total_ects, after=after.total_ects))
    if before.track != after.track:
        found.append(
            Message.of("whatif.track", before=_track(before.track), after=_track(after.track))
        )
    was_finish, now_finish = _finish(before), _finish(after)
    if was_finish is not None and now_finish is not None and was_finish != now_finish:
        found.append(Message.of("whatif.finish", before=was_finish, after=now_finish))
    if before.admission != after.admission:
        found.append(
            Message.of(
                "whatif.admission",
                before=_admission(before.admission),
                after=_admission(after.admission),
            )
        )
    was_conditions = {c.id for c in before.conditions}
    now_conditions = {c.id for c in after.conditions}
    for condition in sorted(now_conditions - was_conditions):
        found.append(Message.of("whatif.condition_added", condition=condition))
    for condition in sorted(was_conditions - now_conditions):
        found.append(Message.of("whatif.condition_removed", condition=condition))
    if found:
        found.append(Message.of("whatif.now", reason=after.reason))
    return found


def _finish(cell: Cell) -> Message | str | None:
    """When a route's plan finishes (None: no plan, or one without a finish)."""
    if cell.plan is None:
        return None
    if cell.plan.anchor is not None:
        return cell.plan.finish_text
    finish_at = cell.plan.plan.finish_at
    return finished_at(*finish_at) if finish_at is not None else None


def _track(track: str | None) -> Message | str:
    return track if track else Message("whatif.no_track")


def _admission(admission: str | None) -> Message:
    return Message(f"whatif.admission.{admission or 'none'}")


def asked(catalogue: Catalogue, master: str) -> frozenset[str] | None:
    """The requirements ``master`` asks in ``catalogue`` (None: no such master)."""
    programme = catalogue.programmes.get(master)
    if programme is None or programme.kind != "master":
        return None
    return frozenset(str(item) for item in catalogue.master(master).requires)


def change_reasons(
    before: Cell | None,
    after: Cell | None,
    causes: Iterable[Message] = (),
    requirements: Asked = (None, None),
) -> tuple[Message, ...]:
    """Why a cell changed: the catalogue changes that reached it (:func:`cause_message`), then
    what differs in its route and, marked as such, in its graduate's route. ``requirements``:
    what the master asks before and after (:func:`asked`), so that a requirement the master
    dropped or added is said as such, not as one met or unmet."""
    found: list[Message] = list(causes)
    if before is None and after is not None:
        return (*found, Message.of("whatif.pair_added", status=_status(after.status)))
    if after is None and before is not None:
        return (*found, Message.of("whatif.pair_removed", status=_status(before.status)))
    if before is None or after is None:
        return tuple(found)
    student = _route_changes(before, after, requirements)
    found += student
    graduates: Sequence[Message] = ()
    if before.graduate is not None and after.graduate is not None:
        graduates = _route_changes(before.graduate, after.graduate, requirements)
    if graduates != student:  # a graduate's route said apart where it changed otherwise
        found += [Message.of("whatif.graduate", reason=m) for m in graduates]
    return tuple(found)
