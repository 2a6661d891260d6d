"""Launch one Dagster run of the pipeline's job over a range of arrival dates, and read back
what an operator needs from it: did it publish, which step failed and why, which checks
failed or warned and by how much, how many rows went where.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import dagster as dg
from dagster._core.instance.ref import InstanceRef

from orchestration.shared import progress
from orchestration.shared.errors import PipelineError, disk_full, explain
from orchestration.shared.event_log import home_config, kept_engine_overrides
from orchestration.shared.failures import failed_steps
from orchestration.shared.runlock import DEFAULT_LOCK_WAIT_SECONDS

_SERVING_KEY = dg.AssetKey(["serving", "marts"])
_DETAIL_KEY = "detail"
_EXPECTED_KEY = "expected"
# dagster-dbt's count of the rows a dbt test found, on the test's check.
_DBT_FAILED_ROWS_KEY = "dagster_dbt/failed_row_count"
_ROW_COUNT_KEY = "dagster/row_count"


@dataclass(frozen=True)
class CheckOutcome:
    label: str  # <asset>:<check>
    detail: str = ""
    expected: str = ""  # what the check allows, beside what it found

    def describe(self) -> str:
        text = f"{self.label} ({self.detail})" if self.detail else self.label
        return f"{text}, expected {self.expected}" if self.expected else text


@dataclass(frozen=True)
class RunSummary:
    success: bool
    published: bool
    failed_blocking_checks: list[CheckOutcome] = field(default_factory=list)
    warnings: list[CheckOutcome] = field(default_factory=list)
    failed_steps: list[tuple[str, str]] = field(default_factory=list)  # (step, reason)
    materialized: int = 0
    rows_loaded: int = 0
    rows_quarantined: int = 0
    marts_published: int = 0
    rows_published: int = 0


@dataclass(frozen=True)
class RunOptions:
    allow_empty_days: bool = False
    allow_missing_sources: bool = False
    allow_shrink: bool = False
    full_refresh: bool = False
    # Dagster's DEBUG events (every step's start, inputs, outputs) in the log file too.
    verbose: bool = False


@dataclass(frozen=True)
class RunTarget:
    """What the command's flags resolve to: where a run reads and writes, on which engine, and
    where Dagster keeps its records. The run gets it as its resources' config and the
    instance it runs in, never through this process's environment."""

    landing: Path
    warehouse: Path
    dagster_home: Path
    engine: str = "duckdb"
    lock_wait_seconds: float = DEFAULT_LOCK_WAIT_SECONDS
    # The command holds the warehouse's run lock for the run, which must not take it again.
    run_lock_held: bool = False


# The op of the dbt assets, whose config says whether to rebuild everything.
DBT_OP = "campaign_dbt_models"
# The op of the publication, whose config says whether a mart may shrink below half.
PUBLISH_OP = "serving__marts"


def run_config(options: RunOptions, raw_op_names: Sequence[str]) -> dict[str, Any]:
    """The run config the options make: the ingest's config on every raw asset's op, and
    the dbt build's."""
    ops: dict[str, Any] = {}
    ingest = {
        flag: True
        for flag, on in (
            ("allow_empty_days", options.allow_empty_days),
            ("allow_missing_sources", options.allow_missing_sources),
        )
        if on
    }
    if ingest:
        ops.update({name: {"config": ingest} for name in raw_op_names})
    if options.full_refresh:
        ops[DBT_OP] = {"config": {"full_refresh": True}}
    if options.allow_shrink:
        ops[PUBLISH_OP] = {"config": {"allow_shrink": True}}
    return {"ops": dict(sorted(ops.items()))} if ops else {}


def logger_config(options: RunOptions) -> dict[str, Any]:
    """Dagster's console logger, which writes the run's log: INFO and up unless verbose (its
    DEBUG events are most of a log's lines and say little an operator reads)."""
    level = "DEBUG" if options.verbose else "INFO"
    return {"loggers": {"console": {"config": {"log_level": level}}}}


def resource_config(target: RunTarget) -> dict[str, Any]:
    """The warehouse resource's config: the command's folders, engine and run lock."""
    warehouse = {
        "landing_dir": str(target.landing),
        "warehouse_dir": str(target.warehouse),
        "engine_name": target.engine,
        "lock_wait_seconds": target.lock_wait_seconds,
        "run_lock_held": target.run_lock_held,
    }
    return {"resources": {"warehouse": {"config": warehouse}}}


def prepare_home(home: Path) -> None:
    """Create `home` with a `dagster.yaml` (no telemetry from a batch job) if it has none."""
    home.mkdir(parents=True, exist_ok=True)
    config = home / "dagster.yaml"
    if not config.exists():
        config.write_text("telemetry:\n  enabled: false\n")


# The command's run log holds every step's output (`runlog.py`): Dagster's own copy of it,
# per step under the home's `storage/`, would write it twice, through a helper process that
# loses the rest of the step's output when the disk fills up.
_COMPUTE_LOGS_IN_THE_RUN_LOG = {
    "compute_logs": {
        "module": "dagster._core.storage.noop_compute_log_manager",
        "class": "NoOpComputeLogManager",
    }
}


def _compute_logs_override(home: Path) -> dict[str, Any]:
    """No compute logs of Dagster's own, unless the home's `dagster.yaml` chooses them."""
    return {} if "compute_logs" in home_config(home) else _COMPUTE_LOGS_IN_THE_RUN_LOG


def open_instance(home: Path) -> dg.DagsterInstance:
    """The Dagster instance whose records live in `home`, opened for that folder (not for
    whatever `$DAGSTER_HOME` says); a home made here gets a `dagster.yaml` first. Its event log
    keeps its SQLite engines open (`shared/event_log.py`), and steps' output goes to the run's
    log alone, unless `dagster.yaml` chooses a storage or compute logs."""
    prepare_home(home)
    overrides = {**kept_engine_overrides(home), **_compute_logs_override(home)}
    ref = InstanceRef.from_dir(str(home), overrides=overrides)
    return dg.DagsterInstance.from_ref(ref)


def execute(start: date, end: date, options: RunOptions, target: RunTarget) -> RunSummary:
    """Run the job over arrival dates `start..end` in this process (one Dagster run)."""
    from orchestration.transform.manifest import prepare_manifest

    prepare_manifest()  # before the definitions, which read it
    from orchestration.definitions import defs
    from orchestration.ingest.assets import raw_assets
    from orchestration.schedules.nightly import ingest_transform_publish_job
    from orchestration.shared.partitions import RANGE_END_TAG, RANGE_START_TAG

    job = defs.resolve_job_def(ingest_transform_publish_job.name)
    raw_ops = [asset.op.name for asset in raw_assets]
    step_failures = _StepFailures()
    try:
        with step_failures.recording(), open_instance(target.dagster_home) as instance:
            result = job.execute_in_process(
                instance=instance,
                run_config={
                    **run_config(options, raw_ops),
                    **logger_config(options),
                    **resource_config(target),
                },
                tags={RANGE_START_TAG: start.isoformat(), RANGE_END_TAG: end.isoformat()},
                raise_on_error=False,
            )
            if result.success:
                forget_old_runs(instance, logger_config(options))
    except Exception as exc:
        if _is_run_storage_error(exc):
            # A step that failed first is the cause; the records it could not write only
            # show it (a full disk that holds both).
            if step_failures.reasons:
                raise PipelineError(step_failures.reasons[0]) from exc
            # The step that was on when its records could not be written filled the disk.
            doing = step_failures.doing or "writing Dagster's run records"
            full = disk_full(exc, doing, (target.warehouse, target.dagster_home))
            doing = f"writing Dagster's run records in {target.dagster_home}"
            raise PipelineError(full or explain(exc, doing)) from exc
        raise
    return summarize(result)


class _StepFailures(logging.Handler):
    """The reasons of the steps that failed in this run, in order, as they said them
    (`progress.StepFailed`), and what the run was doing last: kept in memory, the one record
    of a failure Dagster could not store."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.reasons: list[str] = []
        self.doing: str | None = None

    def emit(self, record: logging.LogRecord) -> None:
        event = progress.event_of(record)
        if isinstance(event, progress.StepFailed):
            self.reasons.append(event.reason)
        elif event is not None:
            self.doing = progress.doing(event) or self.doing

    @contextmanager
    def recording(self) -> Iterator[None]:
        logger = logging.getLogger(progress.LOGGER_NAME)
        level = logger.level
        logger.addHandler(self)
        if logger.getEffectiveLevel() > logging.INFO:
            logger.setLevel(logging.INFO)
        try:
            yield
        finally:
            logger.removeHandler(self)
            logger.setLevel(level)


def forget_old_runs(instance: dg.DagsterInstance, run_config: Mapping[str, Any]) -> bool:
    """Run the housekeeping job (`schedules/housekeeping.py`) in this process, as its daily
    schedule would, so the command bounds its run history too; whether it succeeded."""
    from orchestration.definitions import defs
    from orchestration.schedules.housekeeping import forget_old_runs_job

    job = defs.resolve_job_def(forget_old_runs_job.name)
    result = job.execute_in_process(instance=instance, run_config=run_config, raise_on_error=False)
    return result.success


def summarize(result: dg.ExecuteInProcessResult) -> RunSummary:
    failed, warnings = [], []
    for evaluation in result.get_asset_check_evaluations():
        if evaluation.passed:
            continue
        outcome = CheckOutcome(
            label=f"{evaluation.asset_key.to_user_string()}:{evaluation.check_name}",
            detail=_check_detail(evaluation.metadata),
            expected=_text(evaluation.metadata.get(_EXPECTED_KEY)),
        )
        if evaluation.severity == dg.AssetCheckSeverity.ERROR:
            failed.append(outcome)
        else:
            warnings.append(outcome)
    materializations = result.get_asset_materialization_events()
    materialized = {event.asset_key for event in materializations if event.asset_key}
    rows_loaded = rows_quarantined = 0
    published_marts: set[str] = set()
    # A raw asset records one materialization per arrival date, each with that day's counts.
    for event in materializations:
        metadata = event.materialization.metadata
        rows_loaded += _int(metadata.get("rows_loaded"))
        rows_quarantined += _int(metadata.get("rows_quarantined"))
        if event.asset_key == _SERVING_KEY and "marts" in metadata:
            published_marts = set(str(metadata["marts"].value).split(", "))
    # What was published is what dbt built: each mart's row count, as its model recorded it.
    rows_published = sum(
        _int(event.materialization.metadata.get(_ROW_COUNT_KEY))
        for event in materializations
        if event.asset_key and event.asset_key.path[-1] in published_marts
    )
    return RunSummary(
        success=result.success,
        published=_SERVING_KEY in materialized,
        failed_blocking_checks=failed,
        warnings=warnings,
        failed_steps=failed_steps(result.all_events),
        materialized=len(materialized),
        rows_loaded=rows_loaded,
        rows_quarantined=rows_quarantined,
        marts_published=len(published_marts),
        rows_published=rows_published,
    )


def _check_detail(metadata: Mapping[str, Any]) -> str:
    """By how much a check failed: the GX check's own account, else the rows a dbt test
    found."""
    detail = metadata.get(_DETAIL_KEY)
    if detail is not None:
        return _text(detail)
    failed_rows = metadata.get(_DBT_FAILED_ROWS_KEY)
    if failed_rows is not None:
        return f"{_int(failed_rows)} rows failing"
    return ""


def _is_run_storage_error(exc: BaseException) -> bool:
    current: BaseException | None = exc
    while current is not None:
        if isinstance(current, sqlite3.Error) or type(current).__module__.startswith("sqlalchemy"):
            return True
        current = current.__cause__ or current.__context__
    return False


def _text(value: Any) -> str:
    return "" if value is None else str(getattr(value, "value", value))


def _int(value: Any) -> int:
    raw = getattr(value, "value", value)
    return int(raw) if isinstance(raw, int | float) else 0
