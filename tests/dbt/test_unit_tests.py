"""The dbt unit tests (status resolution, timeout, attribution, contact status, dating) run
once here, not in every pipeline run: they check the SQL, not the data."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from orchestration import paths

pytestmark = pytest.mark.slow


def test_every_dbt_unit_test_passes(published_scenario: Path, tmp_path: Path) -> None:
    # Unit tests read the schema of each model's inputs: a built warehouse, copied.
    working = tmp_path / "warehouse.duckdb"
    shutil.copyfile(published_scenario / "warehouse" / "warehouse.duckdb", working)
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("CW_", "DAGSTER_"))},
        "CW_WAREHOUSE_DB": str(working),
        "CW_RAW_DIR": str(published_scenario / "warehouse" / "raw"),
        "CW_AS_OF": "2025-02-02",
        "CW_DUCKDB_TEMP_DIR": str(tmp_path / "tmp"),
    }
    completed = subprocess.run(
        [
            paths.DBT_EXECUTABLE,
            "test",
            "--select",
            "test_type:unit",
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
    assert completed.returncode == 0, completed.stdout[-6000:]
    assert "PASS=17" in completed.stdout, completed.stdout[-3000:]
