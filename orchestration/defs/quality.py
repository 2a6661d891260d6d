"""The marts' Great Expectations suites as blocking Dagster asset checks.

Frames are small aggregates built by DuckDB; GX validates them with its pandas datasource.
"""

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import dagster as dg
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
    step_funnel,
)
from expectations.runner import run_suite
from orchestration import progress
from orchestration.defs.dbt import model_key
from orchestration.defs.partitions import run_as_of
from orchestration.defs.resources import WarehouseResource
from orchestration.defs.suite_checks import suite_check_results, suite_check_specs

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


def build_checks(guarded: GuardedAsset) -> dg.AssetChecksDefinition:
    """A multi-asset check running `guarded.suite` over the frame of `guarded.frame_sql`."""

    @dg.multi_asset_check(
        name=f"{guarded.name}_suite",
        specs=suite_check_specs(guarded.asset_key, guarded.suite, guarded.reads),
        description=f"Great Expectations suite `{guarded.suite.name}`.",
        # One expectation can be re-run alone (from the UI): the suite runs, and only the
        # selected checks report.
        can_subset=True,
    )
    def _check(
        context: dg.AssetCheckExecutionContext, warehouse: WarehouseResource
    ) -> Iterator[dg.AssetCheckResult]:
        parameters = list(guarded.parameters(context, warehouse))
        with warehouse.connect(read_only=True) as conn:
            frame = conn.execute(guarded.frame_sql, parameters).df()
        selected = context.selected_asset_check_keys
        results = [
            result
            for result in suite_check_results(
                guarded.asset_key, run_suite(guarded.suite, frame), frame=frame
            )
            if dg.AssetCheckKey(guarded.asset_key, result.check_name or "") in selected
        ]
        failed = sum(not result.passed for result in results)
        progress.emit(progress.SuiteChecked(guarded.name, len(results) - failed, failed))
        yield from results

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

# The checks alone, on the marts as built: after a fix to a suite, or to see today's verdict
# again, without rebuilding anything. Launch it from the UI, or `dagster job execute`.
quality_checks_job = dg.define_asset_job(
    name="quality_checks_job",
    selection=dg.AssetSelection.checks(*mart_checks),
    description="Re-run the Great Expectations checks of the marts as built, rebuilding nothing.",
)
