"""Integrity of `mart_campaign_step_funnel`: grain and bounds, all blocking."""

from __future__ import annotations

import great_expectations as gx
import great_expectations.expectations as gxe

from expectations.runner import make_suite, rule

SUITE_NAME = "mart_campaign_step_funnel"

COUNT_COLUMNS: tuple[str, ...] = (
    "contacts_reached",
    "messages_sent",
    "contacts_seen",
    "contacts_clicked",
    "conversions",
)

FRAME_SQL = f"""
select
    campaign_id,
    step_id,
    {", ".join(COUNT_COLUMNS)},
    dropoff_rate,
    least({", ".join(COUNT_COLUMNS)}) as least_count
from marts.mart_campaign_step_funnel
"""


def build_suite() -> gx.ExpectationSuite:
    """One row per (campaign, step); no negative count; no step loses more than everyone."""
    return make_suite(
        SUITE_NAME,
        [
            rule(
                gxe.ExpectCompoundColumnsToBeUnique(column_list=["campaign_id", "step_id"]),
                name="campaign_step_unique",
                severity="error",
                description="One row per (campaign_id, step_id).",
            ),
            rule(
                gxe.ExpectColumnValuesToBeBetween(column="least_count", min_value=0),
                name="no_count_negative",
                severity="error",
                description="No count column is negative.",
            ),
            rule(
                # No lower bound: a step can reach more contacts than its parent (a loop back
                # or a re-entry), which makes its dropoff negative.
                gxe.ExpectColumnValuesToBeBetween(column="dropoff_rate", max_value=1),
                name="dropoff_rate_at_most_1",
                severity="error",
                description="dropoff_rate <= 1 (NULL for a first step).",
            ),
        ],
    )
