"""Runs of the real pipeline (the `campaign-warehouse` command) and snapshots of its marts."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

Snapshot = dict[str, list[tuple[Any, ...]]]


@dataclass(frozen=True)
class RunOutcome:
    returncode: int
    output: str


def run_pipeline(landing: Path, warehouse: Path, start: str, end: str) -> RunOutcome:
    """`campaign-warehouse run` in a fresh process, as an operator would call it."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CW_", "DAGSTER_"))}
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "orchestration.cli",
            "run",
            "--start",
            start,
            "--end",
            end,
            "--landing",
            str(landing),
            "--warehouse",
            str(warehouse),
        ],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    return RunOutcome(completed.returncode, completed.stdout + completed.stderr)


def published_tables(warehouse: Path) -> list[str]:
    with duckdb.connect(str(warehouse / "serving.duckdb"), read_only=True) as conn:
        rows = conn.execute(
            "select table_name from information_schema.tables "
            "where table_schema = 'marts' order by table_name"
        ).fetchall()
    return [r[0] for r in rows]


def snapshot(warehouse: Path) -> Snapshot:
    """Every published mart's rows, in a stable order."""
    tables = published_tables(warehouse)
    with duckdb.connect(str(warehouse / "serving.duckdb"), read_only=True) as conn:
        return {
            table: conn.execute(f'select * from marts."{table}" order by all').fetchall()
            for table in tables
        }


def rows_by(warehouse: Path, table: str, *keys: str) -> dict[Any, dict[str, Any]]:
    """A published mart as {key: {column: value}}."""
    with duckdb.connect(str(warehouse / "serving.duckdb"), read_only=True) as conn:
        frame = conn.execute(f'select * from marts."{table}"').df()
    records = frame.astype(object).where(frame.notna(), None).to_dict("records")
    return {(r[keys[0]] if len(keys) == 1 else tuple(r[k] for k in keys)): r for r in records}


def file_digests(warehouse: Path) -> dict[str, str]:
    """The published files' contents, to prove a failed run did not touch them."""
    files = [warehouse / "serving.duckdb", *sorted((warehouse / "parquet").glob("*.parquet"))]
    return {f.name: hashlib.sha256(f.read_bytes()).hexdigest() for f in files}
