"""One raw asset per landing source, partitioned by arrival date.

Asset keys are `raw/<source>`, the names of dbt's `source('raw', '<source>')`, so
dagster-dbt draws the edges to the staging models by itself.
"""

import time

import dagster as dg
from pydantic import Field

from contract.sources import SOURCES, Source
from orchestration.ingest.checks import raw_check_results, raw_check_specs, raw_key
from orchestration.ingest.landing import (
    check_landing_root,
    describe_skipped,
    list_landed_files,
    unrecognised_entries,
)
from orchestration.ingest.partition import (
    IngestResult,
    emptied_days,
    ever_held_rows,
    ingest_partition,
)
from orchestration.ingest.rawlayer import raw_connection, recover
from orchestration.shared import progress
from orchestration.shared.duckdb_settings import connect
from orchestration.shared.errors import PipelineError
from orchestration.shared.failures import failure_explained
from orchestration.shared.partitions import arrival_dates, arrival_days, single_run
from orchestration.shared.warehouse import WarehouseResource


class IngestConfig(dg.Config):
    """How a run ingests its arrival dates."""

    allow_empty_days: bool = Field(
        default=False,
        description=(
            "Replace an arrival date that already held rows with nothing when its folder is "
            "now missing or empty. Off, such a run fails instead: a mistyped or unmounted "
            "landing folder must not wipe what was ingested."
        ),
    )
    allow_missing_sources: bool = Field(
        default=False,
        description=(
            "Let a source whose folder is gone from the landing root (after earlier runs "
            "ingested it) become empty on the run's dates. Off, such a run fails instead: "
            "--allow-empty-days lets days become empty, never a whole source disappear."
        ),
    )


def _ingested(result: IngestResult, seconds: float) -> progress.Ingested:
    return progress.Ingested(
        result.source,
        result.arrival_date,
        result.rows_read,
        result.rows_loaded,
        result.rows_quarantined,
        seconds,
    )


def build_raw_asset(source: Source) -> dg.AssetsDefinition:
    @dg.asset(
        key=raw_key(source),
        partitions_def=arrival_days,
        backfill_policy=single_run,
        group_name="raw",
        kinds={"duckdb", "parquet"},
        check_specs=raw_check_specs(source),
        description=(
            f"{source.description} Rows of `<landing>/{source.name}/<arrival date>/` typed and "
            "validated by the landing contract, as Parquet under "
            f"`<warehouse>/raw/{source.name}/arrival_date=<date>/`; invalid rows and unreadable "
            "files go to the partition's quarantine with the reason. A rerun replaces the "
            "partition whole."
        ),
    )
    def raw_source(
        context: dg.AssetExecutionContext, config: IngestConfig, warehouse: WarehouseResource
    ) -> dg.MaterializeResult:
        dates = arrival_dates(context.partition_time_window)
        landing = warehouse.landing
        with failure_explained(f"ingesting {source.name}", warehouse.written_folders):
            check_landing_root(landing)
            # A run killed mid-swap may have set one of this source's partitions aside.
            recover(warehouse.raw, source.name)
            if (
                not (landing / source.name).is_dir()
                and not config.allow_missing_sources
                and ever_held_rows(warehouse.raw, source.name)
            ):
                raise PipelineError(
                    f"{source.name}: the folder {landing / source.name} is gone, and earlier "
                    "runs ingested it; if the source really stopped, rerun with "
                    "--allow-missing-sources"
                )
            files_by_day = {day: list_landed_files(landing, source.name, day) for day in dates}
            skipped = unrecognised_entries(landing, source.name, dates)
            emptied = emptied_days(warehouse.raw, source.name, files_by_day)
            if emptied and not config.allow_empty_days:
                days = describe_skipped([d.isoformat() for d in emptied])
                raise PipelineError(
                    f"{source.name}: {len(emptied)} arrival date(s) that held rows now have "
                    f"no files in {landing / source.name} ({days}); to replace them with "
                    "nothing, rerun with --allow-empty-days"
                )
            settings = warehouse.duckdb_settings
            with connect(settings) as conn:
                results = []
                for day in dates:
                    progress.emit(progress.IngestStarted(source.name, day))
                    began = time.monotonic()
                    result = ingest_partition(
                        source, landing, day, warehouse.raw, settings, files_by_day[day], conn
                    )
                    results.append(result)
                    progress.emit(_ingested(result, time.monotonic() - began))
            with raw_connection(warehouse.raw, settings) as conn:
                checks = raw_check_results(
                    conn, source, dates, warehouse.max_quarantine_share, skipped
                )
        if skipped:
            context.log.warning(f"{source.name}: skipped {describe_skipped(skipped)}")
        for result in results:
            if result.rows_quarantined or result.unreadable_files:
                context.log.warning(
                    f"{source.name} {result.arrival_date}: {result.rows_quarantined} rows "
                    f"quarantined, {result.unreadable_files} unreadable files holding about "
                    f"{result.rows_estimated_unreadable} rows"
                )
        # Each arrival date's partition shows its own counts, not the run's totals.
        for result in results:
            context.add_asset_metadata(
                {
                    "files": result.files,
                    "rows_read": result.rows_read,
                    "rows_loaded": result.rows_loaded,
                    "rows_quarantined": result.rows_quarantined,
                    "unreadable_files": result.unreadable_files,
                    "rows_in_unreadable_files": result.rows_estimated_unreadable,
                    "dagster/row_count": result.rows_loaded,
                },
                partition_key=result.arrival_date.isoformat(),
            )
        return dg.MaterializeResult(
            metadata={"run_arrival_dates": f"{dates[0]}..{dates[-1]}"}, check_results=checks
        )

    return raw_source


raw_assets: list[dg.AssetsDefinition] = [build_raw_asset(s) for s in SOURCES.values()]
