"""The landing zone as the contract lays it out: `<landing>/<source>/<YYYY-MM-DD>/<file>`.

This module only looks at folders; reading files is the ingest's business. It refuses what
must not be read silently (a landing root that does not exist, a link that leaves the root)
and names what it skips (a folder under a source that is not an arrival date), so a layout
mistake is never mistaken for a quiet day.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from contract.sources import EXTENSIONS, SOURCE_NAMES
from orchestration.shared.errors import PipelineError

_ARRIVAL_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_HIDDEN = "."


@dataclass(frozen=True)
class LandedFile:
    """One file of a partition, named as the landing zone names it."""

    path: Path  # as listed under the landing root; never resolved, never a glob
    relative_path: str  # relative to the landing root, with forward slashes
    file_format: str  # jsonl, csv, parquet or unsupported
    is_gzip: bool
    size_bytes: int
    refused: str | None = None  # why the file is not read at all (a link out of the root)


def file_format(path: Path) -> str:
    """The landing format of a file from its name: jsonl, csv, parquet or unsupported."""
    name = path.name.lower()
    for ext in EXTENSIONS:
        if name.endswith(ext):
            return ext.removesuffix(".gz").lstrip(".")
    return "unsupported"


def check_landing_root(landing: Path) -> None:
    """Refuse a landing root that does not exist or holds none of the sources.

    The contract reads a missing folder as an empty day; that is meant for one quiet source,
    not for a mistyped root, which would otherwise replace every day it is run for with
    nothing.
    """
    if not landing.exists():
        raise PipelineError(f"the landing folder {landing} does not exist")
    if not landing.is_dir():
        raise PipelineError(f"the landing folder {landing} is not a folder")
    try:
        present = [name for name in SOURCE_NAMES if (landing / name).is_dir()]
    except OSError as exc:
        raise PipelineError(f"the landing folder {landing} cannot be read: {exc}") from exc
    if not present:
        raise PipelineError(
            f"the landing folder {landing} holds none of the sources "
            f"({', '.join(SOURCE_NAMES)}): is it the right folder?"
        )


def is_arrival_date(name: str) -> bool:
    """Whether a folder name is an arrival date, `YYYY-MM-DD` and a real day."""
    if not _ARRIVAL_DATE.fullmatch(name):
        return False
    try:
        date.fromisoformat(name)
    except ValueError:
        return False
    return True


def list_landed_files(landing: Path, source: str, arrival_date: date) -> list[LandedFile]:
    """The files of one partition, in name order; a missing folder is an empty day.

    Hidden files (`.name`) are an uploader's temporary files, not data, and are skipped. A
    link whose target lies outside the landing root is listed as refused, not read.
    """
    folder = landing / source / arrival_date.isoformat()
    if not folder.is_dir():
        return []
    root = landing.resolve()
    files = []
    for path in sorted(folder.iterdir()):
        if path.name.startswith(_HIDDEN) or path.is_dir():
            continue
        refused = None
        if not path.resolve().is_relative_to(root):
            refused = "a link to a file outside the landing root"
        elif not path.exists():
            refused = "a link to a file that does not exist"
        files.append(
            LandedFile(
                path=path,
                relative_path=path.relative_to(landing).as_posix(),
                file_format=file_format(path),
                is_gzip=path.name.lower().endswith(".gz"),
                size_bytes=_size(path),
                refused=refused,
            )
        )
    return files


def unrecognised_entries(landing: Path, source: str, arrival_dates: Iterable[date]) -> list[str]:
    """What the ingest skips under a source: entries that are not arrival-date folders, and
    folders inside the given arrival dates' folders. Relative to the landing root, sorted."""
    source_dir = landing / source
    if not source_dir.is_dir():
        return []
    skipped = [
        entry.relative_to(landing).as_posix()
        for entry in source_dir.iterdir()
        if not entry.name.startswith(_HIDDEN)
        and not (entry.is_dir() and is_arrival_date(entry.name))
    ]
    for day in arrival_dates:
        folder = source_dir / day.isoformat()
        if folder.is_dir():
            skipped.extend(
                entry.relative_to(landing).as_posix()
                for entry in folder.iterdir()
                if entry.is_dir() and not entry.name.startswith(_HIDDEN)
            )
    return sorted(skipped)


def describe_skipped(entries: Sequence[str], shown: int = 5) -> str:
    """`a, b, c and 4 more`: a short list for a warning line."""
    head = ", ".join(entries[:shown])
    rest = len(entries) - shown
    return f"{head} and {rest} more" if rest > 0 else head


def _size(path: Path) -> int:
    try:
        return os.stat(path).st_size
    except OSError:
        return 0
