"""The daily, weekly and monthly campaign marts add up to the summary, per campaign.

Each period mart holds the summary's message-grain counts, every one dated by its own event;
summed over its periods a campaign's count must equal the summary's. The frame is one row per
campaign from either side (FULL OUTER JOIN, coalesced to 0): a campaign with periods but no
summary row, or a summary count with no periods behind it, fails the metric's agreement. The
counts' signs are checked on the mart's rows and counted per campaign; the grain is dbt's.
Guards `mart_campaign_daily`, `mart_campaign_weekly` and `mart_campaign_monthly`:
`build_suite(mart)` and `FRAME_SQL[mart]`.
"""

from __future__ import annotations

import great_expectations as gx

from expectations.rules import (
    agree,
    count_where,
    negative_predicate,
    no_violations,
)
from expectations.runner import make_suite

# The mart each suite guards, and the column naming its period.
PERIOD_COLUMNS: dict[str, str] = {
    "mart_campaign_daily": "activity_date",
    "mart_campaign_weekly": "week_start_date",
    "mart_campaign_monthly": "month_start_date",
}

# Every count the period marts share with mart_campaign_summary (all the period marts' counts;
# a test pins this against the columns documented in the marts' yml).
SHARED_COUNTS: tuple[str, ...] = (
    "messages_attempted",
    "messages_sent",
    "messages_dropped",
    "messages_delivered",
    "messages_undelivered",
    "messages_delivery_pending",
    "opens",
    "clicks",
    "responses",
    "conversions",
    "segments_sent",
)


def _frame_sql(mart: str, period: str) -> str:
    period_sums = ",\n        ".join(
        f"cast(sum({c}) as bigint) as period_{c}" for c in SHARED_COUNTS
    )
    summary_counts = ",\n        ".join(f"{c} as summary_{c}" for c in SHARED_COUNTS)
    joined_counts = ",\n        ".join(
        f"coalesce(period_totals.period_{c}, 0) as period_{c},\n"
        f"        coalesce(summary.summary_{c}, 0) as summary_{c}"
        for c in SHARED_COUNTS
    )
    return f"""
with

periods as (
    select *
    from marts.{mart}
),

period_totals as (
    select
        campaign_id,
        {count_where(negative_predicate(SHARED_COUNTS), "negative_count_rows")},
        {period_sums}
    from periods
    group by campaign_id
),

summary as (
    select
        campaign_id,
        {summary_counts}
    from marts.mart_campaign_summary
),

joined as (
    select
        coalesce(period_totals.campaign_id, summary.campaign_id) as campaign_id,
        coalesce(period_totals.negative_count_rows, 0) as negative_count_rows,
        {joined_counts}
    from period_totals
    full outer join summary on period_totals.campaign_id = summary.campaign_id
)

select * from joined
"""


FRAME_SQL: dict[str, str] = {mart: _frame_sql(mart, p) for mart, p in PERIOD_COLUMNS.items()}


def build_suite(mart: str) -> gx.ExpectationSuite:
    """No count negative, and every shared count adds up to the summary's."""
    return make_suite(
        mart,
        [
            no_violations(
                "negative_count_rows",
                name="no_count_negative",
                description="No count column is negative; unexpected rows are campaigns.",
            ),
            *(
                agree(
                    f"period_{c}",
                    f"summary_{c}",
                    name=f"{c}_add_up_to_summary",
                    description=(
                        f"Per campaign, the sum of {c} over the periods of {mart} equals "
                        f"mart_campaign_summary.{c}."
                    ),
                )
                for c in SHARED_COUNTS
            ),
        ],
    )
