"""How much of the machine DuckDB may use, and where it spills: the same for the ingest, dbt
and publication of a run.

Defaults: half of the machine's memory, every core, and `<warehouse>/tmp`; overridden by
`CW_DUCKDB_MEMORY_LIMIT` (e.g. `8GB`), `CW_DUCKDB_THREADS` and `CW_DUCKDB_TEMP_DIR`, or by the
warehouse resource's config in Dagster. The settings are given when a database is opened, not
with `SET` afterwards: DuckDB refuses to move its spill folder once it has spilled, which
broke every connection opened after the first spill.

`literal_path` gives DuckDB a file's path so that it reads that file and nothing else.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import duckdb

MEMORY_LIMIT_ENV = "CW_DUCKDB_MEMORY_LIMIT"
THREADS_ENV = "CW_DUCKDB_THREADS"
TEMP_DIR_ENV = "CW_DUCKDB_TEMP_DIR"
# The share of the machine's memory DuckDB may use by default.
DEFAULT_MEMORY_SHARE = 0.5
# What DuckDB expands as a glob in a path it reads.
_GLOB_CHARACTERS = "*?["


@dataclass(frozen=True)
class DuckDBSettings:
    memory_limit: str
    threads: int
    temp_directory: Path

    def config(self) -> dict[str, str | int | bool]:
        """The settings as DuckDB's connect-time configuration."""
        return {
            "memory_limit": self.memory_limit,
            "threads": self.threads,
            "temp_directory": str(self.temp_directory),
            # Row numbers of files come from scan order, which this keeps.
            "preserve_insertion_order": True,
        }

    def environment(self) -> dict[str, str]:
        """The settings as the environment variables dbt's profile reads."""
        return {
            MEMORY_LIMIT_ENV: self.memory_limit,
            THREADS_ENV: str(self.threads),
            TEMP_DIR_ENV: str(self.temp_directory),
        }


def machine_memory_bytes() -> int:
    return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")


def resolve_settings(
    default_temp_directory: Path,
    memory_limit: str = "",
    threads: int = 0,
    temp_directory: str = "",
) -> DuckDBSettings:
    """Explicit values win, then the environment, then the defaults."""
    memory = memory_limit or os.environ.get(MEMORY_LIMIT_ENV, "")
    if not memory:
        memory = f"{int(machine_memory_bytes() * DEFAULT_MEMORY_SHARE / 2**20)}MB"
    cores = threads or int(os.environ.get(THREADS_ENV, "0") or 0) or (os.cpu_count() or 1)
    folder = temp_directory or os.environ.get(TEMP_DIR_ENV, "") or str(default_temp_directory)
    return DuckDBSettings(memory_limit=memory, threads=cores, temp_directory=Path(folder))


def connect(
    settings: DuckDBSettings,
    database: str = ":memory:",
    *,
    extra_config: Mapping[str, str] | None = None,
    **kwargs: bool,
) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection with the settings (and any `extra_config`), in UTC."""
    settings.temp_directory.mkdir(parents=True, exist_ok=True)
    conn = duckdb.connect(database, config={**settings.config(), **(extra_config or {})}, **kwargs)
    # The time zone needs ICU, which is not loaded yet when the connection is configured.
    conn.execute("set TimeZone = 'UTC'")
    return conn


def literal_path(path: object) -> str:
    """The path as DuckDB must be given it to read exactly that file.

    DuckDB expands `*`, `?` and `[...]` in every path it reads; a file named `*.jsonl` would
    otherwise read its whole folder. A bracket class of one character matches just that
    character.
    """
    return "".join(f"[{c}]" if c in _GLOB_CHARACTERS else c for c in str(path))
