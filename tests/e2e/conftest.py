"""Runs of the real pipeline (the `campaign-warehouse` command) and snapshots of its marts."""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pytest

from tests.e2e.scenario import build_landing

Snapshot = dict[str, list[tuple[Any, ...]]]


@dataclass(frozen=True)
class RunOutcome:
    returncode: int
    output: str


def run_command(landing: Path, warehouse: Path, start: str, end: str, *extra: str) -> list[str]:
    """The `campaign-warehouse run` command line an operator would type."""
    return [
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
        *extra,
    ]


def clean_environment(**extra: str) -> dict[str, str]:
    """This process's environment without the pipeline's settings, plus `extra`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CW_", "DAGSTER_"))}
    return {**env, **extra}


def run_pipeline(
    landing: Path,
    warehouse: Path,
    start: str,
    end: str,
    *extra: str,
    env: Mapping[str, str] | None = None,
) -> RunOutcome:
    """`campaign-warehouse run` in a fresh process, as an operator would call it."""
    completed = subprocess.run(
        run_command(landing, warehouse, start, end, *extra),
        capture_output=True,
        text=True,
        env=clean_environment(**(env or {})),
        check=False,
    )
    return RunOutcome(completed.returncode, completed.stdout + completed.stderr)


@pytest.fixture(scope="session")
def published_scenario(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Path:
    """The hand-built scenario (`scenario.py`) run over 2025-01-01..2025-02-01 and published:
    `landing/` and `warehouse/` under the returned folder. Built once per test session and
    shared by the xdist workers; copy it (`copy_published`) before changing anything."""
    shared = tmp_path_factory.getbasetemp()
    if worker_id != "master":
        shared = shared.parent
    root = shared / "published_scenario"
    with (shared / "published_scenario.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (root / "done").exists():
            shutil.rmtree(root, ignore_errors=True)
            build_landing(root / "landing")
            outcome = run_pipeline(root / "landing", root / "warehouse", "2025-01-01", "2025-02-01")
            assert outcome.returncode == 0, outcome.output
            (root / "done").touch()
    return root


def copy_published(published: Path, target: Path) -> tuple[Path, Path]:
    """A private copy of a published scenario: (landing, warehouse) under `target`.

    Links are copied as links, so the copy's `serving.duckdb` shows the copy's own build.
    """
    landing, warehouse = target / "landing", target / "warehouse"
    shutil.copytree(published / "landing", landing, symlinks=True)
    shutil.copytree(
        published / "warehouse",
        warehouse,
        symlinks=True,
        ignore=shutil.ignore_patterns("dagster_home", "logs"),
    )
    return landing, warehouse


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


def parquet_digests(warehouse: Path) -> dict[str, str]:
    """The published Parquet files' contents, which identical marts make identical."""
    files = sorted((warehouse / "parquet").glob("*.parquet"))
    return {f.name: hashlib.sha256(f.read_bytes()).hexdigest() for f in files}


def raw_rows(warehouse: Path, sql: str) -> list[tuple[Any, ...]]:
    """A query over the raw layer's `raw.*` relations (its Parquet files)."""
    from orchestration.lib.rawlayer import create_raw_views

    with duckdb.connect() as conn:
        create_raw_views(conn, warehouse / "raw")
        return conn.execute(sql).fetchall()
