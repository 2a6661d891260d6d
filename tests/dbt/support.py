"""Run dbt on a copy of the scenario's built warehouse (the schemas tests and unit tests read)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from orchestration import paths

SCENARIO_AS_OF = "2025-02-02"


def copy_scenario_warehouse(published_scenario: Path, tmp_path: Path) -> Path:
    working = tmp_path / "warehouse.duckdb"
    shutil.copyfile(published_scenario / "warehouse" / "warehouse.duckdb", working)
    return working


def run_dbt(
    published_scenario: Path,
    working: Path,
    tmp_path: Path,
    arguments: list[str],
    window_start: str = "",
) -> subprocess.CompletedProcess[str]:
    """`dbt <arguments>` against `working`, as of the scenario's as-of date."""
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("CW_", "DAGSTER_"))},
        "CW_WAREHOUSE_DB": str(working),
        "CW_RAW_DIR": str(published_scenario / "warehouse" / "raw"),
        "CW_AS_OF": SCENARIO_AS_OF,
        "CW_WINDOW_START": window_start,
        "CW_DUCKDB_TEMP_DIR": str(tmp_path / "tmp"),
    }
    return subprocess.run(
        [
            paths.DBT_EXECUTABLE,
            *arguments,
            "--project-dir",
            str(paths.DBT_PROJECT_DIR),
            "--profiles-dir",
            str(paths.DBT_PROFILES_DIR),
            "--target-path",
            str(tmp_path / "target"),
        ],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
