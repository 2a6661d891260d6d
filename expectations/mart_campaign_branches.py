"""`mart_campaign_branches`: a branch's contacts are not negative."""

from __future__ import annotations

from expectations.guards import Guard
from expectations.rules import RowRule

GUARD = Guard(
    asset="mart_campaign_branches",
    partition=("campaign_id",),
    rules=(
        RowRule("contacts_not_negative", "contacts < 0", "A branch's contacts are not negative."),
    ),
)
