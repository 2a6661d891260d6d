"""Ingest one (source, arrival date) partition of the landing zone into the raw layer.

Each file is read by DuckDB's own reader for its format (`readers.py`) and typed and judged
by SQL generated from the contract (`contract/validation.py`) in the same statement, in a private
in-memory DuckDB with bounded memory that spills to disk. The partition's three Parquet files
(valid rows, quarantine, one record per file; `rawlayer.py`) are written beside their place
and swapped in whole, so a rerun of a day replaces it and a crash leaves the old version or
the new one. Partitions share nothing: sources and days can be ingested in parallel.

Nothing read from a file is ever put into SQL text: file paths and dates are bind
parameters, identifiers come from the contract and are quoted.
"""

from __future__ import annotations

import shutil
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb

from contract.sources import Source, quote_ident
from contract.validation import typed_table_ddl
from orchestration.ingest.landing import LandedFile, list_landed_files
from orchestration.ingest.rawlayer import (
    FILES_FILE,
    PARTITION_PREFIX,
    QUARANTINE_FILE,
    ROWS_FILE,
    new_staging_dir,
    partition_dir,
    swap_in,
)
from orchestration.ingest.readers import describe_read_error, read_into, rows_before_error
from orchestration.shared.duckdb_settings import MEMORY_LIMIT_ENV, DuckDBSettings, connect
from orchestration.shared.errors import PipelineError, explain, is_machine_error
from orchestration.shared.failpoints import failpoint

_TYPED = "_cw_typed"


@dataclass(frozen=True)
class IngestResult:
    source: str
    arrival_date: date
    files: int
    unreadable_files: int
    rows_read: int
    rows_loaded: int
    rows_quarantined: int
    # Rows the unreadable files of the day held, estimated from their size.
    rows_estimated_unreadable: int = 0


_FILES_DDL = """
create or replace temp table _cw_files (
    file_index integer,
    source_file varchar,
    file_format varchar,
    is_gzip boolean,
    file_bytes bigint,
    read_error varchar,
    rows_before_error bigint
)
"""

# An unreadable file holds as many rows as its size says, at the rate of the day's readable
# files of the same format and compression (else of all of them), and at least the lines it
# held before it broke; an unsupported file's content is unknown and counts as one row.
_FILE_RECORDS = f"""
create or replace temp table _cw_file_records as
with per_file as (
    select files.*,
        count(typed.file_index) as rows_read,
        count(typed.file_index) filter (where typed.reason is null) as rows_loaded,
        count(typed.file_index) filter (where typed.reason is not null) as rows_quarantined
    from _cw_files as files
    left join {_TYPED} as typed on files.file_index = typed.file_index
    group by all
),
readable as (
    select * from per_file where read_error is null and file_bytes > 0 and rows_read > 0
),
same_kind_rate as (
    select file_format, is_gzip, sum(rows_read) / sum(file_bytes) as rows_per_byte
    from readable
    group by file_format, is_gzip
),
any_kind_rate as (
    select sum(rows_read) / sum(file_bytes) as rows_per_byte from readable
)
select per_file.*,
    case
        when read_error is null then null
        when per_file.file_format = 'unsupported' then 1
        else greatest(
            1,
            coalesce(rows_before_error, 0),
            coalesce(
                round(file_bytes * coalesce(same_kind.rows_per_byte, any_kind.rows_per_byte)),
                0
            )
        )
    end::bigint as rows_estimated
from per_file
left join same_kind_rate as same_kind
    on per_file.file_format = same_kind.file_format and per_file.is_gzip = same_kind.is_gzip
cross join any_kind_rate as any_kind
order by file_index
"""

_WRITE_QUARANTINE = f"""
copy (
    select $source as source, list_extract($files, file_index + 1) as source_file,
        source_row, split_part(reason, ':', 1) as reason_code, reason, raw_text
    from {_TYPED}
    where reason is not null
    union all
    select $source, source_file, cast(null as bigint), split_part(read_error, ':', 1),
        read_error, cast(null as varchar)
    from _cw_files
    where read_error is not null
) to $target (format parquet, compression zstd)
"""

_WRITE_FILES = """
copy (
    select $source as source, source_file, file_format, rows_read, rows_loaded,
        rows_quarantined, read_error is not null as is_unreadable, file_bytes, rows_estimated
    from _cw_file_records
) to $target (format parquet, compression zstd)
"""


def _write_rows_sql(source: Source) -> str:
    columns = ", ".join(quote_ident(f.name) for f in source.fields)
    return f"""
copy (
    select {columns}, cast(list_extract($files, file_index + 1) as varchar) as _source_file,
        source_row as _source_row
    from {_TYPED}
    where reason is null
) to $target (format parquet, compression zstd)
"""


def ingest_partition(
    source: Source,
    landing: Path,
    arrival_date: date,
    raw: Path,
    settings: DuckDBSettings,
    files: Sequence[LandedFile] | None = None,
    conn: duckdb.DuckDBPyConnection | None = None,
) -> IngestResult:
    """Replace the raw partition of one (source, arrival date) with what its files hold.

    `files` are the partition's files when the caller has listed them already; `conn` an
    in-memory DuckDB made with `settings` to work in, when the caller ingests several
    partitions (opening one costs more than a small partition).
    """
    if files is None:
        files = list_landed_files(landing, source.name, arrival_date)
    staged = new_staging_dir(raw, source.name, arrival_date)
    try:
        failpoint("ingest.before_write")
        if conn is None:
            with connect(settings) as own:
                counts = _ingest(own, source, arrival_date, files, staged)
        else:
            counts = _ingest(conn, source, arrival_date, files, staged)
        failpoint("ingest.before_swap")
        swap_in(staged, partition_dir(raw, source.name, arrival_date))
    except BaseException:
        shutil.rmtree(staged, ignore_errors=True)
        raise
    return IngestResult(source.name, arrival_date, len(files), *counts)


def _ingest(
    conn: duckdb.DuckDBPyConnection,
    source: Source,
    arrival_date: date,
    files: Sequence[LandedFile],
    staged: Path,
) -> tuple[int, int, int, int, int]:
    conn.execute(typed_table_ddl(source, _TYPED))
    conn.execute(_FILES_DDL)
    for index, landed in enumerate(files):
        error = before_error = None
        if landed.refused is not None:
            error = f"refused_file: {landed.refused}"
        else:
            try:
                read_into(conn, _TYPED, source, landed, index, arrival_date)
            except (duckdb.Error, OSError, ValueError) as exc:
                if is_machine_error(exc):
                    raise _machine_error(conn, landed, exc) from exc
                error = f"unreadable_file: {describe_read_error(landed, exc)}"
                before_error = rows_before_error(landed)
        conn.execute(
            "insert into _cw_files values (?, ?, ?, ?, ?, ?, ?)",
            [
                index,
                landed.relative_path,
                landed.file_format,
                landed.is_gzip,
                landed.size_bytes,
                error,
                before_error,
            ],
        )
    conn.execute(_FILE_RECORDS)
    paths = [f.relative_path for f in files]
    common = {"source": source.name, "files": paths}
    conn.execute(_write_rows_sql(source), {"files": paths, "target": str(staged / ROWS_FILE)})
    conn.execute(_WRITE_QUARANTINE, {**common, "target": str(staged / QUARANTINE_FILE)})
    conn.execute(_WRITE_FILES, {"source": source.name, "target": str(staged / FILES_FILE)})
    row = conn.execute(
        """
        select count(*) filter (where read_error is not null),
            coalesce(sum(rows_read), 0), coalesce(sum(rows_loaded), 0),
            coalesce(sum(rows_quarantined), 0), coalesce(sum(rows_estimated), 0)
        from _cw_file_records
        """
    ).fetchone()
    assert row is not None
    unreadable, read, loaded, quarantined, estimated = (int(v) for v in row)
    return unreadable, read, loaded, quarantined, estimated


def _machine_error(
    conn: duckdb.DuckDBPyConnection, landed: LandedFile, exc: BaseException
) -> PipelineError:
    """The run fails when the machine runs short: the file is not to blame, and quarantining
    it would lose its rows."""
    row = conn.execute(
        "select current_setting('memory_limit'), current_setting('temp_directory')"
    ).fetchone()
    limit, spill = row if row else ("?", "?")
    return PipelineError(
        f"{explain(exc, f'reading {landed.relative_path}')} (DuckDB memory_limit {limit}, "
        f"spill folder {spill}): raise {MEMORY_LIMIT_ENV} or free disk in the spill folder, "
        "then rerun"
    )


def landed_rows_by_day(raw: Path, source: str, days: Sequence[date]) -> dict[date, int]:
    """Rows (and unreadable files) a source already holds for each of `days` that has any."""
    records = [partition_dir(raw, source, d) / FILES_FILE for d in days]
    existing = [str(path) for path in records if path.exists()]
    if not existing:
        return {}
    with duckdb.connect() as conn:
        rows = conn.execute(
            """
            select arrival_date, sum(rows_read) + count(*) filter (where is_unreadable)
            from read_parquet($files, hive_partitioning = true)
            group by arrival_date
            having sum(rows_read) + count(*) filter (where is_unreadable) > 0
            """,
            {"files": existing},
        ).fetchall()
    return {day: int(count) for day, count in rows}


def ever_held_rows(raw: Path, source: str) -> bool:
    """Whether any arrival date of `source` in the raw layer holds rows (or unreadable files)."""
    days = [
        date.fromisoformat(folder.name.removeprefix(PARTITION_PREFIX))
        for folder in (raw / source).glob(f"{PARTITION_PREFIX}*")
        if folder.is_dir()
    ]
    return bool(days) and bool(landed_rows_by_day(raw, source, days))


def emptied_days(
    raw: Path, source: str, files_by_day: Mapping[date, Sequence[object]]
) -> list[date]:
    """Days that held rows and whose landing folder is now missing or empty."""
    empty = [day for day, files in files_by_day.items() if not files]
    if not empty:
        return []
    held = landed_rows_by_day(raw, source, empty)
    return sorted(day for day in empty if day in held)
