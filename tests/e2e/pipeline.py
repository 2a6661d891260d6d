"""Runs of the real pipeline (the `campaign-warehouse` command) and snapshots of its marts."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

Snapshot = dict[str, list[tuple[Any, ...]]]


@dataclass(frozen=True)
class RunOutcome:
    returncode: int
    output: str
    # The variables a run in this process set, changed or removed (`run_many` only).
    environment_changes: tuple[str, ...] = ()


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


def serving_file(published: Path) -> Path:
    """The published marts' database: `published` itself when it is one (a copy kept by
    `run_many`), else the `serving.duckdb` of the warehouse folder `published`."""
    return published if published.suffix == ".duckdb" else published / "serving.duckdb"


def published_tables(warehouse: Path) -> list[str]:
    with duckdb.connect(str(serving_file(warehouse)), read_only=True) as conn:
        rows = conn.execute(
            "select table_name from information_schema.tables "
            "where table_schema = 'marts' order by table_name"
        ).fetchall()
    return [r[0] for r in rows]


def snapshot(warehouse: Path) -> Snapshot:
    """Every published mart's rows, in a stable order."""
    tables = published_tables(warehouse)
    with duckdb.connect(str(serving_file(warehouse)), read_only=True) as conn:
        return {
            table: conn.execute(f'select * from marts."{table}" order by all').fetchall()
            for table in tables
        }


def rows_by(warehouse: Path, table: str, *keys: str) -> dict[Any, dict[str, Any]]:
    """A published mart as {key: {column: value}}."""
    with duckdb.connect(str(serving_file(warehouse)), read_only=True) as conn:
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
    from orchestration.ingest.rawlayer import create_raw_views

    with duckdb.connect() as conn:
        create_raw_views(conn, warehouse / "raw")
        return conn.execute(sql).fetchall()


# Runs several `campaign-warehouse` commands one after another in one process, as a scheduler
# starting nightly runs would, without paying the imports each time; prints each outcome.
# The terminal of each run is caught at the file-descriptor level, as a terminal would be, and
# the process's environment is compared before and after each command.
_DRIVER = """
import json, os, shutil, sys, tempfile
from orchestration.cli.main import main

outcomes = []
for argv, keep in json.loads(sys.argv[1]):
    before = dict(os.environ)
    with tempfile.TemporaryFile() as terminal:
        sys.stdout.flush(); sys.stderr.flush()
        saved = os.dup(1), os.dup(2)
        os.dup2(terminal.fileno(), 1); os.dup2(terminal.fileno(), 2)
        try:
            code = main(argv)
        finally:
            sys.stdout.flush(); sys.stderr.flush()
            os.dup2(saved[0], 1); os.dup2(saved[1], 2)
            os.close(saved[0]); os.close(saved[1])
        terminal.seek(0)
        output = terminal.read().decode()
    changed = sorted(k for k in {*before, *os.environ} if before.get(k) != os.environ.get(k))
    if keep:
        warehouse = argv[argv.index("--warehouse") + 1]
        shutil.copyfile(os.path.realpath(os.path.join(warehouse, "serving.duckdb")), keep)
    outcomes.append([code, output, changed])
print(json.dumps(outcomes))
"""


def run_many(
    runs: list[list[str]],
    env: Mapping[str, str] | None = None,
    keep_published: Sequence[Path | None] = (),
) -> list[RunOutcome]:
    """`campaign-warehouse` with each argument list of `runs`, in order, in one fresh process.

    After the k-th run, the published `serving.duckdb` is copied to `keep_published[k]` when
    that is given: the marts as that run left them (`snapshot_of` reads them).
    """
    keep = [str(path) if path else None for path in keep_published]
    keep += [None] * (len(runs) - len(keep))
    completed = subprocess.run(
        [sys.executable, "-c", _DRIVER, json.dumps(list(zip(runs, keep, strict=True)))],
        capture_output=True,
        text=True,
        env=clean_environment(**(env or {})),
        check=False,
    )
    if completed.returncode != 0:
        raise AssertionError(completed.stdout[-3000:] + completed.stderr[-3000:])
    last_line = completed.stdout.strip().splitlines()[-1]
    return [
        RunOutcome(code, output, tuple(changed)) for code, output, changed in json.loads(last_line)
    ]


def run_arguments(landing: Path, warehouse: Path, start: str, end: str, *extra: str) -> list[str]:
    """The arguments of `campaign-warehouse run` (without the program)."""
    return run_command(landing, warehouse, start, end, *extra)[3:]


def child_processes(pid: int) -> list[int]:
    """The processes whose parent is `pid`."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def process_alive(pid: int) -> bool:
    """Running, not a zombie waiting to be reaped (a container's init may never reap it)."""
    try:
        state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def process_command(pid: int) -> str:
    """A process's command line, empty when it is gone."""
    try:
        return (Path("/proc") / str(pid) / "cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""
