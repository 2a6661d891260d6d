"""`mart_response_buttons`: counts not negative, unique responders within responses."""

from __future__ import annotations

from expectations.guards import Guard
from expectations.rules import RowRule, no_count_negative

GUARD = Guard(
    asset="mart_response_buttons",
    partition=("campaign_id",),
    rules=(
        no_count_negative(["responses", "unique_responders"]),
        RowRule(
            "unique_responders_within_responses",
            "unique_responders > responses",
            "unique_responders <= responses (each responder responded at least once).",
        ),
    ),
)
