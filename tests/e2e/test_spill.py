"""Data larger than DuckDB's memory limit spills to the spill folder and publishes the same
marts as a run with the default limit.

128 MB is below what the models over ~80 k messages need at once, and above the buffers the
readers allocate whole (a gzip CSV buffer is 30 MB). dbt builds one model at a time there, so
that the working set is one model's: with dbt's 4 threads, whichever models happened to run
side by side shared the 128 MB, and now and then two large ones could not both spill in it.
A thread watches the spill folder during the run: spilling is proven by DuckDB's spill files
appearing there, not assumed.
"""

from __future__ import annotations

import threading
from datetime import date
from pathlib import Path

import pytest

from landing_simulator import generate_landing
from tests.e2e.pipeline import raw_rows, run_pipeline, snapshot

START, END = "2025-03-01", "2025-03-02"


class SpillWatcher(threading.Thread):
    """Records the names of DuckDB spill files seen in a folder while it runs."""

    def __init__(self, folder: Path) -> None:
        super().__init__(daemon=True)
        self.folder = folder
        self.seen: set[str] = set()
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.wait(0.02):
            try:
                names = {p.name for p in self.folder.iterdir() if "storage" in p.name}
            except FileNotFoundError:
                continue
            self.seen |= names


@pytest.fixture(scope="module")
def landing(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("spill") / "landing"
    generate_landing(folder, date.fromisoformat(START), 2, sends_per_day=40_000, seed=5)
    return folder


def test_a_run_that_outgrows_its_memory_limit_spills_and_publishes_the_same_marts(
    landing: Path, tmp_path: Path
) -> None:
    spill = tmp_path / "spill"
    spill.mkdir()
    watcher = SpillWatcher(spill)
    watcher.start()
    try:
        tight = run_pipeline(
            landing,
            tmp_path / "tight",
            START,
            END,
            env={
                "CW_DUCKDB_MEMORY_LIMIT": "128MB",
                "CW_DUCKDB_THREADS": "1",
                "CW_DBT_THREADS": "1",
                "CW_DUCKDB_TEMP_DIR": str(spill),
            },
        )
    finally:
        watcher.stopped.set()
        watcher.join()
    roomy = run_pipeline(landing, tmp_path / "roomy", START, END)

    assert tight.returncode == 0, tight.output
    assert roomy.returncode == 0, roomy.output
    assert watcher.seen, "nothing spilled: the memory limit is not tight enough to prove it"
    assert snapshot(tmp_path / "tight") == snapshot(tmp_path / "roomy")


def test_running_short_of_memory_fails_the_run_and_blames_no_file(
    landing: Path, tmp_path: Path
) -> None:
    # 40 MB cannot hold the gzip CSV reader's buffer: an error of the machine, not of a file.
    outcome = run_pipeline(
        landing, tmp_path / "warehouse", START, END, env={"CW_DUCKDB_MEMORY_LIMIT": "40MB"}
    )

    assert outcome.returncode != 0
    assert "out of memory reading" in outcome.output
    assert "raise CW_DUCKDB_MEMORY_LIMIT" in outcome.output
    unreadable = raw_rows(
        tmp_path / "warehouse",
        "select count(*) from raw.quarantine where reason_code = 'unreadable_file'",
    )
    assert unreadable == [(0,)]
