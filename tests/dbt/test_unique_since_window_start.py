"""The staging grain test checks the run's window keys against all of history: a duplicate
that straddles the window's start fails it; one wholly before the window was the business of
the run that built it."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from tests.dbt.support import copy_scenario_warehouse, run_dbt

pytestmark = pytest.mark.slow

_WINDOW_START = "2025-01-20"
_SELECT = ["test", "--select", "stg_campaign_engine__sends,test_name:unique_since_window_start"]


def _land_again(working: Path, arrival_date: str, before: str) -> str:
    """Copy one send that landed before `before` to `arrival_date`; return its message_id."""
    with duckdb.connect(str(working)) as conn:
        row = conn.execute(
            "select message_id from staging.stg_campaign_engine__sends "
            "where _arrival_date < ? order by message_id limit 1",
            [before],
        ).fetchone()
        assert row is not None
        conn.execute(
            "insert into staging.stg_campaign_engine__sends "
            "select * replace (cast(? as date) as _arrival_date) "
            "from staging.stg_campaign_engine__sends where message_id = ?",
            [arrival_date, row[0]],
        )
        return str(row[0])


def test_a_window_key_already_landed_before_the_window_fails(
    published_scenario: Path, tmp_path: Path
) -> None:
    working = copy_scenario_warehouse(published_scenario, tmp_path)
    clean = run_dbt(published_scenario, working, tmp_path, _SELECT, window_start=_WINDOW_START)
    assert clean.returncode == 0 and "1 of 1 PASS" in clean.stdout, clean.stdout[-3000:]

    _land_again(working, arrival_date="2025-01-25", before=_WINDOW_START)
    failed = run_dbt(published_scenario, working, tmp_path, _SELECT, window_start=_WINDOW_START)
    assert failed.returncode != 0 and "FAIL 1" in failed.stdout, failed.stdout[-3000:]


def test_a_full_build_checks_every_row(published_scenario: Path, tmp_path: Path) -> None:
    working = copy_scenario_warehouse(published_scenario, tmp_path)
    _land_again(working, arrival_date="2025-01-10", before="2025-01-10")
    before_window = run_dbt(
        published_scenario, working, tmp_path, _SELECT, window_start=_WINDOW_START
    )
    assert before_window.returncode == 0, before_window.stdout[-3000:]
    full = run_dbt(published_scenario, working, tmp_path, _SELECT)
    assert full.returncode != 0 and "FAIL 1" in full.stdout, full.stdout[-3000:]
