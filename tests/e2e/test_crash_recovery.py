"""A run that dies or fails at publication: readers keep one whole build, the next run needs
no cleanup, and the operator reads why.

Failpoints (`orchestration/shared/failpoints.py`) kill the real run, or make its disk full, at an
exact point. Each test works on a copy of the scenario published over 01-01..02-01.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from tests.e2e.pipeline import (
    child_processes,
    clean_environment,
    copy_published,
    file_digests,
    process_alive,
    process_command,
    run_command,
    run_pipeline,
    snapshot,
)

DAY = "2025-02-01"


def _build_of(path: Path) -> Path:
    """The build folder a published name resolves into."""
    return path.resolve().parent


def test_a_full_disk_at_publication_says_so_and_leaves_the_published_marts(
    published_scenario: Path, tmp_path: Path
) -> None:
    landing, warehouse = copy_published(published_scenario, tmp_path)
    before = file_digests(warehouse)
    builds_before = sorted((warehouse / "published" / "builds").iterdir())

    outcome = run_pipeline(
        landing, warehouse, DAY, DAY, env={"CW_FAILPOINT": "publish.write_serving:enospc"}
    )

    assert outcome.returncode == 1, outcome.output
    assert "FAILED in step serving__marts: disk full writing serving.duckdb" in outcome.output
    assert "NOT published" in outcome.output
    assert "Traceback" not in outcome.output
    assert file_digests(warehouse) == before
    assert sorted((warehouse / "published" / "builds").iterdir()) == builds_before


def test_a_run_killed_right_after_the_swap_leaves_one_build_and_the_rerun_recovers(
    published_scenario: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    landing, warehouse = copy_published(published_scenario, tmp_path)
    clean = snapshot(warehouse)
    build_before = _build_of(warehouse / "serving.duckdb")

    killed = run_pipeline(landing, warehouse, DAY, DAY, env={"CW_FAILPOINT": "publish.after_swap"})

    assert killed.returncode == -9, killed.output
    serving_build = _build_of(warehouse / "serving.duckdb")
    assert serving_build != build_before
    assert (warehouse / "parquet").resolve() == serving_build / "parquet"
    assert snapshot(warehouse) == clean
    with duckdb.connect(str(warehouse / "serving.duckdb"), read_only=True) as serving:
        for mart in clean:
            parquet = warehouse / "parquet" / f"{mart}.parquet"
            assert (
                serving.execute(f"select count(*) from marts.{mart}").fetchone()
                == serving.execute(
                    "select count(*) from read_parquet(?)", [str(parquet)]
                ).fetchone()
            )

    rerun = run_pipeline(landing, warehouse, DAY, DAY)

    assert rerun.returncode == 0, rerun.output
    assert snapshot(warehouse) == clean
    builds = sorted(p.name for p in (warehouse / "published" / "builds").iterdir())
    assert builds == sorted(
        {
            _build_of(warehouse / "serving.duckdb").name,
            (warehouse / "published" / "previous").resolve().name,
        }
    )
    monkeypatch.setenv("DAGSTER_HOME", str(warehouse / "dagster_home"))
    with dg.DagsterInstance.get() as instance:
        # The pipeline's runs; the housekeeping job that follows a successful one is its own.
        runs = instance.get_runs(filters=dg.RunsFilter(job_name="ingest_transform_publish_job"))
        statuses = sorted(r.status.value for r in runs)
    assert statuses == ["FAILURE", "SUCCESS"]


def _kill_while_dbt_builds(landing: Path, warehouse: Path, after_seconds: float) -> None:
    """Start a run and kill it (SIGKILL) once dbt has been building for a while."""
    run = subprocess.Popen(
        run_command(landing, warehouse, DAY, DAY),
        env=clean_environment(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 300
        dbt: list[int] = []
        while not dbt and time.monotonic() < deadline and run.poll() is None:
            dbt = [c for c in child_processes(run.pid) if " build" in process_command(c)]
            time.sleep(0.2)
        assert dbt, "dbt build never started"
        time.sleep(after_seconds)
        assert any(process_alive(pid) for pid in dbt), "dbt finished before the kill"
        os.kill(run.pid, signal.SIGKILL)
        run.wait()
    finally:
        if run.poll() is None:
            run.kill()
            run.wait()


def _builds(warehouse: Path) -> list[str]:
    return sorted(p.name for p in (warehouse / "published" / "builds").iterdir())


def test_runs_killed_in_ingest_in_dbt_and_in_publication_leave_the_marts_and_need_no_cleanup(
    published_scenario: Path, tmp_path: Path
) -> None:
    """Each kill leaves the published marts as they were; the next run, with nothing cleaned
    up by hand, publishes the marts of a clean run."""
    landing, warehouse = copy_published(published_scenario, tmp_path)
    clean, before = snapshot(warehouse), file_digests(warehouse)
    builds_before = _builds(warehouse)

    in_ingest = run_pipeline(
        landing, warehouse, DAY, DAY, env={"CW_FAILPOINT": "ingest.before_swap"}
    )
    assert in_ingest.returncode == -9, in_ingest.output
    assert list((warehouse / "raw" / "_staging").iterdir()), "the kill left a partition"
    assert file_digests(warehouse) == before

    _kill_while_dbt_builds(landing, warehouse, after_seconds=6)
    assert file_digests(warehouse) == before

    in_publication = run_pipeline(
        landing, warehouse, DAY, DAY, env={"CW_FAILPOINT": "publish.before_swap"}
    )
    assert in_publication.returncode == -9, in_publication.output
    assert file_digests(warehouse) == before
    assert len(_builds(warehouse)) == len(builds_before) + 1, "the kill left a build"

    rerun = run_pipeline(landing, warehouse, DAY, DAY)

    assert rerun.returncode == 0, rerun.output
    assert snapshot(warehouse) == clean
    assert not list((warehouse / "raw" / "_staging").iterdir())
    published = warehouse / "published"
    assert _builds(warehouse) == sorted(
        {(published / "current").resolve().name, (published / "previous").resolve().name}
    )
