"""The one place that knows where the project's folders and the run's outputs are.

Outputs default to folders under the working directory and are overridden by
environment variables, as `shared/contract/interface.md` says.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DBT_PROJECT_DIR = PROJECT_ROOT / "dbt_project"
DBT_PROFILES_DIR = DBT_PROJECT_DIR
SEEDS_DIR = PROJECT_ROOT / "seeds"
# The dbt installed beside the running interpreter, found without relying on PATH.
DBT_EXECUTABLE = str(Path(sys.executable).parent / "dbt")
# The pipeline starts dbt through this launcher, which dies with its parent (`dbt_child.py`).
DBT_CHILD_EXECUTABLE = str(Path(sys.executable).parent / "campaign-warehouse-dbt")

LANDING_ENV = "CW_LANDING_DIR"
WAREHOUSE_ENV = "CW_WAREHOUSE_DIR"


def landing_dir() -> Path:
    """Where the landing zone is: `$CW_LANDING_DIR`, else `data/landing`."""
    return Path(os.environ.get(LANDING_ENV, "data/landing")).resolve()


def warehouse_dir() -> Path:
    """Where everything the pipeline writes lives: `$CW_WAREHOUSE_DIR`, else `data/warehouse`."""
    return Path(os.environ.get(WAREHOUSE_ENV, "data/warehouse")).resolve()


def working_db(warehouse: Path) -> Path:
    """The read-write working database: every dbt model."""
    return warehouse / "warehouse.duckdb"


def raw_dir(warehouse: Path) -> Path:
    """The raw layer: Parquet partitions per source and arrival date (`lib/rawlayer.py`)."""
    return warehouse / "raw"


def serving_db(warehouse: Path) -> Path:
    """The published marts that BI tools open read-only."""
    return warehouse / "serving.duckdb"


def parquet_dir(warehouse: Path) -> Path:
    """The published marts as Parquet files, one per mart."""
    return warehouse / "parquet"


def published_dir(warehouse: Path) -> Path:
    """The published builds, of which `serving.duckdb` and `parquet` show the current one."""
    return warehouse / "published"


def spill_dir(warehouse: Path) -> Path:
    """DuckDB's temp directory, so large inputs spill to disk instead of failing."""
    return warehouse / "tmp"


def run_lock(warehouse: Path) -> Path:
    """The lock one run at a time holds on the warehouse (see `lib/runlock.py`)."""
    return warehouse / "run.lock"


def logs_dir(warehouse: Path) -> Path:
    """The command's log of each run."""
    return warehouse / "logs"


def models_state(warehouse: Path) -> Path:
    """The as-of date the dbt models were last built as of (`lib/models_state.py`)."""
    return warehouse / "models_as_of"
