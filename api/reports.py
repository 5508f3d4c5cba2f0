"""Reports of finished scans: written with :mod:`articulation.report`, stored per file.

``report.html`` is the HTML report's ``index.html``; its pages link to each other relatively,
so they are served next to it (``/v1/scans/{id}/pairs/…``).
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

MEDIA_TYPES = {
    "html": "text/html; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
    "md": "text/markdown; charset=utf-8",
}


def report_file(fmt: str) -> str:
    """The stored file that ``report.{fmt}`` is."""
    from articulation.report import FILES

    return "index.html" if fmt == "html" else FILES[fmt]


def media_type(path: str) -> str:
    return MEDIA_TYPES.get(Path(path).suffix.lstrip("."), "application/octet-stream")


def build_files(catalogue: Any, cells: list[Any], time_limit: float) -> dict[str, str]:
    """Every file of the report of ``cells``, by path, as ``articulation scan`` writes them
    (with the next-best alternatives of each pair and the minor design of each bachelor)."""
    from articulation import report

    alternatives = report.compute_alternatives(catalogue, cells, time_limit=time_limit)
    bachelors = sorted({cell.bachelor for cell in cells})
    designs = report.compute_minor_designs(catalogue, bachelors, time_limit=time_limit)
    built = report.build_report(catalogue, cells, designs, alternatives)
    with tempfile.TemporaryDirectory(prefix="articulation-report-") as tmp:
        root = Path(tmp)
        written = report.write_report(built, root, report.FORMATS)
        return {p.relative_to(root).as_posix(): p.read_text(encoding="utf-8") for p in written}
