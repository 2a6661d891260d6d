"""Step failures that say why: the one line an operator reads, the traceback in the log; and
the same line read back from a finished run's events (the command's summary, the alert)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import dagster as dg

from orchestration.shared import progress
from orchestration.shared.errors import explain

# "package.module.ClassName: message" -> "message"
_CLASS_PREFIX = re.compile(r"^(?:[A-Za-z_][\w]*\.)+[A-Za-z_]\w*: ")
# dagster-dbt's error opens with the dbt command line; what failed comes after this marker.
_DBT_ERRORS_MARKER = "Errors parsed from dbt logs:"
_DBT_FAILED_NODE = re.compile(r"^Failure in (model|test|seed|snapshot|unit_test) (\S+)")
_DBT_ERROR_LINE = re.compile(r"^(?:Runtime|Database|Compilation) Error in ")
# dbt's words for an error outside any node (parsing, the project, its files).
_DBT_ENCOUNTERED = "Encountered an error:"
_ANSI = re.compile(r"\x1b\[[0-9;]*m")
# What Dagster raises in a step when the run's process gets Ctrl-C or SIGTERM.
_INTERRUPTIONS = {"DagsterExecutionInterruptedError", "KeyboardInterrupt"}
# Publication swaps in a whole build or nothing, so an interrupted run leaves what was published.
INTERRUPTED = "interrupted; the published marts are unchanged"


@contextmanager
def failure_explained(doing: str, folders: Iterable[Path] = ()) -> Iterator[None]:
    """Turn any error of the block into a `dg.Failure` whose description is one plain line,
    e.g. "disk full: /srv/warehouse (0 B left) while publishing the marts" (`folders`: what
    the block writes); the original error stays its cause.

    The line also goes out as a `StepFailed` progress event: when the disk that is full holds
    the run's records too, Dagster cannot store the failure, and the command says this line
    instead of blaming the records it could not write.
    """
    try:
        yield
    except dg.Failure as failure:
        progress.emit(progress.StepFailed(failure.description or str(failure)))
        raise
    except Exception as exc:
        reason = explain(exc, doing, folders)
        progress.emit(progress.StepFailed(reason))
        raise dg.Failure(description=reason) from exc


def failed_steps(events: Sequence[dg.DagsterEvent]) -> list[tuple[str, str]]:
    """(step, one-line reason) for each failed step, and for a run that failed before any."""
    failures: list[tuple[str, str]] = []
    for event in events:
        if not (event.is_step_failure or event.is_resource_init_failure or event.is_run_failure):
            continue
        data = event.event_specific_data
        error = getattr(data, "error", None)
        user_failure = getattr(data, "user_failure_data", None)
        if user_failure is not None and user_failure.description:
            reason = user_failure.description.splitlines()[0]
        elif error is not None:
            reason = _root_message(error)
        else:
            continue
        step = f"step {event.step_key}" if event.step_key else "the run, before its first step"
        if reason not in (known for _, known in failures):
            failures.append((step, reason))
        if is_disk_full(reason):
            # What fails after a full disk (the run's own failure, a teardown) is its victim.
            break
    return failures


def is_disk_full(reason: str) -> bool:
    """Whether a one-line reason is a full disk's (`shared/disk.py`)."""
    return reason.startswith("disk full")


def _root_message(error: Any) -> str:
    """The first line of the innermost cause of a serialised error, without its class name;
    a first line that ends in a colon goes on with the lines it announces."""
    chain = [error]
    while getattr(chain[-1], "cause", None) is not None:
        chain.append(chain[-1].cause)
    if any(getattr(link, "cls_name", "") in _INTERRUPTIONS for link in chain):
        return INTERRUPTED
    message = str(getattr(chain[-1], "message", chain[-1]))
    dbt_reason = _dbt_failure(message)
    if dbt_reason:
        return dbt_reason
    lines = [line.strip() for line in message.splitlines() if line.strip()] or [message.strip()]
    first = _CLASS_PREFIX.sub("", lines[0])
    if first.endswith(":") and len(lines) > 1:
        # Dagster's "1 blocking asset check failed with ERROR severity:" names the checks
        # on the lines after it.
        return f"{first} {'; '.join(lines[1:])}"
    return first


def _dbt_failure(message: str) -> str | None:
    """ "dbt model int_x failed: Out of Memory Error: ..." (or, for an error outside any
    node, "dbt failed: [Errno 13] Permission denied: ...") from dagster-dbt's error, whose
    first line ("The dbt CLI process with command") says nothing."""
    if _DBT_ERRORS_MARKER not in message:
        return None
    lines = [
        _ANSI.sub("", line).strip() for line in message.split(_DBT_ERRORS_MARKER, 1)[1].splitlines()
    ]
    for index, line in enumerate(lines):
        node = _DBT_FAILED_NODE.match(line)
        if node is None:
            continue
        detail = next(
            (later for later in lines[index + 1 :] if later and not _DBT_ERROR_LINE.match(later)),
            "",
        )
        reason = f"dbt {node.group(1)} {node.group(2)} failed: {detail}".rstrip(": ")
        if "out of memory" in detail.lower():
            reason += " (raise CW_DUCKDB_MEMORY_LIMIT, or give the spill folder room, then rerun)"
        return reason
    if _DBT_ENCOUNTERED in lines:
        after = lines[lines.index(_DBT_ENCOUNTERED) + 1 :]
        detail = next((line for line in after if line), "")
        return f"dbt failed: {detail}" if detail else None
    return None
