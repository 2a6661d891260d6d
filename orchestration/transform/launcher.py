"""`campaign-warehouse-dbt`: dbt, bound to the process that starts it.

dagster-dbt runs dbt as a child process. When the pipeline's process dies (killed, out of
memory, a closed terminal), an ordinary child would go on running and keep the warehouse's
DuckDB file locked against the next run. This launcher asks the kernel to kill it when its
parent dies (Linux `PR_SET_PDEATHSIG`, kept across `exec`), then becomes dbt itself.

It also carries the invocation's environment: `--cw-environment=FILE` (a JSON object of
variables: the database, the raw layer, the as-of, the window) is taken out of the arguments
and set in this process alone before it becomes dbt, so the pipeline's own process
environment is never changed for a build.
"""

from __future__ import annotations

import ctypes
import json
import os
import signal
import sys
from collections.abc import Sequence
from pathlib import Path

from orchestration import paths

_PR_SET_PDEATHSIG = 1
ENVIRONMENT_FLAG = "--cw-environment="


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


def split_environment(argv: Sequence[str]) -> tuple[dict[str, str], list[str]]:
    """The variables named by `--cw-environment=FILE` (if given), and dbt's own arguments."""
    variables: dict[str, str] = {}
    rest: list[str] = []
    for arg in argv:
        if arg.startswith(ENVIRONMENT_FLAG):
            loaded = json.loads(Path(arg.removeprefix(ENVIRONMENT_FLAG)).read_text())
            variables.update({str(name): str(value) for name, value in loaded.items()})
        else:
            rest.append(arg)
    return variables, rest


def main() -> None:
    _die_with_parent()
    variables, args = split_environment(sys.argv[1:])
    os.environ.update(variables)
    executable = paths.DBT_EXECUTABLE
    os.execv(executable, [executable, *args])


if __name__ == "__main__":
    main()
