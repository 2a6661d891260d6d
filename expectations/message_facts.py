"""Message facts against the contract: timeouts applied, and the summary agrees with the facts.

The frame is one row per campaign (from either side), aggregated in DuckDB, so the facts
never travel to pandas; a disagreement names the campaigns it is in.
"""

from __future__ import annotations

from datetime import datetime

import great_expectations as gx
import great_expectations.expectations as gxe

from expectations.runner import make_suite, rule
from expectations.thresholds import delivery_window_days

SUITE_NAME = "fct_messages"

# Bind parameters, in order: as_of (timestamp), delivery window in days (integer);
# `frame_parameters` builds them. Excluded (test, internal) messages still get a delivery
# status, so the timeout rule covers them too; only the agreement leaves them out.
FRAME_SQL = """
with

facts as (
    select
        campaign_id,
        count(*) filter (where not is_excluded) as fact_messages_attempted,
        count(*) filter (where is_accepted and not is_excluded) as fact_messages_sent,
        count(*) filter (
            where is_accepted
                and delivery_status = 'delivery_pending'
                and attempted_at <= cast(? as timestamp) - to_days(cast(? as integer))
        ) as stale_pending_messages
    from marts.fct_messages
    group by campaign_id
),

summary as (
    select
        campaign_id,
        messages_attempted as summary_messages_attempted,
        messages_sent as summary_messages_sent
    from marts.mart_campaign_summary
),

joined as (
    select
        coalesce(facts.campaign_id, summary.campaign_id) as campaign_id,
        coalesce(facts.fact_messages_attempted, 0) as fact_messages_attempted,
        coalesce(facts.fact_messages_sent, 0) as fact_messages_sent,
        coalesce(facts.stale_pending_messages, 0) as stale_pending_messages,
        coalesce(summary.summary_messages_attempted, 0) as summary_messages_attempted,
        coalesce(summary.summary_messages_sent, 0) as summary_messages_sent
    from facts
    full outer join summary on facts.campaign_id = summary.campaign_id
)

select * from joined
"""


def frame_parameters(as_of: datetime, window_days: int | None = None) -> list[object]:
    """The bind parameters of `FRAME_SQL`, in order; the window defaults to dbt's var."""
    return [as_of, delivery_window_days() if window_days is None else window_days]


def build_suite() -> gx.ExpectationSuite:
    """No message left pending past its delivery window; the summary's counts match the facts."""
    return make_suite(
        SUITE_NAME,
        [
            rule(
                gxe.ExpectColumnValuesToBeBetween(column="stale_pending_messages", max_value=0),
                name="no_pending_past_delivery_window",
                severity="error",
                description=(
                    "No accepted message is still delivery_pending when as_of is at or past "
                    "sent_at + the delivery window; unexpected rows are campaigns."
                ),
            ),
            rule(
                gxe.ExpectColumnPairValuesToBeEqual(
                    column_A="summary_messages_sent", column_B="fact_messages_sent"
                ),
                name="summary_messages_sent_match_facts",
                severity="error",
                description=(
                    "Summary messages_sent = accepted, non-excluded facts, per campaign "
                    "(so in total too)."
                ),
            ),
            rule(
                gxe.ExpectColumnPairValuesToBeEqual(
                    column_A="summary_messages_attempted", column_B="fact_messages_attempted"
                ),
                name="summary_messages_attempted_match_facts",
                severity="error",
                description=(
                    "Summary messages_attempted = non-excluded facts, per campaign "
                    "(so in total too)."
                ),
            ),
        ],
    )
