"""Great Expectations suites as Dagster asset checks, one check per expectation.

A suite's `error` expectations become blocking checks: when one fails, Dagster skips every
asset downstream in the run, publication included. `warn` expectations are reported only.
Frames are small aggregates built by DuckDB; GX validates them with its pandas datasource.
"""

import functools
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import dagster as dg
import duckdb
import great_expectations as gx

from expectations import (
    campaign_branches,
    campaign_revenue,
    campaign_summary,
    channel_daily,
    failure_reasons,
    link_clicks,
    mart_grains,
    message_facts,
    period_marts,
    quarantine,
    step_funnel,
)
from expectations.runner import SuiteOutcome, run_suite
from orchestration.defs.dbt import model_key
from orchestration.defs.partitions import run_as_of
from orchestration.defs.resources import WarehouseResource

Parameters = Callable[[dg.AssetCheckExecutionContext, WarehouseResource], Sequence[Any]]


def _no_parameters(_: dg.AssetCheckExecutionContext, __: WarehouseResource) -> Sequence[Any]:
    return []


@dataclass(frozen=True)
class GuardedAsset:
    """A suite, the asset it guards, and the SQL (with its parameters) of the frame it reads.

    `reads` are the other assets the frame reads (e.g. the summary a mart must add up to): the
    checks depend on them too, so they run after them and the lineage shows it. Only assets
    that are not downstream of the guarded one: a blocking check must not wait on what its
    result may hold back.
    """

    name: str
    asset_key: dg.AssetKey
    suite: gx.ExpectationSuite
    frame_sql: str
    parameters: Parameters = _no_parameters
    reads: tuple[dg.AssetKey, ...] = ()


def _specs(
    asset_key: dg.AssetKey,
    suite: gx.ExpectationSuite,
    reads: Sequence[dg.AssetKey] = (),
) -> list[dg.AssetCheckSpec]:
    return [
        dg.AssetCheckSpec(
            name=e.meta["name"],
            asset=asset_key,
            description=e.description,
            blocking=e.meta["severity"] == "error",
            additional_deps=list(reads),
        )
        for e in suite.expectations
    ]


def check_results(
    asset_key: dg.AssetKey, outcome: SuiteOutcome, extra: dict[str, Any] | None = None
) -> list[dg.AssetCheckResult]:
    """One `AssetCheckResult` per expectation, with the unexpected counts as metadata."""
    results = []
    for e in outcome.expectations:
        metadata: dict[str, Any] = {"description": e.description, **(extra or {})}
        if e.unexpected_count is not None:
            metadata["unexpected_count"] = e.unexpected_count
        if e.observed_value is not None:
            metadata["observed_value"] = str(e.observed_value)
        if e.unexpected_sample:
            metadata["unexpected_sample"] = str(list(e.unexpected_sample))
        if e.error:
            metadata["error"] = e.error
        results.append(
            dg.AssetCheckResult(
                asset_key=asset_key,
                check_name=e.name,
                passed=e.success,
                severity=(
                    dg.AssetCheckSeverity.ERROR
                    if e.severity == "error"
                    else dg.AssetCheckSeverity.WARN
                ),
                metadata=metadata,
            )
        )
    return results


def build_checks(guarded: GuardedAsset) -> dg.AssetChecksDefinition:
    """A multi-asset check running `guarded.suite` over the frame of `guarded.frame_sql`."""

    @dg.multi_asset_check(
        name=f"{guarded.name}_suite",
        specs=_specs(guarded.asset_key, guarded.suite, guarded.reads),
        description=f"Great Expectations suite `{guarded.suite.name}`.",
    )
    def _check(
        context: dg.AssetCheckExecutionContext, warehouse: WarehouseResource
    ) -> Iterator[dg.AssetCheckResult]:
        parameters = list(guarded.parameters(context, warehouse))
        with warehouse.connect(read_only=True) as conn:
            frame = conn.execute(guarded.frame_sql, parameters).df()
        yield from check_results(guarded.asset_key, run_suite(guarded.suite, frame))

    return _check


def _message_facts_parameters(
    context: dg.AssetCheckExecutionContext, warehouse: WarehouseResource
) -> Sequence[Any]:
    as_of = run_as_of(context.run.tags, warehouse.latest_arrival_date)
    return message_facts.frame_parameters(datetime.combine(as_of, datetime.min.time()))


_SUMMARY_KEY = model_key("mart_campaign_summary")

GUARDED_MARTS: list[GuardedAsset] = [
    GuardedAsset(
        "mart_campaign_summary",
        _SUMMARY_KEY,
        campaign_summary.build_suite(),
        campaign_summary.FRAME_SQL,
    ),
    GuardedAsset(
        "mart_campaign_step_funnel",
        model_key("mart_campaign_step_funnel"),
        step_funnel.build_suite(),
        step_funnel.FRAME_SQL,
    ),
    GuardedAsset(
        "mart_campaign_branches",
        model_key("mart_campaign_branches"),
        campaign_branches.build_suite(),
        campaign_branches.FRAME_SQL,
    ),
    GuardedAsset(
        "fct_messages",
        model_key("fct_messages"),
        message_facts.build_suite(),
        message_facts.FRAME_SQL,
        _message_facts_parameters,
    ),
    # Integrity across marts: each mart agrees with the summary (or the daily mart) it rolls up.
    *(
        GuardedAsset(
            mart,
            model_key(mart),
            period_marts.build_suite(mart),
            period_marts.FRAME_SQL[mart],
            reads=(_SUMMARY_KEY,),
        )
        for mart in period_marts.PERIOD_COLUMNS
    ),
    GuardedAsset(
        channel_daily.SUITE_NAME,
        model_key(channel_daily.SUITE_NAME),
        channel_daily.build_suite(),
        channel_daily.FRAME_SQL,
        reads=(model_key("mart_campaign_daily"),),
    ),
    *(
        GuardedAsset(
            module.SUITE_NAME,
            model_key(module.SUITE_NAME),
            module.build_suite(),
            module.FRAME_SQL,
            reads=(_SUMMARY_KEY,),
        )
        for module in (failure_reasons, campaign_revenue, link_clicks)
    ),
    # Grain and bounds of the marts with no total to agree on.
    *(
        GuardedAsset(
            mart, model_key(mart), mart_grains.build_suite(mart), mart_grains.FRAME_SQL[mart]
        )
        for mart in mart_grains.GRAINS
    ),
]

mart_checks: list[dg.AssetChecksDefinition] = [build_checks(g) for g in GUARDED_MARTS]


@functools.cache
def _quarantine_suite(max_share: float) -> gx.ExpectationSuite:
    return quarantine.build_suite(max_share)


def quarantine_check_specs(asset_key: dg.AssetKey) -> list[dg.AssetCheckSpec]:
    """The quarantine checks every raw asset carries (the share limit does not change names)."""
    return _specs(asset_key, _quarantine_suite(0.01))


def quarantine_check_results(
    conn: duckdb.DuckDBPyConnection,
    asset_key: dg.AssetKey,
    source: str,
    dates: Sequence[date],
    max_share: float,
) -> list[dg.AssetCheckResult]:
    """Validate the quarantined share of each arrival date of `source` in `dates`."""
    parameters = quarantine.frame_parameters(source, dates[0], dates[-1] + timedelta(days=1))
    frame = conn.execute(quarantine.FRAME_SQL, parameters).df()
    outcome = run_suite(_quarantine_suite(max_share), frame)
    return check_results(asset_key, outcome, {"max_share": max_share})
