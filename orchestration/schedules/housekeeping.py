"""Housekeeping of Dagster's run history: runs beyond the retention are deleted whole, so the
run history stays bounded.

A run is removed whole: its record, its events (the cross-run index's rows, its asset check
executions and, on SQLite, its own database file `history/runs/<id>.db`), and its compute logs
(`storage/<id>/`). Deleting a run's record alone would leave about 2 MB a night on disk. The
retention is an age (`keep_days`, a year by default) and, if set, a count of the newest runs
kept (`keep_runs`).

It is a job of its own, `forget_old_runs_job`, with a daily schedule (on by default) for a
deployment; `campaign-warehouse run` runs it after each successful run, so the command bounds
its history too. It needs no warehouse resource: it takes no run lock and touches no data.
"""

from datetime import UTC, datetime, timedelta
from pathlib import Path

import dagster as dg
from dagster._core.storage.event_log.schema import AssetCheckExecutionsTable
from dagster._core.storage.event_log.sql_event_log import SqlEventLogStorage
from dagster._core.storage.event_log.sqlite.sqlite_event_log import SqliteEventLogStorage
from pydantic import Field

from orchestration.shared.event_log import KeptEngineSqliteEventLogStorage

# Days of Dagster run history kept, unless the job's config says otherwise: a year of nights.
DEFAULT_KEEP_DAYS = 366
# The files SQLite keeps for one database.
_SQLITE_SUFFIXES = ("", "-wal", "-shm", "-journal")


def _delete_run_leftovers(instance: dg.DagsterInstance, run_id: str) -> None:
    """What Dagster's delete_run leaves behind: the run's asset check executions (a row per
    check, 130 a night), its compute logs and its event file."""
    instance.compute_log_manager.delete_logs(prefix=[run_id])
    storage = instance.event_log_storage
    if isinstance(storage, SqlEventLogStorage):
        with storage.index_connection() as conn:
            conn.execute(
                AssetCheckExecutionsTable.delete().where(
                    AssetCheckExecutionsTable.c.run_id == run_id
                )
            )
    if isinstance(storage, SqliteEventLogStorage):
        if isinstance(storage, KeptEngineSqliteEventLogStorage):
            storage.close_shard(run_id)
        shard = storage.path_for_shard(run_id)
        for suffix in _SQLITE_SUFFIXES:
            Path(shard + suffix).unlink(missing_ok=True)


def forget_old_runs(
    instance: dg.DagsterInstance, keep_days: int, now: datetime, keep_runs: int | None = None
) -> int:
    """Delete, whole, the runs created more than `keep_days` before `now`, and all but the
    newest `keep_runs` when that is given; returns how many."""
    cutoff = now.astimezone(UTC) - timedelta(days=keep_days)
    old = {
        record.dagster_run.run_id
        for record in instance.get_run_records(filters=dg.RunsFilter(created_before=cutoff))
    }
    if keep_runs is not None:
        # get_run_records lists the newest first.
        old |= {record.dagster_run.run_id for record in instance.get_run_records()[keep_runs:]}
    for run_id in sorted(old):
        instance.delete_run(run_id)
        _delete_run_leftovers(instance, run_id)
    return len(old)


class HousekeepingConfig(dg.Config):
    """How much run history to keep."""

    # At least a day: a cut-off of now would take the housekeeping run itself.
    keep_days: int = Field(
        default=DEFAULT_KEEP_DAYS,
        ge=1,
        description="Days of Dagster run history kept; older runs are deleted whole.",
    )
    # At least one: the housekeeping run itself is the newest.
    keep_runs: int | None = Field(
        default=None,
        ge=1,
        description="If set, only the newest runs are kept, this many (any job's runs count).",
    )


@dg.op(name="forget_old_runs")
def forget_old_runs_step(context: dg.OpExecutionContext, config: HousekeepingConfig) -> None:
    """Delete, whole, the runs beyond the retention."""
    forgotten = forget_old_runs(
        context.instance, config.keep_days, datetime.now(UTC), config.keep_runs
    )
    kept = f" and beyond the newest {config.keep_runs}" if config.keep_runs else ""
    context.log.info(f"forgot {forgotten} runs older than {config.keep_days} days{kept}")


@dg.job(description="Delete, whole, the Dagster runs beyond the retention (age or count).")
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
