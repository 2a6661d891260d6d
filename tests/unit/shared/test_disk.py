"""A full disk in words: which folder, how much is left, while doing what; and only then."""

from __future__ import annotations

import errno
import shutil
import sqlite3
from pathlib import Path
from typing import NamedTuple

import duckdb
import pytest

from orchestration.shared import disk
from orchestration.shared.errors import explain


class _Usage(NamedTuple):
    total: int
    used: int
    free: int


def _free(monkeypatch: pytest.MonkeyPatch, by_folder: dict[Path, int]) -> None:
    def usage(path: Path) -> _Usage:
        path = Path(path)
        if path not in by_folder:
            raise FileNotFoundError(path)
        return _Usage(1 << 30, (1 << 30) - by_folder[path], by_folder[path])

    monkeypatch.setattr(shutil, "disk_usage", usage)


def test_sizes_read_as_an_operator_writes_them() -> None:
    assert [disk.human_bytes(n) for n in (0, 1023, 12 * 1024, 3 * 1024**3 // 2)] == [
        "0 B",
        "1023 B",
        "12.0 KiB",
        "1.5 GiB",
    ]


def test_the_first_full_folder_is_named_and_a_missing_one_is_asked_through_its_parent(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _free(monkeypatch, {Path("/srv"): 1 << 30, Path("/spill"): 4096})
    assert disk.full_folder([Path("/srv/warehouse/not/yet"), Path("/spill")]) == (
        Path("/spill"),
        4096,
    )
    _free(monkeypatch, {Path("/srv"): disk.MIN_FREE_BYTES})
    assert disk.full_folder([Path("/srv/warehouse")]) is None


@pytest.mark.parametrize(
    "error",
    [
        OSError(errno.ENOSPC, "No space left on device"),
        duckdb.IOException('Could not write file "a.duckdb": No space left on device'),
        # SQLite in WAL mode says no more than this when its disk is full.
        sqlite3.OperationalError("disk I/O error"),
    ],
)
def test_a_write_that_failed_on_a_full_folder_names_it(
    error: Exception, monkeypatch: pytest.MonkeyPatch
) -> None:
    _free(monkeypatch, {Path("/srv/warehouse"): 0})
    assert explain(error, "building the dbt models", [Path("/srv/warehouse")]) == (
        "disk full: /srv/warehouse (0 B left) while building the dbt models"
    )


def test_a_disk_with_room_is_not_blamed(monkeypatch: pytest.MonkeyPatch) -> None:
    _free(monkeypatch, {Path("/srv/warehouse"): 1 << 30})
    folders = [Path("/srv/warehouse")]
    sqlite = sqlite3.OperationalError("disk I/O error")
    assert explain(sqlite, "writing x", folders) == "writing x failed: disk I/O error"
    # The error itself says the disk is full: it is, somewhere the step did not name.
    enospc = OSError(errno.ENOSPC, "No space left on device")
    assert explain(enospc, "writing x", folders) == "disk full writing x"
    assert explain(ValueError("bad"), "writing x", folders) == "writing x failed: bad"
