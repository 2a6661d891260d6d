"""Read one landed file with DuckDB's own readers, into the relation `contract/validation.py` types.

- JSON Lines: DuckDB's CSV reader hands over each line as text (a separator no line holds),
  with its line number; one `json_transform` per line reads every contract field at once.
- CSV: DuckDB's CSV reader, every column as text; the contract's fields by name.
- Parquet: DuckDB's Parquet reader; the contract's fields by name, cast to text.

A row DuckDB rejects (bad UTF-8, a CSV record with too many fields) is quarantined with its
line; the rows after it keep their own line numbers. A line longer than DuckDB's limit is read
again with a limit that fits. A file name is read as the name it is, never as a pattern.
"""

from __future__ import annotations

import errno
import zlib
from collections.abc import Mapping

import duckdb

from contract.sources import Source, quote_ident
from contract.validation import json_structure, text_column, typed_select
from orchestration.ingest.landing import LandedFile
from orchestration.shared.duckdb_settings import literal_path
from orchestration.shared.errors import error_number, first_line

# JSON Lines are split on a separator that no line holds: valid JSON cannot contain control
# characters, and these four in a row do not occur in text.
_LINE_DELIMITER = "\x1f\x1e\x1d\x1c"
# JSON's whitespace, which may precede a document's opening brace.
_JSON_WHITESPACE = "' ' || chr(9) || chr(10) || chr(13)"
_ROW_ALIAS = "_cw_row"
_READ_CHUNK = 1 << 20
_REJECTS = "rejects_table = '_cw_rejects', rejects_scan = '_cw_reject_scans'"
# DuckDB rejects a line longer than `max_line_size` (2 MB by default) and names its length.
# Raising the limit up front would cost every gzip file a buffer of 16 times it.
_LINE_TOO_LONG = "LINE SIZE OVER MAXIMUM"
_LONGEST_REJECTED_LINE = f"""
select max(cast(regexp_extract(error_message, 'Actual Size: ?([0-9]+)', 1) as bigint))
from _cw_rejects
where error_type = '{_LINE_TOO_LONG}'
"""
_HEADER_LINES = {"jsonl": 0, "csv": 1}
_REJECT_REASONS = {"jsonl": "not_json", "csv": "unparseable_row"}


def read_into(
    conn: duckdb.DuckDBPyConnection,
    table: str,
    source: Source,
    landed: LandedFile,
    file_index: int,
    arrival_date: object,
) -> None:
    """Append one file's rows, typed and judged, to `table`; raises when it cannot be read.

    One transaction per file: a file that fails half-way leaves none of its rows behind.
    """
    # Open it first: the operating system names a permission problem better than DuckDB.
    with landed.path.open("rb"):
        pass
    path = literal_path(landed.path)
    parameters = {"path": path, "file_index": file_index, "arrival_date": arrival_date}
    line_limit = ""
    for _ in range(2):
        conn.execute("begin transaction")
        try:
            conn.execute("drop table if exists _cw_rejects")
            conn.execute("drop table if exists _cw_reject_scans")
            reader, extra = _reader(conn, source, landed, path, line_limit)
            raw_text = "raw_value" if landed.file_format == "jsonl" else "to_json(raw_value)"
            insert = f"insert into {table} {typed_select(source, reader, raw_text)}"
            conn.execute(insert, {**parameters, **extra})
            longest = _longest_rejected_line(conn, landed)
            if longest is not None and not line_limit:
                # The buffer must hold the longest line; no larger, since it is allocated whole.
                size = longest + 2
                line_limit = f", max_line_size = {size}, buffer_size = {size}"
                conn.execute("rollback")
                continue
            if landed.file_format in _HEADER_LINES:
                _keep_line_numbers(conn, table, landed.file_format, file_index)
            conn.execute("commit")
            return
        except BaseException:
            conn.execute("rollback")
            raise


def _reader(
    conn: duckdb.DuckDBPyConnection,
    source: Source,
    landed: LandedFile,
    path: str,
    line_limit: str,
) -> tuple[str, Mapping[str, object]]:
    """The reader's `select` for a file, and the bind parameters it adds."""
    if landed.file_format == "jsonl":
        fields = ",\n        ".join(
            f"doc.{quote_ident(f.name)} as {text_column(f)}" for f in source.fields
        )
        return (
            f"""
    select source_row, line as raw_value,
        case
            when doc is null
                then case when json_valid(line) then 'not_an_object' else 'not_json' end
            when not starts_with(ltrim(line, {_JSON_WHITESPACE}), '{{') then 'not_an_object'
        end as parse_error,
        {fields}
    from (
        select source_row, line, try(json_transform(line, {json_structure(source)})) as doc
        from (
            select row_number() over () as source_row, line
            from read_csv($path, columns = {{'line': 'VARCHAR'}}, header = false,
                delim = $delim, quote = '', escape = '', new_line = '\\r\\n',
                auto_detect = false, strict_mode = false, hive_partitioning = false,
                store_rejects = true, {_REJECTS}{line_limit})
        )
        where line is not null and trim(line) <> ''
    )""",
            {"delim": _LINE_DELIMITER},
        )
    if landed.file_format == "csv":
        scan = (
            "read_csv($path, all_varchar = true, header = true, delim = ',', quote = '\"', "
            f"escape = '\"', hive_partitioning = false, store_rejects = true, {_REJECTS}"
            f"{line_limit})"
        )
        row_number = "row_number() over () + 1"
    elif landed.file_format == "parquet":
        scan = "read_parquet($path, file_row_number = true, hive_partitioning = false)"
        row_number = "file_row_number + 1"
    else:
        raise ValueError("an extension the landing contract does not accept")
    present = _columns(conn, scan, path)
    fields = ",\n        ".join(
        f"cast({_ROW_ALIAS}.{quote_ident(f.name)} as varchar) as {text_column(f)}"
        if f.name in present
        else f"cast(null as varchar) as {text_column(f)}"
        for f in source.fields
    )
    return (
        f"""
    select {row_number} as source_row, {_ROW_ALIAS} as raw_value,
        cast(null as varchar) as parse_error,
        {fields}
    from {scan} as {_ROW_ALIAS}""",
        {},
    )


def _columns(conn: duckdb.DuckDBPyConnection, scan: str, path: str) -> set[str]:
    """The column names a file has, as the reader names them."""
    cursor = conn.execute(f"select * from {scan} limit 0", {"path": path})
    return {column[0] for column in cursor.description}


def _longest_rejected_line(conn: duckdb.DuckDBPyConnection, landed: LandedFile) -> int | None:
    if landed.file_format not in _HEADER_LINES:
        return None
    row = conn.execute(_LONGEST_REJECTED_LINE).fetchone()
    return None if row is None or row[0] is None else int(row[0])


def _keep_line_numbers(
    conn: duckdb.DuckDBPyConnection, table: str, file_format: str, file_index: int
) -> None:
    """Give accepted rows their own line numbers again and quarantine the rejected ones.

    DuckDB numbers the rows it accepted; a rejected row is missing from that count. The
    rejects keep their own line, so each accepted row's line is its position, plus the
    header, plus the rejects that precede it.
    """
    row = conn.execute("select count(*) from _cw_rejects").fetchone()
    if row is None or row[0] == 0:
        return
    header = _HEADER_LINES[file_format]
    conn.execute(
        f"""
        update {table} as typed
        set source_row = typed.source_row + (
            select count(*)
            from (
                select line - $header - row_number() over (order by line) as accepted_before
                from _cw_rejects
            ) as rejects
            where rejects.accepted_before < typed.source_row - $header
        )
        where typed.file_index = $file_index
        """,
        {"header": header, "file_index": file_index},
    )
    # A line DuckDB rejects is not valid UTF-8, so it cannot be JSON; a CSV record it
    # rejects cannot be split.
    conn.execute(
        f"""
        insert into {table} (file_index, source_row, reason, raw_text)
        select $file_index, line, $reason || ': ' || lower(error_type),
            ltrim(csv_line, chr(10) || chr(13))
        from _cw_rejects
        """,
        {"file_index": file_index, "reason": _REJECT_REASONS[file_format]},
    )


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
    if not landed.is_gzip or landed.file_format not in _HEADER_LINES:
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
    return max(lines - _HEADER_LINES[landed.file_format], 0)
