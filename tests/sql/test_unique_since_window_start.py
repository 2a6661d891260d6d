"""The staging grain test checks the run's window keys against all of history: a duplicate
that straddles the window's start fails it; one wholly before the window was the business of
the run that built it."""

from __future__ import annotations

from pathlib import Path

import duckdb

from tests.sql.dbt import run_dbt

_WINDOW_START = "2025-01-20"
_SELECT = ["test", "--select", "stg_campaign_engine__sends,test_name:unique_since_window_start"]


def _land(working: Path, *sends: tuple[str, str]) -> None:
    """Sends (message_id, arrival date) in the staging model, as earlier builds left them."""
    with duckdb.connect(str(working)) as conn:
        conn.executemany(
            "insert into staging.stg_campaign_engine__sends by name "
            "select ? as message_id, cast(? as date) as _arrival_date",
            list(sends),
        )


def _test(working: Path, raw: Path, window_start: str = "") -> tuple[bool, str]:
    completed = run_dbt(working, raw, _SELECT, window_start=window_start)
    return completed.returncode == 0, completed.stdout[-3000:]


def test_a_window_key_already_landed_before_the_window_fails(
    empty_build: Path, empty_warehouse: Path
) -> None:
    raw = empty_build / "raw"
    _land(empty_warehouse, ("m1", "2025-01-10"), ("m2", "2025-01-25"))
    passed, output = _test(empty_warehouse, raw, _WINDOW_START)
    assert passed and "1 of 1 PASS" in output, output

    _land(empty_warehouse, ("m1", "2025-01-25"))
    passed, output = _test(empty_warehouse, raw, _WINDOW_START)
    assert not passed and "FAIL 1" in output, output


def test_a_full_build_checks_every_row(empty_build: Path, empty_warehouse: Path) -> None:
    raw = empty_build / "raw"
    _land(empty_warehouse, ("m1", "2025-01-10"), ("m1", "2025-01-10"), ("m2", "2025-01-25"))
    passed, output = _test(empty_warehouse, raw, _WINDOW_START)
    assert passed, output
    passed, output = _test(empty_warehouse, raw)
    assert not passed and "FAIL 1" in output, output
