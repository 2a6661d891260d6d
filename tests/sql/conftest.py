"""The sql tier's warehouse: the dbt project built empty over an empty raw layer.

`dbt build --empty` builds every seed and model with no rows (each `ref` and `source` read
with `limit 0`), runs the data tests on them, and runs the dbt unit tests, which need only
their inputs' schemas. The raw layer is one empty partition per source, written by the real
ingest from an empty landing day, so the schemas are the contract's. The project is parsed
with `--warn-error` on the way: a dbt warning fails the tier.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.sql.dbt import run_dbt_session, write_empty_raw_layer
from tests.warehouses import shared_folder


def _build_empty(root: Path) -> None:
    write_empty_raw_layer(root / "raw", root)
    completed = run_dbt_session(
        root / "warehouse.duckdb",
        root / "raw",
        [["build", "--empty"]],
        parse_flags=["--warn-error"],
    )
    (root / "build.log").write_text(completed.stdout + completed.stderr)
    assert completed.returncode == 0, (completed.stdout + completed.stderr)[-6000:]


@pytest.fixture(scope="session")
def empty_build(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Path:
    """The folder of the empty build: `warehouse.duckdb`, `raw/`, `build.log` (dbt's output).
    Shared by the workers: copy the database before changing it."""
    return shared_folder(tmp_path_factory, worker_id, "empty_build", _build_empty)


@pytest.fixture
def empty_warehouse(empty_build: Path, tmp_path: Path) -> Path:
    """A private copy of the empty build's database (its raw layer is read in place)."""
    working = tmp_path / "warehouse.duckdb"
    shutil.copyfile(empty_build / "warehouse.duckdb", working)
    return working
