"""Arrival-date partitions: one per day of the landing zone (UTC)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, timedelta

import dagster as dg

from orchestration import paths

# The tags Dagster gives a run of one partition, or of a range of them in one run.
PARTITION_TAG = "dagster/partition"
RANGE_START_TAG = "dagster/asset_partition_range_start"
RANGE_END_TAG = "dagster/asset_partition_range_end"

# The first arrival-date partition: earlier landing folders are not partitions.
FIRST_ARRIVAL_DATE = paths.first_arrival_date()

# The newest partition is the last complete day: the nightly run processes the day that ended.
arrival_days = dg.DailyPartitionsDefinition(start_date=FIRST_ARRIVAL_DATE)

# Every partitioned asset processes a whole range in one run: a backfill of a month is one
# dbt invocation, not thirty.
single_run = dg.BackfillPolicy.single_run()


def arrival_dates(window: dg.TimeWindow) -> list[date]:
    """The arrival dates of a partition time window (end exclusive)."""
    first = window.start.date()
    days = (window.end.date() - first).days
    return [first + timedelta(days=n) for n in range(days)]


def run_as_of(tags: Mapping[str, str], latest_arrival: Callable[[], date | None]) -> date:
    """The as-of date of a run: the day after the latest arrival date ingested so far.

    Published marts never go back in time: a rerun of an earlier date re-ingests it and
    republishes as of the latest date. The run's own last arrival date (from its partition
    tags) counts when it is later than anything ingested before; never the wall clock.
    """
    last = tags.get(RANGE_END_TAG) or tags.get(PARTITION_TAG)
    candidates = [date.fromisoformat(last)] if last is not None else []
    latest = latest_arrival()
    if latest is not None:
        candidates.append(latest)
    if not candidates:
        raise dg.Failure("nothing has been ingested yet: run the raw assets for a date first")
    return max(candidates) + timedelta(days=1)
