"""Files: which formats each producer uses, and how rows become bytes."""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from contract.sources import quote_ident
from landing_simulator.arrays import INTERNAL, iso_strings, join
from landing_simulator.catalogue import PROVIDERS
from landing_simulator.clock import HOUR_MS, SECOND_MS


@dataclass(frozen=True)
class FileSpec:
    name: str
    fmt: str  # parquet, csv, csv.gz, jsonl, jsonl.gz
    ts: tuple[str, ...] = ("iso",)  # timestamp encodings, one drawn per row
    ts_columns: tuple[tuple[str, tuple[str, ...]], ...] = ()  # per-column overrides
    bool_digits: bool = False  # CSV booleans as 1/0
    drop: tuple[str, ...] = ()  # optional fields this producer does not send
    extra: tuple[tuple[str, str], ...] = ()  # fields the contract does not know: ignored
    utc_parquet: bool = False  # Parquet timestamps as UTC instants (TIMESTAMPTZ)

    @property
    def is_text(self) -> bool:
        return self.fmt != "parquet"

    @property
    def is_json(self) -> bool:
        return self.fmt.startswith("jsonl")


def _provider_file(**options: Any) -> Callable[[str], FileSpec]:
    return lambda name: FileSpec(name, "jsonl", **options)


# Providers encode times their own way: WhatsApp webhooks carry epoch seconds as strings
# (some relays as numbers), SendGrid as numbers, and an FCM relay local ISO times.
_PROVIDER_FILES = {
    "meta": _provider_file(
        ts_columns=(("reported_at", ("epoch_str", "epoch_num")),),
        extra=(("api_version", "v21.0"),),
    ),
    "twilio": _provider_file(drop=("report_id",)),
    "sendgrid": _provider_file(ts_columns=(("reported_at", ("epoch_num",)),)),
    "fcm": _provider_file(ts=("offset",)),
}


def file_specs(source: str, day: int) -> dict[int, FileSpec]:
    """The files of one source and day, by part; formats vary by source and day."""
    if source == "sends":
        if day % 2 == 0:  # the engine's columnar export, every other one in UTC instants
            utc = day % 4 == 0
            return {
                0: FileSpec("batch_am", "parquet", utc_parquet=utc),
                1: FileSpec("batch_pm", "parquet", utc_parquet=utc),
                2: FileSpec("replay", "parquet"),
            }
        return {
            0: FileSpec("batch_am", "jsonl.gz"),
            1: FileSpec("batch_pm", "jsonl.gz", ts=("iso", "offset")),
            2: FileSpec("replay", "jsonl.gz", ts=("naive",), drop=("is_initial",)),
        }
    if source == "executions":
        fmt = "csv.gz" if day % 3 == 2 else "parquet"
        return {
            0: FileSpec("engine_events", fmt, ts=("naive",)),
            1: FileSpec("engine_replay", fmt),
        }
    if source == "delivery_reports":
        return {
            2 * p + half: _PROVIDER_FILES[provider](f"{provider}_{label}")
            for p, provider in enumerate(PROVIDERS)
            for half, label in enumerate(("am", "pm"))
        }
    if source == "engagements":
        return {
            0: FileSpec("events", "csv.gz"),
            1: FileSpec("inbound", "csv.gz", ts=("naive",), bool_digits=True),
            2: FileSpec("replay", "csv.gz", ts=("offset",)),
        }
    if source == "conversions":
        return {
            0: FileSpec("tracker", "jsonl", ts=("iso", "offset")),
            1: FileSpec("tracker_replay", "jsonl"),
        }
    if source == "contacts":
        if day == 0:
            return {0: FileSpec("contacts_export", "csv.gz")}
        return {0: FileSpec("contacts_delta", "csv", ts=("naive",), bool_digits=True)}
    if source == "campaigns" and day > 0:
        return {0: FileSpec("campaign_updates", "jsonl", extra=(("source_system", "app"),))}
    return {0: FileSpec(source, "csv")}


def _format_timestamps(ts: pa.Array, style: str, as_json: bool) -> pa.Array:
    """One encoding of a timestamp column: text for CSV, raw JSON text for JSON Lines."""
    if style in ("epoch_num", "epoch_str"):
        if not as_json:
            raise ValueError("epoch encodings are for JSON only")
        seconds = pc.cast(pc.divide(ts.cast(pa.int64()), SECOND_MS), pa.string())
        return seconds if style == "epoch_num" else join('"', seconds, '"')
    valid = ts.is_valid().to_numpy(zero_copy_only=False)
    ms = pc.fill_null(ts.cast(pa.int64()), 0).to_numpy()
    quote = '"' if as_json else ""
    if style == "iso":
        return iso_strings(ms, "T", "Z", quote, valid)
    if style == "naive":
        return iso_strings(ms, " ", "", quote, valid)
    if style == "offset":
        return iso_strings(ms + 2 * HOUR_MS, "T", "+02:00", quote, valid)
    raise ValueError(f"unknown timestamp style {style}")


def _timestamp_styles(spec: FileSpec, column: str) -> tuple[tuple[str, bool], ...]:
    """The (style, as JSON) encodings a file uses for a column; none for Parquet."""
    if not spec.is_text:
        return ()
    return tuple((style, spec.is_json) for style in dict(spec.ts_columns).get(column, spec.ts))


@dataclass(frozen=True)
class File:
    day: int
    part: int
    start: int  # the file's rows in its source's table (or run)
    stop: int
    spec: FileSpec

    @property
    def family(self) -> str:
        return self.spec.fmt.removesuffix(".gz")


def render_timestamps(
    table: pa.Table, files: Sequence[File], rngs: Sequence[np.random.Generator]
) -> pa.Table:
    """Every text file's timestamps as its producer encodes them, drawn per row: rendered
    once per encoding over all the files, then picked row by row."""
    for i, field in enumerate(table.schema):
        if not pa.types.is_timestamp(field.type):
            continue
        per_file = [_timestamp_styles(f.spec, field.name) for f in files]
        options = sorted({style for styles in per_file for style in styles})
        if not options:
            continue
        pick = np.zeros(table.num_rows, np.int8)
        for f, styles, rng in zip(files, per_file, rngs, strict=True):
            codes = np.array([options.index(s) for s in styles], np.int8)
            pick[f.start : f.stop] = codes[rng.integers(0, len(codes), f.stop - f.start)]
        column = table.column(i).combine_chunks()
        rendered = [_format_timestamps(column, style, as_json) for style, as_json in options]
        text = rendered[0] if len(rendered) == 1 else pc.choose(pa.array(pick), *rendered)
        table = table.set_column(i, field.name, text)
    return table


def prepare(table: pa.Table, spec: FileSpec) -> pa.Table:
    """The fields this producer sends, in contract order, plus the ones it adds."""
    table = table.drop_columns([c for c in (*INTERNAL, *spec.drop) if c in table.column_names])
    for name, value in spec.extra:
        table = table.append_column(name, pa.array([value] * table.num_rows, pa.string()))
    return table


def _lines_bytes(lines: Sequence[str]) -> bytes:
    return "".join(line + "\n" for line in lines).encode()


def _csv_bytes(table: pa.Table, header: bool) -> bytes:
    sink = io.BytesIO()
    options = pacsv.WriteOptions(include_header=header, quoting_style="needed")
    pacsv.write_csv(table, sink, options)
    return sink.getvalue()


def csv_file(rows: pa.Table, spec: FileSpec, bad_lines: Sequence[str]) -> bytes:
    """A CSV file (RFC 4180 quoting), with the malformed lines in the middle."""
    rows = prepare(rows, spec)
    if spec.bool_digits:
        for i, f in enumerate(rows.schema):
            if pa.types.is_boolean(f.type):
                rows = rows.set_column(i, f.name, pc.cast(rows.column(i), pa.int8()))
    if not bad_lines:
        return _csv_bytes(rows, header=True)
    middle = rows.num_rows // 2
    return (
        _csv_bytes(rows.slice(0, middle), header=True)
        + _lines_bytes(bad_lines)
        + _csv_bytes(rows.slice(middle), header=False)
    )


@dataclass(frozen=True)
class _Lines:
    """The rendered lines of one file: a shared buffer and where each line starts."""

    data: memoryview
    offsets: np.ndarray  # n + 1 positions into data

    def to_bytes(self, bad_lines: Sequence[str]) -> bytes:
        """The file's bytes, with the malformed lines in the middle."""
        first, middle, last = (int(self.offsets[k]) for k in (0, len(self.offsets) // 2, -1))
        return b"".join([self.data[first:middle], _lines_bytes(bad_lines), self.data[middle:last]])


def json_lines(
    text: pa.Table, files: Sequence[File], raw_json: Sequence[str], conn: duckdb.DuckDBPyConnection
) -> list[_Lines]:
    """The JSON Lines of consecutive JSON files, whose rows are `text`, in one DuckDB query:
    a file's shape (the fields it leaves out or adds) picks the struct its rows become.
    `raw_json` columns already hold JSON text, which may mix types (epoch numbers, ISO)."""
    shapes = sorted({(f.spec.drop, f.spec.extra) for f in files})
    sizes = np.array([f.stop - f.start for f in files])
    rows = text.drop_columns(list(INTERNAL))
    fields = rows.column_names
    for name in sorted({name for _, extra in shapes for name, _ in extra}):
        values = np.array([dict(f.spec.extra).get(name) for f in files], dtype=object)
        rows = rows.append_column(name, pa.array(np.repeat(values, sizes), pa.string()))
    shape = [shapes.index((f.spec.drop, f.spec.extra)) for f in files]
    rows = rows.append_column("_shape", pa.array(np.repeat(shape, sizes), pa.int32()))
    cases = []
    for k, (drop, extra) in enumerate(shapes):
        names = [n for n in fields if n not in drop] + [n for n, _ in extra]
        members = ", ".join(
            f"{quote_ident(n)} := {quote_ident(n)}" + ("::JSON" if n in raw_json else "")
            for n in names
        )
        cases.append(f"when {k} then to_json(struct_pack({members}))")
    conn.register("_rows", rows)
    try:
        query = f"select case _shape {' '.join(cases)} end || chr(10) from _rows"
        column = conn.sql(query).to_arrow_table().column(0)
    finally:
        conn.unregister("_rows")
    lines = column.cast(pa.large_string()).combine_chunks()
    offsets = np.frombuffer(lines.buffers()[1], np.int64, len(lines) + 1, lines.offset * 8)
    data = memoryview(lines.buffers()[2])
    bounds = np.concatenate([[0], np.cumsum(sizes)])
    return [_Lines(data, offsets[bounds[k] : bounds[k + 1] + 1]) for k in range(len(files))]


def parquet_bytes(table: pa.Table, spec: FileSpec) -> bytes:
    if spec.utc_parquet:
        for i, f in enumerate(table.schema):
            if pa.types.is_timestamp(f.type):
                utc = table.column(i).cast(pa.timestamp("ms", tz="UTC"))
                table = table.set_column(i, f.name, utc)
    sink = io.BytesIO()
    pq.write_table(table, sink, compression="zstd")
    return sink.getvalue()
