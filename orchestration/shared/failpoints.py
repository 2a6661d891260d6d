"""Named points where a test can make a real run die or fail, to prove crash safety.

`CW_FAILPOINT=<name>` kills the process (SIGKILL, as an out-of-memory killer or a power cut
would) when the run reaches `failpoint(<name>)`; `CW_FAILPOINT=<name>:enospc` raises a
disk-full error there instead; `CW_FAILPOINT=<name>:fill:<folder>` fills the file system that
holds `<folder>` there (a file `failpoint-ballast` in it) and goes on, so that the run meets a
real full disk at its next write. Unset, a failpoint costs one dictionary lookup.
"""

from __future__ import annotations

import errno
import os
import signal
from pathlib import Path

FAILPOINT_ENV = "CW_FAILPOINT"
BALLAST = "failpoint-ballast"


def failpoint(name: str) -> None:
    """Die or fail here when `$CW_FAILPOINT` names this point."""
    wanted = os.environ.get(FAILPOINT_ENV)
    if not wanted:
        return
    point, _, action = wanted.partition(":")
    if point != name:
        return
    if action.startswith("fill:"):
        fill_disk(Path(action.removeprefix("fill:")))
        return
    if action == "enospc":
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), f"failpoint {name}")
    os.kill(os.getpid(), signal.SIGKILL)


def fill_disk(folder: Path) -> None:
    """Write `folder/failpoint-ballast` until the file system has no byte left for it."""
    chunk = 1 << 20
    with (folder / BALLAST).open("ab", buffering=0) as ballast:
        while chunk:
            try:
                ballast.write(b"\0" * chunk)
            except OSError as exc:
                if exc.errno != errno.ENOSPC:
                    raise
                chunk //= 2
