"""`campaign-warehouse`: a thin front over Dagster (generate, run, demo, docs, report).

`run` launches one Dagster run of the project's job over a range of arrival dates; it does
not orchestrate anything itself. Run records go to `$DAGSTER_HOME`, else to
`<warehouse>/dagster_home`, so `dagster dev` with the same home shows them. An expected
failure prints one line saying why and where the full log is; never a traceback.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import signal
import sys
import time
import traceback
from collections.abc import Callable
from contextlib import suppress
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from types import FrameType

from orchestration import paths
from orchestration.cli import runlog
from orchestration.cli.launch import RunOptions, RunSummary
from orchestration.ingest.landing import check_landing_root
from orchestration.shared import progress
from orchestration.shared.errors import PipelineError, explain
from orchestration.shared.runlock import (
    DEFAULT_LOCK_WAIT_SECONDS,
    LockHolder,
    describe_holder,
    hold_run_lock,
)

DEMO_START = date(2025, 3, 1)
DEMO_DAYS = 45
# Run logs older than this are deleted when a run starts, like Dagster's run history.
LOG_RETENTION_DAYS = 30


def _set_locations(landing: str | None, warehouse: str | None) -> Path:
    """Point the pipeline at the given folders (flags win over the environment)."""
    if landing:
        os.environ[paths.LANDING_ENV] = str(Path(landing).resolve())
    if warehouse:
        os.environ[paths.WAREHOUSE_ENV] = str(Path(warehouse).resolve())
    os.environ.setdefault(paths.LANDING_ENV, str(paths.landing_dir()))
    os.environ.setdefault(paths.WAREHOUSE_ENV, str(paths.warehouse_dir()))
    home = Path(os.environ.get("DAGSTER_HOME") or paths.warehouse_dir() / "dagster_home")
    home.mkdir(parents=True, exist_ok=True)
    config = home / "dagster.yaml"
    if not config.exists():
        # A home the CLI made itself: no telemetry from a batch job.
        config.write_text("telemetry:\n  enabled: false\n")
    os.environ["DAGSTER_HOME"] = str(home)
    return paths.warehouse_dir()


def run_pipeline(
    start: date, end: date, log_file: Path | None = None, options: RunOptions | None = None
) -> RunSummary:
    """Ingest, transform, check and publish arrival dates `start..end` in one Dagster run.

    With `log_file`, the run's own output (Dagster events, dbt's log) goes there, stamped
    and without colours, and so does the traceback of an unexpected error, which is raised
    again as a one-line `PipelineError`; the terminal shows the run's progress instead.
    """
    from orchestration.cli.launch import execute

    options = options or RunOptions()
    if log_file is None:
        return execute(start, end, options)
    with runlog.terminal() as (screen, is_terminal):
        reporter = (
            progress.TerminalReporter(screen) if is_terminal else progress.PlainReporter(screen)
        )
        try:
            with suppress(Exception):
                reporter(progress.RunStarted(start, end, str(log_file)))
            with runlog.output_to_log(log_file), progress.listening(reporter):
                try:
                    return execute(start, end, options)
                except PipelineError:
                    raise
                except Exception as exc:
                    traceback.print_exc()
                    raise PipelineError(explain(exc, "running the pipeline")) from exc
        finally:
            with suppress(Exception):
                reporter.close()


def _log_file(warehouse: Path, start: date, end: date) -> Path:
    """One log per run: the range, the moment it started (UTC) and its process."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    return paths.logs_dir(warehouse) / f"run_{start}_{end}_{stamp}_{os.getpid()}.log"


def _forget_old_logs(warehouse: Path) -> None:
    cutoff = time.time() - LOG_RETENTION_DAYS * 86400
    for log in paths.logs_dir(warehouse).glob("run_*.log"):
        try:
            if log.stat().st_mtime < cutoff:
                log.unlink()
        except OSError:
            continue


def _print_summary(
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


def _check_range(start: date, end: date) -> None:
    """Refuse dates that are not arrival-date partitions, before starting a run."""
    try:
        paths.first_arrival_date()
    except ValueError as exc:
        raise _UsageError(str(exc)) from None
    from orchestration.shared.partitions import arrival_days

    first = date.fromisoformat(arrival_days.get_first_partition_key())
    last_key = arrival_days.get_last_partition_key()
    last = date.fromisoformat(last_key) if last_key else first
    if end < start:
        raise _UsageError("--end must not be before --start")
    if start < first:
        raise _UsageError(f"arrival dates start at {first}: {start} is before the first partition")
    if end > last:
        raise _UsageError(f"arrival date {end} has not ended yet (the last one is {last})")


class _UsageError(Exception):
    """Arguments the command refuses before doing anything."""


def _interrupt_on_sigterm() -> None:
    """Stop on SIGTERM as on Ctrl-C, so the run records its end and its children stop."""

    def _raise(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, _raise)


def _say_we_wait(wait: float) -> Callable[[LockHolder | None], None]:
    def say(holder: LockHolder | None) -> None:
        print(f"{describe_holder(holder)}: waiting for it to end (up to {wait:g} s)", flush=True)

    return say


def _cmd_generate(args: argparse.Namespace) -> int:
    from landing_simulator import generate_landing

    counts = generate_landing(
        Path(args.out), args.start, args.days, sends_per_day=args.sends_per_day, seed=args.seed
    )
    for source, rows in counts.items():
        print(f"{source:>18}: {rows} rows")
    return 0


def _cmd_run(args: argparse.Namespace) -> int:
    try:
        _check_range(args.start, args.end)
    except _UsageError as exc:
        print(exc, file=sys.stderr)
        return 2
    warehouse = _set_locations(args.landing, args.warehouse)
    if args.engine:
        os.environ[paths.ENGINE_ENV] = args.engine
    try:
        engine = paths.engine()
    except ValueError as exc:
        print(exc, file=sys.stderr)
        return 2
    if engine == "spark" and importlib.util.find_spec("pyspark") is None:
        print(
            "the Spark engine needs its optional extra: "
            "pip install -r requirements-spark.lock (or .[spark])",
            file=sys.stderr,
        )
        return 2
    log_file = _log_file(warehouse, args.start, args.end)
    try:
        check_landing_root(paths.landing_dir())
        # The run's own resource takes the lock too; taken here first, the wait is visible.
        with hold_run_lock(paths.run_lock(warehouse), args.wait, on_wait=_say_we_wait(args.wait)):
            _forget_old_logs(warehouse)
            options = RunOptions(
                allow_empty_days=args.allow_empty_days,
                full_refresh=args.full_refresh,
                verbose=args.verbose,
            )
            summary = run_pipeline(args.start, args.end, log_file, options)
    except PipelineError as exc:
        print(f"arrival dates {args.start}..{args.end}: run FAILED: {exc}", file=sys.stderr)
        if log_file.exists():
            print(f"  full log: {log_file}", file=sys.stderr)
        print("NOT published: the previously published marts are unchanged", file=sys.stderr)
        return 1
    _print_summary(summary, args.start, args.end, warehouse, log_file)
    ok = summary.success and summary.published and not summary.failed_blocking_checks
    return 0 if ok else 1


HEADLINE_SQL = """
select campaign_name, channel, audience_contacts, contacts_sent, messages_sent,
    messages_delivered, messages_undelivered, messages_delivery_pending,
    round(delivery_rate, 3) as delivery_rate, round(open_rate, 3) as open_rate,
    clicks, conversions
from marts.mart_campaign_summary
order by messages_sent desc, campaign_id
limit 5
"""


def _cmd_demo(args: argparse.Namespace) -> int:
    import duckdb

    from landing_simulator import generate_landing

    root = Path(args.dir).resolve()
    landing, warehouse = root / "landing", root / "warehouse"
    end = DEMO_START + timedelta(days=DEMO_DAYS - 1)
    print(f"generating a landing zone in {landing} ({DEMO_START}..{end})")
    generate_landing(landing, DEMO_START, DEMO_DAYS, sends_per_day=args.sends_per_day, seed=7)
    _set_locations(str(landing), str(warehouse))
    log_file = _log_file(warehouse, DEMO_START, end)
    try:
        summary = run_pipeline(DEMO_START, end, log_file)
    except PipelineError as exc:
        print(f"demo run FAILED: {exc}\n  full log: {log_file}", file=sys.stderr)
        return 1
    _print_summary(summary, DEMO_START, end, warehouse, log_file)
    if not summary.published:
        return 1
    with duckdb.connect(str(paths.serving_db(warehouse)), read_only=True) as conn:
        frame = conn.execute(HEADLINE_SQL).df()
    print("\nheadline metrics of the five largest campaigns:")
    print(frame.to_string(index=False))
    print(
        f"\nmarts: {paths.serving_db(warehouse)} (schema marts, open read-only) and "
        f"{paths.parquet_dir(warehouse)}/*.parquet\n"
        f"UI: DAGSTER_HOME={warehouse / 'dagster_home'} CW_LANDING_DIR={landing} "
        f"CW_WAREHOUSE_DIR={warehouse} .venv/bin/dagster dev -w workspace.yaml"
    )
    from orchestration.cli.report import write_report

    report = write_report(paths.serving_db(warehouse), paths.report_file(warehouse))
    print(f"report: {report} (open it in a browser; it works offline)")
    return 0


def _cmd_report(args: argparse.Namespace) -> int:
    """One HTML page of charts over the published marts (`report.py`)."""
    from orchestration.cli.report import ReportError, write_report

    warehouse = Path(args.warehouse).resolve() if args.warehouse else paths.warehouse_dir()
    out = Path(args.out).resolve() if args.out else paths.report_file(warehouse)
    try:
        written = write_report(paths.serving_db(warehouse), out, args.campaign)
    except ReportError as exc:
        print(exc, file=sys.stderr)
        return 2
    scope = f"campaign {args.campaign}" if args.campaign else "all campaigns"
    print(f"report of {scope}: {written}")
    return 0


def _cmd_docs(args: argparse.Namespace) -> int:
    """`dbt docs generate --static` against the warehouse: one HTML file, no server needed."""
    import subprocess

    from orchestration.ingest.rawlayer import latest_arrival_date
    from orchestration.shared.warehouse import WarehouseResource
    from orchestration.transform.assets import dbt_environment

    warehouse_dir = _set_locations(None, args.warehouse)
    warehouse = WarehouseResource(warehouse_dir=str(warehouse_dir))
    latest = latest_arrival_date(warehouse.raw)
    if latest is None:
        print(f"nothing ingested in {warehouse_dir} yet: run the pipeline first", file=sys.stderr)
        return 2
    target = warehouse_dir / "docs"
    as_of = (latest + timedelta(days=1)).isoformat()
    command = [
        paths.DBT_EXECUTABLE,
        "docs",
        "generate",
        "--static",
        "--project-dir",
        str(paths.DBT_PROJECT_DIR),
        "--profiles-dir",
        str(paths.DBT_PROFILES_DIR),
        "--target-path",
        str(target),
    ]
    env = {**os.environ, **dbt_environment(warehouse, as_of)}
    completed = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if completed.returncode != 0:
        print(completed.stdout[-4000:], completed.stderr[-4000:], sep="\n", file=sys.stderr)
        return completed.returncode
    print(f"dbt docs as of {as_of}: {target / 'static_index.html'} (open it in a browser)")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="campaign-warehouse", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    generate = commands.add_parser("generate", help="write a synthetic landing zone")
    generate.add_argument("--out", required=True)
    generate.add_argument("--start", required=True, type=date.fromisoformat)
    generate.add_argument("--days", required=True, type=int)
    generate.add_argument("--sends-per-day", type=int, default=2000)
    generate.add_argument("--seed", type=int, default=7)
    generate.set_defaults(handler=_cmd_generate)

    run = commands.add_parser("run", help="process arrival dates START..END in one run")
    run.add_argument("--start", required=True, type=date.fromisoformat)
    run.add_argument("--end", required=True, type=date.fromisoformat)
    run.add_argument("--landing", help=f"landing zone (default ${paths.LANDING_ENV})")
    run.add_argument("--warehouse", help=f"warehouse folder (default ${paths.WAREHOUSE_ENV})")
    run.add_argument(
        "--engine",
        choices=paths.ENGINES,
        help=f"the engine dbt builds the models on (default ${paths.ENGINE_ENV}, else duckdb)",
    )
    run.add_argument(
        "--allow-empty-days",
        action="store_true",
        help="replace arrival dates that held rows with nothing when their folder is now "
        "missing or empty (refused otherwise)",
    )
    run.add_argument(
        "--full-refresh",
        action="store_true",
        help="rebuild every model from the raw layer, not only the arrival dates that changed",
    )
    run.add_argument(
        "--wait",
        type=float,
        default=DEFAULT_LOCK_WAIT_SECONDS,
        metavar="SECONDS",
        help="how long to wait for another run on the warehouse to end "
        f"(default {DEFAULT_LOCK_WAIT_SECONDS:g}; 0 refuses at once)",
    )
    run.add_argument(
        "--verbose",
        action="store_true",
        help="keep Dagster's DEBUG events in the run's log file too (left out by default)",
    )
    run.set_defaults(handler=_cmd_run)

    demo = commands.add_parser("demo", help="generate, run end to end, print headline metrics")
    demo.add_argument("--dir", default="data/demo", help="where the demo writes (data/demo)")
    demo.add_argument("--sends-per-day", type=int, default=2000)
    demo.set_defaults(handler=_cmd_demo)

    docs = commands.add_parser("docs", help="generate the dbt docs site of a warehouse")
    docs.add_argument("--warehouse", help=f"warehouse folder (default ${paths.WAREHOUSE_ENV})")
    docs.set_defaults(handler=_cmd_docs)

    report = commands.add_parser(
        "report", help="write an HTML page of charts from the published marts"
    )
    report.add_argument(
        "--campaign", metavar="ID", help="one campaign only (default: all campaigns)"
    )
    report.add_argument(
        "--out", metavar="FILE", help="where to write the page (default <warehouse>/report.html)"
    )
    report.add_argument("--warehouse", help=f"warehouse folder (default ${paths.WAREHOUSE_ENV})")
    report.set_defaults(handler=_cmd_report)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    _interrupt_on_sigterm()
    try:
        return int(args.handler(args))
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
