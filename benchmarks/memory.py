"""Memory of one process: after the imports, after building a catalogue, after a scan.

``python -m benchmarks.memory SCALE [--bachelors N]`` prints JSON with the resident set size at
each stage and the peak over the whole run (``VmRSS`` / ``VmHWM``, in MB), and the peak of Python
allocations during the scan (tracemalloc) when ``--trace`` is given.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import tracemalloc
from collections.abc import Sequence


def _status_mb(field: str) -> float | None:
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return None


def rss_mb() -> float | None:
    """The resident set size now (Linux), in MB."""
    return _status_mb("VmRSS")


def peak_rss_mb() -> float:
    """The highest resident set size so far, in MB."""
    peak = _status_mb("VmHWM")
    return (
        peak
        if peak is not None
        else round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    )


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("scale")
    parser.add_argument("--bachelors", type=int, default=0, help="scan this many bachelors")
    parser.add_argument("--trace", action="store_true", help="tracemalloc during the scan")
    args = parser.parse_args(argv)

    from ortools.sat.python import cp_model  # noqa: F401 - the engine imports it lazily

    from articulation.answers.scan import scan
    from benchmarks import synthetic

    out: dict[str, float | int | None] = {"imports_mb": rss_mb()}
    catalogue = synthetic.build(synthetic.SCALES[args.scale])
    out["catalogue_mb"] = rss_mb()
    if args.bachelors:
        bachelors = [b.code for b in catalogue.bachelors[: args.bachelors]]
        if args.trace:
            tracemalloc.start()
        cells = scan(catalogue, bachelors, workers=1)
        if args.trace:
            out["scan_traced_peak_mb"] = round(tracemalloc.get_traced_memory()[1] / 2**20, 1)
            tracemalloc.stop()
        out["pairs"] = len(cells)
        out["scan_mb"] = rss_mb()
    out["peak_mb"] = peak_rss_mb()
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
