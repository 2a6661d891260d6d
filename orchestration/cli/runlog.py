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
"""

from __future__ import annotations

import os
import re
import select
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO, TextIO

from orchestration.cli.display import strip_ansi

# `2025-03-01 12:00:00 +0000 - ` that Dagster's console logger puts first.
_DAGSTER_STAMP = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:[.,]\d+)? [+-]\d{4} - ")
# A closing thread must not keep the command from exiting, whatever holds the pipe.
_JOIN_SECONDS = 10.0
# Once the run is over, this long without output means everything it wrote has been copied.
_QUIET_SECONDS = 0.2
_CHUNK = 65536


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


def _write(handle: BinaryIO, lines: list[bytes]) -> None:
    try:
        moment = datetime.now(UTC)
        text = "".join(log_line(line.decode("utf-8", "replace"), moment) + "\n" for line in lines)
        handle.write(text.encode())
        handle.flush()
    except Exception:  # a lost line beats a hung run
        return


def _copy(read_end: int, handle: BinaryIO, over: threading.Event) -> None:
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
    sys.stdout.flush()
    sys.stderr.flush()
    handle = log_file.open("ab")
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
