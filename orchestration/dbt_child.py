"""`campaign-warehouse-dbt`: dbt, bound to the process that starts it.

dagster-dbt runs dbt as a child process. When the pipeline's process dies (killed, out of
memory, a closed terminal), an ordinary child would go on running and keep the warehouse's
DuckDB file locked against the next run. This launcher asks the kernel to kill it when its
parent dies (Linux `PR_SET_PDEATHSIG`, kept across `exec`), then becomes dbt itself.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys

from orchestration import paths

_PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    parent = os.getppid()
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        return  # not Linux: no such guarantee, dbt runs as an ordinary child
    if os.getppid() != parent:
        # The parent died before the request took effect.
        os.kill(os.getpid(), signal.SIGKILL)


def main() -> None:
    _die_with_parent()
    executable = paths.DBT_EXECUTABLE
    os.execv(executable, [executable, *sys.argv[1:]])


if __name__ == "__main__":
    main()
