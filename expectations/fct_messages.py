"""`fct_messages` against the contract: timeouts applied, and the summary agrees with the facts.

The frame is one row per campaign (from either side), aggregated in DuckDB, so the facts never
travel to pandas; a disagreement names the campaigns it is in. The delivery window is dbt's
var (`thresholds.delivery_window_days`), the as-of the run's.
"""

from __future__ import annotations

from datetime import datetime

from expectations.guards import Guard
from expectations.rules import Agreement, Measure, RowRule
from expectations.thresholds import delivery_window_days

# Excluded (test, internal) messages still get a delivery status, so the timeout rule covers
# them too; only the agreements leave them out.
_NOT_EXCLUDED = "not is_excluded"

GUARD = Guard(
    asset="fct_messages",
    partition=("campaign_id",),
    parameters=("as_of", "window_days"),
    # The summary is built from the facts: its checks must not wait for it.
    waits_for_reads=False,
    rules=(
        RowRule(
            "no_pending_past_delivery_window",
            "is_accepted and delivery_status = 'delivery_pending' and attempted_at "
            "<= cast($as_of as timestamp) - to_days(cast($window_days as integer))",
            "No accepted message is still delivery_pending when as_of is at or past sent_at + "
            "the delivery window.",
        ),
        Agreement(
            "summary_messages_sent_match_facts",
            Measure(where=f"is_accepted and {_NOT_EXCLUDED}"),
            "mart_campaign_summary",
            Measure("messages_sent"),
            description=(
                "Summary messages_sent = accepted, non-excluded facts, per campaign "
                "(so in total too)."
            ),
        ),
        Agreement(
            "summary_messages_attempted_match_facts",
            Measure(where=_NOT_EXCLUDED),
            "mart_campaign_summary",
            Measure("messages_attempted"),
            description=(
                "Summary messages_attempted = non-excluded facts, per campaign (so in total too)."
            ),
        ),
    ),
)


def frame_parameters(as_of: datetime, window_days: int | None = None) -> dict[str, object]:
    """The bind parameters of the frame; the window defaults to dbt's var."""
    return {
        "as_of": as_of,
        "window_days": delivery_window_days() if window_days is None else window_days,
    }
