"""Housekeeping of Dagster's run history: runs older than the retention are deleted with their
event logs, so the run store does not grow without bound.

It is a job of its own, `forget_old_runs_job`, with a daily schedule (on by default) for a
deployment; `campaign-warehouse run` runs it after each successful run, so the command bounds
its history too. It needs no warehouse resource: it takes no run lock and touches no data.
"""

from datetime import UTC, datetime, timedelta

import dagster as dg
from pydantic import Field

# Days of Dagster run history kept, unless the job's config says otherwise.
DEFAULT_KEEP_DAYS = 30


def forget_old_runs(instance: dg.DagsterInstance, keep_days: int, now: datetime) -> int:
    """Delete the runs created more than `keep_days` before `now`; returns how many."""
    cutoff = now.astimezone(UTC) - timedelta(days=keep_days)
    old = instance.get_run_records(filters=dg.RunsFilter(created_before=cutoff))
    for record in old:
        instance.delete_run(record.dagster_run.run_id)
    return len(old)


class HousekeepingConfig(dg.Config):
    """How much run history to keep."""

    # At least a day: a cut-off of now would take the housekeeping run itself.
    keep_days: int = Field(
        default=DEFAULT_KEEP_DAYS,
        ge=1,
        description="Days of Dagster run history kept; older runs are deleted.",
    )


@dg.op(name="forget_old_runs")
def forget_old_runs_step(context: dg.OpExecutionContext, config: HousekeepingConfig) -> None:
    """Delete the runs older than the retention, with their event logs."""
    forgotten = forget_old_runs(context.instance, config.keep_days, datetime.now(UTC))
    context.log.info(f"forgot {forgotten} runs older than {config.keep_days} days")


@dg.job(description="Delete the Dagster runs older than the retention, with their event logs.")
def forget_old_runs_job() -> None:
    forget_old_runs_step()


# Daily, after the night's run (02:00 UTC) and its freshness deadline (04:00 UTC).
housekeeping_schedule = dg.ScheduleDefinition(
    name="forget_old_runs_daily",
    job=forget_old_runs_job,
    cron_schedule="0 5 * * *",
    execution_timezone="UTC",
    default_status=dg.DefaultScheduleStatus.RUNNING,
)
