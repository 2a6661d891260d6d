"""One raw asset per landing source, partitioned by arrival date.

Asset keys are `raw/<source>`, the names of dbt's `source('raw', '<source>')`, so
dagster-dbt draws the edges to the staging models by itself.
"""

import dagster as dg

from orchestration.defs.partitions import arrival_dates, arrival_days, single_run
from orchestration.defs.quality import quarantine_check_results, quarantine_check_specs
from orchestration.defs.resources import WAREHOUSE_POOL, WarehouseResource
from orchestration.lib.ingest import ingest_partition
from orchestration.lib.sources import SOURCES, Source, all_raw_ddl


def build_raw_asset(source: Source) -> dg.AssetsDefinition:
    key = dg.AssetKey(["raw", source.name])

    @dg.asset(
        key=key,
        partitions_def=arrival_days,
        backfill_policy=single_run,
        pool=WAREHOUSE_POOL,
        group_name="raw",
        kinds={"duckdb"},
        check_specs=quarantine_check_specs(key),
        description=(
            f"{source.description} Rows of `<landing>/{source.name}/<arrival date>/` typed and "
            "validated by the landing contract; invalid rows and unreadable files go to "
            "`raw.quarantine` with the reason. A rerun replaces the partition."
        ),
    )
    def raw_source(
        context: dg.AssetExecutionContext, warehouse: WarehouseResource
    ) -> dg.MaterializeResult:
        dates = arrival_dates(context.partition_time_window)
        with warehouse.connect() as conn:
            for statement in all_raw_ddl():
                conn.execute(statement)
            results = [ingest_partition(conn, source, warehouse.landing, day) for day in dates]
            checks = quarantine_check_results(
                conn, key, source.name, dates, warehouse.max_quarantine_share
            )
        for result in results:
            if result.rows_quarantined or result.unreadable_files:
                context.log.warning(
                    f"{source.name} {result.arrival_date}: {result.rows_quarantined} rows "
                    f"quarantined, {result.unreadable_files} unreadable files"
                )
        return dg.MaterializeResult(
            metadata={
                "arrival_dates": f"{dates[0]}..{dates[-1]}",
                "files": sum(r.files for r in results),
                "rows_read": sum(r.rows_read for r in results),
                "rows_loaded": sum(r.rows_loaded for r in results),
                "rows_quarantined": sum(r.rows_quarantined for r in results),
                "unreadable_files": sum(r.unreadable_files for r in results),
            },
            check_results=checks,
        )

    return raw_source


raw_assets: list[dg.AssetsDefinition] = [build_raw_asset(s) for s in SOURCES.values()]
