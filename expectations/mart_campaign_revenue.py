"""`mart_campaign_revenue` agrees with the summary's conversions; revenue is never negative.

Where conversions without revenue appear: the mart groups attributed conversions by currency,
and the landing contract makes currency required when revenue is set. So a conversion without
revenue sits in the row of its currency if it has one (counted in `conversions`, not in
`conversions_with_revenue`), else in the campaign's row with currency NULL, whose revenue is
NULL. Summed over every row, the NULL-currency row included, a campaign's conversions equal
the summary's: no conversion is lost for lacking revenue. A NULL-currency row that carries
revenue would add amounts of unknown currencies together, which the contract forbids, so it
fails too.
"""

from __future__ import annotations

from expectations.guards import Guard
from expectations.rules import RowRule, at_most, no_count_negative, sum_agrees

COUNT_COLUMNS: tuple[str, ...] = ("conversions", "conversions_with_revenue")

GUARD = Guard(
    asset="mart_campaign_revenue",
    partition=("campaign_id",),
    rules=(
        no_count_negative(
            COUNT_COLUMNS, "conversions and conversions_with_revenue are not negative."
        ),
        sum_agrees(
            "conversions_add_up_to_summary",
            "conversions",
            "mart_campaign_summary",
            description=(
                "Per campaign, conversions summed over every currency (NULL included: "
                "conversions without revenue) = mart_campaign_summary.conversions."
            ),
        ),
        at_most(
            "conversions_with_revenue_within_conversions",
            "conversions_with_revenue",
            "conversions",
        ),
        RowRule("revenue_not_negative", "revenue < 0", "revenue is never negative."),
        RowRule(
            "no_revenue_without_currency",
            "currency is null and (revenue is not null or conversions_with_revenue > 0)",
            "The NULL-currency row holds only conversions without revenue: currencies are "
            "never added together.",
        ),
    ),
)
