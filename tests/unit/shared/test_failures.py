"""A failed step's one line: a blocking check names its checks on it, and Ctrl-C says the run
was interrupted, not Dagster's class name."""

from __future__ import annotations

import os
import signal
import time

import dagster as dg

from orchestration.shared.failures import INTERRUPTED, failed_steps


@dg.asset(check_specs=[dg.AssetCheckSpec("positive", asset="numbers", blocking=True)])
def numbers() -> dg.MaterializeResult:
    return dg.MaterializeResult(check_results=[dg.AssetCheckResult(passed=False)])


@dg.asset
def interrupted() -> None:
    os.kill(os.getpid(), signal.SIGINT)
    time.sleep(5)


def _failures(*assets: dg.AssetsDefinition) -> list[tuple[str, str]]:
    job = dg.Definitions(assets=list(assets), jobs=[dg.define_asset_job("job")]).resolve_job_def(
        "job"
    )
    with dg.DagsterInstance.ephemeral() as instance:
        result = job.execute_in_process(instance=instance, raise_on_error=False)
    assert not result.success
    return failed_steps(result.all_events)


def test_a_failed_blocking_check_names_the_check_on_the_same_line() -> None:
    assert _failures(numbers) == [
        ("step numbers", "1 blocking asset check failed with ERROR severity: numbers: positive")
    ]


def test_an_interrupted_run_says_so_in_words() -> None:
    (failure, *_) = _failures(interrupted)
    assert failure == ("step interrupted", INTERRUPTED)


@dg.asset
def fills_the_disk() -> None:
    raise dg.Failure(description="disk full: /srv/warehouse (0 B left) while writing x")


@dg.asset
def victim_of_the_full_disk() -> None:
    raise OSError("disk I/O error")


def test_what_fails_after_a_full_disk_is_not_blamed() -> None:
    # In-process steps run one at a time, in the order of their keys where nothing else
    # orders them: the victim fails after the step that filled the disk.
    assert _failures(fills_the_disk, victim_of_the_full_disk) == [
        ("step fills_the_disk", "disk full: /srv/warehouse (0 B left) while writing x")
    ]
    assert len(_failures(victim_of_the_full_disk)) == 1
