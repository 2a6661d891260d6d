"""Measure the pipeline at a stated scale: rows per second and peak memory, per stage.

    .venv/bin/python bench/benchmark.py --sends-per-day 20000 --days 10

Generates a landing zone, runs `campaign-warehouse run` over it as one Dagster run (a
backfill) in a child process, and reports the generator's and each step's wall time (from
Dagster's run records), rows landed per second, and the peak resident memory of the
largest process (the pipeline or the dbt it starts). Output goes to stdout as Markdown.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import dagster as dg
import duckdb

from orchestration.lib.generate import generate_landing


def _step_durations(dagster_home: Path) -> dict[str, float]:
    import os

    os.environ["DAGSTER_HOME"] = str(dagster_home)
    with dg.DagsterInstance.get() as instance:
        run = instance.get_runs(limit=1)[0]
        stats = instance.get_run_step_stats(run.run_id)
    return {s.step_key: (s.end_time or 0) - (s.start_time or 0) for s in stats if s.start_time}


def _landed_rows(warehouse: Path) -> dict[str, int]:
    with duckdb.connect(str(warehouse / "warehouse.duckdb"), read_only=True) as conn:
        rows = conn.execute(
            "select source, sum(rows_read) from raw.landed_files group by source order by source"
        ).fetchall()
    return {source: int(count) for source, count in rows}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sends-per-day", type=int, default=20000)
    parser.add_argument("--days", type=int, default=10)
    parser.add_argument("--start", type=date.fromisoformat, default=date(2025, 3, 1))
    parser.add_argument("--dir", type=Path, default=Path("bench/out"))
    args = parser.parse_args()

    root = args.dir.resolve()
    shutil.rmtree(root, ignore_errors=True)
    landing, warehouse = root / "landing", root / "warehouse"
    end = args.start + timedelta(days=args.days - 1)

    began = time.perf_counter()
    written = generate_landing(landing, args.start, args.days, sends_per_day=args.sends_per_day)
    generate_seconds = time.perf_counter() - began

    began = time.perf_counter()
    command = [
        sys.executable,
        "-m",
        "orchestration.cli",
        "run",
        "--start",
        args.start.isoformat(),
        "--end",
        end.isoformat(),
        "--landing",
        str(landing),
        "--warehouse",
        str(warehouse),
    ]
    completed = subprocess.run(command, capture_output=True, text=True, check=False)
    run_seconds = time.perf_counter() - began
    # Linux reports kilobytes: the largest descendant waited for (the pipeline or dbt).
    peak_mib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    if completed.returncode != 0:
        print(completed.stdout[-3000:], completed.stderr[-3000:], sep="\n")
        return completed.returncode

    landed = _landed_rows(warehouse)
    steps = _step_durations(warehouse / "dagster_home")
    ingest_seconds = sum(v for k, v in steps.items() if k.startswith("raw__"))
    total_rows = sum(landed.values())
    print(f"## {args.sends_per_day} sends/day x {args.days} days ({args.start}..{end})\n")
    print("| stage | seconds | rows | rows/s |\n| --- | ---: | ---: | ---: |")
    generated = sum(written.values())
    print(
        f"| generate | {generate_seconds:.1f} | {generated} | {generated / generate_seconds:,.0f} |"
    )
    print(
        f"| ingest (10 sources) | {ingest_seconds:.1f} | {total_rows} | "
        f"{total_rows / ingest_seconds:,.0f} |"
    )
    for key in ("campaign_dbt_models", "serving__marts"):
        if key in steps:
            print(f"| {key} | {steps[key]:.1f} | | |")
    print(
        f"| whole run (process start to exit) | {run_seconds:.1f} | {total_rows} | "
        f"{total_rows / run_seconds:,.0f} |"
    )
    print(f"\npeak resident memory of the largest process: {peak_mib:,.0f} MiB")
    print("rows landed per source: " + ", ".join(f"{k} {v}" for k, v in landed.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
