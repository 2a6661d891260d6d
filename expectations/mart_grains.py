"""Bounds of the marts that have no cross-mart total to agree on (their grain is dbt's).

For each mart: no count is negative, every fraction-of-population rate is in [0, 1] (NULL when
its base is 0), and a few subset bounds hold (unique responders <= responses, ...). Each rule
counts the rows breaking it per partition of the mart (a campaign, a source, ...), so the frame
stays small even for `mart_execution_history`. Guards the marts of `GRAINS`:
`build_suite(mart)` and `FRAME_SQL[mart]`.

Not here: the period marts, mart_channel_daily, mart_failure_reasons, mart_campaign_revenue
and mart_link_clicks (modules of their own, with their agreements). Rates that count events
(clicks, responses) may exceed 1 and are not bounded.
"""

from __future__ import annotations

from dataclasses import dataclass

import great_expectations as gx
import great_expectations.expectations as gxe

from expectations.rules import (
    count_where,
    negative_predicate,
    no_violations,
    outside_0_1_predicate,
)
from expectations.runner import make_suite


@dataclass(frozen=True)
class RowRule:
    """A rule on each row of a mart: `predicate` is true on a row that breaks it."""

    name: str
    predicate: str
    description: str


@dataclass(frozen=True)
class MartGrain:
    """What one mart's rows must satisfy, and the partition its frame has one row per."""

    partition: tuple[str, ...]
    counts: tuple[str, ...]
    fraction_rates: tuple[str, ...] = ()
    bounds: tuple[RowRule, ...] = ()

    def rules(self) -> tuple[RowRule, ...]:
        return (
            RowRule(
                "no_count_negative",
                negative_predicate(self.counts),
                "No count column is negative.",
            ),
            *(
                RowRule(
                    f"{rate}_within_0_1",
                    outside_0_1_predicate(rate),
                    f"{rate} is a fraction of a population, in [0, 1] or NULL.",
                )
                for rate in self.fraction_rates
            ),
            *self.bounds,
        )


GRAINS: dict[str, MartGrain] = {
    "mart_sender_performance": MartGrain(
        partition=("workspace_id",),
        counts=("messages_sent", "messages_delivered", "messages_undelivered", "messages_sent_30d"),
        fraction_rates=("success_rate", "success_rate_30d"),
        bounds=(
            RowRule(
                "decided_within_sent",
                "messages_delivered + messages_undelivered > messages_sent",
                "messages_delivered + messages_undelivered <= messages_sent.",
            ),
            RowRule(
                "sent_30d_within_lifetime",
                "messages_sent_30d > messages_sent",
                "messages_sent_30d <= messages_sent.",
            ),
        ),
    ),
    "mart_response_buttons": MartGrain(
        partition=("campaign_id",),
        counts=("responses", "unique_responders"),
        bounds=(
            RowRule(
                "unique_responders_within_responses",
                "unique_responders > responses",
                "unique_responders <= responses (each responder responded at least once).",
            ),
        ),
    ),
    "mart_template_benchmarks": MartGrain(
        partition=("template_id",),
        counts=(
            "messages_sent",
            "messages_delivered",
            "messages_read",
            "messages_clicked",
            "comparable_templates",
        ),
        # read and click rates count messages (opened, clicked) among the delivered ones;
        # a benchmark is a percentile of such rates.
        fraction_rates=("read_rate", "click_rate", "read_rate_benchmark", "click_rate_benchmark"),
        bounds=(
            RowRule(
                "delivered_within_sent",
                "messages_delivered > messages_sent",
                "messages_delivered <= messages_sent.",
            ),
        ),
    ),
    "mart_execution_history": MartGrain(
        partition=("campaign_id",),
        counts=("messages_attempted", "steps_reached"),
    ),
    "mart_data_quality": MartGrain(
        partition=("source_name",),
        # duplicates_removed = rows_landed - rows_staged: negative means staging kept more
        # rows than landed that day.
        counts=(
            "rows_landed",
            "rows_quarantined",
            "rows_staged",
            "duplicates_removed",
            "orphans",
            "late_reports",
            "excluded_test_rows",
            "excluded_internal_rows",
            "unattributed_conversions",
            "unknown_error_codes",
        ),
        fraction_rates=("quarantined_share",),
    ),
}


def violation_column(rule_name: str) -> str:
    """The frame column counting a partition's rows that break `rule_name`."""
    return f"rows_breaking_{rule_name}"


def _frame_sql(mart: str, spec: MartGrain) -> str:
    partition = ", ".join(spec.partition)
    counts = ",\n    ".join(
        count_where(r.predicate, violation_column(r.name)) for r in spec.rules()
    )
    return f"""
select
    {partition},
    {counts}
from marts.{mart}
group by {partition}
"""


FRAME_SQL: dict[str, str] = {mart: _frame_sql(mart, spec) for mart, spec in GRAINS.items()}


def build_suite(mart: str) -> gx.ExpectationSuite:
    """Every row rule of `mart`, each broken by no row."""
    spec = GRAINS[mart]
    partition = ", ".join(spec.partition)
    expectations: list[gxe.Expectation] = [
        no_violations(
            violation_column(r.name),
            name=r.name,
            description=f"{r.description} Counted per {partition}.",
        )
        for r in spec.rules()
    ]
    return make_suite(mart, expectations)
