"""A full disk, said as an operator reads it: which folder, how much is left, during what.

A full disk does not always say so. DuckDB reports it as an IO Error with the C library's
text, SQLite in WAL mode as "disk I/O error", dbt inside its own error. So a failure that
looks like a write error counts as a full disk when one of the folders the step writes has
less than MIN_FREE_BYTES left: that is the cause, and the error only its symptom.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterable
from pathlib import Path

# Below this, a folder's file system is full for this pipeline: DuckDB writes blocks of
# 256 KiB and a build writes hundreds; a failed write leaves at most a block or so behind.
MIN_FREE_BYTES = 16 * 1024 * 1024
_UNITS = ("B", "KiB", "MiB", "GiB", "TiB")


def free_bytes(folder: Path) -> int | None:
    """What the file system holding `folder` (or its nearest existing parent) has left for an
    unprivileged writer; None when nothing of the path exists."""
    for candidate in (folder, *folder.parents):
        try:
            return shutil.disk_usage(candidate).free
        except OSError:
            continue
    return None


def full_folder(folders: Iterable[Path]) -> tuple[Path, int] | None:
    """The first of `folders` whose file system has under MIN_FREE_BYTES left, and what it has."""
    for folder in folders:
        free = free_bytes(folder)
        if free is not None and free < MIN_FREE_BYTES:
            return folder, free
    return None


def human_bytes(count: int) -> str:
    """`0 B`, `12.0 KiB`, `1.5 GiB`."""
    value = float(count)
    for unit in _UNITS:
        if value < 1024 or unit == _UNITS[-1]:
            return f"{count} B" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    raise AssertionError("unreachable")


def disk_full_line(folder: Path, free: int, doing: str) -> str:
    """`disk full: /srv/warehouse (0 B left) while building the dbt models`."""
    return f"disk full: {folder} ({human_bytes(free)} left) while {doing}"
