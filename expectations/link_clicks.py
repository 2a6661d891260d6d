"""`mart_link_clicks` adds up to the summary's clicks, per campaign.

Every click counts in both marts (a click naming no link or card sits in a NULL-keyed row),
and both leave out excluded rows and campaigns not in dim_campaigns, so a campaign's clicks
summed over steps, links and cards equal the summary's. The frame is one row per campaign from
either side (FULL OUTER JOIN, coalesced to 0); row rules (signs, unique clickers within
clicks) are counted per campaign.
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

SUITE_NAME = "mart_link_clicks"

FRAME_SQL = f"""
with

link_totals as (
    select
        campaign_id,
        {count_where(negative_predicate(["clicks", "unique_clickers"]), "negative_count_rows")},
        {count_where("unique_clickers > clicks", "clickers_over_clicks_rows")},
        cast(sum(clicks) as bigint) as link_clicks
    from marts.mart_link_clicks
    group by campaign_id
),

summary as (
    select
        campaign_id,
        clicks as summary_clicks
    from marts.mart_campaign_summary
),

joined as (
    select
        coalesce(link_totals.campaign_id, summary.campaign_id) as campaign_id,
        coalesce(link_totals.negative_count_rows, 0) as negative_count_rows,
        coalesce(link_totals.clickers_over_clicks_rows, 0) as clickers_over_clicks_rows,
        coalesce(link_totals.link_clicks, 0) as link_clicks,
        coalesce(summary.summary_clicks, 0) as summary_clicks
    from link_totals
    full outer join summary on link_totals.campaign_id = summary.campaign_id
)

select * from joined
"""


def build_suite() -> gx.ExpectationSuite:
    """Signs and unique clickers of the link clicks, and their clicks add up."""
    return make_suite(
        SUITE_NAME,
        [
            no_violations(
                "negative_count_rows",
                name="no_count_negative",
                description=(
                    "clicks and unique_clickers are not negative; unexpected rows are campaigns."
                ),
            ),
            no_violations(
                "clickers_over_clicks_rows",
                name="unique_clickers_within_clicks",
                description=(
                    "unique_clickers <= clicks (each clicker clicked at least once); "
                    "unexpected rows are campaigns."
                ),
            ),
            agree(
                "link_clicks",
                "summary_clicks",
                name="clicks_add_up_to_summary",
                description=(
                    "Per campaign, clicks summed over steps, links and cards = "
                    "mart_campaign_summary.clicks."
                ),
            ),
        ],
    )
