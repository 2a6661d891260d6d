"""`mart_campaign_summary`: its identities and bounds, one row per campaign."""

from __future__ import annotations

from expectations.guards import Guard
from expectations.rules import adds_up, at_most, no_count_negative, within_0_1

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

GUARD = Guard(
    asset="mart_campaign_summary",
    partition=("campaign_id",),
    rules=(
        adds_up(
            "contacts_add_up_to_audience",
            ["contacts_sent", "contacts_failed", "contacts_limited", "contacts_pending"],
            "audience_contacts",
        ),
        adds_up(
            "delivery_statuses_add_up_to_messages_sent",
            ["messages_delivered", "messages_undelivered", "messages_delivery_pending"],
            "messages_sent",
        ),
        adds_up(
            "sent_and_dropped_add_up_to_attempted",
            ["messages_sent", "messages_dropped"],
            "messages_attempted",
        ),
        at_most("opens_within_delivered", "opens", "messages_delivered"),
        at_most("contacts_opened_within_sent", "contacts_opened", "contacts_sent"),
        no_count_negative(COUNT_COLUMNS),
        *(within_0_1(rate) for rate in FRACTION_RATES),
    ),
)
