"""`mart_failure_reasons` adds up to the summary, and each stage's shares sum to 1.

Per campaign, the messages of stage `dropped` over all reasons equal the summary's
messages_dropped and those of stage `undelivered` its messages_undelivered: a campaign with
failures but no summary row, or summary failures with no reasons behind them, fails.
"""

from __future__ import annotations

from expectations.guards import Guard
from expectations.rules import (
    FLOAT_TOLERANCE,
    Agreement,
    Measure,
    PartitionSum,
    no_count_negative,
    sql_string,
    within_0_1,
)

# stage -> the summary count its messages add up to
STAGE_COUNTS: dict[str, str] = {
    "dropped": "messages_dropped",
    "undelivered": "messages_undelivered",
}

GUARD = Guard(
    asset="mart_failure_reasons",
    partition=("campaign_id",),
    rules=(
        no_count_negative(["messages"], "messages is not negative."),
        *(
            Agreement(
                f"{stage}_reasons_add_up_to_summary",
                Measure("messages", where=f"stage = {sql_string(stage)}"),
                "mart_campaign_summary",
                Measure(count),
                description=(
                    f"Per campaign, messages of stage {stage} over all reasons = "
                    f"mart_campaign_summary.{count}."
                ),
            )
            for stage, count in STAGE_COUNTS.items()
        ),
        within_0_1("share_of_stage"),
        PartitionSum(
            "shares_of_stage_sum_to_1",
            "share_of_stage",
            over=("campaign_id", "stage"),
            total=1.0,
            description=(
                f"Within a campaign's stage, share_of_stage sums to 1 (within {FLOAT_TOLERANCE})."
            ),
        ),
    ),
)
