"""Seeded synthetic catalogues at three scales, for the benchmarks.

The shape follows real curricula:

- outcomes belong to credit areas and to a tier (introductory, intermediate, advanced); within
  an area a few outcomes are taught everywhere (calculus, programming) and most are specialised
  (a core drawn 80% of the time, then a Zipf tail);
- a course belongs to one institution, one area and one tier; it teaches 1–3 outcomes of that
  area and tier at a level that rises with the tier; its first outcome (and often its second) is
  drawn by popularity, the others cover the specialised vocabulary;
- prerequisites (from the second tier on) are AND-groups of OR-alternatives, each alternative a
  course code of the same institution and area, or ``outcome@level`` of the area, always from a
  lower tier, so that prerequisite support never goes round in a circle;
- bachelors take ~150 EC of mandatory courses of their own institution, mostly in their primary
  and secondary area, and keep 30 EC of electives;
- masters require outcomes their pre-master catalogue teaches (6–30 items, some ``any_of``)
  and EC in their primary area; caps are 30 EC or 60 EC;
- minors of 30 EC (at most) gather introductory courses of one area of the master side.

Same seed, same catalogue. :func:`build` returns an
:class:`~articulation.curriculum.catalogue.Catalogue`
directly; :func:`write_curricula` writes the same catalogue as a curricula directory of YAML.

>>> cat = build(FACULTY)
>>> len(cat.courses), len(cat.outcomes), len(cat.bachelors), len(cat.masters)
(300, 400, 4, 6)
"""

from __future__ import annotations

import bisect
import itertools
import random
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from articulation.curriculum.catalogue import Catalogue, Programme
from articulation.curriculum.model import (
    AnyOf,
    AreaRequirement,
    Bachelor,
    Course,
    Master,
    Minor,
    Outcome,
    OutcomeAt,
    Premaster,
    Requirement,
    StudyWindow,
)

AREA_NAMES = (
    "mathematics",
    "programming",
    "physics",
    "electronics",
    "mechanics",
    "design",
    "management",
    "research",
    "statistics",
    "chemistry",
    "biology",
    "psychology",
    "economics",
    "philosophy",
    "communication",
    "materials",
    "control",
    "data",
    "networks",
    "ethics",
)

INSTITUTIONS = ("VU", "UT", "UVA", "TUD", "TUE", "UU", "RUG", "LEI", "RU", "EUR", "UM", "WUR")


@dataclass(frozen=True)
class Scale:
    """How big a synthetic catalogue is."""

    name: str
    courses: int
    outcomes: int
    bachelors: int
    masters: int
    areas: int
    institutions: int
    seed: int = 2026


FACULTY = Scale(
    "faculty", courses=300, outcomes=400, bachelors=4, masters=6, areas=6, institutions=2
)
UNIVERSITY = Scale(
    "university", courses=5_000, outcomes=8_000, bachelors=50, masters=35, areas=12, institutions=2
)
NATIONAL = Scale(
    "national",
    courses=50_000,
    outcomes=60_000,
    bachelors=120,
    masters=80,
    areas=60,
    institutions=12,
)
SCALES = {s.name: s for s in (FACULTY, UNIVERSITY, NATIONAL)}

_TIER_SHARE = (0.4, 0.35, 0.25)
_LEVELS = {1: (2, 3), 2: (3, 4), 3: (4, 5)}
_BRIDGING_SHARE = {1: 0.6, 2: 0.45, 3: 0.25}
_ECTS = (3, 4, 5, 5, 5, 5, 6, 6, 7.5, 10)


def _area_names(n: int) -> list[str]:
    names = list(AREA_NAMES[:n])
    names += [f"area-{i:02d}" for i in range(len(names), n)]
    return names


def _split(total: int, shares: Sequence[float]) -> list[int]:
    counts = [int(total * s) for s in shares]
    counts[0] += total - sum(counts)
    return counts


class _Weighted:
    """Draws from a fixed list with fixed weights, quickly."""

    def __init__(self, items: Sequence[Any], weights: Sequence[float]):
        self.items = list(items)
        self.cumulative = list(itertools.accumulate(weights))

    def draw(self, rng: random.Random) -> Any:
        x = rng.random() * self.cumulative[-1]
        return self.items[bisect.bisect_right(self.cumulative, x)]


CORE = 4  # per area and tier: the outcomes (nearly) every programme of the area teaches
CORE_SHARE = 0.8


def _popularity(n: int) -> list[float]:
    """A core of ``CORE`` outcomes drawn ``CORE_SHARE`` of the time, then a Zipf tail."""
    tail = [1.0 / (i + 1) for i in range(CORE, n)]
    if not tail:
        return [1.0] * n
    core = CORE_SHARE / (1 - CORE_SHARE) * sum(tail) / CORE
    return [core] * min(CORE, n) + tail


def build(scale: Scale, seed: int | None = None) -> Catalogue:
    """A seeded synthetic catalogue at ``scale``."""
    rng = random.Random(scale.seed if seed is None else seed)
    areas = _area_names(scale.areas)
    institutions = list(INSTITUTIONS[: scale.institutions])

    # --- outcomes: per area and tier, in popularity order --------------------------------------
    outcomes: list[Outcome] = []
    bucket_outcomes: dict[tuple[str, int], list[str]] = {}
    per_area = _split(scale.outcomes, [1 / len(areas)] * len(areas))
    for area, n in zip(areas, per_area, strict=True):
        for tier, k in enumerate(_split(n, _TIER_SHARE), start=1):
            ids = [f"{area}.t{tier}-{i:05d}" for i in range(k)]
            bucket_outcomes[(area, tier)] = ids
            outcomes += [Outcome(id=o, title=f"{area} outcome {o[-5:]}", area=area) for o in ids]
    popular = {key: _Weighted(ids, _popularity(len(ids))) for key, ids in bucket_outcomes.items()}

    # --- courses: institution, area, tier; teaches; bridging ---------------------------------
    plan: list[tuple[str, str, int]] = []
    per_institution = _split(scale.courses, [1 / len(institutions)] * len(institutions))
    for inst, n in zip(institutions, per_institution, strict=True):
        for i in range(n):
            area = areas[i % len(areas)]
            tier = 1 + bisect.bisect_right(list(itertools.accumulate(_TIER_SHARE)), rng.random())
            plan.append((inst, area, min(tier, 3)))
    cursor = {key: 0 for key in bucket_outcomes}
    shuffled = {key: rng.sample(ids, len(ids)) for key, ids in bucket_outcomes.items()}
    teaches_of: list[dict[str, int]] = []
    for _inst, area, tier in plan:
        key = (area, tier)
        k = rng.choices((1, 2, 3), weights=(0.35, 0.4, 0.25))[0]
        chosen = [popular[key].draw(rng)]
        pool = shuffled[key]
        if k > 1 and rng.random() < 0.4:
            second = popular[key].draw(rng)
            if second not in chosen:
                chosen.append(second)
        while len(chosen) < min(k, len(pool)):
            candidate = pool[cursor[key] % len(pool)]
            cursor[key] += 1
            if candidate not in chosen:
                chosen.append(candidate)
        low, high = _LEVELS[tier]
        teaches_of.append({o: rng.randint(low, high) for o in chosen})

    codes = [f"{inst}-{area[:4].upper()}{i:06d}" for i, (inst, area, _t) in enumerate(plan)]
    by_bucket: dict[tuple[str, str, int], list[int]] = {}
    for i, (inst, area, tier) in enumerate(plan):
        by_bucket.setdefault((inst, area, tier), []).append(i)
    taught_max: dict[str, int] = {}
    for teaches in teaches_of:
        for o, level in teaches.items():
            taught_max[o] = max(taught_max.get(o, 0), level)

    bridging = [inst != "VU" and rng.random() < _BRIDGING_SHARE[tier] for inst, _area, tier in plan]
    courses: list[tuple[str, Course]] = []
    for i, (inst, area, tier) in enumerate(plan):
        prerequisites: list[list[str]] = []
        weights = (0.4, 0.4, 0.2) if tier == 2 else (0.2, 0.5, 0.3)
        n_groups = 0 if tier == 1 else rng.choices((0, 1, 2), weights=weights)[0]
        for _ in range(n_groups):
            group: list[str] = []
            for _ in range(rng.choice((1, 1, 2, 2, 3))):
                lower = rng.randint(1, tier - 1)
                same = by_bucket.get((inst, area, lower), [])
                if bridging[i]:  # a pre-master course mostly builds on pre-master courses
                    same = [j for j in same if bridging[j]] or same
                if same and rng.random() < 0.5:
                    member = codes[rng.choice(same)]
                else:
                    outcome = popular[(area, lower)].draw(rng)
                    if outcome not in taught_max:
                        continue
                    member = f"{outcome}@{rng.randint(2, min(3, taught_max[outcome]))}"
                if member not in group:
                    group.append(member)
            if group:
                prerequisites.append(group)
        course = Course(
            code=codes[i],
            title=f"{area.title()} {tier}{i:05d}",
            ects=rng.choice(_ECTS),
            teaches=teaches_of[i],
            prerequisites=prerequisites,
            bridging=bridging[i],
        )
        courses.append((inst, course))

    programmes: list[Programme] = []
    programmes += _bachelors(scale, rng, areas, institutions, courses)
    programmes += _masters(scale, rng, areas, institutions, courses, popular, programmes)
    programmes += _minors(scale, rng, areas, courses)
    return Catalogue.build(outcomes, courses, programmes)


def _minors(
    scale: Scale, rng: random.Random, areas: list[str], courses: list[tuple[str, Course]]
) -> list[Minor]:
    """One 30 EC minor of the master side per area (up to ``scale.masters // 3``), open to all."""
    result = []
    for k, area in enumerate(areas[: max(1, scale.masters // 3)]):
        options = [
            c
            for inst, c in courses
            if inst == "UT" and c.bridging and not c.prerequisites and _course_area(c) == area
        ]
        chosen: list[Course] = []
        ects = 0.0
        for course in rng.sample(options, len(options)):
            if ects + course.ects <= 30:
                chosen.append(course)
                ects += course.ects
        if chosen:
            result.append(
                Minor(
                    kind="minor",
                    code=f"UT-MINOR-{k:03d}",
                    name=f"Minor {area}",
                    institution="UT",
                    ects=ects,
                    courses=sorted(c.code for c in chosen),
                )
            )
    return result


def _bachelors(
    scale: Scale,
    rng: random.Random,
    areas: list[str],
    institutions: list[str],
    courses: list[tuple[str, Course]],
) -> list[Bachelor]:
    # bachelors belong to the non-UT institutions (VU first); popular courses are taken more
    homes = [inst for inst in institutions if inst != "UT"]
    by_inst_area: dict[tuple[str, str], _Weighted] = {}
    grouped: dict[tuple[str, str], list[Course]] = {}
    for inst, course in courses:
        grouped.setdefault((inst, _course_area(course)), []).append(course)
    for key, items in grouped.items():
        weights = [sum(1.0 / (1 + int(o[-5:])) for o in c.teaches) for c in items]
        by_inst_area[key] = _Weighted(items, weights)
    result = []
    for b in range(scale.bachelors):
        inst = homes[b % len(homes)]
        primary = areas[b % len(areas)]
        secondary = areas[(b * 7 + 3) % len(areas)]
        chosen: dict[str, Course] = {}
        ects = 0.0
        while ects < 150:
            r = rng.random()
            area = primary if r < 0.65 else secondary if r < 0.85 else rng.choice(areas)
            pick = by_inst_area.get((inst, area))
            if pick is None:
                continue
            course = pick.draw(rng)
            if course.code not in chosen:
                chosen[course.code] = course
                ects += course.ects
        result.append(
            Bachelor(
                kind="bachelor",
                code=f"{inst}-B-{b:03d}",
                name=f"Bachelor {b} ({primary})",
                institution=inst,
                ects=180,
                courses=sorted(chosen),
                electives=30,
            )
        )
    return result


def _course_area(course: Course) -> str:
    return next(iter(course.teaches)).split(".")[0]


def _masters(
    scale: Scale,
    rng: random.Random,
    areas: list[str],
    institutions: list[str],
    courses: list[tuple[str, Course]],
    popular: dict[tuple[str, int], _Weighted],
    programmes: list[Programme],
) -> list[Master]:
    others = [inst for inst in institutions if inst not in ("VU",)]
    bridgeable: dict[str, dict[str, int]] = {}  # institution -> outcome -> max bridging level
    for inst, course in courses:
        if course.bridging:
            levels = bridgeable.setdefault(inst, {})
            for o, level in course.teaches.items():
                levels[o] = max(levels.get(o, 0), level)
    bachelors = [p.code for p in programmes]
    result = []
    for m in range(scale.masters):
        inst = "UT" if len(institutions) == 2 else others[m % len(others)]
        catalogue = sorted({inst, *rng.sample(others, min(len(others), 1 + m % 2))})
        if len(institutions) == 2:
            catalogue = ["UT"]
        teach = {}
        for c in catalogue:
            for o, level in bridgeable.get(c, {}).items():
                teach[o] = max(teach.get(o, 0), level)
        primary = areas[m % len(areas)]
        secondary = areas[(m + 1 + m // len(areas)) % len(areas)]
        n_items = rng.randint(6, 30)
        items: list[Requirement] = []
        seen: set[str] = set()
        attempts = 0
        while len(items) < n_items and attempts < 50 * n_items:
            attempts += 1
            r = rng.random()
            area = primary if r < 0.75 else secondary if r < 0.93 else rng.choice(areas)
            tier = rng.choices((1, 2, 3), weights=(0.5, 0.35, 0.15))[0]
            outcome = popular[(area, tier)].draw(rng)
            if outcome in seen or outcome not in teach:
                continue
            seen.add(outcome)
            req = OutcomeAt(outcome=outcome, level=_required_level(rng, teach[outcome]))
            if rng.random() < 0.15:
                alt = popular[(area, tier)].draw(rng)
                if alt not in seen and alt in teach:
                    seen.add(alt)
                    other = OutcomeAt(outcome=alt, level=_required_level(rng, teach[alt]))
                    items.append(AnyOf(any_of=[req, other]))
                    continue
            items.append(req)
        items.append(AreaRequirement(area=primary, min_ects=rng.choice((15, 20, 25, 30))))
        if rng.random() < 0.5:
            items.append(AreaRequirement(area=secondary, min_ects=rng.choice((10, 15))))
        direct = [rng.choice(bachelors)] if rng.random() < 0.1 else []
        result.append(
            Master(
                kind="master",
                code=f"{inst}-M-{m:03d}",
                name=f"Master {m} ({primary})",
                institution=inst,
                ects=120,
                requires=items,
                premaster=Premaster(max_ects=30 if rng.random() < 0.7 else 60, catalogue=catalogue),
                direct_admission=direct,
            )
        )
    return result


def _required_level(rng: random.Random, taught: int) -> int:
    """Mostly 'apply', never above what the pre-master catalogue teaches."""
    return min(taught, rng.choices((2, 3, 4), weights=(0.4, 0.5, 0.1))[0])


def hard_cover(
    courses: int = 300,
    outcomes: int = 70,
    masters: int = 6,
    missing: int = 4,
    seed: int = 11,
) -> Catalogue:
    """A catalogue of hard set covers, for deadlines: ``courses`` UT bridging courses without
    prerequisites, each teaching 4–8 of ``outcomes`` outcomes; ``masters`` masters (UT-M-H00…)
    that each require all but ``missing`` of them, with room for any programme (cap 200 EC), so
    that a minimum-EC programme takes CP-SAT far longer than seconds to prove; and one easy
    master, UT-M-E00 (three outcomes), assessed first. One bachelor, VU-B-HARD, without elective
    space, has passed none of them.

    >>> cat = hard_cover()
    >>> len(cat.courses), [m.code for m in cat.masters][:2]
    (301, ['UT-M-E00', 'UT-M-H00'])
    """
    rng = random.Random(seed)
    ids = [f"hard.o{i:03d}" for i in range(outcomes)]
    vocabulary = [Outcome(id=o, title=f"Outcome {o[-3:]}", area="hard") for o in ids]
    vocabulary.append(Outcome(id="hard.base", title="Base outcome", area="hard"))
    pairs = [("VU", Course(code="VU-BASE", title="Base", ects=6, teaches={"hard.base": 3}))]
    for i in range(courses):
        taught = rng.sample(ids, rng.randint(4, 8))
        course = Course(
            code=f"UT-H{i:04d}",
            title=f"Hard {i}",
            ects=rng.choice((3, 4, 5, 6, 7.5)),
            teaches=dict.fromkeys(taught, 3),
            bridging=True,
        )
        pairs.append(("UT", course))
    programmes: list[Programme] = [
        Bachelor(
            kind="bachelor",
            code="VU-B-HARD",
            name="Hard bachelor",
            institution="VU",
            ects=180,
            courses=["VU-BASE"],
            electives=0,
            # a whole year for a minor, so that minor design stays a hard set cover
            minor_window=StudyWindow(institution="UT", periods=["Q1-Q4"]),
        )
    ]

    def master(code: str, name: str, needs: Sequence[str]) -> Master:
        return Master(
            kind="master",
            code=code,
            name=name,
            institution="UT",
            ects=120,
            requires=[OutcomeAt(outcome=o, level=3) for o in sorted(needs)],
            premaster=Premaster(max_ects=200, catalogue=["UT"], ceiling=300),
        )

    programmes.append(master("UT-M-E00", "Easy master", ids[:3]))
    for m in range(masters):
        programmes.append(
            master(f"UT-M-H{m:02d}", f"Hard master {m}", rng.sample(ids, outcomes - missing))
        )
    return Catalogue.build(vocabulary, pairs, programmes)


def write_curricula(catalogue: Catalogue, root: str | Path) -> Path:
    """Write ``catalogue`` as a curricula directory that ``articulation --curricula`` loads."""
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)

    def dump(path: Path, data: Any) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(yaml.safe_dump(data, sort_keys=False, width=100), encoding="utf-8")

    dump(
        root / "outcomes.yaml",
        {
            "outcomes": [
                o.model_dump(mode="json", exclude_none=True) for o in catalogue.outcomes.values()
            ]
        },
    )
    per_institution: dict[str, list[dict[str, Any]]] = {}
    for code, course in catalogue.courses.items():
        data = course.model_dump(mode="json", exclude_defaults=True)
        per_institution.setdefault(catalogue.institution_of[code], []).append(data)
    for inst, items in per_institution.items():
        dump(root / inst.lower() / "courses.yaml", {"institution": inst, "courses": items})
    folders = {"bachelor": "bachelors", "master": "masters", "minor": "minors"}
    for programme in catalogue.programmes.values():
        data = programme.model_dump(mode="json", exclude_defaults=True)
        data = {"kind": programme.kind, **{k: v for k, v in data.items() if k != "kind"}}
        folder = root / programme.institution.lower() / folders[programme.kind]
        dump(folder / f"{programme.code.lower()}.yaml", data)
    return root


def main(argv: Sequence[str] | None = None) -> None:
    """``python -m benchmarks.synthetic SCALE DIR``: write a synthetic curricula directory."""
    import argparse

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("scale", choices=sorted(SCALES))
    parser.add_argument("directory", type=Path)
    parser.add_argument("--seed", type=int, default=None)
    args = parser.parse_args(argv)
    write_curricula(build(SCALES[args.scale], args.seed), args.directory)


if __name__ == "__main__":
    main()
