"""`campaign-warehouse`: a thin front over Dagster (generate, run, demo).

`run` launches one Dagster run of the project's job over a range of arrival dates; it does
not orchestrate anything itself. Run records go to `$DAGSTER_HOME`, else to
`<warehouse>/dagster_home`, so `dagster dev` with the same home shows them.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from orchestration import paths

DEMO_START = date(2025, 3, 1)
DEMO_DAYS = 45


@dataclass(frozen=True)
class RunSummary:
    success: bool
    published: bool
    failed_blocking_checks: list[str]
    warnings: list[str]
    materialized: int
    log_file: Path | None = None


@contextmanager
def _output_to(log_file: Path) -> Iterator[None]:
    """Send everything written to stdout and stderr (dbt's subprocess too) to `log_file`.

    The operator gets a short summary; the full Dagster and dbt log stays in the file.
    """
    log_file.parent.mkdir(parents=True, exist_ok=True)
    sys.stdout.flush()
    sys.stderr.flush()
    saved = os.dup(1), os.dup(2)
    with log_file.open("ab") as handle:
        os.dup2(handle.fileno(), 1)
        os.dup2(handle.fileno(), 2)
        try:
            yield
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os.dup2(saved[0], 1)
            os.dup2(saved[1], 2)
            os.close(saved[0])
            os.close(saved[1])


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


def run_pipeline(start: date, end: date, log_file: Path | None = None) -> RunSummary:
    """Ingest, transform, check and publish arrival dates `start..end` in one Dagster run.

    With `log_file`, the run's own output (Dagster events, dbt's log) goes there.
    """
    if log_file is None:
        return _execute(start, end)
    with _output_to(log_file):
        summary = _execute(start, end)
    return RunSummary(**{**summary.__dict__, "log_file": log_file})


def _execute(start: date, end: date) -> RunSummary:
    import dagster as dg
    from dagster._core.storage.tags import (
        ASSET_PARTITION_RANGE_END_TAG,
        ASSET_PARTITION_RANGE_START_TAG,
    )

    from orchestration.definitions import defs
    from orchestration.defs.schedules import ingest_transform_publish_job

    job = defs.resolve_job_def(ingest_transform_publish_job.name)
    with dg.DagsterInstance.get() as instance:
        result = job.execute_in_process(
            instance=instance,
            tags={
                ASSET_PARTITION_RANGE_START_TAG: start.isoformat(),
                ASSET_PARTITION_RANGE_END_TAG: end.isoformat(),
            },
            raise_on_error=False,
        )
    failed, warnings = [], []
    for evaluation in result.get_asset_check_evaluations():
        if evaluation.passed:
            continue
        label = f"{evaluation.asset_key.to_user_string()}:{evaluation.check_name}"
        if evaluation.severity == dg.AssetCheckSeverity.ERROR:
            failed.append(label)
        else:
            warnings.append(label)
    materialized = {
        event.asset_key for event in result.get_asset_materialization_events() if event.asset_key
    }
    return RunSummary(
        success=result.success,
        published=dg.AssetKey(["serving", "marts"]) in materialized,
        failed_blocking_checks=failed,
        warnings=warnings,
        materialized=len(materialized),
    )


def _log_file(warehouse: Path, start: date, end: date) -> Path:
    return warehouse / "logs" / f"run_{start}_{end}.log"


def _print_summary(summary: RunSummary, start: date, end: date, warehouse: Path) -> None:
    print(f"arrival dates {start}..{end}: {summary.materialized} assets materialized")
    if summary.log_file:
        print(f"  full log: {summary.log_file}")
    for label in summary.warnings:
        print(f"  warning: {label}")
    for label in summary.failed_blocking_checks:
        print(f"  FAILED blocking check: {label}")
    if summary.published:
        print(f"published: {paths.serving_db(warehouse)} and {paths.parquet_dir(warehouse)}/")
    else:
        print("NOT published: the previously published marts are unchanged")


def _cmd_generate(args: argparse.Namespace) -> int:
    from orchestration.lib.generate import generate_landing

    counts = generate_landing(
        Path(args.out), args.start, args.days, sends_per_day=args.sends_per_day, seed=args.seed
    )
    for source, rows in counts.items():
        print(f"{source:>18}: {rows} rows")
    return 0


def _cmd_run(args: argparse.Namespace) -> int:
    if args.end < args.start:
        print("--end must not be before --start", file=sys.stderr)
        return 2
    warehouse = _set_locations(args.landing, args.warehouse)
    summary = run_pipeline(args.start, args.end, _log_file(warehouse, args.start, args.end))
    _print_summary(summary, args.start, args.end, warehouse)
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

    from orchestration.lib.generate import generate_landing

    root = Path(args.dir).resolve()
    landing, warehouse = root / "landing", root / "warehouse"
    end = DEMO_START + timedelta(days=DEMO_DAYS - 1)
    print(f"generating a landing zone in {landing} ({DEMO_START}..{end})")
    generate_landing(landing, DEMO_START, DEMO_DAYS, sends_per_day=args.sends_per_day, seed=7)
    _set_locations(str(landing), str(warehouse))
    summary = run_pipeline(DEMO_START, end, _log_file(warehouse, DEMO_START, end))
    _print_summary(summary, DEMO_START, end, warehouse)
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
    return 0


def _cmd_docs(args: argparse.Namespace) -> int:
    """`dbt docs generate --static` against the warehouse: one HTML file, no server needed."""
    import subprocess

    from orchestration.defs.dbt import dbt_environment
    from orchestration.defs.resources import WarehouseResource

    warehouse_dir = _set_locations(None, args.warehouse)
    warehouse = WarehouseResource(warehouse_dir=str(warehouse_dir))
    latest = warehouse.latest_arrival_date()
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
    run.set_defaults(handler=_cmd_run)

    demo = commands.add_parser("demo", help="generate, run end to end, print headline metrics")
    demo.add_argument("--dir", default="data/demo", help="where the demo writes (data/demo)")
    demo.add_argument("--sends-per-day", type=int, default=2000)
    demo.set_defaults(handler=_cmd_demo)

    docs = commands.add_parser("docs", help="generate the dbt docs site of a warehouse")
    docs.add_argument("--warehouse", help=f"warehouse folder (default ${paths.WAREHOUSE_ENV})")
    docs.set_defaults(handler=_cmd_docs)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.handler(args))


if __name__ == "__main__":
    sys.exit(main())
