"""One run at a time on a warehouse: the second waits, then gives up naming the first."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from orchestration.shared.errors import PipelineError
from orchestration.shared.runlock import current_holder, hold_run_lock

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


def test_the_lock_is_reentrant_within_a_process(tmp_path: Path) -> None:
    """The command holds it, and the run it starts in the same process takes it again."""
    lock = tmp_path / "run.lock"
    with hold_run_lock(lock, 0), hold_run_lock(lock, 0):
        assert current_holder(lock) is not None
    assert current_holder(lock) is None
