"""CurricularAnalytics' structural metrics of a curriculum.

`CurricularAnalytics.jl <https://github.com/CurricularAnalytics/CurricularAnalytics.jl>`_
measures the prerequisite structure of a curriculum (read from its CSV format, see
:mod:`articulation.interop.ca_format`). This module computes the metrics as CurricularAnalytics
defines them, over the graph with an edge from every requisite (pre-, co- and strict
co-requisite alike) to the course:

- **blocking factor** of a course: the number of courses reachable from it;
- **delay factor**: the number of courses on the longest path through it;
- **centrality**: the summed lengths (in courses) of the source-to-sink paths that pass through
  it;
- **structural complexity**: delay factor + blocking factor (in a quarter system, ⅔ of that,
  rounded to one decimal, as CurricularAnalytics does);

each also in total, the sum over the courses.

The values are CurricularAnalytics' own: its path searches are reproduced step by step
(:func:`delay_factors`, :func:`all_paths`), so where they keep one of several tied paths the
numbers are CA's, not the textbook formula's (its published examples depend on this; the tests
check them).

>>> from articulation.interop.ca_format import parse_csv
>>> ca = parse_csv("Curriculum,Tiny\\nCourses\\n"
...     "Course ID,Course Name,Prefix,Number,Prerequisites,Corequisites,"
...     "Strict-Corequisites,Credit Hours,Institution,Canonical Name\\n"
...     "1,Calculus,MA,1,,,,3,,\\n2,Mechanics,PH,2,1,,,3,,\\n", "tiny.csv")
>>> curricular_metrics(ca).to_json()["complexity"]
{'total': 5, 'courses': {'MA-1': 3, 'PH-2': 2}}
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import networkx as nx

from articulation.curriculum.catalogue import Catalogue
from articulation.interop.ca_format import CACurriculum, CurricularError, from_bachelor

METRICS = ("blocking_factor", "delay_factor", "centrality", "complexity")


def curriculum_graph(curriculum: CACurriculum) -> nx.DiGraph:
    """The curriculum graph: a node per course ID (in ID order), an edge from every requisite
    (pre-, co- or strict co-) to its course."""
    graph = nx.DiGraph()
    graph.add_nodes_from(c.id for c in curriculum.courses)
    for course in curriculum.courses:
        graph.add_edges_from((r, course.id) for r in course.requisites)
    return graph


def all_paths(graph: nx.DiGraph) -> list[list[int]]:
    """The source-to-sink paths as CurricularAnalytics' ``all_paths`` (GraphAlgs.jl) lists them:
    walking back from each sink (in node order) through the in-neighbours in node order.

    Like CurricularAnalytics it keeps one path where a course has several requisites that are
    sources (its published values rest on this); see :func:`curricular_metrics`.

    >>> g = nx.DiGraph([(1, 3), (2, 3), (3, 4)])
    >>> all_paths(g)
    [[2, 3, 4]]
    """
    order = {v: i for i, v in enumerate(graph.nodes)}
    preds = {v: sorted(graph.predecessors(v), key=order.__getitem__) for v in graph.nodes}
    paths: list[list[int]] = []
    for sink in graph.nodes:
        if graph.out_degree(sink) or not graph.in_degree(sink):
            continue
        queue = deque([[sink]])
        while queue:
            path = queue.popleft()
            for i, u in enumerate(preds[path[0]]):
                if i == 0:
                    path.insert(0, u)
                else:
                    path[0] = u
                if not preds[u]:
                    if path not in paths:
                        paths.append(path)  # the same list on: as CA, later heads overwrite it
                else:
                    queue.append(list(path))
    return paths


def delay_factors(graph: nx.DiGraph) -> dict[int, int]:
    """The delay factor of every course as CurricularAnalytics computes it: from each course
    with successors, one longest path to every course it reaches (LightGraphs' Dijkstra search
    on weights -1, ties kept as found first); a course's delay factor is the most courses on
    such a path through it (1 on none).

    Where two longest paths tie, CA keeps one, so a course on the other counts less than the
    longest path through it (its published example: 4, not 5).

    >>> delay_factors(nx.DiGraph([(1, 2), (2, 3)]))
    {1: 3, 2: 3, 3: 3}
    """
    order = {v: i for i, v in enumerate(graph.nodes)}
    succ = {v: sorted(graph.successors(v), key=order.__getitem__) for v in graph.nodes}
    delay = dict.fromkeys(graph.nodes, 1)
    for source in graph.nodes:
        if not succ[source]:
            continue
        parents = _longest_path_tree(succ, source)
        for target in graph.nodes:
            path = []
            v = target
            while v in parents:
                path.append(v)
                v = parents[v]
            if path:
                path.append(v)
                for u in path:
                    delay[u] = max(delay[u], len(path))
    return delay


def _longest_path_tree(succ: dict[int, list[int]], source: int) -> dict[int, int]:
    """The parent of each course reached from ``source`` in LightGraphs'
    ``dijkstra_shortest_paths(g, source, -weights(g))``, with its priority queue's order."""
    dist = {source: 0}
    parents: dict[int, int] = {}
    queue = _PriorityQueue()
    queue.set(source, 0)
    while queue:
        u = queue.pop()
        for v in succ[u]:
            alt = dist[u] - 1
            if v not in dist or alt < dist[v]:
                dist[v], parents[v] = alt, u
                queue.set(v, alt)
    return parents


class _PriorityQueue:
    """DataStructures.jl's PriorityQueue (a binary heap; equal priorities keep their order as
    it does), enough for :func:`_longest_path_tree`."""

    def __init__(self) -> None:
        self.items: list[list[int]] = []  # [key, priority]
        self.index: dict[int, int] = {}

    def __bool__(self) -> bool:
        return bool(self.items)

    def set(self, key: int, priority: int) -> None:
        if key in self.index:
            i = self.index[key]
            old = self.items[i][1]
            self.items[i] = [key, priority]
            if priority < old:
                self._up(i)
            else:
                self._down(i)
        else:
            self.items.append([key, priority])
            self._up(len(self.items) - 1)

    def pop(self) -> int:
        first = self.items[0]
        last = self.items.pop()
        del self.index[first[0]]
        if self.items:
            self.items[0] = last
            self._down(0)
        return first[0]

    def _up(self, i: int) -> None:
        item = self.items[i]
        while i > 0:
            parent = (i - 1) // 2
            if item[1] < self.items[parent][1]:
                self._place(self.items[parent], i)
                i = parent
            else:
                break
        self._place(item, i)

    def _down(self, i: int) -> None:
        item = self.items[i]
        n = len(self.items)
        while (left := 2 * i + 1) < n:
            right = left + 1
            j = left if right >= n or self.items[left][1] < self.items[right][1] else right
            if self.items[j][1] < item[1]:
                self._place(self.items[j], i)
                i = j
            else:
                break
        self._place(item, i)

    def _place(self, item: list[int], i: int) -> None:
        self.items[i] = item
        self.index[item[0]] = i


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
    CurricularAnalytics computes them (see the module's documentation).

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
    centrality = dict.fromkeys(graph.nodes, 0)
    for path in all_paths(graph):
        if len(path) > 2:
            for v in path[1:-1]:
                centrality[v] += len(path)
    blocking = {v: len(nx.descendants(graph, v)) for v in graph.nodes}
    delay = delay_factors(graph)
    complexity: dict[int, float] = {v: delay[v] + blocking[v] for v in graph.nodes}
    if curriculum.system_type == "quarter":
        complexity = {v: round(h * 2 / 3, 1) for v, h in complexity.items()}
    order = [c.id for c in curriculum.courses]
    return CurricularMetrics(
        courses=tuple(keys[v] for v in order),
        names={keys[c.id]: c.name for c in curriculum.courses},
        blocking_factor={keys[v]: blocking[v] for v in order},
        delay_factor={keys[v]: delay[v] for v in order},
        centrality={keys[v]: centrality[v] for v in order},
        complexity={keys[v]: complexity[v] for v in order},
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
