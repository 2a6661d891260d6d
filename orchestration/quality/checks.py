"""The declared guards of the marts (`expectations.registry`) as blocking Dagster asset checks.

One multi-asset check per guard, one check per rule. Frames are small aggregates built by
DuckDB; GX validates them with its pandas datasource.
"""

from collections.abc import Callable, Iterator, Mapping
from datetime import datetime

import dagster as dg

from expectations.guards import Guard, build_suite, frame_sql
from expectations.registry import GUARDS
from expectations.runner import run_suite
from expectations.thresholds import delivery_window_days
from orchestration.ingest.rawlayer import latest_arrival_date
from orchestration.shared import progress
from orchestration.shared.partitions import run_as_of
from orchestration.shared.suite_checks import suite_check_results, suite_check_specs
from orchestration.shared.warehouse import WarehouseResource
from orchestration.transform.assets import model_key

Parameter = Callable[[dg.AssetCheckExecutionContext, WarehouseResource], object]


def _as_of(context: dg.AssetCheckExecutionContext, warehouse: WarehouseResource) -> object:
    as_of = run_as_of(context.run.tags, lambda: latest_arrival_date(warehouse.raw))
    return datetime.combine(as_of, datetime.min.time())


# The bind parameters a guard may name, each from its one owner.
PARAMETERS: Mapping[str, Parameter] = {
    "as_of": _as_of,
    "window_days": lambda _context, _warehouse: delivery_window_days(),
}


def build_checks(guard: Guard) -> dg.AssetChecksDefinition:
    """A multi-asset check running `guard`'s suite over its frame."""
    unknown = set(guard.parameters) - set(PARAMETERS)
    if unknown:
        raise ValueError(f"guard {guard.asset!r} names unknown parameters: {sorted(unknown)}")
    asset_key = model_key(guard.asset)
    suite = build_suite(guard)
    sql = frame_sql(guard)
    # The checks run after the marts a guard reads, and the lineage shows it.
    reads = [model_key(m) for m in guard.reads] if guard.waits_for_reads else []

    @dg.multi_asset_check(
        name=f"{guard.asset}_suite",
        specs=suite_check_specs(asset_key, suite, reads),
        description=f"Great Expectations suite `{suite.name}`.",
        # One expectation can be re-run alone (from the UI): the suite runs, and only the
        # selected checks report.
        can_subset=True,
    )
    def _check(
        context: dg.AssetCheckExecutionContext, warehouse: WarehouseResource
    ) -> Iterator[dg.AssetCheckResult]:
        parameters = {name: PARAMETERS[name](context, warehouse) for name in guard.parameters}
        with warehouse.connect(read_only=True) as conn:
            frame = conn.execute(sql, parameters or None).df()
        selected = context.selected_asset_check_keys
        results = [
            result
            for result in suite_check_results(asset_key, run_suite(suite, frame), frame=frame)
            if dg.AssetCheckKey(asset_key, result.check_name or "") in selected
        ]
        failed = sum(not result.passed for result in results)
        progress.emit(progress.SuiteChecked(guard.asset, len(results) - failed, failed))
        yield from results

    return _check


mart_checks: list[dg.AssetChecksDefinition] = [build_checks(g) for g in GUARDS]

# The checks alone, on the marts as built: after a fix to a suite, or to see today's verdict
# again, without rebuilding anything. Launch it from the UI, or `dagster job execute`.
quality_checks_job = dg.define_asset_job(
    name="quality_checks_job",
    selection=dg.AssetSelection.checks(*mart_checks),
    description="Re-run the Great Expectations checks of the marts as built, rebuilding nothing.",
)
