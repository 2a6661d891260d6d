"""The command's event log keeps its SQLite engines, and stays Dagster's own files: a run it
records reads back whole through the plain class, and a home that chooses its storage keeps it."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import dagster as dg
from dagster._core.storage.event_log.sqlite.sqlite_event_log import SqliteEventLogStorage

from orchestration.cli.launch import open_instance
from orchestration.shared.event_log import KeptEngineSqliteEventLogStorage


@dg.asset(check_specs=[dg.AssetCheckSpec("positive", asset="numbers")])
def numbers() -> dg.MaterializeResult:
    return dg.MaterializeResult(check_results=[dg.AssetCheckResult(passed=True)])


_JOB = dg.Definitions(assets=[numbers], jobs=[dg.define_asset_job("numbers_job")]).resolve_job_def(
    "numbers_job"
)


def _event_types(instance: dg.DagsterInstance, run_id: str) -> list[str]:
    return [
        entry.dagster_event.event_type_value
        for entry in instance.all_logs(run_id)
        if entry.dagster_event is not None
    ]


def test_a_run_recorded_with_kept_engines_reads_back_through_dagsters_own_class(
    tmp_path: Path,
) -> None:
    home = tmp_path / "dagster_home"
    with open_instance(home) as instance:
        storage = instance.event_log_storage
        assert isinstance(storage, KeptEngineSqliteEventLogStorage)
        result = _JOB.execute_in_process(instance=instance)
        assert result.success
        written = _event_types(instance, result.run_id)
        # The run's own file and the cross-run index, each one engine for the whole run.
        assert len(storage._engines) == 2
    assert storage._engines == {}

    with dg.DagsterInstance.from_config(str(home)) as plain:
        assert type(plain.event_log_storage) is SqliteEventLogStorage
        assert _event_types(plain, result.run_id) == written
        assert "ASSET_CHECK_EVALUATION" in written and "ASSET_MATERIALIZATION" in written
        materialized = plain.get_latest_materialization_event(dg.AssetKey("numbers"))
        assert materialized is not None and materialized.run_id == result.run_id
    run_file = home / "history" / "runs" / f"{result.run_id}.db"
    with sqlite3.connect(run_file) as conn:
        assert conn.execute("pragma journal_mode").fetchone() == ("wal",)


def test_a_home_whose_dagster_yaml_chooses_a_storage_keeps_its_choice(tmp_path: Path) -> None:
    home = tmp_path / "dagster_home"
    home.mkdir()
    (home / "dagster.yaml").write_text(
        "event_log_storage:\n"
        "  module: dagster._core.storage.event_log\n"
        "  class: SqliteEventLogStorage\n"
        f"  config:\n    base_dir: {tmp_path / 'events'}\n"
    )
    with open_instance(home) as instance:
        assert type(instance.event_log_storage) is SqliteEventLogStorage
        result = _JOB.execute_in_process(instance=instance)
    assert (tmp_path / "events" / f"{result.run_id}.db").exists()


def test_engines_beyond_the_kept_few_are_closed_least_recent_first(tmp_path: Path) -> None:
    storage = KeptEngineSqliteEventLogStorage(str(tmp_path))
    try:
        shards = [f"run-{n}" for n in range(10)]
        for shard in shards:
            with storage.run_connection(shard):
                pass
        with storage.run_connection(shards[2]):
            pass
        assert list(storage._engines) == [*shards[3:], shards[2]]
    finally:
        storage.dispose()
