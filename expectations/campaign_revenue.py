"""`mart_campaign_revenue` agrees with the summary's conversions; revenue is never negative.

Where conversions without revenue appear: the mart groups attributed conversions by currency,
and the landing contract makes currency required when revenue is set. So a conversion without
revenue sits in the row of its currency if it has one (counted in `conversions`, not in
`conversions_with_revenue`), else in the campaign's row with currency NULL, whose revenue is
NULL. Summed over every row, the NULL-currency row included, a campaign's conversions equal
the summary's: no conversion is lost for lacking revenue. A NULL-currency row that carries
revenue would add amounts of unknown currencies together, which the contract forbids, so it
fails too.

The frame is one row per campaign from either side (FULL OUTER JOIN, coalesced to 0); row
rules are counted per campaign.
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

SUITE_NAME = "mart_campaign_revenue"

COUNT_COLUMNS: tuple[str, ...] = ("conversions", "conversions_with_revenue")

_ROW_RULES: tuple[tuple[str, str], ...] = (
    (negative_predicate(COUNT_COLUMNS), "negative_count_rows"),
    ("conversions_with_revenue > conversions", "revenue_conversions_over_total_rows"),
    ("revenue < 0", "negative_revenue_rows"),
    (
        "currency is null and (revenue is not null or conversions_with_revenue > 0)",
        "revenue_without_currency_rows",
    ),
)

_RULE_COUNTS = ",\n        ".join(count_where(p, alias) for p, alias in _ROW_RULES)
_JOINED_RULES = ",\n        ".join(
    f"coalesce(revenue_totals.{alias}, 0) as {alias}" for _, alias in _ROW_RULES
)

FRAME_SQL = f"""
with

revenue_totals as (
    select
        campaign_id,
        {_RULE_COUNTS},
        cast(sum(conversions) as bigint) as revenue_conversions
    from marts.mart_campaign_revenue
    group by campaign_id
),

summary as (
    select
        campaign_id,
        conversions as summary_conversions
    from marts.mart_campaign_summary
),

joined as (
    select
        coalesce(revenue_totals.campaign_id, summary.campaign_id) as campaign_id,
        {_JOINED_RULES},
        coalesce(revenue_totals.revenue_conversions, 0) as revenue_conversions,
        coalesce(summary.summary_conversions, 0) as summary_conversions
    from revenue_totals
    full outer join summary on revenue_totals.campaign_id = summary.campaign_id
)

select * from joined
"""


def build_suite() -> gx.ExpectationSuite:
    """Signs, revenue's currency, and conversions agreeing with the summary."""
    return make_suite(
        SUITE_NAME,
        [
            no_violations(
                "negative_count_rows",
                name="no_count_negative",
                description=(
                    "conversions and conversions_with_revenue are not negative; "
                    "unexpected rows are campaigns."
                ),
            ),
            agree(
                "revenue_conversions",
                "summary_conversions",
                name="conversions_add_up_to_summary",
                description=(
                    "Per campaign, conversions summed over every currency (NULL included: "
                    "conversions without revenue) = mart_campaign_summary.conversions."
                ),
            ),
            no_violations(
                "revenue_conversions_over_total_rows",
                name="conversions_with_revenue_within_conversions",
                description=(
                    "conversions_with_revenue <= conversions; unexpected rows are campaigns."
                ),
            ),
            no_violations(
                "negative_revenue_rows",
                name="revenue_not_negative",
                description="revenue is never negative; unexpected rows are campaigns.",
            ),
            no_violations(
                "revenue_without_currency_rows",
                name="no_revenue_without_currency",
                description=(
                    "The NULL-currency row holds only conversions without revenue: "
                    "currencies are never added together; unexpected rows are campaigns."
                ),
            ),
        ],
    )
