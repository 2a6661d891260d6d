"""`mart_execution_history`: no count negative, counted per campaign to keep the frame small."""

from __future__ import annotations

from expectations.guards import Guard
from expectations.rules import no_count_negative

GUARD = Guard(
    asset="mart_execution_history",
    partition=("campaign_id",),
    rules=(no_count_negative(["messages_attempted", "steps_reached"]),),
)
