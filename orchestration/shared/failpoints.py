"""Named points where a test can make a real run die or fail, to prove crash safety.

`CW_FAILPOINT=<name>` kills the process (SIGKILL, as an out-of-memory killer or a power cut
would) when the run reaches `failpoint(<name>)`; `CW_FAILPOINT=<name>:enospc` raises a
disk-full error there instead. Unset, a failpoint costs one dictionary lookup.
"""

from __future__ import annotations

import errno
import os
import signal

FAILPOINT_ENV = "CW_FAILPOINT"


def failpoint(name: str) -> None:
    """Die or fail here when `$CW_FAILPOINT` names this point."""
    wanted = os.environ.get(FAILPOINT_ENV)
    if not wanted:
        return
    point, _, action = wanted.partition(":")
    if point != name:
        return
    if action == "enospc":
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), f"failpoint {name}")
    os.kill(os.getpid(), signal.SIGKILL)
