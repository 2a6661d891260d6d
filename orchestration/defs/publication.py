"""Publication of the marts for BI tools: `serving.duckdb` and Parquet, replaced atomically.

The asset depends on every `mart_*` model; Dagster skips it when a blocking check on any of
them failed in the run, so a failed build never replaces what readers see.
"""

import dagster as dg

from orchestration import paths
from orchestration.defs.dbt import campaign_dbt_models
from orchestration.defs.resources import WAREHOUSE_POOL, WarehouseResource
from orchestration.lib.publish import publish_marts

MART_KEYS: list[dg.AssetKey] = sorted(
    (key for key in campaign_dbt_models.keys if key.path[-1].startswith("mart_")),
    key=lambda key: key.to_user_string(),
)


@dg.asset(
    key=["serving", "marts"],
    deps=MART_KEYS,
    pool=WAREHOUSE_POOL,
    group_name="serving",
    kinds={"duckdb", "parquet"},
)
def serving_marts(
    context: dg.AssetExecutionContext, warehouse: WarehouseResource
) -> dg.MaterializeResult:
    """The published marts: `<warehouse>/serving.duckdb` (schema `marts`) and
    `<warehouse>/parquet/<mart>.parquet`, each replaced by an atomic rename."""
    published = publish_marts(
        warehouse.working_db,
        warehouse.warehouse,
        memory_limit=warehouse.memory_limit,
        temp_directory=paths.spill_dir(warehouse.warehouse),
    )
    context.log.info(f"published {len(published)} marts to {warehouse.warehouse}")
    return dg.MaterializeResult(
        metadata={
            "serving_db": dg.MetadataValue.path(str(paths.serving_db(warehouse.warehouse))),
            "parquet_dir": dg.MetadataValue.path(str(paths.parquet_dir(warehouse.warehouse))),
            "marts": ", ".join(published),
        }
    )
