"""CurricularAnalytics' structural metrics of a curriculum.

`CurricularAnalytics.jl <https://github.com/CurricularAnalytics/CurricularAnalytics.jl>`_
measures the prerequisite structure of a curriculum (read from its CSV format, see
:mod:`articulation.interop.ca_format`). This module computes the metrics as CurricularAnalytics.jl
v2.1.0 defines them (``src/CurricularAnalytics.jl``: ``blocking_factor``, ``delay_factor``,
``centrality``, ``complexity``), over the graph with an edge from every requisite (pre-, co- and
strict co-requisite alike, as its ``create_graph!`` draws them) to the course:

- **blocking factor** of a course: the number of courses reachable from it;
- **delay factor**: the number of courses on the longest path through it (1 for a course on no
  path);
- **centrality**: 0 for a source or a sink; otherwise the summed lengths (in courses) of all the
  source-to-sink paths that pass through it;
- **structural complexity**: delay factor + blocking factor (in a quarter system, ⅔ of that,
  rounded to one decimal, as CurricularAnalytics does);

each also in total, the sum over the courses.

CurricularAnalytics enumerates every source-to-sink path, which grows exponentially with the
curriculum. Here the same values come from dynamic programming over a topological order:
longest paths into and out of each course for the delay factor, the number and summed length of
the paths into and out of each course for centrality, reachability sets (as bit sets) for the
blocking factor; each is linear in the edges (times n/64 words for the blocking factor). The
tests check the values against a path-enumerating implementation on random curricula and
against the values CurricularAnalytics.jl's own tests and documentation assert.

>>> from articulation.interop.ca_format import parse_csv
>>> ca = parse_csv("Curriculum,Tiny\\nCourses\\n"
...     "Course ID,Course Name,Prefix,Number,Prerequisites,Corequisites,"
...     "Strict-Corequisites,Credit Hours,Institution,Canonical Name\\n"
...     "1,Calculus,MA,1,,,,3,,\\n2,Mechanics,PH,2,1,,,3,,\\n", "tiny.csv")
>>> curricular_metrics(ca).to_json()["complexity"]
{'total': 5, 'courses': {'MA-1': 3, 'PH-2': 2}}
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import networkx as nx

from articulation.curriculum.catalogue import Catalogue
from articulation.interop.ca_format import CACurriculum, CurricularError, from_bachelor, write_csv

METRICS = ("blocking_factor", "delay_factor", "centrality", "complexity")
#: The version of CurricularAnalytics.jl whose definitions the metrics follow.
CA_VERSION = "2.1.0"


def curriculum_graph(curriculum: CACurriculum) -> nx.DiGraph:
    """The curriculum graph: a node per course ID (in ID order), an edge from every requisite
    (pre-, co- or strict co-) to its course."""
    graph = nx.DiGraph()
    graph.add_nodes_from(c.id for c in curriculum.courses)
    for course in curriculum.courses:
        graph.add_edges_from((r, course.id) for r in course.requisites)
    return graph


def blocking_factors(graph: nx.DiGraph, order: list[int]) -> dict[int, int]:
    """The number of courses reachable from each course: reachability sets as bit sets, built
    from the sinks back (``order`` is a topological order).

    >>> g = nx.DiGraph([(1, 2), (1, 3), (2, 4)])
    >>> blocking_factors(g, [1, 2, 3, 4])
    {4: 0, 3: 0, 2: 1, 1: 3}
    """
    bit = {v: 1 << i for i, v in enumerate(order)}
    reach: dict[int, int] = {}
    for v in reversed(order):
        seen = 0
        for w in graph.successors(v):
            seen |= bit[w] | reach[w]
        reach[v] = seen
    return {v: seen.bit_count() for v, seen in reach.items()}


def delay_factors(graph: nx.DiGraph, order: list[int]) -> dict[int, int]:
    """The number of courses on the longest path through each course: the longest path that
    ends at it plus the longest that starts at it, less the course counted twice.

    >>> g = nx.DiGraph([(1, 2), (1, 3), (2, 4), (3, 4)])  # CA's delay-factor "diamond"
    >>> delay_factors(g, [1, 2, 3, 4])
    {1: 3, 2: 3, 3: 3, 4: 3}
    """
    into: dict[int, int] = {}
    for v in order:
        into[v] = 1 + max((into[u] for u in graph.predecessors(v)), default=0)
    out: dict[int, int] = {}
    for v in reversed(order):
        out[v] = 1 + max((out[w] for w in graph.successors(v)), default=0)
    return {v: into[v] + out[v] - 1 for v in order}


def centralities(graph: nx.DiGraph, order: list[int]) -> dict[int, int]:
    """The summed lengths of the source-to-sink paths through each course that is neither a
    source nor a sink (0 for those).

    For a course ``v``: ``a`` paths from the sources end at ``v``, ``la`` courses in total on
    them; ``b`` paths from ``v`` reach the sinks, ``lb`` courses on them. Each of the ``a * b``
    source-to-sink paths through ``v`` joins one of each, counting ``v`` once, so their lengths
    add up to ``la * b + a * lb - a * b``.

    >>> g = nx.DiGraph([(1, 3), (2, 3), (3, 4)])  # CA's documentation, metrics example (b)
    >>> centralities(g, [1, 2, 3, 4])
    {1: 0, 2: 0, 3: 6, 4: 0}
    """
    a: dict[int, int] = {}
    la: dict[int, int] = {}
    for v in order:
        preds = list(graph.predecessors(v))
        a[v] = sum(a[u] for u in preds) if preds else 1
        la[v] = sum(la[u] + a[u] for u in preds) if preds else 1
    b: dict[int, int] = {}
    lb: dict[int, int] = {}
    for v in reversed(order):
        succs = list(graph.successors(v))
        b[v] = sum(b[w] for w in succs) if succs else 1
        lb[v] = sum(lb[w] + b[w] for w in succs) if succs else 1
    return {
        v: la[v] * b[v] + a[v] * lb[v] - a[v] * b[v]
        if graph.in_degree(v) and graph.out_degree(v)
        else 0
        for v in order
    }


@dataclass(frozen=True)
class CurricularMetrics:
    """The metrics of a curriculum, per course (by key, in the curriculum's order) and in total."""

    courses: tuple[str, ...]
    names: dict[str, str]
    blocking_factor: dict[str, int]
    delay_factor: dict[str, int]
    centrality: dict[str, int]
    complexity: dict[str, float]
    notes: tuple[str, ...] = ()

    def total(self, metric: str) -> float:
        value = sum(getattr(self, metric).values())
        return round(value, 1) if isinstance(value, float) else value

    def to_json(self) -> dict[str, Any]:
        """``{"blocking_factor": {"total": 8, "courses": {code: value}}, ...}``."""
        return {
            metric: {
                "total": _number(self.total(metric)),
                "courses": {key: _number(value) for key, value in getattr(self, metric).items()},
            }
            for metric in METRICS
        }


def _number(value: float) -> float:
    return int(value) if float(value).is_integer() else value


def curricular_metrics(curriculum: CACurriculum) -> CurricularMetrics:
    """Blocking factor, delay factor, centrality and structural complexity of every course, as
    CurricularAnalytics.jl v2.1.0 defines them (see the module's documentation).

    Raises :class:`CurricularError` when the requisites form a cycle (the metrics are defined on
    acyclic curricula only).
    """
    graph = curriculum_graph(curriculum)
    if not nx.is_directed_acyclic_graph(graph):
        cycle = nx.find_cycle(graph)
        keys = curriculum.keys()
        loop = " → ".join(keys[u] for u, _ in cycle) + f" → {keys[cycle[0][0]]}"
        raise CurricularError(curriculum.name, None, "Prerequisites", f"requisite cycle: {loop}")
    keys = curriculum.keys()
    order = list(nx.topological_sort(graph))
    blocking = blocking_factors(graph, order)
    delay = delay_factors(graph, order)
    centrality = centralities(graph, order)
    complexity: dict[int, float] = {v: delay[v] + blocking[v] for v in graph.nodes}
    if curriculum.system_type == "quarter":
        complexity = {v: round(h * 2 / 3, 1) for v, h in complexity.items()}
    ids = [c.id for c in curriculum.courses]
    return CurricularMetrics(
        courses=tuple(keys[v] for v in ids),
        names={keys[c.id]: c.name for c in curriculum.courses},
        blocking_factor={keys[v]: blocking[v] for v in ids},
        delay_factor={keys[v]: delay[v] for v in ids},
        centrality={keys[v]: centrality[v] for v in ids},
        complexity={keys[v]: complexity[v] for v in ids},
        notes=curriculum.notes,
    )


def bachelor_complexity(catalogue: Catalogue, code: str) -> float | None:
    """The structural complexity (total) of a bachelor's common courses, or None when its
    prerequisites through outcomes form a cycle."""
    try:
        return curricular_metrics(from_bachelor(catalogue, code)).total("complexity")
    except CurricularError:
        return None


def metric_rows(metrics: CurricularMetrics) -> Iterable[tuple[str, str, list[float]]]:
    """(key, name, [blocking, delay, centrality, complexity]) per course, for tables."""
    for key in metrics.courses:
        yield key, metrics.names[key], [getattr(metrics, m)[key] for m in METRICS]


#: The columns CurricularAnalytics.jl's ``write_csv(...; metrics=true)`` adds, in its order
#: (``src/DataHandler.jl``, ``write_csv_content``).
CSV_COLUMNS = ("Complexity", "Blocking", "Delay", "Centrality")


def metrics_csv(curriculum: CACurriculum, metrics: CurricularMetrics) -> str:
    """The curriculum as a CurricularAnalytics CSV file with the metric columns CA's own writer
    adds after the others: complexity, blocking factor, delay factor, centrality per course."""
    keys = curriculum.keys()
    values = {
        c.id: [
            f"{_number(metrics.complexity[keys[c.id]]):g}",
            str(metrics.blocking_factor[keys[c.id]]),
            str(metrics.delay_factor[keys[c.id]]),
            str(metrics.centrality[keys[c.id]]),
        ]
        for c in curriculum.courses
    }
    return write_csv(curriculum, CSV_COLUMNS, values)
