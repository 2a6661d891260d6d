"""`campaign-warehouse run`: one Dagster run over a range of arrival dates, and its summary.

The command checks its arguments, takes the warehouse's run lock (so a wait is visible),
launches the run (`launch.py`) with its output going to the run's log file (`runlog.py`) and
its progress to the terminal (`display.py`), then prints what the run did. Run records go to
`$DAGSTER_HOME`, else to `<warehouse>/dagster_home`, so `dagster dev` with the same home shows
them. An expected failure prints one line saying why and where the full log is; never a
traceback.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys
import time
import traceback
from collections.abc import Callable
from contextlib import suppress
from datetime import UTC, date, datetime
from pathlib import Path

from orchestration import paths
from orchestration.cli import display, runlog
from orchestration.cli.launch import RunOptions, RunSummary, RunTarget
from orchestration.ingest.landing import check_landing_root
from orchestration.schedules.housekeeping import DEFAULT_KEEP_DAYS
from orchestration.shared import progress
from orchestration.shared.engine import engine_named
from orchestration.shared.errors import PipelineError, explain
from orchestration.shared.runlock import (
    DEFAULT_LOCK_WAIT_SECONDS,
    LockHolder,
    describe_holder,
    hold_run_lock,
)

# Run logs older than this are deleted when a run starts, like Dagster's run history.
LOG_RETENTION_DAYS = DEFAULT_KEEP_DAYS


def resolve_target(
    landing: str | None,
    warehouse: str | None,
    engine: str = "",
    lock_wait_seconds: float = DEFAULT_LOCK_WAIT_SECONDS,
) -> RunTarget:
    """The run's folders, engine and Dagster home: the flags, else the environment's defaults
    (`paths`, `engine_named`). Nothing is written to the environment."""
    warehouse_dir = Path(warehouse).resolve() if warehouse else paths.warehouse_dir()
    return RunTarget(
        landing=Path(landing).resolve() if landing else paths.landing_dir(),
        warehouse=warehouse_dir,
        dagster_home=paths.dagster_home(warehouse_dir),
        engine=engine_named(engine).name,
        lock_wait_seconds=lock_wait_seconds,
    )


def run_pipeline(
    start: date,
    end: date,
    target: RunTarget,
    log_file: Path | None = None,
    options: RunOptions | None = None,
) -> RunSummary:
    """Ingest, transform, check and publish arrival dates `start..end` in one Dagster run.

    With `log_file`, the run's own output (Dagster events, dbt's log) goes there, stamped
    and without colours, and so does the traceback of an unexpected error, which is raised
    again as a one-line `PipelineError`; the terminal shows the run's progress instead.
    """
    from orchestration.cli.launch import execute

    options = options or RunOptions()
    if log_file is None:
        return execute(start, end, options, target)
    with runlog.terminal() as (screen, is_terminal):
        reporter = (
            display.TerminalReporter(screen) if is_terminal else display.PlainReporter(screen)
        )
        try:
            with suppress(Exception):
                reporter(progress.RunStarted(start, end, str(log_file)))
            with runlog.output_to_log(log_file), display.showing_progress(reporter):
                try:
                    return execute(start, end, options, target)
                except PipelineError as exc:
                    # The log ends with the line the terminal shows.
                    print(f"run FAILED: {exc}", file=sys.stderr)
                    raise
                except Exception as exc:
                    traceback.print_exc()
                    reason = explain(exc, "running the pipeline")
                    print(f"run FAILED: {reason}", file=sys.stderr)
                    raise PipelineError(reason) from exc
        finally:
            with suppress(Exception):
                reporter.close()


def new_log_file(warehouse: Path, start: date, end: date) -> Path:
    """One log per run: the range, the moment it started (UTC) and its process."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    return paths.logs_dir(warehouse) / f"run_{start}_{end}_{stamp}_{os.getpid()}.log"


def forget_old_logs(warehouse: Path) -> None:
    cutoff = time.time() - LOG_RETENTION_DAYS * 86400
    for log in paths.logs_dir(warehouse).glob("run_*.log"):
        try:
            if log.stat().st_mtime < cutoff:
                log.unlink()
        except OSError:
            continue


def print_summary(
    summary: RunSummary, start: date, end: date, warehouse: Path, log_file: Path | None
) -> None:
    outcome = "run succeeded" if summary.success else "run FAILED"
    print(f"arrival dates {start}..{end}: {outcome}, {summary.materialized} assets materialized")
    if summary.rows_loaded or summary.rows_quarantined:
        print(f"  ingested {summary.rows_loaded} rows, quarantined {summary.rows_quarantined}")
    if summary.published:
        print(f"  published {summary.rows_published} rows in {summary.marts_published} marts")
    for step, reason in summary.failed_steps:
        print(f"  FAILED in {step}: {reason}")
    for check in summary.failed_blocking_checks:
        print(f"  FAILED blocking check: {check.describe()}")
    for check in summary.warnings:
        print(f"  warning: {check.describe()}")
    if log_file is not None:
        print(f"  full log: {log_file}")
    if summary.published:
        print(
            f"published {summary.marts_published} marts: {paths.serving_db(warehouse)} and "
            f"{paths.parquet_dir(warehouse)}/"
        )
    else:
        print("NOT published: the previously published marts are unchanged")


def check_range(start: date, end: date) -> None:
    """Refuse dates that are not arrival-date partitions, before starting a run."""
    try:
        paths.first_arrival_date()
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    from orchestration.shared.partitions import arrival_days

    first = date.fromisoformat(arrival_days.get_first_partition_key())
    last_key = arrival_days.get_last_partition_key()
    last = date.fromisoformat(last_key) if last_key else first
    if end < start:
        raise UsageError("--end must not be before --start")
    if start < first:
        raise UsageError(f"arrival dates start at {first}: {start} is before the first partition")
    if end > last:
        raise UsageError(f"arrival date {end} has not ended yet (the last one is {last})")


class UsageError(Exception):
    """Arguments the command refuses before doing anything."""


def say_we_wait(wait: float) -> Callable[[LockHolder | None], None]:
    def say(holder: LockHolder | None) -> None:
        print(f"{describe_holder(holder)}: waiting for it to end (up to {wait:g} s)", flush=True)

    return say


def cmd_run(args: argparse.Namespace) -> int:
    try:
        check_range(args.start, args.end)
    except UsageError as exc:
        print(exc, file=sys.stderr)
        return 2
    try:
        target = resolve_target(args.landing, args.warehouse, args.engine or "", args.wait)
    except ValueError as exc:
        print(exc, file=sys.stderr)
        return 2
    unavailable = engine_named(target.engine).unavailable()
    if unavailable:
        print(unavailable, file=sys.stderr)
        return 2
    warehouse = target.warehouse
    log_file = new_log_file(warehouse, args.start, args.end)
    try:
        check_landing_root(target.landing)
        # Taken here, before Dagster starts, the wait shows; the run is told it is held.
        with hold_run_lock(paths.run_lock(warehouse), args.wait, on_wait=say_we_wait(args.wait)):
            target = dataclasses.replace(target, run_lock_held=True)
            forget_old_logs(warehouse)
            options = RunOptions(
                allow_empty_days=args.allow_empty_days,
                allow_missing_sources=args.allow_missing_sources,
                allow_shrink=args.allow_shrink,
                full_refresh=args.full_refresh,
                verbose=args.verbose,
            )
            summary = run_pipeline(args.start, args.end, target, log_file, options)
    except PipelineError as exc:
        print(f"arrival dates {args.start}..{args.end}: run FAILED: {exc}", file=sys.stderr)
        if log_file.exists():
            print(f"  full log: {log_file}", file=sys.stderr)
        print("NOT published: the previously published marts are unchanged", file=sys.stderr)
        return 1
    print_summary(summary, args.start, args.end, warehouse, log_file)
    ok = summary.success and summary.published and not summary.failed_blocking_checks
    return 0 if ok else 1
