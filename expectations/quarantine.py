"""Quarantined input per source and arrival day: any warns, more than a share blocks.

An unreadable (or refused) file counts at the rows the ingest estimated it held
(`rows_estimated`, from its size against the day's readable files, or the lines it held
before it broke), read and quarantined: losing a file is as serious as losing its rows. A
file recorded before estimates existed counts as one row, so a day of only unreadable files
still shows a share of 1 and blocks.
"""

from __future__ import annotations

from datetime import date

import great_expectations as gx
import great_expectations.expectations as gxe

from expectations.runner import make_suite, rule
from expectations.thresholds import MAX_QUARANTINE_SHARE

SUITE_NAME = "quarantine"

# Bind parameters, in order: source, first arrival date (inclusive), end date (exclusive),
# the half-open range the partitions use; `frame_parameters` builds them.
FRAME_SQL = """
with

files as (
    select
        source,
        arrival_date,
        case when is_unreadable then coalesce(rows_estimated, 1) else rows_read end
            as rows_read,
        case when is_unreadable then coalesce(rows_estimated, 1) else rows_quarantined end
            as rows_quarantined
    from raw.landed_files
    where source = ? and arrival_date >= ? and arrival_date < ?
),

per_day as (
    select
        source,
        arrival_date,
        cast(sum(rows_read) as bigint) as rows_read,
        cast(sum(rows_quarantined) as bigint) as rows_quarantined,
        cast(sum(rows_quarantined) as double) / nullif(sum(rows_read), 0) as quarantined_share
    from files
    group by source, arrival_date
)

select * from per_day
order by arrival_date
"""


def frame_parameters(source: str, start: date, end: date) -> list[object]:
    """The bind parameters of `FRAME_SQL`: one source, arrival dates in [start, end)."""
    return [source, start, end]


def build_suite(max_share: float = MAX_QUARANTINE_SHARE) -> gx.ExpectationSuite:
    """Warn on any quarantined row; block when a day's quarantined share exceeds `max_share`."""
    return make_suite(
        SUITE_NAME,
        [
            rule(
                gxe.ExpectColumnValuesToBeBetween(column="rows_quarantined", max_value=0),
                name="no_rows_quarantined",
                severity="warn",
                description="No row or file was quarantined; unexpected rows are days.",
            ),
            rule(
                # A day of only empty files has no share (NULL), which passes.
                gxe.ExpectColumnValuesToBeBetween(
                    column="quarantined_share", min_value=0, max_value=max_share
                ),
                name="quarantined_share_within_limit",
                severity="error",
                description=f"A day's quarantined share of rows read is at most {max_share:g}.",
            ),
        ],
    )
