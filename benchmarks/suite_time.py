"""``make test`` at two commits, side by side: clones of both on this machine, run alternately.

    python -m benchmarks.suite_time OLD NEW --runs 3

Each commit is cloned into a directory of its own and set up (``make setup``, not timed); then
``make test`` runs ``--runs`` times for each, alternating (old, new, old, new, …) so that load
from elsewhere on a shared machine falls on both alike. Prints the wall-clock time of every run,
the medians and their ratio (new / old), and writes them as JSON (``--json``). A run that does
not pass is reported with its exit code and fails the comparison: a faster suite counts only if
every test still passes.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def clone(commit: str, into: Path) -> Path:
    """A clone of this repository at ``commit``, set up with ``make setup``."""
    subprocess.run(["git", "clone", "-q", str(ROOT), str(into)], check=True)
    subprocess.run(["git", "-C", str(into), "checkout", "-q", commit], check=True)
    subprocess.run(["make", "-C", str(into), "setup"], check=True, stdout=subprocess.DEVNULL)
    return into


def make_test(checkout: Path, log: Path) -> tuple[float, float, int]:
    """Wall-clock seconds, processor seconds (user and system, every process it waited for)
    and exit code of one ``make test`` in ``checkout``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.monotonic()
    with log.open("w") as out:
        code = subprocess.run(["make", "-C", str(checkout), "test"], stdout=out, stderr=out)
    wall = time.monotonic() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return wall, cpu, code.returncode


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("old")
    parser.add_argument("new")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--json", type=Path, default=ROOT / "benchmarks/results/suite.json")
    args = parser.parse_args(argv)
    os.environ.setdefault(
        "ARTICULATION_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
    )
    with tempfile.TemporaryDirectory(prefix="suite-time-") as tmp:
        commits = {"old": args.old, "new": args.new}
        try:
            checkouts = {side: clone(c, Path(tmp) / side) for side, c in commits.items()}
        except subprocess.CalledProcessError as exc:
            print(f"cannot check out and set up {' '.join(exc.cmd)}", file=sys.stderr)
            return 2
        times: dict[str, list[float]] = {"old": [], "new": []}
        cpu: dict[str, list[float]] = {"old": [], "new": []}
        failed = []
        for run in range(1, args.runs + 1):
            for side in ("old", "new"):
                log = Path(tmp) / f"{side}-{run}.log"
                seconds, used, code = make_test(checkouts[side], log)
                times[side].append(round(seconds, 1))
                cpu[side].append(round(used, 1))
                tail = log.read_text(errors="replace").strip().splitlines()[-1:]
                print(
                    f"run {run} {side} {commits[side]}: {seconds:.1f} s ({used:.0f} s CPU), "
                    f"exit {code}",
                    *tail,
                )
                if code != 0:
                    failed.append(f"{side} run {run}: exit {code}")
                sys.stdout.flush()
    medians = {side: statistics.median(t) for side, t in times.items()}
    result = {
        "commits": commits,
        "runs": times,
        "medians_s": medians,
        "cpu_s": cpu,
        "ratio": round(medians["new"] / medians["old"], 3),
        "failed": failed,
        "measured": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
    }
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
