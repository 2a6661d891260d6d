"""The same pipeline on Spark publishes the same marts as on DuckDB, row for row.

Spark runs the generated landing zone (`tests/warehouses.py`: late reports past the 30-day
window, duplicates across days, out-of-order arrivals, dimensions changing mid-range) the way
a warehouse lives: a backfill of every day but the last, then the last day as a nightly run,
which recomputes only what that day touched. Spark runs as pyspark in local mode (dbt-spark's
`session` method), reading the raw layer's Parquet files in place. DuckDB's marts are those of
the shared backfill of every day (`generated_backfill`), which the e2e tier proves equal to
DuckDB's own backfill and nights.

Values compare exactly, except floats (within 1e-9: the engines sum in different orders) and
timestamps (as UTC instants). Each engine's own column types may differ (Spark's INT for a
DuckDB BIGINT); the values may not.
"""

from __future__ import annotations

import math
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
import pytest

from tests.e2e.pipeline import published_tables, run_arguments, run_many, run_pipeline
from tests.warehouses import GENERATED_END, GENERATED_START

MARTS = (
    "mart_campaign_branches",
    "mart_campaign_daily",
    "mart_campaign_monthly",
    "mart_campaign_revenue",
    "mart_campaign_step_funnel",
    "mart_campaign_summary",
    "mart_campaign_weekly",
    "mart_channel_daily",
    "mart_data_quality",
    "mart_execution_history",
    "mart_failure_reasons",
    "mart_link_clicks",
    "mart_response_buttons",
    "mart_sender_performance",
    "mart_template_benchmarks",
)
FLOAT_TOLERANCE = 1e-9


def _backfill_then_night(landing: Path, warehouse: Path) -> None:
    last_backfilled = GENERATED_END - timedelta(days=1)
    on_spark = ("--engine", "spark")
    runs = [
        run_arguments(landing, warehouse, str(GENERATED_START), str(last_backfilled), *on_spark),
        run_arguments(landing, warehouse, str(GENERATED_END), str(GENERATED_END), *on_spark),
    ]
    outcomes = run_many(runs)
    assert [o.returncode for o in outcomes] == [0, 0], [o.output[-3000:] for o in outcomes]


Published = dict[str, tuple[list[str], list[tuple[Any, ...]]]]


@pytest.fixture(scope="module")
def published(
    generated_landing: Path,
    tmp_path_factory: pytest.TempPathFactory,
    request: pytest.FixtureRequest,
) -> dict[str, Published]:
    """{run: {mart: (columns, rows)}} of the marts published by DuckDB (`duckdb`), by a
    backfill and a night on Spark (`spark`), and then by a full refresh of the night on Spark
    (`spark_full_refresh`, in the same warehouse: Spark's metastore records its tables'
    absolute paths, so a copy of the warehouse would still write to the original's)."""
    root = tmp_path_factory.mktemp("spark")
    landing, warehouse = root / "landing", root / "warehouse"
    shutil.copytree(generated_landing, landing)
    _backfill_then_night(landing, warehouse)
    # Asked for only now: the Spark runs, the longest chain of the suite, start at once, while
    # another worker builds the DuckDB reference.
    generated_backfill = request.getfixturevalue("generated_backfill")
    marts = {"duckdb": _published(generated_backfill), "spark": _published(warehouse)}
    day = str(GENERATED_END)
    outcome = run_pipeline(landing, warehouse, day, day, "--engine", "spark", "--full-refresh")
    assert outcome.returncode == 0, outcome.output[-3000:]
    marts["spark_full_refresh"] = _published(warehouse)
    return marts


def _published(warehouse: Path) -> Published:
    return {mart: _rows(warehouse, mart) for mart in published_tables(warehouse)}


def _rows(warehouse: Path, mart: str) -> tuple[list[str], list[tuple[Any, ...]]]:
    with duckdb.connect(str(warehouse / "serving.duckdb"), read_only=True) as conn:
        cursor = conn.execute(f'select * from marts."{mart}" order by all')
        rows = cursor.fetchall()
        columns = [d[0] for d in cursor.description]
    return columns, [tuple(_comparable(v) for v in row) for row in rows]


def _comparable(value: Any) -> Any:
    """Timestamps as UTC instants; lists and structs element by element."""
    if isinstance(value, datetime):
        return value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, list):
        return [_comparable(v) for v in value]
    if isinstance(value, dict):
        return {k: _comparable(v) for k, v in value.items()}
    return value


def _same(left: Any, right: Any) -> bool:
    if isinstance(left, float) and isinstance(right, float):
        return math.isclose(left, right, rel_tol=FLOAT_TOLERANCE, abs_tol=FLOAT_TOLERANCE)
    if isinstance(left, (list, tuple)) and isinstance(right, (list, tuple)):
        return len(left) == len(right) and all(
            _same(a, b) for a, b in zip(left, right, strict=True)
        )
    if isinstance(left, dict) and isinstance(right, dict):
        return left.keys() == right.keys() and all(_same(left[k], right[k]) for k in left)
    return left == right


def test_both_engines_publish_every_mart(published: dict[str, Published]) -> None:
    assert sorted(published["spark"]) == sorted(published["duckdb"])
    assert set(MARTS) <= set(published["duckdb"])


@pytest.mark.parametrize("mart", MARTS)
def test_spark_publishes_the_marts_duckdb_does(published: dict[str, Published], mart: str) -> None:
    duckdb_columns, duckdb_rows = published["duckdb"][mart]
    spark_columns, spark_rows = published["spark"][mart]

    assert spark_columns == duckdb_columns
    assert duckdb_rows, f"{mart} is empty: the comparison would prove nothing"
    assert len(spark_rows) == len(duckdb_rows)
    different = [(d, s) for d, s in zip(duckdb_rows, spark_rows, strict=True) if not _same(d, s)]
    assert not different, f"{len(different)} rows differ, first: {different[0]}"


def test_a_full_refresh_on_spark_publishes_what_its_nights_did(
    published: dict[str, Published],
) -> None:
    nights, full_refresh = published["spark"], published["spark_full_refresh"]
    assert sorted(full_refresh) == sorted(nights)
    for mart, (columns, rows) in nights.items():
        # Floats within the tolerance: Spark's partial sums meet in any order.
        assert full_refresh[mart][0] == columns
        assert _same(full_refresh[mart][1], rows), mart


def test_a_float_difference_beyond_the_tolerance_is_a_difference() -> None:
    assert _same(0.25, 0.25 + 1e-12)
    assert not _same(0.25, 0.25 + 1e-6)
    assert not _same((1, "a"), (1, "b"))
    assert _same(datetime(2025, 3, 1, 12, tzinfo=UTC), _comparable(datetime(2025, 3, 1, 12)))
