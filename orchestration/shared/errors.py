"""Failures an operator can act on, and one line that says why for any other error.

A pipeline step that meets an expected failure (a full disk, a locked file, a landing root
that does not exist) raises `PipelineError` with a sentence an operator can act on; the
command prints that sentence instead of a traceback. `explain` turns any other exception
into the same kind of line: what was being done, and the first line of the cause.
"""

from __future__ import annotations

import errno
from collections.abc import Iterable
from pathlib import Path

from orchestration.shared.disk import disk_full_line, full_folder

# Substrings of DuckDB's and SQLite's messages that mean the same as an OS error number:
# DuckDB reports a full disk as an IO Error with the C library's text, not as an OSError.
_MESSAGE_ERRNOS: tuple[tuple[str, int], ...] = (
    ("no space left on device", errno.ENOSPC),
    ("database or disk is full", errno.ENOSPC),
    ("disk quota exceeded", errno.EDQUOT),
    ("permission denied", errno.EACCES),
    ("read-only file system", errno.EROFS),
    ("out of memory error", errno.ENOMEM),
    # SQLite's word for a write that failed, a full disk's among others.
    ("disk i/o error", errno.EIO),
)
# Errors that a full disk shows up as: they are put down to it when a folder is full.
_WRITE_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EIO})

# Errors that say the machine ran short (memory, disk), whatever was being read: they fail
# the step, never quarantine a file as unreadable.
_MACHINE_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.ENOMEM, errno.EROFS})

_PLAIN_WORDS: dict[int, str] = {
    errno.ENOSPC: "disk full",
    errno.EDQUOT: "disk quota exceeded",
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
    errno.EROFS: "read-only file system",
    errno.ENOENT: "no such file or folder",
    errno.ENOMEM: "out of memory",
}


class PipelineError(Exception):
    """An expected failure, whose message is the one line the operator reads."""


def error_number(exc: BaseException) -> int | None:
    """The OS error behind `exc` (or its causes), also when only its message says so."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, OSError) and current.errno is not None:
            return current.errno
        text = str(current).lower()
        for needle, number in _MESSAGE_ERRNOS:
            if needle in text:
                return number
        current = current.__cause__ or current.__context__
    return None


def is_machine_error(exc: BaseException) -> bool:
    """Whether `exc` says the machine ran short of memory or disk, not that an input is bad."""
    return isinstance(exc, MemoryError) or error_number(exc) in _MACHINE_ERRNOS


def first_line(exc: BaseException) -> str:
    """The first non-empty line of an exception's message, or its class name."""
    for line in str(exc).splitlines():
        if line.strip():
            return line.strip()
    return type(exc).__name__


def disk_full(exc: BaseException, doing: str, folders: Iterable[Path]) -> str | None:
    """ "disk full: <folder> (<free> left) while <doing>" when `exc` is a failed write and one
    of `folders` is on a full file system (`shared/disk.py`); None otherwise."""
    if error_number(exc) not in _WRITE_ERRNOS:
        return None
    full = full_folder(folders)
    return disk_full_line(*full, doing) if full is not None else None


def explain(exc: BaseException, doing: str, folders: Iterable[Path] = ()) -> str:
    """One line for an operator: "disk full: /srv/warehouse (0 B left) while writing
    serving.duckdb", "permission denied writing X", or the cause's first line.

    `doing` says what the step was doing, e.g. "writing serving.duckdb"; `folders` are the
    folders it writes, whose file systems are asked when the error may be a full disk.
    """
    if isinstance(exc, PipelineError):
        return first_line(exc)
    full = disk_full(exc, doing, folders)
    if full is not None:
        return full
    number = error_number(exc)
    if number in _PLAIN_WORDS:
        return f"{_PLAIN_WORDS[number]} {doing}"
    return f"{doing} failed: {first_line(exc)}"
