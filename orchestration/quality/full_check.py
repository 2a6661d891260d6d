"""The weekly full check: every dbt data test over every row of every model.

A night's data tests read only the rows that night wrote (dbt_project/macros/
get_where_subquery.sql), and its key tests the rows sharing their keys, so they cost what the
night touched. What they cannot see is a row that went wrong outside any night's scope: an
old row changed behind the pipeline's back, or a key repeated among old rows alone. This job
runs the same tests with no window, so each reads its whole model, as a first build or
`--full-refresh` does. It is a Dagster job with its own weekly schedule, holds the warehouse
pool like a build (it reads the working database, which a writer must not hold), and fails
like any other run.
"""

from collections.abc import Mapping, Sequence
from typing import Any

import dagster as dg
from dagster_dbt import DbtCliResource

from orchestration.shared.warehouse import WAREHOUSE_POOL, WarehouseResource
from orchestration.transform.assets import (
    dbt_environment,
    dbt_project,
    with_invocation_environment,
)
from orchestration.transform.models_state import read_models_state


def failed_tests(run_results: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(test name, dbt's message) of each test of a `dbt test` that failed or errored (a test
    configured to warn reports, as in a night, and fails nothing)."""
    return [
        (str(result["unique_id"]).split(".")[2], str(result.get("message") or result["status"]))
        for result in run_results.get("results", [])
        if result.get("status") in ("fail", "error", "runtime error")
    ]


def full_test_args(target_args: Sequence[str]) -> list[str]:
    """`dbt test` of every data test (unit tests check the SQL, not the data: CI runs them)."""
    return ["test", "--exclude-resource-type", "unit_test", *target_args]


@dg.op(name="full_data_tests", pool=WAREHOUSE_POOL)
def full_data_tests(
    context: dg.OpExecutionContext, dbt: DbtCliResource, warehouse: WarehouseResource
) -> None:
    """Every dbt data test over every row of the models as last built."""
    engine = warehouse.engine
    as_of = read_models_state(engine.models_state(warehouse.warehouse))
    if as_of is None:
        raise dg.Failure("nothing has been built yet: run the pipeline first")
    target = engine.dbt_target_dir(warehouse.warehouse)
    # No window: each test reads every row of its model.
    environment = {**dbt_environment(warehouse, as_of.isoformat()), "CW_WINDOW_START": ""}
    invocation = with_invocation_environment(dbt, environment, target).cli(
        full_test_args(engine.dbt_target_args()),
        manifest=dbt_project.manifest_path,
        target_path=target,
        raise_on_error=False,
    )
    invocation.wait()
    failures = failed_tests(invocation.get_artifact("run_results.json"))
    if failures or not invocation.is_successful():
        raise dg.Failure(
            description=f"{len(failures)} data tests failed over the whole warehouse",
            metadata={"failed tests": dg.MetadataValue.json(dict(failures))},
        )
    context.log.info(f"every data test passed over every row, as of {as_of}")


@dg.job(
    description=(
        "Every dbt data test over every row (a night tests only the rows it wrote); "
        "weekly, and on demand after a repair."
    )
)
def full_check_job() -> None:
    full_data_tests()


# Sunday, after the night's run (02:00 UTC) and the housekeeping (05:00 UTC).
full_check_schedule = dg.ScheduleDefinition(
    name="full_check_weekly",
    job=full_check_job,
    cron_schedule="0 6 * * 0",
    execution_timezone="UTC",
    default_status=dg.DefaultScheduleStatus.RUNNING,
)
