"""The run's log file: everything the run writes, one UTC-stamped line each, no colours.

Dagster's logger, dbt's lines (re-emitted by dagster-dbt without a time), warnings and
tracebacks all write to file descriptors 1 and 2, some from C or a child process. So the two
descriptors go to a pipe, and a thread copies what comes through it to the file, line by
line: stamped with the time it arrived, its terminal escapes removed, and Dagster's own
local-time stamp dropped so that a line has one time, in UTC.

The thread keeps draining the pipe whatever happens to a line: a writer blocked on a full
pipe would hang the run. It does not wait for the pipe to close when the run is over: a child
that outlives the run (Dagster's log-capture helpers live until this process exits) holds its
write end, so the pipe may never close. Once the descriptors are back, the thread copies what
is still in the pipe and stops at the first quiet moment.

A full disk must not cut the log off where it would say why: the log keeps a reserve file of
its own beside it (`<log>.reserve`, 1 MiB) for the run's duration. A line that cannot be
written waits in memory (the last 200 are kept); when the run is over, the reserve is deleted
and what waited is written into the room it leaves.
"""

from __future__ import annotations

import os
import re
import select
import sys
import threading
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

from orchestration.cli.display import strip_ansi

# `2025-03-01 12:00:00 +0000 - ` that Dagster's console logger puts first.
_DAGSTER_STAMP = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:[.,]\d+)? [+-]\d{4} - ")
# A closing thread must not keep the command from exiting, whatever holds the pipe.
_JOIN_SECONDS = 10.0
# Once the run is over, this long without output means everything it wrote has been copied.
_QUIET_SECONDS = 0.2
_CHUNK = 65536
# Room kept on the log's disk for the lines that explain a failure, and how many unwritten
# lines wait for it.
RESERVE_BYTES = 1 << 20
_WAITING_LINES = 200
_RESERVE_SUFFIX = ".reserve"


class LogFile:
    """The run's log file, with room reserved for its last lines on a disk that fills up."""

    def __init__(self, path: Path) -> None:
        self._file = path.open("ab", buffering=0)
        self._reserve = path.with_name(path.name + _RESERVE_SUFFIX)
        try:
            reserve_room(self._reserve)
        except OSError:  # no room even for the reserve: the log does what it can
            self._reserve.unlink(missing_ok=True)
        self._waiting: deque[bytes] = deque(maxlen=_WAITING_LINES)
        self._lost = 0
        # Whether a full disk cut the file's last line: what comes next starts a line.
        self._cut = False

    def write(self, text: bytes) -> None:
        if not self._waiting:
            text = self._write_all(text)
            if not text:
                return
        # What a full disk left unwritten waits, line by line (a line may be cut in two).
        for line in text.splitlines(keepends=True):
            if len(self._waiting) == self._waiting.maxlen:
                self._lost += 1
            self._waiting.append(line)

    def _write_all(self, text: bytes) -> bytes:
        """Write `text`; return what could not be written (empty when all of it was)."""
        view = memoryview(text)
        try:
            while view:
                written = self._file.write(view)
                if not written:
                    break
                view = view[written:]
        except OSError:
            pass
        if view and len(view) < len(text):
            self._cut = True
        return bytes(view)

    def close(self) -> None:
        """Give back the reserve, then write the lines that waited for room."""
        self._reserve.unlink(missing_ok=True)
        try:
            if self._cut:
                self._file.write(b"\n")
            if self._lost:
                lines = "line" if self._lost == 1 else "lines"
                note = f"{stamp(datetime.now(UTC))} ({self._lost} {lines} lost: the disk was full)"
                self._file.write(f"{note}\n".encode())
            while self._waiting and not self._write_all(self._waiting[0]):
                self._waiting.popleft()
        except OSError:
            pass
        finally:
            self._file.close()


def reserve_room(reserve: Path) -> None:
    """Take RESERVE_BYTES of the disk in the file `reserve` (written, so really taken)."""
    with reserve.open("wb") as file:
        file.write(bytes(RESERVE_BYTES))


def remove_stale_reserves(logs: Path) -> None:
    """The reserves of runs that were killed (their process is gone)."""
    for reserve in logs.glob(f"run_*.log{_RESERVE_SUFFIX}"):
        pid = reserve.name.removesuffix(f".log{_RESERVE_SUFFIX}").rsplit("_", 1)[-1]
        if pid.isdigit() and not _alive(int(pid)):
            reserve.unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def stamp(moment: datetime) -> str:
    """`2025-03-01T12:00:00.123Z`."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def log_line(raw: str, moment: datetime) -> str:
    """One line of output as the log keeps it: stamped, without escapes.

    A line rewritten in place with `\\r` (a progress bar) keeps only what was shown last.
    """
    text = raw.rstrip("\r\n").rsplit("\r", 1)[-1]
    text = _DAGSTER_STAMP.sub("", strip_ansi(text))
    return f"{stamp(moment)} {text}"


def _write(handle: LogFile, lines: list[bytes]) -> None:
    try:
        moment = datetime.now(UTC)
        text = "".join(log_line(line.decode("utf-8", "replace"), moment) + "\n" for line in lines)
        handle.write(text.encode())
    except Exception:  # a lost line beats a hung run
        return


def _copy(read_end: int, handle: LogFile, over: threading.Event) -> None:
    """Copy the pipe to the log, line by line, until it closes, or until the run is `over`
    and nothing more arrives for `_QUIET_SECONDS`."""
    pending = b""
    with os.fdopen(read_end, "rb", buffering=0) as pipe:
        while True:
            readable, _, _ = select.select([pipe], [], [], _QUIET_SECONDS)
            if not readable:
                if over.is_set():
                    break
                continue
            try:
                chunk = pipe.read(_CHUNK)
            except OSError:
                break
            if not chunk:
                break
            *lines, pending = (pending + chunk).split(b"\n")
            if lines:
                _write(handle, lines)
    if pending:
        _write(handle, [pending])


@contextmanager
def output_to_log(log_file: Path) -> Iterator[None]:
    """Send everything written to stdout and stderr (dbt's output too) to `log_file`."""
    log_file.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_reserves(log_file.parent)
    sys.stdout.flush()
    sys.stderr.flush()
    handle = LogFile(log_file)
    read_end, write_end = os.pipe()
    over = threading.Event()
    copier = threading.Thread(
        target=_copy, args=(read_end, handle, over), name="run-log", daemon=True
    )
    copier.start()
    saved = os.dup(1), os.dup(2)
    os.dup2(write_end, 1)
    os.dup2(write_end, 2)
    os.close(write_end)
    try:
        yield
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        # Once both descriptors are back, this process writes no more to the pipe: the
        # copier ends when it closes or falls quiet.
        os.dup2(saved[0], 1)
        os.dup2(saved[1], 2)
        os.close(saved[0])
        os.close(saved[1])
        over.set()
        copier.join(_JOIN_SECONDS)
        if not copier.is_alive():
            handle.close()


@contextmanager
def terminal() -> Iterator[tuple[TextIO, bool]]:
    """A text stream on the terminal as it is now (before `output_to_log` takes fd 1), and
    whether it is a terminal."""
    sys.stdout.flush()
    fd = os.dup(1)
    stream = os.fdopen(fd, "w", encoding="utf-8", errors="replace")
    try:
        yield stream, stream.isatty()
    finally:
        with suppress(OSError):
            stream.close()
