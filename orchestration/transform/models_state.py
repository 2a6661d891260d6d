"""What the dbt models were last built as of, so the next build recomputes only what is new.

One line in `<warehouse>/models_as_of`: the as-of date of the last build that succeeded,
written atomically after it. A build that fails leaves it as it was, so the next build goes
back at least as far; a missing or unreadable file means "rebuild everything".
"""

from __future__ import annotations

import contextlib
import os
from datetime import date
from pathlib import Path


def read_models_state(state: Path) -> date | None:
    """The as-of date of the last successful build, if one is recorded."""
    try:
        return date.fromisoformat(state.read_text().strip())
    except (OSError, ValueError):
        return None


def write_models_state(state: Path, as_of: date) -> None:
    """Record a successful build's as-of date (write, flush, rename)."""
    temporary = state.with_name(state.name + ".tmp")
    with temporary.open("w") as handle:
        handle.write(as_of.isoformat() + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, state)
    with contextlib.suppress(OSError):
        descriptor = os.open(state.parent, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
