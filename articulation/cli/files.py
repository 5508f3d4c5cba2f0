"""Writing a rendered report into a directory (the engine renders; the command line writes)."""

from __future__ import annotations

from pathlib import Path

from articulation.outputs.heatmap import FLAGSHIP_PAGE, FOLDERS

PAGES = ("pairs", "bachelors")  # the folders of a report's pages, per language


class WriteError(Exception):
    """A report directory or file that cannot be written."""


def prepare_out(out: Path) -> Path:
    """Create the report directory (and parents) and check it is writable."""
    if out.exists() and not out.is_dir():
        raise WriteError(f"{out}: exists and is not a directory")
    try:
        out.mkdir(parents=True, exist_ok=True)
        probe = out / ".write-test"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        raise WriteError(f"{out}: cannot write the report there: {exc.strerror or exc}") from None
    return out


def write_files(files: dict[str, bytes], out: Path) -> list[Path]:
    """Write each file at its relative path below ``out``; pair and bachelor pages an earlier
    report left there are removed (other files are kept). Returns the files written, sorted."""
    prepare_out(out)
    written = []
    for name in sorted(files):
        path = out / name
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(files[name])
        except OSError as exc:
            raise WriteError(f"{path}: cannot write: {exc.strerror or exc}") from None
        written.append(path)
    if "index.html" in files:
        _remove_stale_pages(out, set(written))
    return written


def _remove_stale_pages(out: Path, keep: set[Path]) -> None:
    """Remove pair and bachelor pages and the flagship page an earlier report left in ``out``,
    in every language's folder (and emptied folders)."""
    for language in FOLDERS.values():
        flagship = out / language / FLAGSHIP_PAGE
        if flagship.is_file() and flagship not in keep:
            flagship.unlink()
    folders = [out / language / kind for language in FOLDERS.values() for kind in PAGES]
    for folder in folders:
        if not folder.is_dir():
            continue
        for page in sorted(folder.rglob("*.html")):
            if page not in keep:
                page.unlink()
        for sub in sorted(folder.glob("*/"), reverse=True):
            if sub.is_dir() and not any(sub.iterdir()):
                sub.rmdir()
