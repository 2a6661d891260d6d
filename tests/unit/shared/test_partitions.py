"""The as-of of a run: from its partition tags, else the latest ingested date, never the clock."""

from datetime import date

import dagster as dg
import pytest

from orchestration.shared.partitions import run_as_of


def _nothing() -> date | None:
    return None


def test_a_range_run_is_as_of_the_day_after_its_last_date() -> None:
    tags = {
        "dagster/asset_partition_range_start": "2025-01-01",
        "dagster/asset_partition_range_end": "2025-01-31",
    }
    assert run_as_of(tags, _nothing) == date(2025, 2, 1)


def test_a_nightly_run_is_as_of_the_day_after_its_partition() -> None:
    assert run_as_of({"dagster/partition": "2025-03-01"}, _nothing) == date(2025, 3, 2)


def test_a_rerun_of_an_earlier_date_is_as_of_the_latest_date_ingested() -> None:
    """Published marts never go back in time."""
    assert run_as_of({"dagster/partition": "2025-03-01"}, lambda: date(2025, 3, 9)) == date(
        2025, 3, 10
    )


def test_a_run_without_partitions_is_as_of_the_latest_ingested_date() -> None:
    assert run_as_of({}, lambda: date(2025, 4, 9)) == date(2025, 4, 10)


def test_a_run_with_nothing_ingested_fails_clearly() -> None:
    with pytest.raises(dg.Failure, match="nothing has been ingested"):
        run_as_of({}, lambda: None)
