"""Launch one Dagster run of the pipeline's job over a range of arrival dates, and read back
what an operator needs from it: did it publish, which step failed and why, which checks
failed or warned and by how much, how many rows went where.
"""

from __future__ import annotations

import os
import re
import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import dagster as dg

from orchestration.lib.errors import PipelineError, explain

_SERVING_KEY = dg.AssetKey(["serving", "marts"])
# "package.module.ClassName: message" -> "message"
_CLASS_PREFIX = re.compile(r"^(?:[A-Za-z_][\w]*\.)+[A-Za-z_]\w*: ")
# dagster-dbt's error opens with the dbt command line; what failed comes after this marker.
_DBT_ERRORS_MARKER = "Errors parsed from dbt logs:"
_DBT_FAILED_NODE = re.compile(r"^Failure in (model|test|seed|snapshot|unit_test) (\S+)")
_DBT_ERROR_LINE = re.compile(r"^(?:Runtime|Database|Compilation) Error in ")
_ANSI = re.compile(r"\x1b\[[0-9;]*m")
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
    full_refresh: bool = False
    # Dagster's DEBUG events (every step's start, inputs, outputs) in the log file too.
    verbose: bool = False


# The op of the dbt assets, whose config says whether to rebuild everything.
DBT_OP = "campaign_dbt_models"


def run_config(options: RunOptions, raw_op_names: Sequence[str]) -> dict[str, Any]:
    """The run config the options make: the ingest's config on every raw asset's op, and
    the dbt build's."""
    ops: dict[str, Any] = {}
    if options.allow_empty_days:
        ops.update({name: {"config": {"allow_empty_days": True}} for name in raw_op_names})
    if options.full_refresh:
        ops[DBT_OP] = {"config": {"full_refresh": True}}
    return {"ops": dict(sorted(ops.items()))} if ops else {}


def logger_config(options: RunOptions) -> dict[str, Any]:
    """Dagster's console logger, which writes the run's log: INFO and up unless verbose (its
    DEBUG events are most of a log's lines and say little an operator reads)."""
    level = "DEBUG" if options.verbose else "INFO"
    return {"loggers": {"console": {"config": {"log_level": level}}}}


def execute(start: date, end: date, options: RunOptions) -> RunSummary:
    """Run the job over arrival dates `start..end` in this process (one Dagster run)."""
    from orchestration.dbt_manifest import prepare_manifest

    prepare_manifest()  # before the definitions, which read it
    from orchestration.definitions import defs
    from orchestration.defs.ingestion import raw_assets
    from orchestration.defs.partitions import RANGE_END_TAG, RANGE_START_TAG
    from orchestration.defs.schedules import ingest_transform_publish_job

    job = defs.resolve_job_def(ingest_transform_publish_job.name)
    raw_ops = [asset.op.name for asset in raw_assets]
    try:
        with dg.DagsterInstance.get() as instance:
            result = job.execute_in_process(
                instance=instance,
                run_config={**run_config(options, raw_ops), **logger_config(options)},
                tags={RANGE_START_TAG: start.isoformat(), RANGE_END_TAG: end.isoformat()},
                raise_on_error=False,
            )
    except Exception as exc:
        if _is_run_storage_error(exc):
            home = os.environ.get("DAGSTER_HOME", "DAGSTER_HOME")
            raise PipelineError(explain(exc, f"writing Dagster's run records in {home}")) from exc
        raise
    return summarize(result)


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


def failed_steps(events: Sequence[dg.DagsterEvent]) -> list[tuple[str, str]]:
    """(step, one-line reason) for each failed step, and for a run that failed before any."""
    failures: list[tuple[str, str]] = []
    for event in events:
        if not (event.is_step_failure or event.is_resource_init_failure or event.is_run_failure):
            continue
        data = event.event_specific_data
        error = getattr(data, "error", None)
        user_failure = getattr(data, "user_failure_data", None)
        if user_failure is not None and user_failure.description:
            reason = user_failure.description.splitlines()[0]
        elif error is not None:
            reason = _root_message(error)
        else:
            continue
        step = f"step {event.step_key}" if event.step_key else "the run, before its first step"
        if reason not in (known for _, known in failures):
            failures.append((step, reason))
    return failures


def _root_message(error: Any) -> str:
    """The first line of the innermost cause of a serialised error, without its class name."""
    while getattr(error, "cause", None) is not None:
        error = error.cause
    message = str(getattr(error, "message", error))
    dbt_reason = _dbt_failure(message)
    if dbt_reason:
        return dbt_reason
    first = next((line for line in message.splitlines() if line.strip()), message)
    return _CLASS_PREFIX.sub("", first.strip())


def _dbt_failure(message: str) -> str | None:
    """ "dbt model int_x failed: Out of Memory Error: ..." from dagster-dbt's error, whose
    first line ("The dbt CLI process with command") says nothing."""
    if _DBT_ERRORS_MARKER not in message:
        return None
    lines = [
        _ANSI.sub("", line).strip() for line in message.split(_DBT_ERRORS_MARKER, 1)[1].splitlines()
    ]
    for index, line in enumerate(lines):
        node = _DBT_FAILED_NODE.match(line)
        if node is None:
            continue
        detail = next(
            (later for later in lines[index + 1 :] if later and not _DBT_ERROR_LINE.match(later)),
            "",
        )
        reason = f"dbt {node.group(1)} {node.group(2)} failed: {detail}".rstrip(": ")
        if "out of memory" in detail.lower():
            reason += " (raise CW_DUCKDB_MEMORY_LIMIT, or give the spill folder room, then rerun)"
        return reason
    return None


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
