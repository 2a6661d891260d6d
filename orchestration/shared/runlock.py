"""One run at a time on a warehouse: an exclusive lock on `<warehouse>/run.lock`.

Two runs on one warehouse would fail each other on DuckDB's single-writer lock half-way
through, or interleave their ingests and publications. A run therefore takes this lock before
its first step and keeps it to its last; a second run waits for it, up to a stated time, and
then gives up naming the holder. The lock is an `flock`, released by the kernel when its
holder dies however it dies, so a killed run never leaves a stale lock behind. The file holds
who holds it, for the message of the run that waits.

The lock is not re-entrant. The command takes it before it starts Dagster, so that its wait
shows on the terminal, and tells the run so in its config; the run then only checks that the
lock names this process (`already_held`) instead of taking it a second time.
"""

from __future__ import annotations

import fcntl
import json
import os
import socket
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from orchestration.shared.errors import PipelineError

_POLL_SECONDS = 0.5
# How long a run waits for the one before it, unless told otherwise.
DEFAULT_LOCK_WAIT_SECONDS = 3600.0


@dataclass(frozen=True)
class LockHolder:
    pid: int
    host: str
    started_at: str  # ISO-8601, UTC
    run_id: str | None = None

    def describe(self) -> str:
        where = "" if self.host == socket.gethostname() else f" on {self.host}"
        return f"pid {self.pid}{where}, started {self.started_at}"


def read_holder(lock_file: Path) -> LockHolder | None:
    """Who wrote the lock file last, if it says."""
    try:
        data = json.loads(lock_file.read_text() or "null")
        return None if data is None else LockHolder(**data)
    except (OSError, ValueError, TypeError):
        return None


def current_holder(lock_file: Path) -> LockHolder | None:
    """The holder of the lock right now, or None when it is free (the lock is not taken)."""
    if not lock_file.exists():
        return None
    descriptor = os.open(lock_file, os.O_RDONLY)
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return read_holder(lock_file) or LockHolder(0, "?", "?")
        fcntl.flock(descriptor, fcntl.LOCK_UN)
        return None
    finally:
        os.close(descriptor)


def describe_holder(holder: LockHolder | None) -> str:
    return f"another run holds the warehouse ({holder.describe() if holder else 'unknown run'})"


@contextmanager
def hold_run_lock(
    lock_file: Path,
    wait_seconds: float,
    run_id: str | None = None,
    on_wait: Callable[[LockHolder | None], None] | None = None,
) -> Iterator[None]:
    """Hold the warehouse's run lock for the block; wait up to `wait_seconds` for it.

    Raises `PipelineError` naming the holder when the lock is still taken after the wait.
    """
    lock_file.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(lock_file, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + max(wait_seconds, 0.0)
        waited = False
        while True:
            try:
                fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                holder = read_holder(lock_file)
                if time.monotonic() >= deadline:
                    waited_for = f"; waited {wait_seconds:g} s" if wait_seconds > 0 else ""
                    raise PipelineError(describe_holder(holder) + waited_for) from None
                if not waited and on_wait is not None:
                    on_wait(holder)
                waited = True
                time.sleep(min(_POLL_SECONDS, max(deadline - time.monotonic(), 0.0)))
        holder = LockHolder(
            pid=os.getpid(),
            host=socket.gethostname(),
            started_at=datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S UTC"),
            run_id=run_id,
        )
        os.ftruncate(descriptor, 0)
        os.pwrite(descriptor, json.dumps(holder.__dict__).encode(), 0)
        try:
            yield
        finally:
            os.ftruncate(descriptor, 0)
            fcntl.flock(descriptor, fcntl.LOCK_UN)
    finally:
        os.close(descriptor)


@contextmanager
def already_held(lock_file: Path) -> Iterator[None]:
    """For a run whose caller says it holds the lock: check that this process does, and take
    nothing. Raises `PipelineError` when the lock is free or another process holds it."""
    holder = current_holder(lock_file)
    if holder is None:
        raise PipelineError(f"the run was told its caller holds {lock_file}, but nobody does")
    if holder.pid != os.getpid() or holder.host != socket.gethostname():
        raise PipelineError(
            f"the run was told its caller holds {lock_file}, but {describe_holder(holder)}"
        )
    yield
