"""`campaign-warehouse`: a thin front over Dagster (generate, run, demo, ui, docs, report).

`run` launches one Dagster run of the project's job over a range of arrival dates; it does
not orchestrate anything itself. Run records go to `$DAGSTER_HOME`, else to
`<warehouse>/dagster_home`, so `dagster dev` with the same home shows them. An expected
failure prints one line saying why and where the full log is; never a traceback.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from types import FrameType

from orchestration import paths
from orchestration.cli.demo import cmd_demo
from orchestration.cli.run import cmd_run
from orchestration.cli.ui import cmd_ui
from orchestration.shared.engine import ENGINE_ENV, ENGINES
from orchestration.shared.runlock import DEFAULT_LOCK_WAIT_SECONDS


def _interrupt_on_sigterm() -> None:
    """Stop on SIGTERM as on Ctrl-C, so the run records its end and its children stop."""

    def _raise(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, _raise)


def _at_least(minimum: float, kind: type[int] | type[float]) -> Callable[[str], float]:
    """An argparse type: a number of `kind`, refused in one line when below `minimum`."""

    def parse(text: str) -> float:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"{text} is below {minimum:g}")
        return value

    return parse


def _cmd_generate(args: argparse.Namespace) -> int:
    from landing_simulator import generate_landing

    out = Path(args.out)
    if not args.add and out.is_dir() and any(out.iterdir()):
        print(
            f"{out} is not empty: generating into it would mix two landing zones "
            "(--add to add to it, overwriting files of the same names)",
            file=sys.stderr,
        )
        return 2
    counts = generate_landing(
        Path(args.out), args.start, args.days, sends_per_day=args.sends_per_day, seed=args.seed
    )
    for source, rows in counts.items():
        print(f"{source:>18}: {rows} rows")
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

    warehouse_dir = Path(args.warehouse).resolve() if args.warehouse else paths.warehouse_dir()
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
        # Its log beside the pages, never inside the dbt project, which may be read-only.
        "--log-path",
        str(target),
    ]
    env = {**os.environ, **dbt_environment(warehouse, as_of)}
    completed = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if completed.returncode != 0:
        print(completed.stdout[-4000:], completed.stderr[-4000:], sep="\n", file=sys.stderr)
        return completed.returncode
    print(f"dbt docs as of {as_of}: {target / 'static_index.html'} (open it in a browser)")
    return 0


def _add_target_arguments(parser: argparse.ArgumentParser) -> None:
    """The folders and engine a command works on; `run` and `ui` take the same, so that `ui`
    with `run`'s flags shows that run's warehouse and history."""
    parser.add_argument("--landing", help=f"landing zone (default ${paths.LANDING_ENV})")
    parser.add_argument("--warehouse", help=f"warehouse folder (default ${paths.WAREHOUSE_ENV})")
    parser.add_argument(
        "--engine",
        choices=sorted(ENGINES),
        help=f"the engine dbt builds the models on (default ${ENGINE_ENV}, else duckdb)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="campaign-warehouse", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    generate = commands.add_parser("generate", help="write a synthetic landing zone")
    generate.add_argument("--out", required=True)
    generate.add_argument("--start", required=True, type=date.fromisoformat)
    generate.add_argument("--days", required=True, type=_at_least(1, int))
    generate.add_argument("--sends-per-day", type=_at_least(1, int), default=2000)
    generate.add_argument("--seed", type=int, default=7)
    generate.add_argument(
        "--add",
        action="store_true",
        help="write into a --out that already holds files (refused otherwise)",
    )
    generate.set_defaults(handler=_cmd_generate)

    run = commands.add_parser("run", help="process arrival dates START..END in one run")
    run.add_argument("--start", required=True, type=date.fromisoformat)
    run.add_argument("--end", required=True, type=date.fromisoformat)
    _add_target_arguments(run)
    run.add_argument(
        "--allow-empty-days",
        action="store_true",
        help="replace arrival dates that held rows with nothing when their folder is now "
        "missing or empty (refused otherwise)",
    )
    run.add_argument(
        "--allow-missing-sources",
        action="store_true",
        help="let a source whose folder is gone from the landing root become empty on the "
        "run's dates (refused otherwise, even with --allow-empty-days)",
    )
    run.add_argument(
        "--allow-shrink",
        action="store_true",
        help="publish even when a mart would hold under half the rows of the published build "
        "(refused otherwise)",
    )
    run.add_argument(
        "--full-refresh",
        action="store_true",
        help="rebuild every model from the raw layer, not only the arrival dates that changed",
    )
    run.add_argument(
        "--wait",
        type=_at_least(0, float),
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
    run.set_defaults(handler=cmd_run)

    demo = commands.add_parser("demo", help="generate, run end to end, print headline metrics")
    demo.add_argument("--dir", default="data/demo", help="where the demo writes (data/demo)")
    demo.add_argument("--sends-per-day", type=_at_least(1, int), default=2000)
    demo.set_defaults(handler=cmd_demo)

    ui = commands.add_parser(
        "ui", help="the Dagster UI on a warehouse, its landing zone and its run history"
    )
    _add_target_arguments(ui)
    ui.add_argument("--port", type=_at_least(1, int), default=3000, help="default 3000")
    ui.set_defaults(handler=cmd_ui)

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
