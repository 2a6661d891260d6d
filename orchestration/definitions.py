"""The project's only Definitions object (loaded by `workspace.yaml` and the CLI)."""

from __future__ import annotations

import dagster as dg

from orchestration.ingest.assets import raw_assets
from orchestration.publish.assets import serving_marts
from orchestration.quality.checks import mart_checks, quality_checks_job
from orchestration.quality.full_check import full_check_job, full_check_schedule
from orchestration.schedules.alerts import alert_on_run_failure
from orchestration.schedules.freshness import freshness_checks, freshness_sensor
from orchestration.schedules.housekeeping import forget_old_runs_job, housekeeping_schedule
from orchestration.schedules.nightly import ingest_transform_publish_job, nightly_schedule
from orchestration.shared.warehouse import WarehouseResource
from orchestration.transform.assets import campaign_dbt_models, dbt_resource

defs = dg.Definitions(
    assets=[*raw_assets, campaign_dbt_models, serving_marts],
    asset_checks=[*mart_checks, *freshness_checks],
    jobs=[ingest_transform_publish_job, quality_checks_job, full_check_job, forget_old_runs_job],
    schedules=[nightly_schedule, housekeeping_schedule, full_check_schedule],
    sensors=[alert_on_run_failure, freshness_sensor],
    resources={
        "warehouse": WarehouseResource(),
        "dbt": dbt_resource(),
    },
    # DuckDB has one writer per file: steps run one after another in one process.
    executor=dg.in_process_executor,
)
