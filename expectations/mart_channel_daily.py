"""`mart_channel_daily` is `mart_campaign_daily` aggregated over campaigns.

Per workspace and local day, each count summed over the channels equals the same count summed
over the campaigns of mart_campaign_daily; a day missing on either side fails.
"""

from __future__ import annotations

from expectations.guards import Guard
from expectations.mart_campaign_daily import SHARED_COUNTS
from expectations.rules import no_count_negative, sum_agrees

# The counts of mart_channel_daily: those of mart_campaign_daily.
COUNT_COLUMNS: tuple[str, ...] = SHARED_COUNTS

GUARD = Guard(
    asset="mart_channel_daily",
    partition=("workspace_id", "activity_date"),
    rules=(
        no_count_negative(COUNT_COLUMNS),
        *(
            sum_agrees(
                f"{c}_add_up_to_campaign_daily",
                c,
                "mart_campaign_daily",
                description=(
                    f"Per workspace and day, {c} summed over channels = {c} of "
                    "mart_campaign_daily summed over campaigns."
                ),
            )
            for c in COUNT_COLUMNS
        ),
    ),
)
