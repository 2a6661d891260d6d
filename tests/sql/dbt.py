"""dbt on a warehouse of its own, outside the pipeline: the sql tier's runner."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path

from contract.sources import SOURCES
from orchestration import paths
from orchestration.ingest.partition import ingest_partition
from orchestration.shared.duckdb_settings import resolve_settings

# The as-of the sql tier's builds and tests run at; nothing in an empty build depends on it.
AS_OF = "2025-01-02"
# The arrival date of the empty raw layer's one partition per source.
EMPTY_DAY = date(2025, 1, 1)

# Several dbt commands in one process, the project parsed once: `dbt parse` and then each
# command with the parsed manifest, as dbt's programmatic runner allows. A process of dbt's
# own costs about 10 s of start-up and parsing; this pays it once.
_SESSION = """
import json, sys
from dbt.cli.main import dbtRunner

parse_flags, commands, common = json.loads(sys.argv[1])
parsed = dbtRunner().invoke(["parse", *parse_flags, *common])
if not parsed.success:
    sys.exit(f"dbt parse failed: {parsed.exception}")
runner = dbtRunner(manifest=parsed.result)
for command in commands:
    if not runner.invoke([*command, *common]).success:
        sys.exit(f"dbt {' '.join(command)} failed")
"""


def dbt_environment(working: Path, raw: Path, window_start: str = "") -> dict[str, str]:
    """What profiles.yml and the models read, for a warehouse at `working` over `raw`."""
    inherited = {k: v for k, v in os.environ.items() if not k.startswith(("CW_", "DAGSTER_"))}
    return {
        **inherited,
        "CW_WAREHOUSE_DB": str(working),
        "CW_RAW_DIR": str(raw),
        "CW_AS_OF": AS_OF,
        "CW_WINDOW_START": window_start,
        "CW_DUCKDB_TEMP_DIR": str(working.parent / "tmp"),
        "DBT_USE_COLORS": "false",
    }


def _project_flags(target: Path) -> list[str]:
    return [
        *("--project-dir", str(paths.DBT_PROJECT_DIR)),
        *("--profiles-dir", str(paths.DBT_PROFILES_DIR)),
        *("--target-path", str(target)),
        *("--log-path", str(target / "logs")),
    ]


def run_dbt(
    working: Path, raw: Path, arguments: Sequence[str], window_start: str = ""
) -> subprocess.CompletedProcess[str]:
    """`dbt <arguments>` against the DuckDB database `working`, reading the raw layer `raw`."""
    return subprocess.run(
        [paths.DBT_EXECUTABLE, *arguments, *_project_flags(working.parent / "target")],
        capture_output=True,
        text=True,
        env=dbt_environment(working, raw, window_start),
        check=False,
    )


def run_dbt_session(
    working: Path,
    raw: Path,
    commands: Sequence[Sequence[str]],
    parse_flags: Sequence[str] = (),
    environment: Mapping[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    """`dbt parse <parse_flags>` (e.g. `--warn-error`), then each of `commands`, in one dbt
    process that parses the project once."""
    common = _project_flags(working.parent / "target")
    session = [list(parse_flags), [list(c) for c in commands], common]
    return subprocess.run(
        [sys.executable, "-c", _SESSION, json.dumps(session)],
        capture_output=True,
        text=True,
        env={**dbt_environment(working, raw), **(environment or {})},
        check=False,
    )


def write_empty_raw_layer(raw: Path, scratch: Path) -> None:
    """One partition per source, with no rows, as the ingest writes an empty landing day."""
    settings = resolve_settings(scratch / "tmp", "", 0, "")
    for source in SOURCES.values():
        ingest_partition(source, scratch / "landing", EMPTY_DAY, raw, settings, files=[])
