"""Writing the landing zone: each source's rows into its files, day by day."""

from __future__ import annotations

import gzip
import os
from collections.abc import Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa

from contract.sources import SOURCES
from landing_simulator.damage import (
    DAMAGE,
    MAX_MALFORMED_PER_DAY,
    ROWS_PER_MALFORMED,
    malformed_lines,
)
from landing_simulator.files import (
    File,
    csv_file,
    file_specs,
    json_lines,
    parquet_bytes,
    prepare,
    render_timestamps,
)
from landing_simulator.simulation import simulate


def _files_of(source: str, table: pa.Table) -> list[File]:
    """The files of a sorted source table: runs of rows with the same day and part."""
    day = table["_day"].to_numpy()
    part = table["_part"].to_numpy()
    key = day.astype(np.int64) * 256 + part
    starts = np.flatnonzero(np.diff(key, prepend=-1) != 0)
    stops = np.append(starts[1:], len(key))
    return [
        File(d, p, s, e, file_specs(source, d)[p])
        for d, p, s, e in zip(
            day[starts].tolist(),
            part[starts].tolist(),
            starts.tolist(),
            stops.tolist(),
            strict=True,
        )
    ]


def _runs(files: Sequence[File]) -> list[list[File]]:
    """Consecutive files of one format, rendered together: few, large vectorised steps."""
    runs: list[list[File]] = []
    for f in files:
        if runs and runs[-1][-1].family == f.family:
            runs[-1].append(f)
        else:
            runs.append([f])
    return runs


def _write_file(path: Path, data: bytes, compress: bool) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(gzip.compress(data, compresslevel=1, mtime=0) if compress else data)


_SOURCE_NUMBERS = {name: i for i, name in enumerate(SOURCES)}


class _Writer:
    """Renders each source's files. Compression and disk writes run on a thread pool (zlib
    and file I/O release the GIL), which changes nothing in the bytes."""

    def __init__(self, out_dir: Path, start: date, seed: int) -> None:
        self.out_dir = out_dir
        self.start = start
        self.seed = seed
        self.conn = duckdb.connect()
        self.conn.execute("set preserve_insertion_order = true")  # lines stay in row order
        self.pool = ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 1))
        self.pending: list[Future[None]] = []

    def close(self) -> None:
        try:
            for future in self.pending:
                future.result()
        finally:
            self.pool.shutdown()
            self.conn.close()

    def write(self, source: str, table: pa.Table) -> int:
        """Write a source's rows to their files; returns the rows written."""
        order = np.lexsort(
            (table["_t"].to_numpy(), table["_part"].to_numpy(), table["_day"].to_numpy())
        )
        if np.any(order != np.arange(len(order))):  # events come sorted, dimensions may not
            table = table.take(pa.array(order))
        files = _files_of(source, table)
        bad = self._malformed(source, table, files)
        written = 0
        for run in _runs(files):
            for f, data in zip(run, self._render(source, table, run, bad), strict=True):
                folder = self.out_dir / source / (self.start + timedelta(days=f.day)).isoformat()
                path = folder / f"{f.spec.name}.{f.spec.fmt}"
                compress = f.spec.fmt.endswith(".gz")
                self.pending.append(self.pool.submit(_write_file, path, data, compress))
                written += f.stop - f.start + len(bad.get((f.day, f.part), []))
        return written

    def _render(
        self,
        source: str,
        table: pa.Table,
        run: list[File],
        bad: Mapping[tuple[int, int], list[str]],
    ) -> list[bytes]:
        """The (uncompressed) bytes of consecutive files of one format."""
        first = run[0].start
        rows = table.slice(first, run[-1].stop - first)
        run = [replace(f, start=f.start - first, stop=f.stop - first) for f in run]
        if run[0].family == "parquet":
            return [
                parquet_bytes(prepare(rows.slice(f.start, f.stop - f.start), f.spec), f.spec)
                for f in run
            ]
        rngs = [
            np.random.default_rng([self.seed, _SOURCE_NUMBERS[source], f.day, f.part]) for f in run
        ]
        raw_json = [f.name for f in rows.schema if pa.types.is_timestamp(f.type)]
        text = render_timestamps(rows, run, rngs)
        bad_lines = [bad.get((f.day, f.part), []) for f in run]
        if run[0].family == "jsonl":
            lines = json_lines(text, run, raw_json, self.conn)
            return [ls.to_bytes(b) for ls, b in zip(lines, bad_lines, strict=True)]
        return [
            csv_file(text.slice(f.start, f.stop - f.start), f.spec, b)
            for f, b in zip(run, bad_lines, strict=True)
        ]

    def _malformed(
        self, source: str, table: pa.Table, files: Sequence[File]
    ) -> dict[tuple[int, int], list[str]]:
        """A few malformed lines a day, in the day's largest text file of a large source."""
        if source not in DAMAGE:
            return {}
        bad = {}
        for day in sorted({f.day for f in files}):
            of_day = [f for f in files if f.day == day]
            rows = sum(f.stop - f.start for f in of_day)
            n_bad = min(MAX_MALFORMED_PER_DAY, rows // ROWS_PER_MALFORMED)
            text_files = [f for f in of_day if f.spec.is_text]
            if n_bad == 0 or not text_files:
                continue
            target = max(text_files, key=lambda f: f.stop - f.start)
            template = prepare(table.slice(target.start, n_bad), target.spec)
            day_end = datetime.combine(self.start + timedelta(days=day + 1), datetime.min.time())
            lines = malformed_lines(source, template, target.spec, day, day_end)
            bad[day, target.part] = lines
        return bad


def generate_landing(
    out_dir: Path, start: date, days: int, sends_per_day: int = 2000, seed: int = 7
) -> dict[str, int]:
    """Write a synthetic landing zone for the arrival dates start .. start + days - 1.

    Files go to `<out_dir>/<source>/<YYYY-MM-DD>/<name>.<ext>`; existing files of the same
    names are overwritten, other files are left alone. `sends_per_day` is about how many
    messages the campaign engine attempts a day. Returns the rows written per source,
    duplicates and malformed rows included. The same arguments give byte-identical files.
    """
    if days < 1:
        raise ValueError("days must be at least 1")
    if sends_per_day < 1:
        raise ValueError("sends_per_day must be at least 1")
    tables = simulate(start, days, sends_per_day, seed)
    writer = _Writer(Path(out_dir), start, seed)
    try:
        return {source: writer.write(source, tables.pop(source)) for source in SOURCES}
    finally:
        writer.close()
