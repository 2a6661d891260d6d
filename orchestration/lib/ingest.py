"""Load one (source, arrival date) partition of the landing zone into the raw schema.

Every file is read by DuckDB into one staging table of *documents* (a row number, the raw
text, and the row as a JSON object), whatever its format; the typing and validation SQL is
then generated once from the contract (`sources.py`) and applied to all of them. Valid rows
go to `raw.<source>`, invalid rows and unreadable files to `raw.quarantine`, and a line per
file to `raw.landed_files`. The partition is replaced in one transaction, so a rerun of a day
gives the same tables and a failed run leaves the previous ones.

Nothing read from a file is ever put into SQL text: file paths and dates are bind
parameters, identifiers come from the contract and are quoted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb

from orchestration.lib.sources import (
    EXTENSIONS,
    LANDED_FILES_TABLE,
    LINEAGE_COLUMNS,
    QUARANTINE_TABLE,
    RAW_SCHEMA,
    Field,
    FieldType,
    Source,
    quote_ident,
)

# JSON Lines are read as one text column per line; the unit separator never occurs in JSON
# text, so each physical line arrives whole.
_LINE_DELIMITER = chr(31)
# A row of a CSV or Parquet file becomes a JSON object through this alias; a name no
# upstream column will have, since `to_json(alias)` would pick such a column instead.
_ROW_ALIAS = "_cw_row"
# The contract's latest acceptable timestamp: the arrival date + 1 day (00:00 UTC).
_LATEST_TIMESTAMP = "(cast($arrival_date as timestamp) + interval 1 day)"
# Epoch seconds outside [1970, 3000) are not timestamps any provider sends.
_MAX_EPOCH_SECONDS = 32503680000


@dataclass(frozen=True)
class LandedFile:
    path: Path
    relative_path: str
    file_format: str  # jsonl, csv, parquet or unsupported


@dataclass(frozen=True)
class IngestResult:
    source: str
    arrival_date: date
    files: int
    unreadable_files: int
    rows_read: int
    rows_loaded: int
    rows_quarantined: int


def file_format(path: Path) -> str:
    """The landing format of a file from its name: jsonl, csv, parquet or unsupported."""
    name = path.name.lower()
    for ext in EXTENSIONS:
        if name.endswith(ext):
            return ext.removesuffix(".gz").lstrip(".")
    return "unsupported"


def list_landed_files(landing: Path, source: str, arrival_date: date) -> list[LandedFile]:
    """The files of one partition, in name order; a missing folder is an empty day.

    Hidden files (`.name`) are skipped: they are an uploader's temporary files, not data.
    """
    folder = landing / source / arrival_date.isoformat()
    if not folder.is_dir():
        return []
    return [
        LandedFile(path, path.relative_to(landing).as_posix(), file_format(path))
        for path in sorted(folder.iterdir())
        if path.is_file() and not path.name.startswith(".")
    ]


def configure(conn: duckdb.DuckDBPyConnection, memory_limit: str, spill_dir: Path) -> None:
    """Bound DuckDB's memory and let large inputs spill to disk instead of failing."""
    spill_dir.mkdir(parents=True, exist_ok=True)
    conn.execute("set TimeZone = 'UTC'")
    conn.execute("set memory_limit = ?", [memory_limit])
    conn.execute("set temp_directory = ?", [str(spill_dir)])
    # Row numbers of JSON Lines come from scan order, which this keeps.
    conn.execute("set preserve_insertion_order = true")


_DOCS_DDL = """
create or replace temp table _cw_docs (
    file_index integer,
    source_row bigint,
    raw_text varchar,
    parse_error varchar
)
"""

_READ_JSONL = """
insert into _cw_docs
select ?, line_number, line,
    case
        when not json_valid(line) then 'not_json'
        when json_type(line) <> 'OBJECT' then 'not_an_object'
    end
from (
    select row_number() over () as line_number, line
    from read_csv(?, columns = {'line': 'VARCHAR'}, header = false, delim = ?,
        quote = '', escape = '', auto_detect = false, strict_mode = false)
)
where line is not null and trim(line) <> ''
"""

_READ_CSV = f"""
insert into _cw_docs
select ?, row_number() over () + 1, to_json({_ROW_ALIAS}), null
from read_csv(?, all_varchar = true, header = true, delim = ',', quote = '"', escape = '"',
    store_rejects = true, rejects_table = '_cw_rejects', rejects_scan = '_cw_reject_scans')
    as {_ROW_ALIAS}
"""

_READ_CSV_REJECTS = """
insert into _cw_docs
select ?, line, csv_line, 'unparseable_row: ' || lower(error_type)
from _cw_rejects
"""

_READ_PARQUET = f"""
insert into _cw_docs
select ?, file_row_number + 1, to_json({_ROW_ALIAS}), null
from (
    select columns(* exclude (file_row_number)), file_row_number
    from read_parquet(?, file_row_number = true)
) as {_ROW_ALIAS}
"""


def _stage_file(conn: duckdb.DuckDBPyConnection, index: int, landed: LandedFile) -> None:
    """Append one file's rows to `_cw_docs`; raises duckdb.Error when it cannot be read."""
    path = str(landed.path)
    if landed.file_format == "jsonl":
        conn.execute(_READ_JSONL, [index, path, _LINE_DELIMITER])
    elif landed.file_format == "csv":
        conn.execute("drop table if exists _cw_rejects")
        conn.execute("drop table if exists _cw_reject_scans")
        conn.execute(_READ_CSV, [index, path])
        conn.execute(_READ_CSV_REJECTS, [index])
    elif landed.file_format == "parquet":
        conn.execute(_READ_PARQUET, [index, path])
    else:
        raise ValueError(f"unsupported file type: {landed.path.name}")


def _text(field: Field) -> str:
    return f"(doc ->> {_sql_string(field.name)})"


def _sql_string(literal: str) -> str:
    """A string literal for our own contract constants (field names, enum values)."""
    return "'" + literal.replace("'", "''") + "'"


def _typed(field: Field) -> str:
    """The SQL expression that turns the field's JSON text into its typed value (or NULL)."""
    text = _text(field)
    kind = field.kind
    if kind in (FieldType.ID, FieldType.STRING):
        return text
    if kind is FieldType.ENUM:
        return f"lower(trim({text}))"
    if kind is FieldType.INTEGER:
        return f"try_cast({text} as bigint)"
    if kind is FieldType.DECIMAL:
        return f"try_cast({text} as decimal(18, 4))"
    if kind is FieldType.BOOLEAN:
        return (
            f"case lower(trim({text})) when 'true' then true when '1' then true "
            f"when 'false' then false when '0' then false end"
        )
    # Timestamps: epoch seconds (a JSON number or a numeric string), else ISO-8601, where a
    # value without an offset is UTC because the session time zone is UTC.
    epoch = f"try_cast(trim({text}) as double)"
    return (
        f"case when {epoch} is not null then "
        f"case when {epoch} >= 0 and {epoch} < {_MAX_EPOCH_SECONDS} "
        f"then to_timestamp({epoch}) at time zone 'UTC' end "
        f"else try_cast({text} as timestamptz) at time zone 'UTC' end"
    )


def _field_errors(field: Field) -> list[tuple[str, str]]:
    """(condition, reason) pairs for one field, in the order they are reported."""
    name = quote_ident(field.name)
    raw = f"{quote_ident('_text_' + field.name)}"
    errors: list[tuple[str, str]] = []
    if field.required:
        errors.append((f"{raw} is null", f"missing_required:{field.name}"))
    if field.is_id:
        errors.append((f"trim({raw}) = ''", f"empty_id:{field.name}"))
    if field.kind is FieldType.ENUM:
        allowed = ", ".join(_sql_string(v) for v in field.allowed)
        errors.append((f"{name} not in ({allowed})", f"invalid_enum:{field.name}"))
    elif field.kind is FieldType.TIMESTAMP:
        errors.append((f"{raw} is not null and {name} is null", f"invalid_timestamp:{field.name}"))
        errors.append((f"{name} > {_LATEST_TIMESTAMP}", f"future_timestamp:{field.name}"))
    elif field.kind in (FieldType.INTEGER, FieldType.DECIMAL, FieldType.BOOLEAN):
        errors.append((f"{raw} is not null and {name} is null", f"invalid_type:{field.name}"))
    if field.required_when is not None:
        other, value = field.required_when
        errors.append(
            (
                f"{quote_ident(other)} = {_sql_string(value)} and {raw} is null",
                f"missing_required:{field.name} (when {other} is {value})",
            )
        )
    if field.required_with is not None:
        other = quote_ident(field.required_with)
        errors.append(
            (
                f"{other} is not null and {raw} is null",
                f"missing_required:{field.name} (when {field.required_with} is set)",
            )
        )
    return errors


def typed_rows_sql(source: Source) -> str:
    """`create temp table _cw_typed` from `_cw_docs`: typed columns plus a `reason` column.

    `reason` is NULL for a valid row, else the first rule it breaks. The caller binds
    `$arrival_date`, which bounds the latest acceptable timestamp.
    """
    texts = ",\n        ".join(
        f"{_text(f)} as {quote_ident('_text_' + f.name)}" for f in source.fields
    )
    typed = ",\n        ".join(f"{_typed(f)} as {quote_ident(f.name)}" for f in source.fields)
    checks = [("parse_error is not null", None)]
    for f in source.fields:
        checks.extend(_field_errors(f))
    whens = "\n            ".join(
        f"when {cond} then parse_error"
        if reason is None
        else f"when {cond} then {_sql_string(reason)}"
        for cond, reason in checks
    )
    return f"""
create or replace temp table _cw_typed as
with documents as (
    select file_index, source_row, raw_text, parse_error,
        case when parse_error is null then raw_text::json end as doc
    from _cw_docs
),
typed as (
    select file_index, source_row, raw_text, parse_error,
        {texts},
        {typed}
    from documents
)
select *,
    case
            {whens}
    end as reason
from typed
"""


def _replace_partition_sql(source: Source) -> list[str]:
    table = f"{RAW_SCHEMA}.{quote_ident(source.name)}"
    columns = [quote_ident(f.name) for f in source.fields]
    lineage = [quote_ident(name) for name, _ in LINEAGE_COLUMNS]
    return [
        f"delete from {table} where _arrival_date = $arrival_date",
        f"""
        insert into {table} ({", ".join(columns + lineage)})
        select {", ".join("t." + c for c in columns)},
            $arrival_date, f.relative_path, t.source_row
        from _cw_typed as t
        inner join _cw_files as f on t.file_index = f.file_index
        where t.reason is null
        order by t.file_index, t.source_row
        """,
    ]


_QUARANTINE_SQL = [
    f"""
    delete from {RAW_SCHEMA}.{QUARANTINE_TABLE}
    where source = $source and arrival_date = $arrival_date
    """,
    f"""
    insert into {RAW_SCHEMA}.{QUARANTINE_TABLE}
    select $source, $arrival_date, f.relative_path, t.source_row,
        split_part(t.reason, ':', 1), t.reason, t.raw_text
    from _cw_typed as t
    inner join _cw_files as f on t.file_index = f.file_index
    where t.reason is not null
    union all
    select $source, $arrival_date, relative_path, null, 'unreadable_file',
        'unreadable_file: ' || read_error, null
    from _cw_files
    where read_error is not null
    """,
    f"""
    delete from {RAW_SCHEMA}.{LANDED_FILES_TABLE}
    where source = $source and arrival_date = $arrival_date
    """,
    f"""
    insert into {RAW_SCHEMA}.{LANDED_FILES_TABLE}
    select $source, $arrival_date, f.relative_path, f.file_format,
        count(t.file_index),
        count(t.file_index) filter (where t.reason is null),
        count(t.file_index) filter (where t.reason is not null),
        f.read_error is not null
    from _cw_files as f
    left join _cw_typed as t on f.file_index = t.file_index
    group by all
    """,
]


def ingest_partition(
    conn: duckdb.DuckDBPyConnection, source: Source, landing: Path, arrival_date: date
) -> IngestResult:
    """Replace the raw rows, quarantine and file records of one (source, arrival date)."""
    files = list_landed_files(landing, source.name, arrival_date)
    conn.execute(_DOCS_DDL)
    conn.execute(
        "create or replace temp table _cw_files (file_index integer, relative_path varchar, "
        "file_format varchar, read_error varchar)"
    )
    for index, landed in enumerate(files):
        error = None
        try:
            _stage_file(conn, index, landed)
        except (duckdb.Error, ValueError) as exc:
            # The statement failed as a whole, so none of this file's rows were staged.
            error = str(exc).splitlines()[0][:500]
        conn.execute(
            "insert into _cw_files values (?, ?, ?, ?)",
            [index, landed.relative_path, landed.file_format, error],
        )

    conn.execute(typed_rows_sql(source), {"arrival_date": arrival_date})
    params = {"source": source.name, "arrival_date": arrival_date}
    conn.execute("begin transaction")
    try:
        for statement in _replace_partition_sql(source):
            conn.execute(statement, {"arrival_date": arrival_date})
        for statement in _QUARANTINE_SQL:
            conn.execute(statement, params)
        conn.execute("commit")
    except Exception:
        conn.execute("rollback")
        raise

    counts = conn.execute(
        """
        select count(*), count(*) filter (where reason is null),
            count(*) filter (where reason is not null)
        from _cw_typed
        """
    ).fetchone()
    unreadable = conn.execute(
        "select count(*) from _cw_files where read_error is not null"
    ).fetchone()
    assert counts is not None and unreadable is not None
    return IngestResult(
        source=source.name,
        arrival_date=arrival_date,
        files=len(files),
        unreadable_files=int(unreadable[0]),
        rows_read=int(counts[0]),
        rows_loaded=int(counts[1]),
        rows_quarantined=int(counts[2]),
    )
