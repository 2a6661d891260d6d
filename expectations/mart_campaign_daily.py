"""The daily campaign mart adds up to the summary, per campaign; the weekly and monthly too.

Each period mart holds the summary's message-grain counts, every one dated by its own event;
summed over its periods a campaign's count must equal the summary's. A campaign with periods
but no summary row, or a summary count with no periods behind it, fails the count's agreement.
`period_guard` declares the same rules for `mart_campaign_weekly` and `mart_campaign_monthly`.
"""

from __future__ import annotations

from expectations.dbt_vars import campaign_period_metrics
from expectations.guards import Guard
from expectations.rules import no_count_negative, sum_agrees

# Every count the period marts share with mart_campaign_summary: the dbt var the period marts'
# columns come from (a test pins it against the columns documented in the marts' yml).
SHARED_COUNTS: tuple[str, ...] = campaign_period_metrics()


def period_guard(mart: str) -> Guard:
    """No count negative, and every shared count of `mart` adds up to the summary's."""
    return Guard(
        asset=mart,
        partition=("campaign_id",),
        rules=(
            no_count_negative(SHARED_COUNTS),
            *(
                sum_agrees(
                    f"{c}_add_up_to_summary",
                    c,
                    "mart_campaign_summary",
                    description=(
                        f"Per campaign, the sum of {c} over the periods of {mart} equals "
                        f"mart_campaign_summary.{c}."
                    ),
                )
                for c in SHARED_COUNTS
            ),
        ),
    )


GUARD = period_guard("mart_campaign_daily")
