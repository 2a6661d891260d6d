"""`mart_channel_daily` is `mart_campaign_daily` aggregated over campaigns.

Per workspace and local day, each count summed over the channels equals the same count summed
over the campaigns of mart_campaign_daily. The frame is one row per (workspace, day) from
either side (FULL OUTER JOIN, NULL-safe, coalesced to 0), so a day missing on either side
fails. The counts' signs are counted per row too; the grain is dbt's.
"""

from __future__ import annotations

import great_expectations as gx

from expectations.period_marts import SHARED_COUNTS
from expectations.rules import (
    agree,
    count_where,
    negative_predicate,
    no_violations,
)
from expectations.runner import make_suite

SUITE_NAME = "mart_channel_daily"

# The counts of mart_channel_daily: those of mart_campaign_daily.
COUNT_COLUMNS: tuple[str, ...] = SHARED_COUNTS


def _sums(prefix: str) -> str:
    return ",\n        ".join(f"cast(sum({c}) as bigint) as {prefix}_{c}" for c in COUNT_COLUMNS)


_JOINED_COUNTS = ",\n        ".join(
    f"coalesce(channel_totals.channel_{c}, 0) as channel_{c},\n"
    f"        coalesce(campaign_totals.campaign_{c}, 0) as campaign_{c}"
    for c in COUNT_COLUMNS
)

FRAME_SQL = f"""
with

channels as (
    select *
    from marts.mart_channel_daily
),

channel_totals as (
    select
        workspace_id,
        activity_date,
        {count_where(negative_predicate(COUNT_COLUMNS), "negative_count_rows")},
        {_sums("channel")}
    from channels
    group by workspace_id, activity_date
),

campaign_totals as (
    select
        workspace_id,
        activity_date,
        {_sums("campaign")}
    from marts.mart_campaign_daily
    group by workspace_id, activity_date
),

joined as (
    select
        coalesce(channel_totals.workspace_id, campaign_totals.workspace_id) as workspace_id,
        coalesce(channel_totals.activity_date, campaign_totals.activity_date) as activity_date,
        coalesce(channel_totals.negative_count_rows, 0) as negative_count_rows,
        {_JOINED_COUNTS}
    from channel_totals
    full outer join campaign_totals
        on channel_totals.workspace_id is not distinct from campaign_totals.workspace_id
        and channel_totals.activity_date is not distinct from campaign_totals.activity_date
)

select * from joined
"""


def build_suite() -> gx.ExpectationSuite:
    """No count negative, and every count agrees with mart_campaign_daily."""
    return make_suite(
        SUITE_NAME,
        [
            no_violations(
                "negative_count_rows",
                name="no_count_negative",
                description="No count column is negative; unexpected rows are workspace days.",
            ),
            *(
                agree(
                    f"channel_{c}",
                    f"campaign_{c}",
                    name=f"{c}_add_up_to_campaign_daily",
                    description=(
                        f"Per workspace and day, {c} summed over channels = {c} of "
                        "mart_campaign_daily summed over campaigns."
                    ),
                )
                for c in COUNT_COLUMNS
            ),
        ],
    )
