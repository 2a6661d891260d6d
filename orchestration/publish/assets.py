"""Publication of the marts for BI tools: `serving.duckdb` and Parquet, swapped in as one set.

The asset depends on every `mart_*` model; Dagster skips it when a blocking check on any of
them failed in the run, so a failed build never replaces what readers see.
"""

from collections.abc import Mapping
from typing import Any

import dagster as dg
from pydantic import Field

from orchestration import paths
from orchestration.publish.builds import TableDoc, publish_marts
from orchestration.shared import progress
from orchestration.shared.failures import failure_explained
from orchestration.shared.warehouse import WAREHOUSE_POOL, WarehouseResource
from orchestration.transform.assets import campaign_dbt_models, dbt_manifest

MART_KEYS: list[dg.AssetKey] = sorted(
    (key for key in campaign_dbt_models.keys if key.path[-1].startswith("mart_")),
    key=lambda key: key.to_user_string(),
)

# dbt's grain tests: a unique column, or a unique combination of columns.
_GRAIN_TESTS = {"unique": "column_name", "unique_combination_of_columns": "combination_of_columns"}


def mart_grains(manifest: Mapping[str, Any]) -> dict[str, list[str]]:
    """Each model's grain as its dbt uniqueness test declares it: {model: [columns]}."""
    grains: dict[str, list[str]] = {}
    for node in manifest["nodes"].values():
        test = node.get("test_metadata") or {}
        if node["resource_type"] != "test" or test.get("name") not in _GRAIN_TESTS:
            continue
        model = (node.get("attached_node") or "").rsplit(".", 1)[-1]
        kwargs = test.get("kwargs") or {}
        columns = kwargs.get("combination_of_columns") or [node.get("column_name")]
        if not model or not all(columns):
            continue
        # A model with several uniqueness tests keeps the narrowest grain.
        if model not in grains or len(columns) < len(grains[model]):
            grains[model] = list(columns)
    return grains


def mart_docs(manifest: Mapping[str, Any]) -> dict[str, TableDoc]:
    """Each model's dbt description and its columns' ({model: TableDoc}), on one line each."""
    return {
        node["name"]: TableDoc(
            description=_one_line(node.get("description")),
            columns={
                name: _one_line(column.get("description"))
                for name, column in (node.get("columns") or {}).items()
            },
        )
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model"
    }


def _one_line(text: str | None) -> str:
    # yml descriptions are folded or literal blocks; a catalogue shows one paragraph.
    return " ".join((text or "").split())


class PublishConfig(dg.Config):
    """What a publication may do."""

    allow_shrink: bool = Field(
        default=False,
        description=(
            "Publish even when a mart would hold under half the rows of the published build. "
            "Off, such a publication fails and readers keep the published marts."
        ),
    )


@dg.asset(
    key=["serving", "marts"],
    deps=MART_KEYS,
    pool=WAREHOUSE_POOL,
    group_name="serving",
    kinds={"duckdb", "parquet"},
)
def serving_marts(
    context: dg.AssetExecutionContext, config: PublishConfig, warehouse: WarehouseResource
) -> dg.MaterializeResult:
    """The published marts: `<warehouse>/serving.duckdb` (schema `marts`) and
    `<warehouse>/parquet/<mart>.parquet`, one build swapped in by one atomic rename."""
    progress.emit(progress.PublishStarted())
    with failure_explained("publishing the marts", warehouse.written_folders):
        published = publish_marts(
            warehouse.working_db,
            warehouse.warehouse,
            grains=mart_grains(dbt_manifest()),
            docs=mart_docs(dbt_manifest()),
            settings=warehouse.duckdb_settings,
            allow_shrink=config.allow_shrink,
        )
    context.log.info(f"published {len(published)} marts to {warehouse.warehouse}")
    progress.emit(progress.Published(len(published)))
    return dg.MaterializeResult(
        metadata={
            "serving_db": dg.MetadataValue.path(str(paths.serving_db(warehouse.warehouse))),
            "parquet_dir": dg.MetadataValue.path(str(paths.parquet_dir(warehouse.warehouse))),
            "marts": ", ".join(published),
        }
    )
