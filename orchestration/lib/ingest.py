"""Load one (source, arrival date) partition of the landing zone into the raw schema.

Every file is read by DuckDB into one staging table of *documents* (a row number, the raw
text, and the row as a JSON object), whatever its format; the typing and validation SQL is
then generated once from the contract (`sources.py`) and applied to all of them. Valid rows
go to `raw.<source>`, invalid rows and unreadable files to `raw.quarantine`, and a line per
file to `raw.landed_files`. The partition is replaced in one transaction, so a rerun of a day
gives the same tables and a failed run leaves the previous ones.

Nothing read from a file is ever put into SQL text: file paths and dates are bind
parameters, identifiers come from the contract and are quoted. A file name is read as the
name it is, never as a glob pattern.
"""

from __future__ import annotations

import errno
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb

from orchestration.lib.errors import error_number, first_line
from orchestration.lib.landing import LandedFile, list_landed_files
from orchestration.lib.sources import (
    LANDED_FILES_TABLE,
    LINEAGE_COLUMNS,
    QUARANTINE_TABLE,
    RAW_SCHEMA,
    Field,
    FieldType,
    Source,
    quote_ident,
)

# JSON Lines are read as one text column per line, split on a separator that no line holds:
# valid JSON cannot contain control characters, and four in a row do not occur in text.
_LINE_DELIMITER = "\x1f\x1e\x1d\x1c"
# DuckDB rejects a line longer than `max_line_size` (2 MB by default) and names its length;
# such a file is read again with a limit that fits, so a line is judged whole whatever its
# length. Raising the limit up front would cost every gzip file a buffer of 16 times it.
_LINE_TOO_LONG = "LINE SIZE OVER MAXIMUM"
_LONGEST_REJECTED_LINE = f"""
select max(cast(regexp_extract(error_message, 'Actual Size: ?([0-9]+)', 1) as bigint))
from _cw_rejects
where error_type = '{_LINE_TOO_LONG}'
"""
# A row of a CSV or Parquet file becomes a JSON object through this alias; a name no
# upstream column will have, since `to_json(alias)` would pick such a column instead.
_ROW_ALIAS = "_cw_row"
# The contract's latest acceptable timestamp: the arrival date + 1 day (00:00 UTC).
_LATEST_TIMESTAMP = "(cast($arrival_date as timestamp) + interval 1 day)"
# Epoch seconds outside [1970, 3000) are not timestamps any provider sends.
_MAX_EPOCH_SECONDS = 32503680000
# Integers are digits only: `2.5` or `1e3` in an integer field is a wrong type, not a value
# to round.
_INTEGER_PATTERN = "[+-]?[0-9]+"
_DECIMAL_TYPE = "decimal(18, 4)"
_GLOB_CHARACTERS = "*?["
_READ_CHUNK = 1 << 20


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


def configure(conn: duckdb.DuckDBPyConnection, memory_limit: str, spill_dir: Path) -> None:
    """Bound DuckDB's memory and let large inputs spill to disk instead of failing."""
    spill_dir.mkdir(parents=True, exist_ok=True)
    conn.execute("set TimeZone = 'UTC'")
    conn.execute("set memory_limit = ?", [memory_limit])
    conn.execute("set temp_directory = ?", [str(spill_dir)])
    # Row numbers of JSON Lines come from scan order, which this keeps.
    conn.execute("set preserve_insertion_order = true")


def literal_path(path: Path) -> str:
    """The path as DuckDB must be given it to read exactly that file.

    DuckDB expands `*`, `?` and `[...]` in every path it reads; a file named `*.jsonl` would
    otherwise read its whole folder. A bracket class of one character matches just that
    character.
    """
    return "".join(f"[{c}]" if c in _GLOB_CHARACTERS else c for c in str(path))


_DOCS_DDL = """
create or replace temp table _cw_docs (
    file_index integer,
    source_row bigint,
    raw_text varchar,
    parse_error varchar
)
"""

_FILES_DDL = """
create or replace temp table _cw_files (
    file_index integer,
    relative_path varchar,
    file_format varchar,
    is_gzip boolean,
    file_bytes bigint,
    read_error varchar,
    rows_before_error bigint
)
"""

# DuckDB numbers the rows it accepted; a rejected row (bad UTF-8, a CSV record with too many
# fields) is missing from that count. The rejects keep their own line, so each accepted row's
# line is its position, plus the header, plus the rejects that precede it. The rejects table
# exists only once the reader ran, hence two statements.
_LINES_READER = """
create or replace temp table _cw_read as
select row_number() over () as position, line as text
from read_csv($path, columns = {{'line': 'VARCHAR'}}, header = false, delim = $delim,
    quote = '', escape = '', new_line = '\\r\\n', auto_detect = false, strict_mode = false,
    hive_partitioning = false, store_rejects = true, rejects_table = '_cw_rejects',
    rejects_scan = '_cw_reject_scans'{line_limit})
"""

_CSV_READER = f"""
create or replace temp table _cw_read as
select row_number() over () as position, to_json({_ROW_ALIAS}) as text
from read_csv($path, all_varchar = true, header = true, delim = ',', quote = '"', escape = '"',
    hive_partitioning = false, store_rejects = true, rejects_table = '_cw_rejects',
    rejects_scan = '_cw_reject_scans'{{line_limit}}) as {_ROW_ALIAS}
"""

_ACCEPTED_ROWS = """
with rejects as (
    select line - $header_lines - row_number() over (order by line) as accepted_before
    from _cw_rejects
)
select
    position + $header_lines
        + (select count(*) from rejects where accepted_before < position) as source_row,
    text
from _cw_read
"""

_READ = {
    "jsonl": (
        _LINES_READER,
        f"""
        insert into _cw_docs
        select $file_index, source_row, text,
            case
                when not json_valid(text) then 'not_json'
                when json_type(text) <> 'OBJECT' then 'not_an_object'
            end
        from ({_ACCEPTED_ROWS})
        where text is not null and trim(text) <> ''
        """,
        # A line DuckDB rejects is not valid UTF-8, so it cannot be JSON.
        """
        insert into _cw_docs
        select $file_index, line, ltrim(csv_line, chr(10) || chr(13)),
            'not_json: ' || lower(error_type)
        from _cw_rejects
        """,
    ),
    "csv": (
        _CSV_READER,
        f"""
        insert into _cw_docs
        select $file_index, source_row, text, null
        from ({_ACCEPTED_ROWS})
        """,
        """
        insert into _cw_docs
        select $file_index, line, csv_line, 'unparseable_row: ' || lower(error_type)
        from _cw_rejects
        """,
    ),
}
_HEADER_LINES = {"jsonl": 0, "csv": 1}

_READ_PARQUET = f"""
insert into _cw_docs
select $file_index, file_row_number + 1, to_json({_ROW_ALIAS}), null
from (
    select columns(* exclude (file_row_number)), file_row_number
    from read_parquet($path, file_row_number = true, hive_partitioning = false)
) as {_ROW_ALIAS}
"""


def _stage_file(conn: duckdb.DuckDBPyConnection, index: int, landed: LandedFile) -> None:
    """Append one file's rows to `_cw_docs`; raises when it cannot be read.

    One transaction per file: a file that fails half-way leaves none of its rows staged.
    """
    # Open it first: the operating system names a permission problem better than DuckDB.
    with landed.path.open("rb"):
        pass
    path = literal_path(landed.path)
    conn.execute("begin transaction")
    try:
        if landed.file_format in _READ:
            _stage_text_file(conn, index, landed.file_format, path)
        elif landed.file_format == "parquet":
            conn.execute(_READ_PARQUET, {"file_index": index, "path": path})
        else:
            raise ValueError("an extension the landing contract does not accept")
        conn.execute("commit")
    except BaseException:
        conn.execute("rollback")
        raise


def _stage_text_file(
    conn: duckdb.DuckDBPyConnection, index: int, file_format: str, path: str
) -> None:
    read, accepted, rejected = _READ[file_format]
    parameters: dict[str, object] = {"path": path}
    if file_format == "jsonl":
        parameters["delim"] = _LINE_DELIMITER
    line_limit = ""
    for _ in range(2):
        conn.execute("drop table if exists _cw_rejects")
        conn.execute("drop table if exists _cw_reject_scans")
        conn.execute(read.format(line_limit=line_limit), parameters)
        longest = _fetch_value(conn, _LONGEST_REJECTED_LINE)
        if longest is None:
            break
        # The buffer must hold the longest line; no larger, since it is allocated whole.
        size = int(longest) + 2
        line_limit = f", max_line_size = {size}, buffer_size = {size}"
    header = _HEADER_LINES[file_format]
    conn.execute(accepted, {"file_index": index, "header_lines": header})
    conn.execute(rejected, {"file_index": index})


def _fetch_value(conn: duckdb.DuckDBPyConnection, sql: str) -> object:
    row = conn.execute(sql).fetchone()
    return None if row is None else row[0]


def describe_read_error(landed: LandedFile, exc: BaseException) -> str:
    """Why a file could not be read, in the file's own format's words."""
    kind = landed.file_format + (".gz" if landed.is_gzip else "")
    number = error_number(exc)
    if number in (errno.EACCES, errno.EPERM):
        return f"{kind}: permission denied"
    if number == errno.ENOENT:
        return f"{kind}: the file disappeared while it was read"
    detail = first_line(exc)
    if landed.file_format == "unsupported":
        return f"unsupported file type: {landed.path.name}"
    if "gzip" in detail.lower() or isinstance(exc, zlib.error):
        return f"{kind}: the gzip stream is truncated or corrupt"
    if landed.file_format == "parquet":
        return f"{kind}: not a readable Parquet file ({detail})"
    if landed.file_format == "csv":
        return f"{kind}: not readable as CSV ({detail})"
    # DuckDB reads JSON Lines with its CSV reader: its message would name the wrong format.
    return f"{kind}: not readable as lines of text"


def rows_before_error(landed: LandedFile) -> int | None:
    """How many lines a broken gzip file held before the point where it breaks.

    A lower bound of the rows the file costs; None when the file is not gzip-compressed
    lines. Decompression is chunked, so memory stays bounded whatever the file's size.
    """
    if not landed.is_gzip or landed.file_format not in ("jsonl", "csv"):
        return None
    lines = 0
    try:
        with landed.path.open("rb") as handle:
            decompressor = zlib.decompressobj(wbits=zlib.MAX_WBITS | 16)
            while chunk := handle.read(_READ_CHUNK):
                while chunk:
                    lines += decompressor.decompress(chunk).count(b"\n")
                    # A gzip file may hold several members, one after the other.
                    chunk = decompressor.unused_data
                    if chunk:
                        decompressor = zlib.decompressobj(wbits=zlib.MAX_WBITS | 16)
    except (OSError, zlib.error):
        pass
    header = 1 if landed.file_format == "csv" else 0
    return max(lines - header, 0)


def _text(field: Field) -> str:
    """The field's text: a JSON string's value, any other JSON value's text, or NULL."""
    return f"doc.{quote_ident(field.name)}"


def _document_structure(source: Source) -> str:
    """The `json_transform` structure that reads every field of a document as text at once."""
    fields = ", ".join(f'"{f.name}": "VARCHAR"' for f in source.fields)
    return _sql_string("{" + fields + "}")


def _sql_string(literal: str) -> str:
    """A string literal for our own contract constants (field names, enum values)."""
    return "'" + literal.replace("'", "''") + "'"


def _typed(field: Field) -> str:
    """The SQL expression that turns the field's JSON text into its typed value (or NULL).

    NULL from a non-NULL text is a wrong type: a value is never rounded or truncated.
    """
    text = _text(field)
    kind = field.kind
    if kind in (FieldType.ID, FieldType.STRING):
        return text
    if kind is FieldType.ENUM:
        return f"lower(trim({text}))"
    if kind is FieldType.INTEGER:
        return (
            f"case when regexp_full_match(trim({text}), '{_INTEGER_PATTERN}') "
            f"then try_cast(trim({text}) as bigint) end"
        )
    if kind is FieldType.DECIMAL:
        # A value with more decimals than the column keeps would be rounded: refused.
        return (
            f"case when try_cast({text} as decimal(38, 10)) = try_cast({text} as {_DECIMAL_TYPE}) "
            f"then try_cast({text} as {_DECIMAL_TYPE}) end"
        )
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
    if field.min_value is not None:
        errors.append(
            (
                f"{name} < {int(field.min_value)}",
                f"out_of_range:{field.name} (less than {field.min_value})",
            )
        )
    if field.only_when is not None:
        other, value = field.only_when
        errors.append(
            (
                f"{raw} is not null and {quote_ident(other)} is distinct from {_sql_string(value)}",
                f"not_applicable:{field.name} (set only when {other} is {value})",
            )
        )
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
    # One parse of each document for all its fields: a field read with `->>` is a parse of
    # the whole document per field.
    return f"""
create or replace temp table _cw_typed as
with documents as (
    select file_index, source_row, raw_text, parse_error,
        case when parse_error is null
            then json_transform(raw_text, {_document_structure(source)}) end as doc
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


# An unreadable file holds as many rows as its size says, at the rate of the day's readable
# files of the same format and compression (else of all of them), and at least the lines it
# held before it broke; an unsupported file's content is unknown and counts as one row.
_FILE_ROWS_SQL = """
create or replace temp table _cw_file_rows as
with per_file as (
    select f.*, count(t.file_index) as rows_read,
        count(t.file_index) filter (where t.reason is null) as rows_loaded,
        count(t.file_index) filter (where t.reason is not null) as rows_quarantined
    from _cw_files as f
    left join _cw_typed as t on f.file_index = t.file_index
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
"""

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
    select $source, $arrival_date, relative_path, null, split_part(read_error, ':', 1),
        read_error, null
    from _cw_files
    where read_error is not null
    """,
    f"""
    delete from {RAW_SCHEMA}.{LANDED_FILES_TABLE}
    where source = $source and arrival_date = $arrival_date
    """,
    f"""
    insert into {RAW_SCHEMA}.{LANDED_FILES_TABLE} (
        source, arrival_date, source_file, file_format, rows_read, rows_loaded,
        rows_quarantined, is_unreadable, file_bytes, rows_estimated
    )
    select $source, $arrival_date, relative_path, file_format, rows_read, rows_loaded,
        rows_quarantined, read_error is not null, file_bytes, rows_estimated
    from _cw_file_rows
    """,
]


def landed_rows_by_day(
    conn: duckdb.DuckDBPyConnection, source: str, days: Sequence[date]
) -> dict[date, int]:
    """Rows (and unreadable files) a source already holds for each of `days` that has any."""
    rows = conn.execute(
        f"""
        select arrival_date, sum(rows_read) + count(*) filter (where is_unreadable)
        from {RAW_SCHEMA}.{LANDED_FILES_TABLE}
        where source = ? and list_contains(?, arrival_date)
        group by arrival_date
        having sum(rows_read) + count(*) filter (where is_unreadable) > 0
        """,
        [source, list(days)],
    ).fetchall()
    return {day: int(count) for day, count in rows}


def emptied_days(
    conn: duckdb.DuckDBPyConnection, source: str, files_by_day: Mapping[date, Sequence[object]]
) -> list[date]:
    """Days that held rows and whose landing folder is now missing or empty."""
    empty = [day for day, files in files_by_day.items() if not files]
    if not empty:
        return []
    held = landed_rows_by_day(conn, source, empty)
    return sorted(day for day in empty if day in held)


def ingest_partition(
    conn: duckdb.DuckDBPyConnection,
    source: Source,
    landing: Path,
    arrival_date: date,
    files: Sequence[LandedFile] | None = None,
) -> IngestResult:
    """Replace the raw rows, quarantine and file records of one (source, arrival date).

    `files` are the partition's files when the caller has listed them already.
    """
    if files is None:
        files = list_landed_files(landing, source.name, arrival_date)
    conn.execute(_DOCS_DDL)
    conn.execute(_FILES_DDL)
    for index, landed in enumerate(files):
        error = before_error = None
        if landed.refused is not None:
            error = f"refused_file: {landed.refused}"
        else:
            try:
                _stage_file(conn, index, landed)
            except (duckdb.Error, OSError, ValueError) as exc:
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

    conn.execute(typed_rows_sql(source), {"arrival_date": arrival_date})
    conn.execute(_FILE_ROWS_SQL)
    params = {"source": source.name, "arrival_date": arrival_date}
    conn.execute("begin transaction")
    try:
        for statement in _replace_partition_sql(source):
            conn.execute(statement, {"arrival_date": arrival_date})
        for statement in _QUARANTINE_SQL:
            conn.execute(statement, params)
        conn.execute("commit")
    except BaseException:
        conn.execute("rollback")
        raise

    counts = conn.execute(
        """
        select coalesce(sum(rows_read), 0), coalesce(sum(rows_loaded), 0),
            coalesce(sum(rows_quarantined), 0), count(*) filter (where read_error is not null),
            coalesce(sum(rows_estimated), 0)
        from _cw_file_rows
        """
    ).fetchone()
    assert counts is not None
    return IngestResult(
        source=source.name,
        arrival_date=arrival_date,
        files=len(files),
        unreadable_files=int(counts[3]),
        rows_read=int(counts[0]),
        rows_loaded=int(counts[1]),
        rows_quarantined=int(counts[2]),
        rows_estimated_unreadable=int(counts[4]),
    )
