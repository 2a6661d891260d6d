"""Freshness checks: stale until the night's data lands, fresh after; never in the night's job."""

from __future__ import annotations

from collections.abc import Sequence

import dagster as dg

from orchestration.definitions import defs
from orchestration.ingest.assets import raw_assets
from orchestration.publish.assets import MART_KEYS
from orchestration.schedules.freshness import (
    freshness_checks,
    freshness_sensor,
    mart_freshness_checks,
    raw_freshness_checks,
)
from orchestration.shared.partitions import arrival_days

SERVING = dg.AssetKey(["serving", "marts"])


def _evaluate(
    instance: dg.DagsterInstance,
    specs: Sequence[dg.AssetSpec],
    checks: Sequence[dg.AssetChecksDefinition],
) -> dict[str, bool]:
    """Run the checks alone (as their sensor does) over stand-ins of their assets."""
    job = dg.define_asset_job("freshness", selection=dg.AssetSelection.checks(*checks))
    result = (
        dg.Definitions(assets=specs, asset_checks=checks, jobs=[job])
        .resolve_job_def("freshness")
        .execute_in_process(instance=instance, raise_on_error=False)
    )
    return {e.asset_key.to_user_string(): e.passed for e in result.get_asset_check_evaluations()}


def test_marts_and_serving_are_stale_until_published_then_fresh() -> None:
    keys = [*MART_KEYS, SERVING]
    specs = [dg.AssetSpec(key) for key in keys]
    with dg.DagsterInstance.ephemeral() as instance:
        before = _evaluate(instance, specs, mart_freshness_checks)
        for key in keys:
            instance.report_runless_asset_event(dg.AssetMaterialization(asset_key=key))
        after = _evaluate(instance, specs, mart_freshness_checks)
    assert len(before) == 16
    assert not any(before.values())
    assert after == dict.fromkeys(before, True)


def test_a_raw_source_is_stale_until_the_day_that_ended_is_ingested() -> None:
    keys = [asset.key for asset in raw_assets]
    specs = [dg.AssetSpec(key, partitions_def=arrival_days) for key in keys]
    # Before 04:00 UTC the day due is the one before the last partition, after it the last:
    # landing both keeps the verdict independent of the hour the test runs at.
    due_days = arrival_days.get_partition_keys()[-2:]
    assert len(due_days) == 2
    with dg.DagsterInstance.ephemeral() as instance:
        for key in keys[1:]:
            for day in due_days:
                instance.report_runless_asset_event(
                    dg.AssetMaterialization(asset_key=key, partition=day)
                )
        outcome = _evaluate(instance, specs, raw_freshness_checks)
    assert len(outcome) == len(keys) == 10
    # Fresh when the newest partition whose deadline has passed is in; the source without
    # it is stale.
    assert outcome[keys[0].to_user_string()] is False
    assert all(outcome[key.to_user_string()] for key in keys[1:])


def test_the_nightly_job_leaves_the_freshness_checks_to_their_sensor() -> None:
    job = defs.resolve_job_def("ingest_transform_publish_job")
    op_names = {node.name for node in job.graph.node_defs}
    freshness_ops = {check.node_def.name for check in freshness_checks}
    assert len(freshness_ops) == 2
    assert op_names & freshness_ops == set()
    # ... and keeps every other check (the blocking GX checks run in the night).
    assert {f"{key.path[-1]}_suite" for key in MART_KEYS} <= op_names


def test_the_freshness_sensor_is_on_when_the_code_loads() -> None:
    assert freshness_sensor.default_status == dg.DefaultSensorStatus.RUNNING
    assert defs.resolve_sensor_def(freshness_sensor.name) is not None
