"""A disk that fills up during a run, for real: at ingest, in dbt and at publication.

The warehouse (its run records too) lives on a small tmpfs. A failpoint fills that file
system at one point of a real run (`CW_FAILPOINT=<point>:fill:<folder>`) and lets the run go
on into the full disk. Each time the command says the cause once, in the step where it
happened, leaves the published marts as they were and keeps the end of its log; after the
space is freed, a rerun publishes what a clean run does.

Mounting needs root: CI runs as root; elsewhere the test is skipped (failed under CI).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from orchestration.shared.failpoints import BALLAST
from tests.e2e.pipeline import copy_published, file_digests, run_pipeline, snapshot

DAY = "2025-02-01"
# Room for a copy of the published scenario (about 40 MB) and what a night writes.
TMPFS_SIZE = "160m"

POINTS = {
    "ingest": ("ingest.before_write", r"ingesting \w+"),
    "dbt": ("transform.before_build", "building the dbt models"),
    "publication": ("publish.write_serving", "writing serving\\.duckdb"),
}


@pytest.fixture(scope="module")
def small_disk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    if os.geteuid() != 0:
        message = "mounting a small file system needs root"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    mount = tmp_path_factory.mktemp("small_disk")
    subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={TMPFS_SIZE}", "tmpfs", str(mount)], check=True
    )
    try:
        yield mount
    finally:
        subprocess.run(["umount", "--lazy", str(mount)], check=False)


def _cause_lines(output: str) -> list[str]:
    """The lines that say a run or a step failed, or why."""
    return [
        line.strip()
        for line in output.splitlines()
        if "FAILED" in line or "disk full" in line or "failed" in line.lower()
    ]


@pytest.mark.parametrize("stage", list(POINTS))
def test_a_disk_that_fills_up_is_named_once_and_a_rerun_after_freeing_it_is_clean(
    stage: str, small_disk: Path, published_scenario: Path
) -> None:
    point, doing = POINTS[stage]
    root = small_disk / stage
    try:
        _fill_then_rerun(root, published_scenario, point, doing)
    finally:
        shutil.rmtree(root, ignore_errors=True)


def _fill_then_rerun(root: Path, published_scenario: Path, point: str, doing: str) -> None:
    landing, warehouse = copy_published(published_scenario, root)
    before = file_digests(warehouse)

    failed = run_pipeline(
        landing, warehouse, DAY, DAY, env={"CW_FAILPOINT": f"{point}:fill:{warehouse}"}
    )

    assert failed.returncode == 1, failed.output
    # Said once: where the run's records survived, as the failed step's line under the run's
    # outcome; where the full disk holds them too, as the run's own line.
    reason = rf"disk full: {re.escape(str(warehouse))} \((\d+ B|\d+\.\d KiB) left\) while {doing}"
    said = _cause_lines(failed.output)
    assert [line for line in said if "disk full" in line] == said[-1:], failed.output
    assert re.fullmatch(
        rf"(arrival dates {DAY}\.\.{DAY}: run FAILED|FAILED in step \w+): {reason}", said[-1]
    ), failed.output
    assert len(said) == 1 or re.fullmatch(r"arrival dates .*: run FAILED, .*", said[0]), said
    assert "NOT published: the previously published marts are unchanged" in failed.output
    assert "Traceback" not in failed.output
    assert file_digests(warehouse) == before
    # The log kept its last lines: the step's failure, written after the disk was full.
    logs = sorted((warehouse / "logs").glob("run_*.log"))
    assert len(logs) == 1 and not list((warehouse / "logs").glob("*.reserve"))
    assert f"disk full: {warehouse}" in logs[0].read_text()

    (warehouse / BALLAST).unlink()
    rerun = run_pipeline(landing, warehouse, DAY, DAY)

    assert rerun.returncode == 0, rerun.output
    assert snapshot(warehouse) == snapshot(published_scenario / "warehouse")
