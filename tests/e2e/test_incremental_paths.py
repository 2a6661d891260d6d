"""Ten nights publish what one run over the same range does, row for row and file for file.

The data is generated (`tests/warehouses.py`): 36 days with reports past the 30-day window,
duplicates across days, events arriving before or after what they refer to, and campaigns
and contacts changing mid-range. The nightly path is a backfill of the first 26 days, then
ten nights. The other paths (a rerun of a corrected past day, a full refresh) are in
`test_rerun_and_refresh.py`.
"""

from __future__ import annotations

import shutil
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pytest

from tests.e2e.pipeline import (
    parquet_digests,
    run_arguments,
    run_many,
    snapshot,
)
from tests.warehouses import GENERATED_END, GENERATED_START

NIGHTS = 10
FIRST_NIGHT = GENERATED_END - timedelta(days=NIGHTS - 1)


def _day(value: date) -> str:
    return value.isoformat()


@pytest.fixture(scope="module")
def nightly(generated_landing: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the landing zone and a warehouse built by a backfill and ten nights."""
    root = tmp_path_factory.mktemp("nightly")
    landing, warehouse = root / "landing", root / "warehouse"
    shutil.copytree(generated_landing, landing)
    runs = [
        run_arguments(
            landing, warehouse, _day(GENERATED_START), _day(FIRST_NIGHT - timedelta(days=1))
        )
    ]
    runs += [
        run_arguments(landing, warehouse, _day(night), _day(night))
        for night in (FIRST_NIGHT + timedelta(days=n) for n in range(NIGHTS))
    ]
    outcomes = run_many(runs)
    assert [o.returncode for o in outcomes] == [0] * len(runs), [o.output for o in outcomes]
    return root


def test_ten_nights_publish_what_one_run_over_the_range_does(
    nightly: Path, generated_backfill: Path
) -> None:
    assert snapshot(nightly / "warehouse") == snapshot(generated_backfill)
    assert parquet_digests(nightly / "warehouse") == parquet_digests(generated_backfill)


def test_the_generated_data_has_what_the_paths_must_agree_on(generated_backfill: Path) -> None:
    """Late reports past the window, duplicates across days, a report landed before its
    send, a campaign's status changed during the nights, a contact that moved, and a contact
    that turned internal during the nights after messages to it had landed."""
    quality = _rows(
        generated_backfill,
        "select sum(late_reports), sum(duplicates_removed) from marts.mart_data_quality",
    )
    assert quality[0][0] > 0 and quality[0][1] > 0
    assert (
        _rows(
            generated_backfill,
            "select count(*) from marts.fct_campaign_status_changes "
            f"where valid_from >= '{FIRST_NIGHT}'",
            working=True,
        )[0][0]
        > 0
    )
    assert (
        _rows(
            generated_backfill,
            "select count(*) from intermediate.int_delivery_reports_matched as reports "
            "inner join staging.stg_campaign_engine__sends as sends using (message_id) "
            "where reports._arrival_date < sends._arrival_date",
            working=True,
        )[0][0]
        > 0
    )
    assert (
        _rows(
            generated_backfill,
            "select count(*) from (select contact_id from staging.stg_app__contacts "
            "group by contact_id having count(*) > 1)",
            working=True,
        )[0][0]
        > 0
    )
    assert (
        _rows(
            generated_backfill,
            "select count(*) from ("
            " select contact_id from staging.stg_app__contacts group by contact_id"
            " having bool_or(is_internal) and not bool_and(is_internal)"
            f" and min(case when is_internal then _arrival_date end) >= '{FIRST_NIGHT}'"
            ") as turned where contact_id in (select contact_id"
            f" from staging.stg_campaign_engine__sends where _arrival_date < '{FIRST_NIGHT}')",
            working=True,
        )[0][0]
        > 0
    )


def _rows(warehouse: Path, sql: str, working: bool = False) -> list[tuple]:
    database = warehouse / ("warehouse.duckdb" if working else "serving.duckdb")
    with duckdb.connect(str(database), read_only=True) as conn:
        return conn.execute(sql).fetchall()
