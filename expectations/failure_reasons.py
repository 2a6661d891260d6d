"""`mart_failure_reasons` adds up to the summary, and each stage's shares sum to 1.

Per campaign, the messages of stage `dropped` over all reasons equal the summary's
messages_dropped and those of stage `undelivered` its messages_undelivered. The frame is one
row per campaign from either side (FULL OUTER JOIN, coalesced to 0): a campaign with failures
but no summary row, or summary failures with no reasons behind them, fails. Row rules (signs,
share bounds, a stage's shares summing to 1) are counted per campaign.
"""

from __future__ import annotations

import great_expectations as gx

from expectations.rules import (
    FLOAT_TOLERANCE,
    agree,
    count_where,
    negative_predicate,
    no_violations,
    outside_0_1_predicate,
)
from expectations.runner import make_suite

SUITE_NAME = "mart_failure_reasons"

# stage -> the summary count its messages add up to
STAGE_COUNTS: dict[str, str] = {
    "dropped": "messages_dropped",
    "undelivered": "messages_undelivered",
}

_STAGE_SUMS = ",\n        ".join(
    f"cast(coalesce(sum(messages) filter (where stage = '{stage}'), 0) as bigint) as reason_{count}"
    for stage, count in STAGE_COUNTS.items()
)
_SUMMARY_COUNTS = ",\n        ".join(f"{c} as summary_{c}" for c in STAGE_COUNTS.values())
_JOINED_COUNTS = ",\n        ".join(
    f"coalesce(reason_totals.reason_{c}, 0) as reason_{c},\n"
    f"        coalesce(summary.summary_{c}, 0) as summary_{c}"
    for c in STAGE_COUNTS.values()
)

FRAME_SQL = f"""
with

reasons as (
    select
        *,
        -- a stage whose shares are all NULL totals 0, and fails
        coalesce(sum(share_of_stage) over (partition by campaign_id, stage), 0)
            as stage_share_total
    from marts.mart_failure_reasons
),

reason_totals as (
    select
        campaign_id,
        {count_where(negative_predicate(["messages"]), "negative_count_rows")},
        {count_where(outside_0_1_predicate("share_of_stage"), "share_outside_0_1_rows")},
        {count_where(f"abs(stage_share_total - 1) > {FLOAT_TOLERANCE}", "stage_share_off_rows")},
        {_STAGE_SUMS}
    from reasons
    group by campaign_id
),

summary as (
    select
        campaign_id,
        {_SUMMARY_COUNTS}
    from marts.mart_campaign_summary
),

joined as (
    select
        coalesce(reason_totals.campaign_id, summary.campaign_id) as campaign_id,
        coalesce(reason_totals.negative_count_rows, 0) as negative_count_rows,
        coalesce(reason_totals.share_outside_0_1_rows, 0) as share_outside_0_1_rows,
        coalesce(reason_totals.stage_share_off_rows, 0) as stage_share_off_rows,
        {_JOINED_COUNTS}
    from reason_totals
    full outer join summary on reason_totals.campaign_id = summary.campaign_id
)

select * from joined
"""


def build_suite() -> gx.ExpectationSuite:
    """Signs and shares of the failure reasons, and their agreement with the summary."""
    return make_suite(
        SUITE_NAME,
        [
            no_violations(
                "negative_count_rows",
                name="no_count_negative",
                description="messages is not negative; unexpected rows are campaigns.",
            ),
            agree(
                "reason_messages_dropped",
                "summary_messages_dropped",
                name="dropped_reasons_add_up_to_summary",
                description=(
                    "Per campaign, messages of stage dropped over all reasons = "
                    "mart_campaign_summary.messages_dropped."
                ),
            ),
            agree(
                "reason_messages_undelivered",
                "summary_messages_undelivered",
                name="undelivered_reasons_add_up_to_summary",
                description=(
                    "Per campaign, messages of stage undelivered over all reasons = "
                    "mart_campaign_summary.messages_undelivered."
                ),
            ),
            no_violations(
                "share_outside_0_1_rows",
                name="share_of_stage_within_0_1",
                description="share_of_stage is in [0, 1]; unexpected rows are campaigns.",
            ),
            no_violations(
                "stage_share_off_rows",
                name="shares_of_stage_sum_to_1",
                description=(
                    "Within a campaign's stage, share_of_stage sums to 1 "
                    f"(within {FLOAT_TOLERANCE}); unexpected rows are campaigns."
                ),
            ),
        ],
    )
