"""The Great Expectations checks re-run on their own, on the marts as built."""

from __future__ import annotations

import shutil
from pathlib import Path

import dagster as dg
import pytest

from orchestration import paths
from orchestration.definitions import defs
from orchestration.quality.checks import mart_checks, quality_checks_job


def _execute(
    job_name: str, extra_jobs: list[dg.UnresolvedAssetJobDefinition], warehouse: Path
) -> dg.ExecuteInProcessResult:
    with pytest.MonkeyPatch.context() as patch, dg.DagsterInstance.ephemeral() as instance:
        patch.setenv(paths.WAREHOUSE_ENV, str(warehouse))
        return (
            dg.Definitions.merge(defs, dg.Definitions(jobs=extra_jobs))
            .resolve_job_def(job_name)
            .execute_in_process(instance=instance, raise_on_error=False)
        )


@pytest.fixture(scope="module")
def warehouse(published_scenario: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    # A copy: the checks only read, but the scenario's warehouse is shared with other tests.
    copy = tmp_path_factory.mktemp("checks_alone") / "warehouse"
    shutil.copytree(published_scenario / "warehouse", copy, symlinks=True)
    return copy


def test_every_check_reruns_without_rebuilding_anything(warehouse: Path) -> None:
    result = _execute(quality_checks_job.name, [], warehouse)
    evaluations = result.get_asset_check_evaluations()
    expected = {key for checks in mart_checks for key in checks.check_keys}
    assert result.success
    assert {e.asset_check_key for e in evaluations} == expected
    assert all(e.passed for e in evaluations)
    assert result.get_asset_materialization_events() == []


def test_one_expectation_reruns_alone(warehouse: Path) -> None:
    summary_checks = next(
        c for c in mart_checks if c.node_def.name == "mart_campaign_summary_suite"
    )
    one = sorted(summary_checks.check_keys, key=lambda k: k.name)[0]
    job = dg.define_asset_job("one_check", selection=dg.AssetSelection.checks(one))
    result = _execute("one_check", [job], warehouse)
    assert result.success
    assert [e.asset_check_key for e in result.get_asset_check_evaluations()] == [one]
