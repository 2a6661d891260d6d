"""Dagster's run history of a warehouse: the runs killed earlier are marked failed.

A run killed by a signal never records its end and would show as started forever; once a
run holds the warehouse's run lock, no other run of that warehouse can be alive, so any other
one still marked as started or starting died. (Old runs are forgotten by a job of their own:
`orchestration/schedules/housekeeping.py`.)
"""

from __future__ import annotations

import dagster as dg

# The tag naming the warehouse a run works on.
WAREHOUSE_TAG = "campaign_warehouse/warehouse"

_UNFINISHED = [dg.DagsterRunStatus.STARTED, dg.DagsterRunStatus.STARTING]


def claim_run(instance: dg.DagsterInstance, run_id: str, warehouse: str) -> list[str]:
    """Tag the current run with its warehouse and mark the warehouse's dead runs failed.

    Call only while holding the warehouse's run lock. Returns the ids marked failed.
    """
    instance.add_run_tags(run_id, {WAREHOUSE_TAG: warehouse})
    dead = [
        record.dagster_run
        for record in instance.get_run_records(
            filters=dg.RunsFilter(statuses=_UNFINISHED, tags={WAREHOUSE_TAG: warehouse})
        )
        if record.dagster_run.run_id != run_id
    ]
    for run in dead:
        instance.report_run_failed(
            run,
            message=(
                f"The process of this run ended without recording it (killed?); marked "
                f"failed by run {run_id}, the next run on the warehouse."
            ),
        )
    return [run.run_id for run in dead]
