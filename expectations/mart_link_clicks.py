"""`mart_link_clicks` adds up to the summary's clicks, per campaign.

Every click counts in both marts (a click naming no link or card sits in a NULL-keyed row),
and both leave out excluded rows and campaigns not in dim_campaigns, so a campaign's clicks
summed over steps, links and cards equal the summary's.
"""

from __future__ import annotations

from expectations.guards import Guard
from expectations.rules import at_most, no_count_negative, sum_agrees

GUARD = Guard(
    asset="mart_link_clicks",
    partition=("campaign_id",),
    rules=(
        no_count_negative(
            ["clicks", "unique_clickers"], "clicks and unique_clickers are not negative."
        ),
        at_most("unique_clickers_within_clicks", "unique_clickers", "clicks"),
        sum_agrees(
            "clicks_add_up_to_summary",
            "clicks",
            "mart_campaign_summary",
            description=(
                "Per campaign, clicks summed over steps, links and cards = "
                "mart_campaign_summary.clicks."
            ),
        ),
    ),
)
