"""The raw layer: the ingest's output as Parquet files, one folder per (source, arrival date).

    <warehouse>/raw/<source>/arrival_date=YYYY-MM-DD/rows.parquet        valid rows, typed
                                                    /quarantine.parquet  rejected rows and files
                                                    /files.parquet       one record per landed file
    <warehouse>/raw/_staging/                        partitions being written, never read

A partition is written whole into `_staging/` and then swapped into place: by an atomic
exchange of the two folders where the file system supports it (Linux `renameat2`), else by
two renames, with the old folder kept aside until the new one is in place; the next writer
puts a set-aside folder back if a crash came between the two. Readers (dbt through DuckDB,
Spark, anything reading Hive-partitioned Parquet) therefore always see one whole version of a
partition. Partitions are independent: sources and days can be ingested in parallel.

The layout is known here and in the dbt sources (`dbt_project/models/staging/_raw__sources.yml`),
and nowhere else.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import duckdb

from contract.sources import (
    LANDED_FILES_COLUMNS,
    LANDED_FILES_TABLE,
    QUARANTINE_COLUMNS,
    QUARANTINE_TABLE,
    RAW_SCHEMA,
    SOURCES,
    quote_ident,
    raw_columns,
)
from contract.validation import sql_string
from orchestration.ingest.landing import is_arrival_date
from orchestration.shared.duckdb_settings import DuckDBSettings, connect, literal_path

ROWS_FILE = "rows.parquet"
QUARANTINE_FILE = "quarantine.parquet"
FILES_FILE = "files.parquet"
PARTITION_PREFIX = "arrival_date="
_STAGING = "_staging"
_ASIDE_SUFFIX = ".aside"
_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def partition_dir(raw: Path, source: str, arrival_date: date) -> Path:
    """The folder of one (source, arrival date) partition."""
    return raw / source / f"{PARTITION_PREFIX}{arrival_date.isoformat()}"


def new_staging_dir(raw: Path, source: str, arrival_date: date) -> Path:
    """An empty folder to write a partition into before it is swapped in."""
    folder = raw / _STAGING / f"{source}.{arrival_date.isoformat()}.{uuid.uuid4().hex[:8]}"
    folder.mkdir(parents=True)
    return folder


def ingested_dates(raw: Path, source: str) -> list[date]:
    """The arrival dates a source has a partition for, in order."""
    folder = raw / source
    if not folder.is_dir():
        return []
    days = [
        date.fromisoformat(entry.name.removeprefix(PARTITION_PREFIX))
        for entry in folder.iterdir()
        if entry.name.startswith(PARTITION_PREFIX)
        and is_arrival_date(entry.name.removeprefix(PARTITION_PREFIX))
    ]
    return sorted(days)


def latest_arrival_date(raw: Path) -> date | None:
    """The latest arrival date any source has a partition for."""
    if not raw.is_dir():
        return None
    latest = [
        days[-1]
        for source in raw.iterdir()
        if source.is_dir() and not source.name.startswith("_")
        if (days := ingested_dates(raw, source.name))
    ]
    return max(latest, default=None)


def swap_in(staged: Path, final: Path) -> None:
    """Put the fully written folder `staged` in the place of `final`, atomically.

    `staged` must be on the same file system as `final`; it is gone afterwards.
    """
    _fsync_tree(staged)
    final.parent.mkdir(parents=True, exist_ok=True)
    if not final.exists():
        os.rename(staged, final)
    elif not _exchange(staged, final):
        aside = final.with_name(final.name + _ASIDE_SUFFIX)
        shutil.rmtree(aside, ignore_errors=True)
        os.rename(final, aside)
        os.rename(staged, final)
        staged = aside
    _fsync(final.parent)
    # After an exchange, `staged` holds the old partition.
    shutil.rmtree(staged, ignore_errors=True)


def recover(raw: Path, source: str | None = None) -> None:
    """Undo what a crash left: put back a partition set aside by a swap that did not finish,
    and delete half-written partitions; of one `source`, else of every source.

    Call it holding the warehouse's run lock, before writing the partitions: the ingest of a
    source recovers that source's (its own staging folders only, so sources can be ingested
    side by side).
    """
    restore_set_aside(raw, source)
    if source is None:
        shutil.rmtree(raw / _STAGING, ignore_errors=True)
        return
    for staged in (raw / _STAGING).glob(f"{source}.*"):
        shutil.rmtree(staged, ignore_errors=True)


def restore_set_aside(raw: Path, source: str | None = None) -> None:
    """Put back the partitions a swap set aside and did not finish (the rename that would have
    replaced them never came); of one `source`, else of every source. A reader calls it, under
    the run lock, before it reads the partitions, so that a crash never hides a day from it."""
    if not raw.is_dir():
        return
    for folder in raw.iterdir():
        if not folder.is_dir() or folder.name.startswith("_"):
            continue
        if source is not None and folder.name != source:
            continue
        for aside in folder.glob(f"{PARTITION_PREFIX}*{_ASIDE_SUFFIX}"):
            final = aside.with_name(aside.name.removesuffix(_ASIDE_SUFFIX))
            if final.exists():
                shutil.rmtree(aside, ignore_errors=True)
            else:
                os.rename(aside, final)


@contextmanager
def raw_connection(raw: Path, settings: DuckDBSettings) -> Iterator[duckdb.DuckDBPyConnection]:
    """An in-memory connection reading the raw layer as schema `raw`; closed on exit."""
    conn = connect(settings)
    try:
        create_raw_views(conn, raw)
        yield conn
    finally:
        conn.close()


def create_raw_views(conn: duckdb.DuckDBPyConnection, raw: Path) -> None:
    """Schema `raw` in `conn`: a view per source (with `_arrival_date`), `raw.quarantine`
    and `raw.landed_files` (with `arrival_date`) over the raw layer's Parquet files, for
    checks and people to query. A relation with no partition yet is empty."""
    conn.execute(f"create schema if not exists {RAW_SCHEMA}")
    for source in SOURCES.values():
        relation = f"{RAW_SCHEMA}.{quote_ident(source.name)}"
        if ingested_dates(raw, source.name):
            scan = _scan(_pattern(raw, source.name, ROWS_FILE))
            body = f"select * exclude (arrival_date), arrival_date as _arrival_date from {scan}"
        else:
            body = _empty(raw_columns(source))
        conn.execute(f"create or replace view {relation} as {body}")
    anything = latest_arrival_date(raw) is not None
    for table, file, columns in (
        (QUARANTINE_TABLE, QUARANTINE_FILE, QUARANTINE_COLUMNS),
        (LANDED_FILES_TABLE, FILES_FILE, LANDED_FILES_COLUMNS),
    ):
        names = ", ".join(quote_ident(name) for name, _ in columns)
        scan = _scan(_pattern(raw, "*", file, literal_source=False))
        body = f"select {names} from {scan}" if anything else _empty(columns)
        conn.execute(f"create or replace view {RAW_SCHEMA}.{table} as {body}")


def _empty(columns: tuple[tuple[str, str], ...]) -> str:
    typed = ", ".join(f"cast(null as {kind}) as {quote_ident(name)}" for name, kind in columns)
    return f"select {typed} where false"


def _pattern(raw: Path, source: str, file: str, literal_source: bool = True) -> str:
    """The glob of one file of every partition of a source (`*`: of every source)."""
    folder = literal_path(raw) + "/" + (literal_path(source) if literal_source else source)
    return f"{folder}/{PARTITION_PREFIX}*/{file}"


def _scan(pattern: str) -> str:
    return (
        f"read_parquet({sql_string(pattern)}, hive_partitioning = true, union_by_name = true, "
        "hive_types = {'arrival_date': date})"
    )


def _exchange(first: Path, second: Path) -> bool:
    """Swap two folders in one step (Linux `renameat2(RENAME_EXCHANGE)`); False when the
    system or file system cannot."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    result = renameat2(
        _AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE
    )
    if result == 0:
        return True
    number = ctypes.get_errno()
    if number in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP, errno.ENOTSUP):
        return False
    raise OSError(number, os.strerror(number), str(second))


def _fsync_tree(folder: Path) -> None:
    for path in folder.iterdir():
        if path.is_file():
            _fsync(path)
    _fsync(folder)


def _fsync(path: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        descriptor = os.open(path, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
