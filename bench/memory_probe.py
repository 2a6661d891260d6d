"""Find the dbt models that fail instead of spilling: run each model's compiled SQL alone,
at a memory limit, on a warehouse a benchmark (or any run) left behind.

    .venv/bin/python bench/memory_probe.py bench/out/warehouse --memory-limit 1GB

A model that runs out of memory here runs out of memory in a real run once the data grows
by the ratio of the real limit to this one, so probing at a quarter of the real limit shows
what breaks first at four times the data. Each model runs in its own connection, reading a
read-only attachment of `warehouse.duckdb`, as `create temp table ... as <compiled select>`;
the compiled SQL is the one of the warehouse's last dbt run (its incremental filters
included). Output: one line per model with its rows and seconds, or DuckDB's error.

What it found: `int_messages_resolved` and `int_execution_steps_resolved` read a wide
`select *` CTE twice, which DuckDB materializes; at 60 days of 100 k sends a day the first
failed at 4 GB and the second at 1 GB with "failed to pin block". At 30 days of 1 M sends a
day, `int_messages_resolved` failed at 4 GB again ("could not allocate block"): a window
function over its joined wide rows; ranked over four columns of staging, it runs at 1 GB.
That ranking, joined back to every message, then failed at 4 GB in a 29-day backfill on top
of 31 days of 100 k sends a day ("failed to pin block"); reading the execution's first send
from int_executions_resolved (one narrow join by execution) runs there at 4 GB.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import duckdb


def probe(warehouse: Path, memory_limit: str, threads: int, only: list[str]) -> int:
    compiled = warehouse / "dbt_target" / "compiled" / "campaign_warehouse" / "models"
    spill = warehouse / "tmp" / "memory_probe"
    spill.mkdir(parents=True, exist_ok=True)
    failures = 0
    for sql_file in sorted(compiled.rglob("*.sql")):
        name = sql_file.stem
        # Data tests are compiled under models/ too, beside their model's yml.
        if sql_file.parent.name.endswith(".yml") or (only and name not in only):
            continue
        connection = duckdb.connect(
            config={
                "memory_limit": memory_limit,
                "threads": threads,
                "temp_directory": str(spill),
                "preserve_insertion_order": False,
            }
        )
        began = time.perf_counter()
        try:
            connection.execute("set TimeZone = 'UTC'")
            connection.execute(
                "attach $path as warehouse (read_only)",
                {"path": str(warehouse / "warehouse.duckdb")},
            )
            connection.execute("use warehouse")
            connection.execute(f"create temp table probed as {sql_file.read_text()}")
            (rows,) = connection.execute("select count(*) from probed").fetchone() or (0,)
            outcome = f"{rows:>12,} rows"
        except duckdb.Error as error:
            failures += 1
            outcome = "FAILED " + str(error).splitlines()[0]
        finally:
            connection.close()
        print(f"{name:40s} {outcome}  {time.perf_counter() - began:6.1f} s", flush=True)
    return failures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("warehouse", type=Path)
    parser.add_argument("--memory-limit", default="1GB")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument(
        "--model", action="append", default=[], help="only this model (repeatable; default: all)"
    )
    args = parser.parse_args()
    return 1 if probe(args.warehouse, args.memory_limit, args.threads, args.model) else 0


if __name__ == "__main__":
    sys.exit(main())
