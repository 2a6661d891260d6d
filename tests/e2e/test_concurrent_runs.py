"""Runs that meet on one warehouse, and an operator's slips: one run at a time, nothing wiped,
no process left behind.

Each test works on a copy of the hand-built scenario published over 01-01..02-01.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

from tests.e2e.pipeline import (
    child_processes,
    clean_environment,
    copy_published,
    file_digests,
    parquet_digests,
    process_alive,
    process_command,
    raw_rows,
    run_command,
    run_pipeline,
    snapshot,
)


def test_a_mistyped_landing_folder_fails_in_one_line_and_wipes_nothing(
    published_scenario: Path, tmp_path: Path
) -> None:
    _, warehouse = copy_published(published_scenario, tmp_path)
    before = file_digests(warehouse)
    typo = tmp_path / "land_typo"

    for start, end in (("2025-01-01", "2025-02-01"), ("2025-02-01", "2025-02-01")):
        outcome = run_pipeline(typo, warehouse, start, end)

        assert outcome.returncode == 1, outcome.output
        assert f"run FAILED: the landing folder {typo} does not exist" in outcome.output
        assert "Traceback" not in outcome.output
    assert file_digests(warehouse) == before


def test_two_runs_at_once_end_with_one_build_equal_to_a_clean_run(
    published_scenario: Path, tmp_path: Path
) -> None:
    """The second waits for the first; a rerun of identical input publishes identical bytes."""
    landing, warehouse = copy_published(published_scenario, tmp_path)
    clean, clean_parquet = snapshot(warehouse), parquet_digests(warehouse)
    command = run_command(landing, warehouse, "2025-01-31", "2025-02-01")

    runs = []
    for _ in range(2):
        runs.append(
            subprocess.Popen(
                command,
                env=clean_environment(),
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
            )
        )
        time.sleep(0.5)
    outputs = [run.communicate(timeout=900)[0] for run in runs]

    assert [run.returncode for run in runs] == [0, 0], outputs
    assert sum("waiting for it to end" in output for output in outputs) == 1, outputs
    assert snapshot(warehouse) == clean
    assert parquet_digests(warehouse) == clean_parquet
    builds = warehouse / "published"
    assert (builds / "current").resolve() != (builds / "previous").resolve()
    assert len(list((warehouse / "logs").glob("run_2025-01-31_2025-02-01_*.log"))) == 2
    [(loaded,)] = raw_rows(
        warehouse,
        "select sum(rows_loaded) from raw.landed_files "
        "where arrival_date between '2025-01-31' and '2025-02-01'",
    )
    assert all(f"ingested {loaded} rows, quarantined 0" in output for output in outputs)


def test_dbt_never_outlives_a_killed_run(published_scenario: Path, tmp_path: Path) -> None:
    landing, warehouse = copy_published(published_scenario, tmp_path)
    run = subprocess.Popen(
        run_command(landing, warehouse, "2025-02-01", "2025-02-01"),
        env=clean_environment(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 300
        dbt = []
        while not dbt and time.monotonic() < deadline and run.poll() is None:
            dbt = [c for c in child_processes(run.pid) if " build" in process_command(c)]
            time.sleep(0.2)
        assert dbt, "dbt build never started"

        os.kill(run.pid, signal.SIGKILL)
        run.wait()

        deadline = time.monotonic() + 15
        while any(process_alive(pid) for pid in dbt) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not any(process_alive(pid) for pid in dbt)
    finally:
        if run.poll() is None:
            run.kill()
            run.wait()
