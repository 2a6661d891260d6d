"""Integrity of `mart_campaign_step_funnel`: bounds, and no more than the summary, blocking.

Per campaign, the funnel's messages_sent and conversions summed over its steps do not exceed
the summary's: sends and conversions of messages without a step count in the summary only, so
the funnel may hold less, but more means a message or conversion counted under two steps. The
frame is one row per campaign from either side (FULL OUTER JOIN, coalesced to 0).
"""

from __future__ import annotations

import great_expectations as gx
import great_expectations.expectations as gxe

from expectations.rules import count_where, negative_predicate, no_violations
from expectations.runner import make_suite, rule

SUITE_NAME = "mart_campaign_step_funnel"

COUNT_COLUMNS: tuple[str, ...] = (
    "contacts_reached",
    "messages_sent",
    "contacts_seen",
    "contacts_clicked",
    "conversions",
)

# The funnel's counts a campaign's steps cannot hold more of than the summary.
WITHIN_SUMMARY: tuple[str, ...] = ("messages_sent", "conversions")

_STEP_SUMS = ",\n        ".join(f"cast(sum({c}) as bigint) as funnel_{c}" for c in WITHIN_SUMMARY)
_SUMMARY_COUNTS = ",\n        ".join(f"{c} as summary_{c}" for c in WITHIN_SUMMARY)
_JOINED_COUNTS = ",\n        ".join(
    f"coalesce(funnel_totals.funnel_{c}, 0) as funnel_{c},\n"
    f"        coalesce(summary.summary_{c}, 0) as summary_{c}"
    for c in WITHIN_SUMMARY
)

FRAME_SQL = f"""
with

funnel_totals as (
    select
        campaign_id,
        {count_where(negative_predicate(COUNT_COLUMNS), "negative_count_rows")},
        {count_where("dropoff_rate > 1", "dropoff_over_1_rows")},
        {_STEP_SUMS}
    from marts.mart_campaign_step_funnel
    group by campaign_id
),

summary as (
    select
        campaign_id,
        {_SUMMARY_COUNTS}
    from marts.mart_campaign_summary
),

joined as (
    select
        coalesce(funnel_totals.campaign_id, summary.campaign_id) as campaign_id,
        coalesce(funnel_totals.negative_count_rows, 0) as negative_count_rows,
        coalesce(funnel_totals.dropoff_over_1_rows, 0) as dropoff_over_1_rows,
        {_JOINED_COUNTS}
    from funnel_totals
    full outer join summary on funnel_totals.campaign_id = summary.campaign_id
)

select * from joined
"""


def build_suite() -> gx.ExpectationSuite:
    """No negative count; no step loses more than everyone; no more than the summary."""
    return make_suite(
        SUITE_NAME,
        [
            no_violations(
                "negative_count_rows",
                name="no_count_negative",
                description="No count column is negative; unexpected rows are campaigns.",
            ),
            # No lower bound: a step can reach more contacts than its parent (a loop back or a
            # re-entry), which makes its dropoff negative.
            no_violations(
                "dropoff_over_1_rows",
                name="dropoff_rate_at_most_1",
                description=(
                    "dropoff_rate <= 1 (NULL for a first step); unexpected rows are campaigns."
                ),
            ),
            *(
                rule(
                    gxe.ExpectColumnPairValuesAToBeGreaterThanB(
                        column_A=f"summary_{c}", column_B=f"funnel_{c}", or_equal=True
                    ),
                    name=f"{c}_within_summary",
                    severity="error",
                    description=(
                        f"Per campaign, {c} summed over the steps <= "
                        f"mart_campaign_summary.{c} (messages without a step count there only)."
                    ),
                )
                for c in WITHIN_SUMMARY
            ),
        ],
    )
