"""The job that runs the whole pipeline, and its nightly schedule."""

from __future__ import annotations

import dagster as dg

from orchestration.schedules.freshness import freshness_checks
from orchestration.shared.partitions import arrival_days

ingest_transform_publish_job = dg.define_asset_job(
    name="ingest_transform_publish_job",
    # Every asset and its checks, but the freshness checks, which their sensor runs.
    selection=(
        dg.AssetSelection.all(include_sources=False) - dg.AssetSelection.checks(*freshness_checks)
    ),
    partitions_def=arrival_days,
    description="Ingest, transform, check and publish a range of arrival dates in one run.",
)

# At 02:00 UTC, for the arrival date that has just ended; on as soon as the code location
# loads, so a deployment runs its nights without anyone switching it on.
nightly_schedule = dg.build_schedule_from_partitioned_job(
    ingest_transform_publish_job,
    hour_of_day=2,
    minute_of_hour=0,
    default_status=dg.DefaultScheduleStatus.RUNNING,
)
