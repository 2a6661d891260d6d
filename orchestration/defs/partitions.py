"""Arrival-date partitions: one per day of the landing zone (UTC)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import dagster as dg

# The first arrival date the pipeline knows about. Earlier landing folders are not partitions.
FIRST_ARRIVAL_DATE = "2024-01-01"

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


def as_of(window: dg.TimeWindow) -> datetime:
    """The run's as-of: the end of its last arrival date (the window's exclusive end)."""
    return window.end
