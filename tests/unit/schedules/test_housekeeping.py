"""Dagster's run history: a killed run is marked failed by the next one; old runs go, by a job
of their own on a daily schedule, which the command also runs after a successful run."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import dagster as dg

from orchestration.cli.launch import open_instance
from orchestration.schedules.housekeeping import (
    forget_old_runs,
    forget_old_runs_job,
    housekeeping_schedule,
)
from orchestration.shared.run_history import WAREHOUSE_TAG, claim_run


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


def test_housekeeping_is_a_job_of_its_own_on_a_daily_schedule() -> None:
    from orchestration.definitions import defs

    assert defs.resolve_job_def("forget_old_runs_job") is not None
    schedule = defs.resolve_schedule_def(housekeeping_schedule.name)
    assert schedule.job_name == forget_old_runs_job.name
    assert schedule.cron_schedule == "0 5 * * *"
    assert schedule.default_status == dg.DefaultScheduleStatus.RUNNING
    # It needs no warehouse: it takes no run lock and reads no data.
    assert "warehouse" not in defs.resolve_job_def("forget_old_runs_job").required_resource_keys


def test_the_housekeeping_job_keeps_the_runs_within_the_retention() -> None:
    with dg.DagsterInstance.ephemeral() as instance:
        recent = _started_run(instance)
        result = forget_old_runs_job.execute_in_process(
            instance=instance, run_config={"ops": {"forget_old_runs": {"config": {"keep_days": 1}}}}
        )
        assert result.success
        assert instance.get_run_by_id(recent) is not None


def test_the_housekeeping_job_keeps_at_least_a_day() -> None:
    # A cut-off of now would delete the housekeeping run itself, and every other.
    with dg.DagsterInstance.ephemeral() as instance:
        recent = _started_run(instance)
        result = forget_old_runs_job.execute_in_process(
            instance=instance,
            run_config={"ops": {"forget_old_runs": {"config": {"keep_days": 0}}}},
            raise_on_error=False,
        )
        assert not result.success
        assert instance.get_run_by_id(recent) is not None


def test_the_command_runs_the_housekeeping_job() -> None:
    from orchestration.cli.launch import forget_old_runs as run_housekeeping

    with dg.DagsterInstance.ephemeral() as instance:
        assert run_housekeeping(instance, {})
        (run,) = instance.get_runs(filters=dg.RunsFilter(job_name=forget_old_runs_job.name))
        assert run.status == dg.DagsterRunStatus.SUCCESS


@dg.asset(check_specs=[dg.AssetCheckSpec("positive", asset="numbers")])
def numbers() -> dg.MaterializeResult:
    print("a line for the compute log")
    return dg.MaterializeResult(check_results=[dg.AssetCheckResult(passed=True)])


_NUMBERS_JOB = dg.Definitions(
    assets=[numbers], jobs=[dg.define_asset_job("numbers_job")]
).resolve_job_def("numbers_job")


def _folder_bytes(folder: Path) -> int:
    return sum(f.stat().st_size for f in folder.rglob("*") if f.is_file())


def test_thirty_runs_with_a_short_retention_keep_the_history_folder_bounded(
    tmp_path: Path,
) -> None:
    """A night and its housekeeping, 15 times over: 30 runs on a home opened and closed each
    night, as the command does. Each run deleted goes whole (record, event file, compute logs),
    so the folder stops growing once the retention is full."""
    home = tmp_path / "dagster_home"
    # Compute logs, as a deployment's daemon keeps them (the command's own runs keep none).
    home.mkdir()
    (home / "dagster.yaml").write_text(
        "compute_logs:\n"
        "  module: dagster._core.storage.local_compute_log_manager\n"
        "  class: LocalComputeLogManager\n"
        f"  config:\n    base_dir: {home / 'storage'}\n"
    )
    keep = {"ops": {"forget_old_runs": {"config": {"keep_runs": 4}}}}
    sizes = []
    for _ in range(15):
        with open_instance(home) as instance:
            assert _NUMBERS_JOB.execute_in_process(instance=instance).success
            housekeeping = forget_old_runs_job.execute_in_process(
                instance=instance, run_config=keep
            )
            assert housekeeping.success
            kept = {record.dagster_run.run_id for record in instance.get_run_records()}
        sizes.append(_folder_bytes(home))

    assert len(kept) == 4
    event_files = {p.stem for p in (home / "history" / "runs").glob("*.db")} - {"index"}
    assert event_files == kept
    assert {p.name for p in (home / "storage").iterdir()} == kept
    # Full after two nights; from then on flat, give or take a page of the index.
    assert max(sizes[3:]) <= sizes[3] * 1.02, sizes
    assert sizes[3] > sizes[0]
