"""Render the results table of ``benchmarks/README.md`` from a pytest-benchmark JSON file.

``python -m benchmarks.summary benchmarks/results/latest.json`` prints the Markdown;
``--write benchmarks/README.md`` replaces the part of that file between the
``<!-- results:start -->`` and ``<!-- results:end -->`` markers; ``--targets README.md`` puts
the rows that carry a target (met or not) between that file's ``<!-- targets:start -->`` and
``<!-- targets:end -->`` markers.
"""

from __future__ import annotations

import argparse
import json
import statistics
from collections.abc import Sequence
from pathlib import Path
from typing import Any

START, END = "<!-- results:start -->", "<!-- results:end -->"
TARGETS_START, TARGETS_END = "<!-- targets:start -->", "<!-- targets:end -->"
HEADER = "| measurement | result | baseline in the same run | ratio | target |"

# targets on the 2-core machine (issue: benchmarks)
SCAN_TARGET_S = 3.0
QUERY_P95_TARGET_MS = 10.0
ORLIB_TARGET_S = 1.0
API_P95_TARGET_MS = 50.0
API_P95_VS_HEALTH_TARGET = 3.0  # the eligibility p95 within this many times /health's p95
PAGE_VS_API_TARGET = 1.2  # the student page's p95 within this many times the API's
# targets of the serving and scaling issue: ratios within one run
SCAN_SPEEDUP_TARGET = 1.8
SCAN_VS_CPU_LOOP_TARGET = 0.95
DASK_SPEEDUP_TARGET = 1.7
WORKERS_SPEEDUP_TARGET = 1.7
VS_HEALTH_TARGET = 0.5
SHARING_MEDIAN_TARGET = 0.2
SHARING_MAX_TARGET = 1.0
SUITE_RATIO_TARGET = 0.5  # make test against the commit before the quick-suite work
SUITE_TARGET_S = 240.0  # make test on a quiet machine of this kind


def _by_name(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {b["name"]: b for b in data["benchmarks"]}


def _ms(seconds: float) -> str:
    return f"{1000 * seconds:.1f} ms" if seconds < 10 else f"{seconds:.1f} s"


def _s(seconds: float) -> str:
    return f"{seconds:.2f} s"


def _met(ok: bool) -> str:
    return "met" if ok else "**not met**"


def _errors(run: dict[str, Any]) -> str:
    """A ``wrk`` run's errors, with their kinds where there are any: ``1 errors (read 1)``."""
    kinds = ", ".join(f"{k} {n}" for k, n in run.get("error_kinds", {}).items())
    return f"{run['errors']} errors" + (f" ({kinds})" if kinds else "")


def _fit(xs: Sequence[float], ys: Sequence[float]) -> tuple[float, float, float]:
    """Least squares y = a + b x; returns (a, b, r²)."""
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    sxx = sum((x - mx) ** 2 for x in xs)
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True))
    b = sxy / sxx
    a = my - b * mx
    ss_res = sum((y - a - b * x) ** 2 for x, y in zip(xs, ys, strict=True))
    ss_tot = sum((y - my) ** 2 for y in ys)
    return a, b, 1 - ss_res / ss_tot if ss_tot else 1.0


def render(data: dict[str, Any], command: str, suite: dict[str, Any] | None = None) -> str:
    runs = _by_name(data)
    machine = data.get("machine_info", {})
    cpu = machine.get("cpu", {})
    lines = [
        f"Measured {data.get('datetime', '?')[:16].replace('T', ' ')} UTC on "
        f"{cpu.get('brand_raw', machine.get('processor', '?'))}, "
        f"{cpu.get('count', '?')} cores, Python {machine.get('python_version', '?')}, "
        f"commit {data.get('commit_info', {}).get('id', '?')[:10]}"
        f"{' (with local changes)' if data.get('commit_info', {}).get('dirty') else ''}, "
        f"with `{command}`.",
        "",
        HEADER,
        "|---|---|---|---|---|",
    ]

    def row(text: str) -> None:
        lines.append(f"| {text} |")

    # --- one bridging query ----------------------------------------------------------------------
    engine = runs.get("test_query_engine")
    greedy = runs.get("test_query_greedy")
    naive = runs.get("test_query_naive")
    if engine:
        e = engine["extra_info"]
        target = _met(e["p95_ms"] <= QUERY_P95_TARGET_MS)
        row(
            f"one bridging query, university scale, {e['pairs']} pairs (pruning included) | "
            f"p50 {e['p50_ms']:.1f} ms, p95 {e['p95_ms']:.1f} ms, p99 {e['p99_ms']:.1f} ms | | | "
            f"p95 ≤ {QUERY_P95_TARGET_MS:g} ms: {target}"
        )
    if engine and naive:
        n = naive["extra_info"]
        k = n["pairs"]
        same = sum(engine["extra_info"]["round_ms"][:k])
        ratio = sum(n["round_ms"]) / same
        row(
            f"naive model (SCIP MILP on the whole eligible catalogue), first {k} of those pairs | "
            f"engine {same / k:.1f} ms per query | naive {sum(n['round_ms']) / k:.1f} ms per "
            f"query (p95 {n['p95_ms']:.1f} ms) | engine {ratio:.1f}× faster | same EC on every pair"
        )
    if engine and greedy:
        g = greedy["extra_info"]
        ratio = sum(g["round_ms"]) / sum(engine["extra_info"]["round_ms"])
        mean = g["greedy_mean_ratio"]
        row(
            f"greedy heuristic, same {g['pairs']} pairs | of {g['exact_premaster']} pairs with a "
            f"programme: optimal {g['greedy_optimal']}, larger {g['greedy_larger']} (mean "
            f"{mean}× the optimum, max {g['greedy_max_ratio']}×), no programme within the cap "
            f"{g['greedy_missed']} | greedy p50 {g['p50_ms']:.1f} ms, p95 {g['p95_ms']:.1f} ms | "
            f"greedy takes {ratio:.2f}× the engine's time | never proven"
        )

    # --- the scan --------------------------------------------------------------------------------
    one = runs.get("test_scan_university[1]")
    two = runs.get("test_scan_university[2]")
    if one:
        o = one["extra_info"]
        statuses = ", ".join(f"{n} {s}" for s, n in o["statuses"].items())
        row(
            f"full scan, university scale ({o['pairs']} pairs: {statuses}), 1 process | "
            f"{_s(one['stats']['median'])} ({o['ms_per_pair']:.1f} ms per pair) | | | "
        )
    if two:
        speedup = (
            f"{one['stats']['median'] / two['stats']['median']:.2f}× vs 1 process" if one else ""
        )
        ok = two["stats"]["median"] <= SCAN_TARGET_S
        row(
            f"full scan, university scale, 2 processes (every cell proven) | "
            f"{_s(two['stats']['median'])} | 1 process | {speedup} | "
            f"≤ {SCAN_TARGET_S:g} s: {_met(ok)}"
        )

    if one and two:
        speedup = one["stats"]["median"] / two["stats"]["median"]
        cpu = runs.get("test_scale_cpu_reference")
        base = "1 process"
        ok = speedup >= SCAN_SPEEDUP_TARGET
        target = f"≥ {SCAN_SPEEDUP_TARGET:g}×"
        if cpu:
            c = cpu["extra_info"]
            base += (
                f"; a pure CPU loop on 2 processes: {c['speedup']:.2f}× (what this shared "
                "machine allowed in the run)"
            )
            # the alternative: as much of the machine as a CPU loop gets in the same run
            ok = ok or speedup >= SCAN_VS_CPU_LOOP_TARGET * c["speedup"]
            target += f", or ≥ {SCAN_VS_CPU_LOOP_TARGET:g}× the CPU loop's"
        row(
            f"parallel efficiency of the university scan, 2 processes vs 1 (split by bachelor "
            f"rows) | {_s(two['stats']['median'])} vs "
            f"{_s(one['stats']['median'])} | {base} | {speedup:.2f}× | {target}: {_met(ok)}"
        )

    for offerings, label in (("as generated", ""), ("seeded", ", with seeded offerings")):
        plans = runs.get(f"test_plan_university[{offerings}]")
        if not plans:
            continue
        p = plans["extra_info"]
        outcome = ", ".join(f"{n} {s}" for s, n in p["plans"].items())
        row(
            f"university scan with plans{label} ({p['routes']} routes planned: {outcome}; "
            f"{p['changed']} cells change status because a route cannot be planned in time) | "
            f"{_s(p['with_plans_s'])} | the same scan without plans: {_s(p['without_plans_s'])}"
            f" | {p['ratio']:.2f}× | ≤ {p['target_ratio']:g}×: "
            f"{_met(p['ratio'] <= p['target_ratio'])}"
        )

    # --- OR-Library ------------------------------------------------------------------------------
    names = sorted(
        b["extra_info"]["instance"] for k, b in runs.items() if k.startswith("test_orlib_engine")
    )
    for name in names:
        e = runs[f"test_orlib_engine[{name}]"]
        n = runs.get(f"test_orlib_naive[{name}]")
        g = runs.get(f"test_orlib_greedy[{name}]")
        info = e["extra_info"]
        base = []
        if n:
            base.append(f"naive SCIP {_ms(n['stats']['median'])}")
        if g:
            gi = g["extra_info"]
            base.append(f"greedy {_ms(g['stats']['median'])}, {gi['found']:g} EC ({gi['ratio']}×)")
        ratio = f"naive/engine {n['stats']['median'] / e['stats']['median']:.2f}" if n else ""
        ok = e["stats"]["max"] <= ORLIB_TARGET_S
        row(
            f"OR-Library {name}: optimum {info['optimum_ects']:g} EC proven | "
            f"{_ms(e['stats']['median'])} (max {_ms(e['stats']['max'])}) | {'; '.join(base)} | "
            f"{ratio} | ≤ {ORLIB_TARGET_S:g} s: {_met(ok)}"
        )

    # --- national --------------------------------------------------------------------------------
    national = sorted(
        (b["extra_info"]["pairs"], b["stats"]["median"])
        for k, b in runs.items()
        if k.startswith("test_scan_national")
    )
    if len(national) >= 2:
        xs, ys = [p for p, _ in national], [t for _, t in national]
        a, b, r2 = _fit(xs, ys)
        per = ", ".join(f"{p} → {_s(t)} ({1000 * t / p:.0f} ms/pair)" for p, t in national)
        growth = (ys[-1] / xs[-1]) / (ys[0] / xs[0])
        row(
            f"national scale scan (50,000 courses), 1 process | {per} | "
            f"least squares: {1000 * b:.0f} ms per pair + {a:.2f} s, r² = {r2:.3f} | "
            f"time per pair at {xs[-1]} vs {xs[0]} pairs: {growth:.2f}× | linear: "
            f"{_met(r2 >= 0.98)}"
        )
    nq = runs.get("test_query_national")
    if nq:
        q = nq["extra_info"]
        row(
            f"one bridging query, national scale, {q['pairs']} pairs (of the "
            f"{q.get('solved_pairs', q['pairs'])} that reach a model, median "
            f"{q['candidates_median']} candidates after pruning) | p50 {q['p50_ms']:.1f} ms, "
            f"p95 {q['p95_ms']:.1f} ms | | | "
        )

    dask = sorted(
        (b["extra_info"] for k, b in runs.items() if k.startswith("test_scale_national_dask")),
        key=lambda i: i["pairs"],
    )
    for info in dask:
        row(
            f"national matrix on a Dask LocalCluster, 2 workers vs 1, {info['pairs']} pairs"
            f" | {_s(info['two_workers_s'])} ({info['ms_per_pair_two']:.0f} ms/pair)"
            f" | 1 worker: {_s(info['one_worker_s'])} | {info['speedup']:.2f}× | "
            f"≥ {DASK_SPEEDUP_TARGET:g}×: {_met(info['speedup'] >= DASK_SPEEDUP_TARGET)}"
        )
    if len(dask) >= 2:
        growth = dask[-1]["ms_per_pair_two"] / dask[0]["ms_per_pair_two"]
        row(
            f"national matrix on 2 Dask workers: time per pair at {dask[-1]['pairs']} vs "
            f"{dask[0]['pairs']} pairs | {dask[-1]['ms_per_pair_two']:.0f} ms vs "
            f"{dask[0]['ms_per_pair_two']:.0f} ms | | {growth:.2f}× | ≤ 1×: {_met(growth <= 1)}"
        )

    # --- CurricularAnalytics' metrics -------------------------------------------------------------
    ca = runs.get("test_ca_metrics_scale_with_edges_not_paths")
    if ca:
        c = ca["extra_info"]
        row(
            f"CurricularAnalytics metrics, an 800-course chain | {_ms(c['chain_800_s'])} | "
            f"400-course chain: {_ms(c['chain_400_s'])} | {c['chain_ratio']:.2f}× | "
            f"≤ {c['chain_target_ratio']:g}× for twice the courses: "
            f"{_met(c['chain_ratio'] <= c['chain_target_ratio'])}"
        )
        row(
            f"CurricularAnalytics metrics, 6 layers of 8 courses ({c['layered_paths_ratio']}× the "
            f"paths of 6 layers of 4) | {_ms(c['layered_8_s'])} | 6 layers of 4: "
            f"{_ms(c['layered_4_s'])}; walking its 4,096 paths: "
            f"{_ms(c['enumerate_layered_4_s'])} | {c['layered_ratio']:.2f}× | grows with the edges "
            f"(4×), not the paths ({c['layered_paths_ratio']}×): "
            f"{_met(c['layered_ratio'] < c['layered_paths_ratio'])}"
        )

    # --- minor design ----------------------------------------------------------------------------
    for key, label in (
        ("test_minor_flagship", "bundled curricula, Creative Technology"),
        ("test_minor_university", "university scale"),
    ):
        m = runs.get(key)
        if m:
            i = m["extra_info"]
            row(
                f"minor design, {label} × {i['masters']} masters, 30 EC | "
                f"{_ms(m['stats']['median'])}: opens {i['opened']} with {i['total_ects']:g} EC, "
                f"proven | | | "
            )

    # --- memory, CLI -----------------------------------------------------------------------------
    for key in ("test_memory[university]", "test_memory[national]"):
        m = runs.get(key)
        if m:
            i = m["extra_info"]
            row(
                f"memory (RSS), {i['scale']} scale, one process | after the imports "
                f"{i['imports_mb']:g} MB → with the catalogue {i['catalogue_mb']:g} MB → after a "
                f"scan of {i['pairs']} pairs {i['scan_mb']:g} MB; peak {i['peak_mb']:g} MB | | | "
            )
    cli = runs.get("test_cli_scan_faculty")
    if cli:
        row(
            f"`articulation scan --json` with its report, on faculty-scale YAML "
            f"({cli['extra_info']['pairs']} pairs), whole process | "
            f"{_s(cli['stats']['median'])} | | | "
        )
    val = runs.get("test_cli_validate_university")
    if val:
        row(
            f"`articulation validate --json` on university-scale YAML "
            f"({val['extra_info']['files']} files), whole process | {_s(val['stats']['median'])}"
            " | | | "
        )
    # --- API -------------------------------------------------------------------------------------
    api = runs.get("test_api_eligibility")
    health = runs.get("test_api_health")
    if api:
        a = api["extra_info"]
        base = ""
        if health:
            h = health["extra_info"]
            base = (
                f"`GET /health`: {h['requests_per_s']:g} req/s, p50 {h['p50_ms']:g} ms, "
                f"p95 {h['p95_ms']:g} ms, {h['errors']} errors"
            )
        ok = a["p95_ms"] <= API_P95_TARGET_MS and a["errors"] == 0
        vs, vs_ok = "", False
        if health:
            vs = f"{a['p95_ms'] / h['p95_ms']:.1f}× `/health`'s p95"
            vs_ok = a["p95_ms"] <= API_P95_VS_HEALTH_TARGET * h["p95_ms"]
        row(
            f"API `POST /v1/eligibility`, uvicorn on 127.0.0.1, {a['clients']} concurrent clients "
            f"for {a['seconds']:g} s ({a['transcripts']} distinct transcripts, every master) | "
            f"{a['requests_per_s']:g} req/s, p50 {a['p50_ms']:g} ms, p95 {a['p95_ms']:g} ms, "
            f"p99 {a['p99_ms']:g} ms, {a['errors']} errors | {base} | {vs} | "
            f"p95 ≤ {API_P95_TARGET_MS:g} ms, no errors: {_met(ok)}; p95 ≤ "
            f"{API_P95_VS_HEALTH_TARGET:g}× `/health`'s: {_met(vs_ok and a['errors'] == 0)}"
        )
    page = runs.get("test_student_page_against_the_api")
    if page:
        pg = page["extra_info"]
        p, q = pg["page"], pg["api"]
        ok = pg["p95_ratio"] <= PAGE_VS_API_TARGET and p["errors"] == 0 and q["errors"] == 0
        row(
            f"student page (`POST /`, the HTML answer) vs `POST /v1/eligibility`, same server and "
            f"transcripts ({pg['transcripts']}), {p['clients']} clients | p95 {p['p95_ms']:g} ms, "
            f"{p['errors']} errors | API: p95 {q['p95_ms']:g} ms, {q['errors']} errors | "
            f"{pg['p95_ratio']:.2f}× | p95 ≤ {PAGE_VS_API_TARGET:g}× the API's: {_met(ok)}"
        )
    wrk = runs.get("test_scale_eligibility_wrk")
    if wrk:
        w = wrk["extra_info"]
        one, two, h = w["one_worker"], w["two_workers"], w["health_two_workers"]
        errors = one["errors"] + two["errors"] + h["errors"]
        row(
            f"API `POST /v1/eligibility` under `wrk` ({w['connections']} connections, "
            f"{w['seconds']:g} s, {w['transcripts']} distinct transcripts, every master), "
            f"`serve --workers 2` vs 1 | 2 workers: {two['requests_per_s']:g} req/s, "
            f"p50 {two['p50_ms']:g} ms, p99 {two['p99_ms']:g} ms, {_errors(two)} | "
            f"1 worker: {one['requests_per_s']:g} req/s, p99 {one['p99_ms']:g} ms, "
            f"{_errors(one)} | {w['speedup']:.2f}× | ≥ {WORKERS_SPEEDUP_TARGET:g}×, "
            f"0 errors: {_met(w['speedup'] >= WORKERS_SPEEDUP_TARGET and errors == 0)}"
        )
        row(
            f"the same, eligibility vs `GET /health` under the same load, 2 workers | "
            f"{two['requests_per_s']:g} req/s | `/health`: {h['requests_per_s']:g} req/s, "
            f"p99 {h['p99_ms']:g} ms, {_errors(h)} | {w['vs_health']:.2f}× | "
            f"≥ {VS_HEALTH_TARGET:g}×: {_met(w['vs_health'] >= VS_HEALTH_TARGET)}"
        )
    share = runs.get("test_scale_eligibility_sharing")
    if share:
        i = share["extra_info"]
        ok = i["median_ratio"] <= SHARING_MEDIAN_TARGET and i["max_ratio"] <= SHARING_MAX_TARGET
        mine = theirs = ""
        if "together_ms" in i:  # processor time, the least of a few runs of each request
            mine = f", median {i['together_ms']:g} ms of processor time"
            theirs = f": median {i['alone_ms']:g} ms together"
        row(
            f"one eligibility request's engine work ({i['masters']} masters, memo cleared), "
            f"{i['transcripts']} transcripts | median {i['median_ratio']:.2f}×, worst "
            f"{i['max_ratio']:.2f}×{mine} | {i['masters']} single-master requests for the same "
            f"transcript, each with the memo cleared{theirs} | median {i['median_ratio']:.2f}× "
            f"| median ≤ {SHARING_MEDIAN_TARGET:g}×, none above {SHARING_MAX_TARGET:g}×: "
            f"{_met(ok)}"
        )
    whatif = runs.get("test_whatif_one_course_university")
    if whatif:
        w = whatif["extra_info"]
        row(
            f"one-course what-if (`{w['course']}` one EC more), university scale, "
            f"{w['cells']} cells, {w['recomputed']} computed again, {w['changed']} changed, "
            f"equal to a full rescan | {_s(w['whatif_s'])} | full scan "
            f"{_s(w['full_scan_s'])} | {w['ratio']:.3f}× | ≤ {w['target_ratio']:g}× a full "
            f"scan: {_met(w['ratio'] <= w['target_ratio'])}"
        )
    loaded = runs.get("test_api_health_under_solves")
    if loaded:
        d = loaded["extra_info"]
        solves = ", ".join(f"{n}× {s}" for s, n in d["loaded_solve_statuses"].items())
        row(
            f"API `GET /health` while {d['solving_clients']} clients post solve-heavy eligibility "
            f"requests (hard set covers, `time_limit` {d['time_limit']:g} s, every master), "
            f"uvicorn on 127.0.0.1, {d['seconds']:g} s each"
            + f" | p50 {d['loaded_health_p50_ms']:g} "
            f"ms, p95 {d['loaded_health_p95_ms']:g} ms ({d['loaded_health_requests']} requests; "
            f"the solving requests: {solves}, median {d['loaded_solve_p50_s']:g} s, "
            f"{d['loaded_unknown_masters']} masters unknown) | alone: p50 "
            f"{d['idle_health_p50_ms']:g} ms, p95 {d['idle_health_p95_ms']:g} ms | "
            f"{d['ratio']:g}× | p95 ≤ {d['target_ratio']:g}× alone: "
            f"{_met(d['ratio'] <= d['target_ratio'])}"
        )
    if suite:
        lines.extend(_suite_rows(suite))
    return "\n".join(lines) + "\n"


def _suite_rows(suite: dict[str, Any]) -> list[str]:
    """The test suite's rows, from ``python -m benchmarks.suite_time`` (its own run: ``make
    test`` at two commits, alternating)."""
    old, new = suite["commits"]["old"], suite["commits"]["new"]
    medians, runs = suite["medians_s"], suite["runs"]
    passed = "" if not suite["failed"] else f", **failed: {'; '.join(suite['failed'])}**"

    def seconds(side: str) -> str:
        return ", ".join(f"{t:g}" for t in runs[side])

    ratio_ok = suite["ratio"] <= SUITE_RATIO_TARGET and not suite["failed"]
    return [
        f"| `make test` at {new} against {old} (the commit before the quick suite), "
        f"{len(runs['new'])} runs of each alternating, measured {suite['measured']} with "
        f"`python -m benchmarks.suite_time {old} {new}`{passed} | median {medians['new']:g} s "
        f"({seconds('new')}) | {old}: median {medians['old']:g} s ({seconds('old')}) | "
        f"{suite['ratio']:.2f}× | ≤ {SUITE_RATIO_TARGET:g}×, every test passing: "
        f"{_met(ratio_ok)} |",
        f"| `make test` at {new}, the same runs | median {medians['new']:g} s | | | "
        f"≤ {SUITE_TARGET_S:g} s: {_met(medians['new'] <= SUITE_TARGET_S)} |",
    ]


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("results", type=Path)
    parser.add_argument("--write", type=Path, help="README to update between the markers")
    parser.add_argument("--targets", type=Path, help="README to quote the target rows in")
    parser.add_argument("--command", default="make bench")
    parser.add_argument(
        "--suite", type=Path, help="the test suite's timing (python -m benchmarks.suite_time)"
    )
    args = parser.parse_args(argv)
    if args.suite and not args.suite.is_file():
        parser.error(f"--suite {args.suite}: no such file (python -m benchmarks.suite_time)")
    suite = json.loads(args.suite.read_text()) if args.suite else None
    table = render(json.loads(args.results.read_text()), args.command, suite)
    if args.write:
        _replace(args.write, START, END, table)
    if args.targets:
        _replace(args.targets, TARGETS_START, TARGETS_END, with_targets(table))
    if not args.write and not args.targets:
        print(table, end="")


def with_targets(table: str) -> str:
    """The table's first line and the rows that say whether their target is met.

    >>> print(with_targets("Measured x.\\n\\n| a | b | c | d | e |\\n|---|---|---|---|---|\\n"
    ...     "| q | 1 | | | ≤ 2: met |\\n| r | 2 | | | |\\n"), end="")
    Measured x.
    <BLANKLINE>
    | a | b | c | d | e |
    |---|---|---|---|---|
    | q | 1 | | | ≤ 2: met |
    """
    lines = table.splitlines()
    rows = [
        line
        for line in lines[4:]
        if line.rstrip(" |").endswith("met**") or line.rstrip(" |").endswith(": met")
    ]
    return "\n".join([*lines[:4], *rows]) + "\n"


def _replace(path: Path, start: str, end: str, text: str) -> None:
    """Put ``text`` between the markers ``start`` and ``end`` of the file at ``path``."""
    whole = path.read_text()
    if start not in whole or end not in whole:
        raise SystemExit(f"{path}: no {start} … {end} markers")
    head, _, rest = whole.partition(start)
    _, _, tail = rest.partition(end)
    path.write_text(f"{head}{start}\n{text}{end}{tail}")


if __name__ == "__main__":
    main()
