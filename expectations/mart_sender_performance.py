"""`mart_sender_performance`: counts, success rates and subset bounds, counted per workspace."""

from __future__ import annotations

from expectations.guards import Guard
from expectations.rules import at_most, no_count_negative, within_0_1

GUARD = Guard(
    asset="mart_sender_performance",
    partition=("workspace_id",),
    rules=(
        no_count_negative(
            ["messages_sent", "messages_delivered", "messages_undelivered", "messages_sent_30d"]
        ),
        within_0_1("success_rate"),
        within_0_1("success_rate_30d"),
        at_most(
            "decided_within_sent", "messages_delivered + messages_undelivered", "messages_sent"
        ),
        at_most("sent_30d_within_lifetime", "messages_sent_30d", "messages_sent"),
    ),
)
