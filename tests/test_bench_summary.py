"""The benchmark table's test-suite rows judge their targets from the timing they quote."""

from __future__ import annotations

from benchmarks.summary import _suite_rows


def timing(old: list[float], new: list[float], failed: list[str]) -> dict:
    median = {"old": sorted(old)[len(old) // 2], "new": sorted(new)[len(new) // 2]}
    return {
        "commits": {"old": "aaaaaaa", "new": "bbbbbbb"},
        "runs": {"old": old, "new": new},
        "medians_s": median,
        "ratio": round(median["new"] / median["old"], 3),
        "failed": failed,
        "measured": "2026-12-05 12:00 UTC",
    }


def test_the_suite_rows_say_met_only_when_the_medians_and_every_run_allow() -> None:
    ratio, quiet = _suite_rows(timing([900, 1000, 1100], [200, 230, 260], []))
    assert ratio.endswith(": met |") and "0.23×" in ratio and "(200, 230, 260)" in ratio
    assert quiet.endswith("≤ 240 s: met |")
    ratio, quiet = _suite_rows(timing([900, 1000, 1100], [450, 500, 550], []))
    assert ratio.endswith(": met |") and quiet.endswith("**not met** |")
    ratio, _ = _suite_rows(timing([900, 1000, 1100], [550, 600, 650], []))
    assert ratio.endswith("**not met** |")  # 0.60×
    ratio, _ = _suite_rows(timing([900, 1000, 1100], [200, 230, 260], ["new run 2: exit 2"]))
    assert ratio.endswith("**not met** |") and "new run 2: exit 2" in ratio
