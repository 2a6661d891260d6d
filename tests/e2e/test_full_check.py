"""A night's data tests read the rows that night wrote; the weekly full check reads them all.

A value that went wrong in an old row, outside any night's scope (planted here: a NULL in a
column whose `not_null_columns` test stands), passes the nightly build, and fails
`full_check_job`, which names the test. The night passing also shows the scoping: with the
test over the whole table, the night would fail.
"""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import duckdb
import pytest

from orchestration import paths
from orchestration.definitions import defs
from orchestration.quality.full_check import full_check_job
from tests.e2e.pipeline import copy_published, run_pipeline
from tests.warehouses import GENERATED_END, GENERATED_START


def _plant_an_old_null(warehouse: Path) -> None:
    # A message of the first arrival day: its delivery window closed long before the last
    # day, so a night of the last day does not recompute its execution.
    with duckdb.connect(str(warehouse / "warehouse.duckdb")) as conn:
        planted = conn.execute(
            "update intermediate.int_messages_delivery_resolved set late_reports = null "
            "where message_id = (select min(message_id) "
            "from intermediate.int_messages_delivery_resolved where execution_arrival_date = ?)"
            " returning message_id",
            [GENERATED_START],
        ).fetchall()
    assert len(planted) == 1


def _full_check(warehouse: Path) -> dg.ExecuteInProcessResult:
    with pytest.MonkeyPatch.context() as patch, dg.DagsterInstance.ephemeral() as instance:
        patch.setenv(paths.WAREHOUSE_ENV, str(warehouse))
        return defs.resolve_job_def(full_check_job.name).execute_in_process(
            instance=instance, raise_on_error=False
        )


def test_the_weekly_full_check_finds_an_old_row_the_nights_do_not_read(
    generated_backfill: Path, tmp_path: Path
) -> None:
    landing, warehouse = copy_published(generated_backfill.parent, tmp_path)
    _plant_an_old_null(warehouse)

    day = GENERATED_END.isoformat()
    night = run_pipeline(landing, warehouse, day, day)
    assert night.returncode == 0, night.output[-3000:]

    result = _full_check(warehouse)
    assert not result.success
    failure = result.failure_data_for_node("full_data_tests")
    assert failure is not None
    failed = failure.user_failure_data.metadata["failed tests"].value
    assert list(failed) == [
        "not_null_columns_int_messages_delivery_resolved_message_id__delivery_reports_counted__late_reports"
    ], failed
    assert "Got 1 result" in next(iter(failed.values()))
