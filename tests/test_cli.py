"""The campaign-warehouse command: argument errors, and the docs site of a warehouse."""

import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from orchestration.lib.sources import all_raw_ddl


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CW_", "DAGSTER_"))}
    return subprocess.run(
        [sys.executable, "-m", "orchestration.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )


def test_run_refuses_an_end_before_its_start(tmp_path: Path) -> None:
    result = _cli(
        "run", "--start", "2025-01-02", "--end", "2025-01-01", "--warehouse", str(tmp_path)
    )
    assert result.returncode == 2
    assert "--end must not be before --start" in result.stderr


def test_docs_of_an_empty_warehouse_asks_for_a_run_first(tmp_path: Path) -> None:
    result = _cli("docs", "--warehouse", str(tmp_path))
    assert result.returncode == 2
    assert "run the pipeline first" in result.stderr


@pytest.mark.slow
def test_docs_generates_a_static_site_with_the_marts(tmp_path: Path) -> None:
    with duckdb.connect(str(tmp_path / "warehouse.duckdb")) as conn:
        for statement in all_raw_ddl():
            conn.execute(statement)
        conn.execute(
            "insert into raw.landed_files values "
            "('sends', date '2025-01-01', 'sends/2025-01-01/a.jsonl', 'jsonl', 0, 0, 0, false)"
        )

    result = _cli("docs", "--warehouse", str(tmp_path))

    assert result.returncode == 0, result.stdout + result.stderr
    site = (tmp_path / "docs" / "static_index.html").read_text()
    assert "mart_campaign_summary" in site
    assert "as of 2025-01-02" in result.stdout
