"""`mart_template_benchmarks`: counts, rates and benchmarks in bounds, per template."""

from __future__ import annotations

from expectations.guards import Guard
from expectations.rules import at_most, no_count_negative, within_0_1

# read and click rates count messages (opened, clicked) among the delivered ones; a benchmark
# is a percentile of such rates.
FRACTION_RATES: tuple[str, ...] = (
    "read_rate",
    "click_rate",
    "read_rate_benchmark",
    "click_rate_benchmark",
)

GUARD = Guard(
    asset="mart_template_benchmarks",
    partition=("template_id",),
    rules=(
        no_count_negative(
            [
                "messages_sent",
                "messages_delivered",
                "messages_read",
                "messages_clicked",
                "comparable_templates",
            ]
        ),
        *(within_0_1(rate) for rate in FRACTION_RATES),
        at_most("delivered_within_sent", "messages_delivered", "messages_sent"),
    ),
)
