"""One run at a time on a warehouse: the second waits, then gives up naming the first."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import dagster as dg
import pytest

from orchestration.shared.errors import PipelineError
from orchestration.shared.runlock import already_held, current_holder, hold_run_lock
from orchestration.shared.warehouse import WarehouseResource

# Holds the lock in another process until its stdin closes, as a running pipeline would.
HOLDER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from orchestration.shared.runlock import hold_run_lock

    with hold_run_lock(Path(sys.argv[1]), 0, run_id="first-run"):
        print("held", flush=True)
        sys.stdin.read()
    """
)


@pytest.fixture
def holder(tmp_path: Path):
    lock = tmp_path / "run.lock"
    process = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(lock)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None and process.stdout.readline() == "held\n"
    yield lock, process
    if process.poll() is None:
        process.kill()
        process.wait()


def test_a_free_lock_is_taken_and_released(tmp_path: Path) -> None:
    lock = tmp_path / "run.lock"
    with hold_run_lock(lock, 0):
        pass
    assert current_holder(lock) is None
    with hold_run_lock(lock, 0):
        pass


def test_a_second_run_refuses_at_once_naming_the_first(holder) -> None:
    lock, process = holder
    started = time.monotonic()
    expected = rf"another run holds the warehouse \(pid {process.pid}, started"
    with pytest.raises(PipelineError, match=expected), hold_run_lock(lock, 0):
        pass
    assert time.monotonic() - started < 2
    assert current_holder(lock).run_id == "first-run"


def test_a_second_run_waits_its_time_then_gives_up(holder) -> None:
    lock, _ = holder
    waited: list[object] = []
    started = time.monotonic()
    with (
        pytest.raises(PipelineError, match=r"waited 1\.5 s"),
        hold_run_lock(lock, 1.5, on_wait=waited.append),
    ):
        pass
    assert 1.4 < time.monotonic() - started < 5
    assert len(waited) == 1


def test_a_second_run_goes_on_once_the_first_ends(holder) -> None:
    lock, process = holder
    with hold_run_lock(lock, 30, on_wait=lambda _: process.stdin.close()):
        assert current_holder(lock) is not None  # ours now


def test_a_killed_holder_leaves_no_stale_lock(holder) -> None:
    lock, process = holder
    process.kill()
    process.wait()
    assert current_holder(lock) is None
    with hold_run_lock(lock, 0):
        pass


def test_the_lock_is_not_reentrant(tmp_path: Path) -> None:
    """A second hold in the same process waits like any other: nothing remembers who holds it."""
    lock = tmp_path / "run.lock"
    with hold_run_lock(lock, 0):
        with pytest.raises(PipelineError, match=rf"pid {os.getpid()}"), hold_run_lock(lock, 0):
            pass
        assert current_holder(lock) is not None
    assert current_holder(lock) is None


def test_already_held_checks_that_this_process_holds_the_lock(tmp_path: Path) -> None:
    lock = tmp_path / "run.lock"
    with pytest.raises(PipelineError, match="but nobody does"), already_held(lock):
        pass
    with hold_run_lock(lock, 0), already_held(lock):
        assert current_holder(lock).pid == os.getpid()


def test_already_held_refuses_a_lock_another_process_holds(holder) -> None:
    lock, process = holder
    with pytest.raises(PipelineError, match=rf"pid {process.pid}"), already_held(lock):
        pass


def test_a_run_told_its_caller_holds_the_lock_takes_nothing(tmp_path: Path) -> None:
    warehouse = WarehouseResource(warehouse_dir=str(tmp_path), run_lock_held=True)
    context = dg.build_init_resource_context()
    with pytest.raises(PipelineError, match="nobody does"), warehouse.yield_for_execution(context):
        pass
    with (
        hold_run_lock(tmp_path / "run.lock", 0, run_id="the command"),
        warehouse.yield_for_execution(context),
    ):
        assert current_holder(tmp_path / "run.lock").run_id == "the command"


def test_a_run_on_its_own_takes_the_lock(tmp_path: Path) -> None:
    warehouse = WarehouseResource(warehouse_dir=str(tmp_path))
    with warehouse.yield_for_execution(dg.build_init_resource_context()):
        assert current_holder(tmp_path / "run.lock").pid == os.getpid()
    assert current_holder(tmp_path / "run.lock") is None
