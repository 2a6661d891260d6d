"""`mart_campaign_step_funnel`: bounds, and no more sends or conversions than the summary.

Sends and conversions of messages without a step count in the summary only, so a campaign's
steps may hold less than its summary row, never more: more means a message or a conversion
counted under two steps.
"""

from __future__ import annotations

from expectations.guards import Guard
from expectations.rules import Agreement, Measure, RowRule, no_count_negative

COUNT_COLUMNS: tuple[str, ...] = (
    "contacts_reached",
    "messages_sent",
    "contacts_seen",
    "contacts_clicked",
    "conversions",
)

# The funnel's counts a campaign's steps cannot hold more of than the summary.
WITHIN_SUMMARY: tuple[str, ...] = ("messages_sent", "conversions")

GUARD = Guard(
    asset="mart_campaign_step_funnel",
    partition=("campaign_id",),
    rules=(
        no_count_negative(COUNT_COLUMNS),
        # No lower bound: a step can reach more contacts than its parent (a loop back or a
        # re-entry), which makes its dropoff negative.
        RowRule(
            "dropoff_rate_at_most_1",
            "dropoff_rate > 1",
            "dropoff_rate <= 1 (NULL for a first step).",
        ),
        *(
            Agreement(
                f"{c}_within_summary",
                Measure(c),
                "mart_campaign_summary",
                Measure(c),
                description=(
                    f"Per campaign, {c} summed over the steps <= mart_campaign_summary.{c} "
                    "(messages without a step count there only)."
                ),
                at_most=True,
            )
            for c in WITHIN_SUMMARY
        ),
    ),
)
