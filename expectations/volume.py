"""Each event source's daily volume against its recent norm: a day far below it warns.

A folder that was not delivered, or delivered half, looks like a quiet day to the ingest. This
suite compares the rows landed on each arrival date with the median of the seven arrival
dates before it (a day with no file counts as 0, from the source's first landed day on) and
warns when a day holds less than a tenth of that. It never blocks: quiet days are real.
Dimension sources deliver changes, whose volume has no norm, and are not checked.
"""

from __future__ import annotations

from datetime import date

import great_expectations as gx
import great_expectations.expectations as gxe

from expectations.runner import make_suite, rule

SUITE_NAME = "volume"

# A day under this share of its recent median warns.
MIN_SHARE_OF_NORM = 0.1
# The arrival dates before a day that make its norm, and how many must exist to judge it.
NORM_DAYS = 7
MIN_NORM_DAYS = 3

# Bind parameters, in order: source, first arrival date (inclusive), end date (exclusive);
# `frame_parameters` builds them.
FRAME_SQL = f"""
with

landed as (
    select
        arrival_date,
        sum(case when is_unreadable then coalesce(rows_estimated, 1) else rows_read end)
            as rows_landed
    from raw.landed_files
    where source = $source
    group by arrival_date
),

first_landed as (
    select min(arrival_date) as first_date from landed
),

calendar as (
    select cast(unnest(generate_series(
        cast($start as date) - interval {NORM_DAYS} day,
        cast($end as date) - interval 1 day,
        interval 1 day
    )) as date) as arrival_date
),

daily as (
    select
        calendar.arrival_date,
        coalesce(landed.rows_landed, 0) as rows_landed
    from calendar
    cross join first_landed
    left join landed on calendar.arrival_date = landed.arrival_date
    where calendar.arrival_date >= first_landed.first_date
),

with_norm as (
    select
        arrival_date,
        cast(rows_landed as bigint) as rows_landed,
        median(rows_landed) over recent as recent_median,
        count(*) over recent as recent_days
    from daily
    window recent as (
        order by arrival_date
        range between interval {NORM_DAYS} day preceding and interval 1 day preceding
    )
)

select
    $source as source,
    arrival_date,
    rows_landed,
    case when recent_days >= {MIN_NORM_DAYS} then recent_median end as recent_median,
    case when recent_days >= {MIN_NORM_DAYS} and recent_median > 0
        then rows_landed / recent_median end as share_of_norm
from with_norm
where arrival_date >= $start and arrival_date < $end
order by arrival_date
"""


def frame_parameters(source: str, start: date, end: date) -> dict[str, object]:
    """The bind parameters of `FRAME_SQL`: one source, arrival dates in [start, end)."""
    return {"source": source, "start": start, "end": end}


def build_suite(min_share: float = MIN_SHARE_OF_NORM) -> gx.ExpectationSuite:
    """Warn when a day holds less than `min_share` of its recent median volume."""
    return make_suite(
        SUITE_NAME,
        [
            rule(
                # A day without enough history to judge has no share (NULL), which passes.
                gxe.ExpectColumnValuesToBeBetween(column="share_of_norm", min_value=min_share),
                name="volume_within_recent_norm",
                severity="warn",
                description=(
                    f"Each arrival date holds at least {min_share:g} of the median rows of the "
                    f"{NORM_DAYS} arrival dates before it; unexpected rows are days."
                ),
            ),
        ],
    )
