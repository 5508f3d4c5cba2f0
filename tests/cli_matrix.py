"""Reading the CLI's scan matrix back: every table (a block of masters) into cells by pair."""

from __future__ import annotations

import re


def matrix_cells(stdout: str) -> dict[tuple[str, str], str]:
    """``{(bachelor, master): cell text}`` from every table of ``articulation scan``'s output,
    codes as printed (without prefixes, a master's ``°`` dropped); the columns are read at the
    positions of their headers, since a cell holds spaces."""
    cells: dict[tuple[str, str], str] = {}
    header: list[tuple[str, int]] | None = None
    for line in stdout.splitlines():
        if line.startswith("bachelor "):
            header = [(m.group(), m.start()) for m in re.finditer(r"\S+", line)][1:]
            continue
        if header is None or not line.strip() or line.startswith(("aansluitscan", "codes:")):
            header = None if line.startswith("codes:") else header
            continue
        bachelor = line.split()[0]
        for k, (master, start) in enumerate(header):
            end = header[k + 1][1] if k + 1 < len(header) else None
            cells[bachelor, master.rstrip("°")] = line[start:end].strip()
    return cells
