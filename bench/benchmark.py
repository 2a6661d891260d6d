"""Measure the pipeline at a stated scale: wall time, rows per second per stage, peak memory.

    .venv/bin/python bench/benchmark.py --sends-per-day 100000 --days 30 --double-history

One command measures, on a generated landing zone of `--days` days of history:

1. the backfill of days 1..N in one run;
2. the nightly run of day N+1 on top of it;
3. a rerun of that night (same files), unless `--no-rerun`;
4. with `--double-history`: a backfill of days N+2..2N, then the nightly run of day 2N+1,
   the same nightly run with twice the history;
5. the yardstick: one hand-written DuckDB query (`bench/baseline.py`) over days 1..N and
   over day N+1's files.

Each run is `campaign-warehouse run` in a child process. Stage times come from Dagster's
step records: ingest (the ten raw assets), dbt, the Great Expectations and raw checks, and
publication. Peak memory is the largest resident set of the run's process tree (the
pipeline or the dbt child it starts), from wait4. Output is Markdown on stdout.

`--engine spark` measures the same runs with dbt on Spark (the spark extra), in a warehouse
of its own beside the DuckDB one, so that `--keep-landing` compares both on one landing zone.

The landing zone is generated in chunks of days, each its own simulation with its own seed,
so that generating 1 M sends a day for a month fits in memory.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import dagster as dg
import duckdb

sys.path.insert(0, str(Path(__file__).resolve().parent))

from baseline import run_baseline

from landing_simulator import generate_landing

# The generator holds its whole simulation in memory (about 1.6 GB per million sends).
_SENDS_PER_CHUNK = 2_000_000


@dataclass
class Measured:
    """One run of the pipeline: what it read and how long each stage took."""

    label: str
    days: str
    wall_seconds: float
    peak_mib: float
    rows: int
    stages: dict[str, float] = field(default_factory=dict)


def _generate(landing: Path, start: date, days: int, sends_per_day: int) -> tuple[float, int]:
    chunk = max(1, _SENDS_PER_CHUNK // sends_per_day)
    began, written = time.perf_counter(), 0
    for offset in range(0, days, chunk):
        size = min(chunk, days - offset)
        rows = generate_landing(
            landing, start + timedelta(days=offset), size, sends_per_day, seed=7 + offset
        )
        written += sum(rows.values())
    return time.perf_counter() - began, written


def _stage_seconds(dagster_home: Path) -> dict[str, float]:
    os.environ["DAGSTER_HOME"] = str(dagster_home)
    with dg.DagsterInstance.get() as instance:
        # The pipeline's last run; the housekeeping job runs after it.
        pipeline = dg.RunsFilter(job_name="ingest_transform_publish_job")
        run = instance.get_runs(filters=pipeline, limit=1)[0]
        stats = instance.get_run_step_stats(run.run_id)
    stages: dict[str, float] = {}
    for step in stats:
        if not step.start_time:
            continue
        key = step.step_key
        stage = (
            "ingest"
            if key.startswith("raw__") and "check" not in key
            else "dbt"
            if key == "campaign_dbt_models"
            else "publish"
            if key.startswith("serving__")
            else "checks"
        )
        stages[stage] = stages.get(stage, 0.0) + (step.end_time or 0) - step.start_time
    return stages


def _rows_landed(raw: Path, first: date, last: date) -> int:
    pattern = str(raw / "*" / "arrival_date=*" / "files.parquet")
    with duckdb.connect() as conn:
        (rows,) = conn.execute(
            "select coalesce(sum(rows_read), 0) from read_parquet($pattern, "
            "hive_partitioning = true, union_by_name = true) "
            "where arrival_date between $first and $last",
            {"pattern": pattern, "first": first, "last": last},
        ).fetchone() or (0,)
    return int(rows)


def _run(
    label: str, first: date, last: date, landing: Path, warehouse: Path, env: dict[str, str]
) -> Measured:
    command = [
        sys.executable,
        "-m",
        "orchestration.cli",
        "run",
        "--start",
        first.isoformat(),
        "--end",
        last.isoformat(),
        "--landing",
        str(landing),
        "--warehouse",
        str(warehouse),
    ]
    began = time.perf_counter()
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env
    )
    output = process.stdout.read() if process.stdout else ""
    # wait4 gives the rusage of the child and of the descendants it waited for (dbt): its
    # ru_maxrss is the largest resident set of that tree, in KiB on Linux.
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - began
    if process.returncode != 0:
        print(output[-4000:], file=sys.stderr)
        raise SystemExit(f"{label} failed with exit code {process.returncode}")
    return Measured(
        label=label,
        days=f"{first}..{last}" if first != last else str(first),
        wall_seconds=wall,
        peak_mib=usage.ru_maxrss / 1024,
        rows=_rows_landed(warehouse / "raw", first, last),
        stages=_stage_seconds(warehouse / "dagster_home"),
    )


def _report(args: argparse.Namespace, runs: list[Measured], baselines: list[str]) -> None:
    print(
        f"## {args.engine}: {args.sends_per_day:,} sends a day, {args.days} days of history "
        f"(DuckDB memory_limit {args.memory_limit}, {args.threads} threads, "
        f"{os.cpu_count()} cores)\n"
    )
    print(
        "| run | arrival dates | wall s | rows landed | rows/s (wall) | ingest s | "
        "ingest rows/s | dbt s | checks s | publish s | peak MiB |"
    )
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for m in runs:
        ingest = m.stages.get("ingest", 0.0)
        print(
            f"| {m.label} | {m.days} | {m.wall_seconds:.1f} | {m.rows:,} | "
            f"{m.rows / m.wall_seconds:,.0f} | {ingest:.1f} | "
            f"{m.rows / ingest if ingest else 0:,.0f} | {m.stages.get('dbt', 0.0):.1f} | "
            f"{m.stages.get('checks', 0.0):.1f} | {m.stages.get('publish', 0.0):.1f} | "
            f"{m.peak_mib:,.0f} |"
        )
    print()
    for line in baselines:
        print(line)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sends-per-day", type=int, default=100_000)
    parser.add_argument("--days", type=int, default=30, help="history N before the night")
    parser.add_argument("--start", type=date.fromisoformat, default=date(2025, 3, 1))
    parser.add_argument("--double-history", action="store_true")
    parser.add_argument(
        "--no-rerun", action="store_true", help="skip the rerun of the night (saves a night's time)"
    )
    parser.add_argument("--memory-limit", default="4GB", help="CW_DUCKDB_MEMORY_LIMIT")
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--dir", type=Path, default=Path("bench/out"))
    parser.add_argument("--keep-landing", action="store_true", help="reuse bench/out/landing")
    parser.add_argument(
        "--engine",
        choices=("duckdb", "spark"),
        default="duckdb",
        help="the engine dbt builds on (Spark: pyspark in local mode; the spark extra)",
    )
    args = parser.parse_args()

    root = args.dir.resolve()
    landing = root / "landing"
    # Each engine its own warehouse, so both can be measured on one landing zone.
    warehouse = root / ("warehouse" if args.engine == "duckdb" else f"warehouse-{args.engine}")
    shutil.rmtree(warehouse, ignore_errors=True)
    total_days = 2 * args.days + 1 if args.double_history else args.days + 1
    if not (args.keep_landing and landing.is_dir()):
        shutil.rmtree(landing, ignore_errors=True)
        seconds, rows = _generate(landing, args.start, total_days, args.sends_per_day)
        print(f"generated {rows:,} rows over {total_days} days in {seconds:.0f} s\n")

    env = {
        **os.environ,
        "CW_DUCKDB_MEMORY_LIMIT": args.memory_limit,
        "CW_DUCKDB_THREADS": str(args.threads),
        "CW_ENGINE": args.engine,
    }
    env.pop("DAGSTER_HOME", None)
    day = args.start + timedelta(days=args.days)  # the night N+1
    plan = [("backfill", args.start, day - timedelta(days=1)), ("nightly", day, day)]
    if not args.no_rerun:
        plan.append(("rerun of the night", day, day))
    if args.double_history:
        night = args.start + timedelta(days=2 * args.days)
        plan.append(("backfill to 2N days", day + timedelta(days=1), night - timedelta(days=1)))
        plan.append(("nightly on 2N days", night, night))
    runs: list[Measured] = []
    for label, first, last in plan:
        runs.append(_run(label, first, last, landing, warehouse, env))
        # A run at 1 M sends a day takes most of an hour: say where the benchmark is.
        print(f"{label}: {runs[-1].wall_seconds:.0f} s {runs[-1].stages}", file=sys.stderr)

    temp = root / "baseline_tmp"
    history_s, history_rows = run_baseline(
        landing, args.start, day - timedelta(days=1), args.memory_limit, temp
    )
    night_s, night_rows = run_baseline(landing, day, day, args.memory_limit, temp)
    shutil.rmtree(temp, ignore_errors=True)
    baselines = [
        f"Hand-written DuckDB query (bench/baseline.py): days 1..{args.days} "
        f"{history_s:.1f} s ({history_rows:,} messages); day {args.days + 1} alone "
        f"{night_s:.2f} s ({night_rows:,} messages).",
        "",
        f"- backfill / query over the same days: {runs[0].wall_seconds / history_s:.1f}x",
        f"- nightly / query over the night's files: {runs[1].wall_seconds / night_s:.1f}x",
    ]
    if args.double_history:
        growth = runs[-1].wall_seconds / runs[1].wall_seconds - 1
        baselines.append(f"- nightly on 2N days of history vs N days: {growth:+.0%}")
    baselines.append(f"- peak memory of any run: {max(m.peak_mib for m in runs):,.0f} MiB")
    _report(args, runs, baselines)
    return 0


if __name__ == "__main__":
    sys.exit(main())
