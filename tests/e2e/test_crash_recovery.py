"""A run that dies or fails at publication: readers keep one whole build, the next run needs
no cleanup, and the operator reads why.

Failpoints (`orchestration/lib/failpoints.py`) kill the real run, or make its disk full, at an
exact point. Each test works on a copy of the scenario published over 01-01..02-01.
"""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import duckdb
import pytest

from tests.e2e.conftest import copy_published, file_digests, run_pipeline, snapshot

pytestmark = pytest.mark.slow

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
        statuses = sorted(r.status.value for r in instance.get_runs())
    assert statuses == ["FAILURE", "SUCCESS"]
