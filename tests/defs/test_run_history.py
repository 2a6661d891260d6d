"""Dagster's run history: a killed run is marked failed by the next one, old runs go."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import dagster as dg

from orchestration.shared.run_history import WAREHOUSE_TAG, claim_run, forget_old_runs


@dg.op
def _noop() -> None:
    pass


@dg.job
def _job() -> None:
    _noop()


def _started_run(instance: dg.DagsterInstance, **tags: str) -> str:
    """A run recorded as started, as one killed mid-way is left."""
    run = instance.create_run_for_job(_job, tags=tags)
    instance.handle_run_event(
        run.run_id,
        dg.DagsterEvent(
            event_type_value="PIPELINE_START",
            job_name=run.job_name,
            message="started",
        ),
    )
    return run.run_id


def test_a_run_left_started_on_the_warehouse_is_marked_failed_by_the_next() -> None:
    with dg.DagsterInstance.ephemeral() as instance:
        dead = _started_run(instance, **{WAREHOUSE_TAG: "/w"})
        other_warehouse = _started_run(instance, **{WAREHOUSE_TAG: "/v"})
        current = _started_run(instance)

        marked = claim_run(instance, current, "/w")

        assert marked == [dead]
        assert instance.get_run_by_id(dead).status == dg.DagsterRunStatus.FAILURE
        assert instance.get_run_by_id(other_warehouse).status == dg.DagsterRunStatus.STARTED
        assert instance.get_run_by_id(current).status == dg.DagsterRunStatus.STARTED
        assert instance.get_run_by_id(current).tags[WAREHOUSE_TAG] == "/w"


def test_runs_older_than_the_retention_are_deleted() -> None:
    with dg.DagsterInstance.ephemeral() as instance:
        run_id = _started_run(instance)
        assert forget_old_runs(instance, 30, datetime.now(UTC)) == 0
        assert forget_old_runs(instance, 30, datetime.now(UTC) + timedelta(days=31)) == 1
        assert instance.get_run_by_id(run_id) is None
