"""The run's log on a disk that fills up: the lines that could not be written wait, and the
reserve beside the log gives them room at the end of the run."""

from __future__ import annotations

import errno
import os
from datetime import date
from pathlib import Path

import pytest
from dagster._core.storage.local_compute_log_manager import LocalComputeLogManager
from dagster._core.storage.noop_compute_log_manager import NoOpComputeLogManager

from orchestration.cli import runlog
from orchestration.cli.launch import _StepFailures, open_instance
from orchestration.shared import progress


class _FullDisk:
    """A file whose disk is full once `room` bytes are written, until `free()`."""

    def __init__(self, path: Path, room: int) -> None:
        self.file = path.open("ab", buffering=0)
        self.room = room

    def write(self, data: memoryview | bytes) -> int:
        if self.room <= 0:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        written = self.file.write(bytes(data)[: self.room])
        self.room -= written
        return written

    def close(self) -> None:
        self.file.close()


def test_lines_a_full_disk_refused_are_written_when_the_reserve_is_given_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    log = tmp_path / "run_2025-03-01_2025-03-01_20250302T000000Z_1.log"
    monkeypatch.setattr(runlog, "_WAITING_LINES", 3)
    handle = runlog.LogFile(log)
    reserve = log.with_name(log.name + ".reserve")
    assert reserve.stat().st_size == runlog.RESERVE_BYTES
    full = _FullDisk(log, room=9)
    handle._file.close()
    handle._file = full  # type: ignore[assignment]

    handle.write(b"one\ntwo\n")
    handle.write(b"three\nfour\nfive\nsix\n")  # the disk fills after its "t"
    full.room = 1 << 20  # what giving back the reserve frees
    handle.close()

    assert not reserve.exists()
    lines = log.read_text().splitlines()
    assert lines[:3] == ["one", "two", "t"]
    # Three lines wait at most: the oldest of the four ("hree") is the one lost.
    assert lines[3].endswith("Z (1 line lost: the disk was full)")
    assert lines[4:] == ["four", "five", "six"]


def test_a_disk_with_no_room_for_the_reserve_still_gets_a_log(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_room(reserve: Path) -> None:
        reserve.write_bytes(b"half")
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(runlog, "reserve_room", no_room)
    log = tmp_path / "run.log"
    handle = runlog.LogFile(log)
    handle.write(b"line\n")
    handle.close()
    assert log.read_text() == "line\n"
    assert list(tmp_path.iterdir()) == [log]


def test_a_killed_runs_reserve_is_removed_and_a_running_ones_kept(tmp_path: Path) -> None:
    dead = tmp_path / "run_2025-03-01_2025-03-01_20250302T000000Z_999999999.log.reserve"
    alive = tmp_path / f"run_2025-03-01_2025-03-01_20250302T000000Z_{os.getpid()}.log.reserve"
    dead.touch()
    alive.touch()
    runlog.remove_stale_reserves(tmp_path)
    assert sorted(tmp_path.iterdir()) == [alive]


def test_the_command_keeps_each_steps_reason_as_it_is_said() -> None:
    failures = _StepFailures()
    with failures.recording():
        progress.emit(progress.Published(3))
        progress.emit(progress.StepFailed("disk full: /w (0 B left) while writing x"))
    progress.emit(progress.StepFailed("after the run"))
    assert failures.reasons == ["disk full: /w (0 B left) while writing x"]


def test_the_command_knows_what_the_run_was_doing_when_its_records_failed() -> None:
    # What a full disk is blamed on when Dagster cannot even record the step's failure.
    watch = _StepFailures()
    with watch.recording():
        assert watch.doing is None
        progress.emit(progress.IngestStarted("sends", date(2025, 3, 1)))
        assert watch.doing == "ingesting sends"
        progress.emit(progress.DbtNodeStarted(1, 194, "model", "stg_app__contacts"))
        assert watch.doing == "building the dbt models"
        progress.emit(progress.SuiteChecked("mart_campaign_daily", 12, 0))
        progress.emit(progress.PublishStarted())
        assert watch.doing == "publishing the marts"


def test_the_commands_runs_keep_their_output_in_the_run_log_alone(tmp_path: Path) -> None:
    with open_instance(tmp_path / "home") as instance:
        assert isinstance(instance.compute_log_manager, NoOpComputeLogManager)
    chosen = tmp_path / "chosen"
    chosen.mkdir()
    (chosen / "dagster.yaml").write_text(
        "compute_logs:\n"
        "  module: dagster._core.storage.local_compute_log_manager\n"
        "  class: LocalComputeLogManager\n"
        f"  config:\n    base_dir: {chosen / 'storage'}\n"
    )
    with open_instance(chosen) as instance:
        assert isinstance(instance.compute_log_manager, LocalComputeLogManager)
