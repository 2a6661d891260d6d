"""Integrity of `mart_campaign_summary`: identities and bounds, all blocking.

The cross-column sums are computed in `FRAME_SQL`, so every identity is one column-pair
expectation whose name says the rule; the frame is one row per campaign.
"""

from __future__ import annotations

import great_expectations as gx
import great_expectations.expectations as gxe

from expectations.runner import make_suite, rule

SUITE_NAME = "mart_campaign_summary"

COUNT_COLUMNS: tuple[str, ...] = (
    "audience_entries",
    "audience_contacts",
    "contacts_sent",
    "contacts_failed",
    "contacts_limited",
    "contacts_pending",
    "contacts_opened",
    "contacts_clicked",
    "contacts_replied",
    "contacts_engaged",
    "contacts_converted",
    "messages_attempted",
    "messages_sent",
    "messages_dropped",
    "messages_delivered",
    "messages_undelivered",
    "messages_delivery_pending",
    "opens",
    "clicks",
    "conversions",
    "responses",
    "unsubscribes",
    "initials_sent",
    "segments_sent",
    "conversations_replied",
    "senders",
    "opt_outs_auto",
    "opt_outs_manual",
    "opt_outs_total",
)

# Rates whose numerator counts members of the denominator's population, so they cannot exceed 1.
# Left out on purpose: click_through_rate, conversion_rate and response_rate count events
# (the contract lets them exceed 1); unsubscribe_rate divides contacts by messages, reply_rate
# counts replied conversations that need not have had their initial message sent, and
# conversations_per_sender is not a fraction. Their non-negativity follows from the counts'.
FRACTION_RATES: tuple[str, ...] = (
    "sent_rate",
    "failed_rate",
    "progress_rate",
    "open_rate_of_sent",
    "conversion_rate_of_sent",
    "delivery_rate",
    "open_rate",
)

_COUNTS_LIST = ",\n        ".join(COUNT_COLUMNS)

FRAME_SQL = f"""
select
    *,
    contacts_sent + contacts_failed + contacts_limited + contacts_pending
        as contacts_by_status,
    messages_delivered + messages_undelivered + messages_delivery_pending
        as messages_by_delivery_status,
    messages_sent + messages_dropped as messages_sent_or_dropped,
    least(
        {_COUNTS_LIST}
    ) as least_count
from marts.mart_campaign_summary
"""


def build_suite() -> gx.ExpectationSuite:
    """The blocking integrity rules of the contract for the campaign summary."""
    return make_suite(
        SUITE_NAME,
        [
            rule(
                gxe.ExpectColumnPairValuesToBeEqual(
                    column_A="contacts_by_status", column_B="audience_contacts"
                ),
                name="contacts_add_up_to_audience",
                severity="error",
                description="contacts_sent + failed + limited + pending = audience_contacts.",
            ),
            rule(
                gxe.ExpectColumnPairValuesToBeEqual(
                    column_A="messages_by_delivery_status", column_B="messages_sent"
                ),
                name="delivery_statuses_add_up_to_messages_sent",
                severity="error",
                description=(
                    "messages_delivered + undelivered + delivery_pending = messages_sent."
                ),
            ),
            rule(
                gxe.ExpectColumnPairValuesToBeEqual(
                    column_A="messages_sent_or_dropped", column_B="messages_attempted"
                ),
                name="sent_and_dropped_add_up_to_attempted",
                severity="error",
                description="messages_sent + messages_dropped = messages_attempted.",
            ),
            rule(
                gxe.ExpectColumnPairValuesAToBeGreaterThanB(
                    column_A="messages_delivered", column_B="opens", or_equal=True
                ),
                name="opens_within_delivered",
                severity="error",
                description="opens <= messages_delivered.",
            ),
            rule(
                gxe.ExpectColumnPairValuesAToBeGreaterThanB(
                    column_A="contacts_sent", column_B="contacts_opened", or_equal=True
                ),
                name="contacts_opened_within_sent",
                severity="error",
                description="contacts_opened <= contacts_sent.",
            ),
            rule(
                gxe.ExpectColumnValuesToBeBetween(column="least_count", min_value=0),
                name="no_count_negative",
                severity="error",
                description="No count column is negative.",
            ),
            *(_fraction_rule(rate) for rate in FRACTION_RATES),
        ],
    )


def _fraction_rule(rate: str) -> gxe.Expectation:
    # NULL (base 0) is allowed: column map expectations skip missing values.
    return rule(
        gxe.ExpectColumnValuesToBeBetween(column=rate, min_value=0, max_value=1),
        name=f"{rate}_within_0_1",
        severity="error",
        description=f"{rate} is a fraction of a population, in [0, 1] or NULL.",
    )
