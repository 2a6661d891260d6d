"""The dbt project as Dagster assets: staging, intermediate models, facts and marts.

One `dbt build` per run covers the whole partition range: the models are rebuilt as of the
end of the range's last arrival date (`CW_AS_OF`), so a backfill and the nightly runs it
replaces compute the same marts. The dbt assets are not partitioned: a full rebuild is one
state as of one instant, not a slice per arrival date (and a partitioned asset costs Dagster
one event per model and date, which dominated a backfill's run time). The as-of travels as an
environment variable, not a `--vars` flag, because vars force dbt to re-parse the whole
project on every call.
"""

import functools
import importlib.metadata
import json
import os
import shlex
from collections.abc import Iterator, Mapping, Sequence
from contextlib import suppress
from datetime import date
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import (
    DagsterDbtTranslator,
    DbtCliInvocation,
    DbtCliResource,
    DbtProject,
    dbt_assets,
)
from packaging import version
from pydantic import Field

from orchestration import paths
from orchestration.ingest.rawlayer import latest_arrival_date, restore_set_aside
from orchestration.shared import progress
from orchestration.shared.duckdb_settings import literal_path
from orchestration.shared.engine import ENGINES
from orchestration.shared.errors import disk_full
from orchestration.shared.failpoints import failpoint
from orchestration.shared.partitions import PARTITION_TAG, RANGE_START_TAG, run_as_of
from orchestration.shared.spark_catalog import SPARK_TABLES_ENV, spark_tables_dir
from orchestration.shared.warehouse import WAREHOUSE_POOL, WarehouseResource
from orchestration.transform.launcher import ENVIRONMENT_FLAG
from orchestration.transform.manifest import prepare_manifest_if_dev
from orchestration.transform.models_state import read_models_state, write_models_state
from orchestration.transform.row_counts import relation_row_counts

# dbt rolls its log over at this size and keeps five old ones: at most six times this on disk.
DBT_LOG_FILE_MAX_BYTES = 2 * 1024 * 1024

dbt_project = DbtProject(project_dir=paths.DBT_PROJECT_DIR, profiles_dir=paths.DBT_PROFILES_DIR)
prepare_manifest_if_dev()


class DbtCli(DbtCliResource):
    """dagster-dbt's dbt resource, without two things it does before every build that the
    pipeline never uses: it runs `dbt --version` in a process of its own to learn the
    version, and it loads dbt's adapter in this process (for column metadata and row counts,
    which the pipeline reads itself). Together they cost about 5 s of every run. The version
    is the installed dbt-core's, which is the dbt the launcher runs.

    Both override private members of dagster-dbt (0.29, pinned):
    tests/unit/transform/test_dbt_cli.py fails if either comes back.
    """

    @functools.cached_property
    def _cli_version(self) -> version.Version:
        return version.parse(importlib.metadata.version("dbt-core"))

    def _initialize_dbt_core_adapter(self, args: Sequence[str]) -> Any:
        return None


def dbt_resource() -> DbtCli:
    return DbtCli(project_dir=dbt_project, dbt_executable=paths.DBT_CHILD_EXECUTABLE)


def is_shown_as_check(test: Mapping[str, Any]) -> bool:
    """Whether a dbt test (its manifest node) is an asset check: singular tests (`assert_*`)
    and tests that only warn, which an operator reads. The generic key and not-null tests
    run in every build and fail it, but are no check: as checks, or as the observations
    dagster-dbt logs for a test that is no check, they would cost every run hundreds of
    Dagster events (each one a write to the run's event log) for nothing to read."""
    is_singular = not test.get("test_metadata")
    warns_only = (test.get("config") or {}).get("severity", "error").lower() == "warn"
    return is_singular or warns_only


class CampaignDbtTranslator(DagsterDbtTranslator):
    """Groups dbt assets by their top folder (staging, intermediate, marts, seeds), and shows
    as asset checks the dbt tests `is_shown_as_check` names."""

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        if dbt_resource_props["resource_type"] == "seed":
            return "reference"
        fqn = dbt_resource_props.get("fqn", [])
        return fqn[1] if len(fqn) > 2 else super().get_group_name(dbt_resource_props)

    def get_asset_check_spec(
        self,
        asset_spec: dg.AssetSpec,
        manifest: Mapping[str, Any],
        unique_id: str,
        project: DbtProject | None,
    ) -> dg.AssetCheckSpec | None:
        if not is_shown_as_check(manifest["nodes"].get(unique_id, {})):
            return None
        return super().get_asset_check_spec(asset_spec, manifest, unique_id, project)


def dbt_environment(warehouse: WarehouseResource, as_of_date: str) -> dict[str, str]:
    """What profiles.yml and the models read: the database, the raw layer, the as-of and
    DuckDB's limits; on Spark, where a local session keeps its tables."""
    spark = paths.spark_dir(warehouse.warehouse)
    return {
        # The database of profiles.yml's DuckDB target, whichever engine builds.
        "CW_WAREHOUSE_DB": str(ENGINES["duckdb"].working_db(warehouse.warehouse)),
        # Pasted by the sources into a SQL string that is also a glob: escaped for both,
        # and a `$` would start a template field.
        "CW_RAW_DIR": literal_path(warehouse.raw).replace("'", "''").replace("$", "$$"),
        # The same folder for Spark's views (macros/register_raw_sources.sql); a cluster
        # reads it where the raw layer is synced or mounted (README, "Running on Spark").
        "CW_RAW_LOCATION": os.environ.get("CW_RAW_LOCATION", str(warehouse.raw)),
        "CW_AS_OF": as_of_date,
        # The run's log gets dbt's lines without colour codes; dbt's own log file (in the
        # target folder) keeps INFO and up and rolls over at a bounded size, where its
        # default DEBUG level grew it by about 10 MB a run.
        "DBT_USE_COLORS": "false",
        "DBT_LOG_FORMAT_FILE": os.environ.get("DBT_LOG_FORMAT_FILE", "text"),
        "DBT_LOG_LEVEL_FILE": os.environ.get("DBT_LOG_LEVEL_FILE", "info"),
        "DBT_LOG_FILE_MAX_BYTES": os.environ.get(
            "DBT_LOG_FILE_MAX_BYTES", str(DBT_LOG_FILE_MAX_BYTES)
        ),
        **warehouse.duckdb_settings.environment(),
        SPARK_TABLES_ENV: str(spark_tables_dir(warehouse.warehouse)),
        "CW_SPARK_METASTORE_DIR": str(spark / "metastore_db"),
        # A local session's JVM starts inside dbt: its memory, and Derby's log beside the
        # metastore instead of in the working directory.
        "PYSPARK_SUBMIT_ARGS": os.environ.get(
            "PYSPARK_SUBMIT_ARGS",
            shlex.join(
                [
                    "--driver-memory",
                    os.environ.get("CW_SPARK_DRIVER_MEMORY", "4g"),
                    "--driver-java-options",
                    f"-Dderby.system.home={spark}",
                    "pyspark-shell",
                ]
            ),
        ),
    }


class DbtBuildConfig(dg.Config):
    """How a run builds the models."""

    full_refresh: bool = Field(
        default=False,
        description=(
            "Rebuild every model from the raw layer instead of recomputing the run's window "
            "(the arrival dates since the last build, and the run's own)."
        ),
    )


@dbt_assets(
    manifest=dbt_project.manifest_path,
    project=dbt_project,
    dagster_dbt_translator=CampaignDbtTranslator(),
    pool=WAREHOUSE_POOL,
)
def campaign_dbt_models(
    context: dg.AssetExecutionContext,
    dbt: DbtCliResource,
    warehouse: WarehouseResource,
    config: DbtBuildConfig,
) -> Iterator[Any]:
    """`dbt build` (seeds, models, data tests) as of the latest arrival date ingested,
    recomputing only the window of arrival dates this run changed (`window_start()`)."""
    # A run killed mid-swap may have set a partition aside: put it back before dbt reads them.
    restore_set_aside(warehouse.raw)
    as_of = run_as_of(context.run.tags, lambda: latest_arrival_date(warehouse.raw))
    engine = warehouse.engine
    state = engine.models_state(warehouse.warehouse)
    window = None if config.full_refresh else build_window_start(context.run.tags, state)
    context.log.info(
        f"dbt build on {engine} as of {as_of} 00:00 UTC, "
        + (f"recomputing arrival dates from {window}" if window else "rebuilding everything")
    )
    target = engine.dbt_target_dir(warehouse.warehouse)
    # Unit tests check the SQL, not the data: CI runs them once, on an empty build
    # (tests/sql), not in every run.
    args = ["build", "--exclude-resource-type", "unit_test", *engine.dbt_target_args()]
    if config.full_refresh:
        args.append("--full-refresh")
    environment = {
        **dbt_environment(warehouse, as_of.isoformat()),
        "CW_WINDOW_START": window.isoformat() if window else "",
    }
    # The events wait for the build to end: only then can the working database be read for
    # row counts. A failed build still reports what it built, without counts, then fails.
    events: list[Any] = []
    build = with_invocation_environment(dbt, environment, target)
    failpoint("transform.before_build")
    try:
        events.extend(_build_events(build.cli(args, context=context, target_path=target)))
    except Exception as exc:
        yield from events
        full = disk_full(exc, "building the dbt models", warehouse.written_folders)
        if full is None:
            raise  # dbt's own error: the summary reads the node and its reason from it
        progress.emit(progress.StepFailed(full))
        raise dg.Failure(description=full) from exc
    done = engine.after_build(warehouse.warehouse, warehouse.duckdb_settings)
    if done:
        context.log.info(done)
    yield from with_row_counts(events, warehouse, include_views=engine.counts_views)
    write_models_state(state, as_of)


def with_invocation_environment(
    dbt: DbtCliResource, environment: Mapping[str, str], target: Path
) -> DbtCli:
    """`dbt`, whose next invocation gets `environment` in its own process alone.

    The variables travel in a file that the dbt launcher (`launcher.py`) reads and takes out
    of the arguments, so nothing is set in this process's environment for a build.
    """
    target.mkdir(parents=True, exist_ok=True)
    variables = target / "invocation_environment.json"
    variables.write_text(json.dumps(dict(environment), indent=2, sort_keys=True))
    return DbtCli(
        project_dir=dbt_project,
        profiles_dir=dbt.profiles_dir,
        dbt_executable=dbt.dbt_executable,
        global_config_flags=[*dbt.global_config_flags, f"{ENVIRONMENT_FLAG}{variables}"],
    )


def _build_events(invocation: DbtCliInvocation) -> Iterator[Any]:
    """What `invocation.stream()` yields (dagster-dbt's own conversion of each dbt event),
    but nothing for a test that is no check (`is_shown_as_check`), reading dbt's raw events
    on the way to tell the run's progress: node k of N."""
    nodes = invocation.manifest["nodes"]
    for raw in invocation.stream_raw_events():
        node = None
        with suppress(Exception):
            node = progress.dbt_event(raw.raw_event)
        if node is not None:
            progress.emit(node)
        node_info = (raw.raw_event.get("data") or {}).get("node_info") or {}
        unique_id = str(node_info.get("unique_id") or "")
        if unique_id.startswith("test.") and not is_shown_as_check(nodes.get(unique_id, {})):
            continue
        yield from raw.to_default_asset_events(
            manifest=invocation.manifest,
            dagster_dbt_translator=invocation.dagster_dbt_translator,
            context=invocation.context,
            target_path=invocation.target_path,
            project=invocation.project,
        )


def with_row_counts(
    events: list[Any], warehouse: WarehouseResource, *, include_views: bool
) -> Iterator[Any]:
    """The build's events, each model's output with its table's `dagster/row_count`."""
    nodes = dbt_manifest()["nodes"]
    relation_of = {
        unique_id: (node["schema"], node["alias"])
        for unique_id, node in nodes.items()
        if node["resource_type"] in ("model", "seed")
    }
    counts = relation_row_counts(
        warehouse.working_db,
        relation_of.values(),
        warehouse.duckdb_settings,
        include_views=include_views,
    )
    for event in events:
        unique_id = getattr(event, "metadata", {}).get("unique_id")
        relation = relation_of.get(getattr(unique_id, "value", unique_id))
        if isinstance(event, dg.Output) and relation in counts:
            event = event.with_metadata({**event.metadata, "dagster/row_count": counts[relation]})
        yield event


@functools.cache
def dbt_manifest() -> Mapping[str, Any]:
    """The dbt manifest the assets were defined from (read once)."""
    return json.loads(dbt_project.manifest_path.read_text())


def build_window_start(tags: Mapping[str, str], state: Path) -> date | None:
    """The first arrival date a build recomputes: the first one the models have not seen
    (the day after the last build's last arrival date), or the run's own first date when
    that is earlier (a rerun of a past day). None, everything, when no build is recorded."""
    built = read_models_state(state)
    if built is None:
        return None
    first = tags.get(RANGE_START_TAG) or tags.get(PARTITION_TAG)
    return min(built, date.fromisoformat(first)) if first else built


def model_key(model_name: str) -> dg.AssetKey:
    """The asset key of a dbt model, looked up so checks cannot target a key that does not exist."""
    matches = [key for key in campaign_dbt_models.keys if key.path[-1] == model_name]
    if len(matches) != 1:
        raise KeyError(f"no single dbt asset for model {model_name!r}: {matches}")
    return matches[0]
