"""What a run is doing, as it does it: one event per step, logged for whoever listens.

The assets call `emit()` at the steps an operator waits on (a source's arrival date
ingested, a dbt node built, a suite checked, the marts published). An event is a record of
the `campaign_warehouse.progress` logger at INFO, the event itself in the record's
`progress_event` attribute: a logging handler is how one listens. The logger stays at its
default level, so nobody listens under `dagster dev` and an event costs a level check;
`campaign-warehouse run` attaches a handler for the run's duration
(`orchestration.cli.display`: one line per step, or one status line that updates).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any


@dataclass(frozen=True)
class RunStarted:
    """Said by the command itself: loading the definitions takes a while before any step."""

    start: date
    end: date
    log_file: str


@dataclass(frozen=True)
class IngestStarted:
    source: str
    arrival_date: date


@dataclass(frozen=True)
class Ingested:
    source: str
    arrival_date: date
    rows_read: int
    rows_loaded: int
    rows_quarantined: int
    seconds: float


@dataclass(frozen=True)
class DbtNode:
    """A dbt node of the invocation: the k of N that dbt counts, its type and name."""

    index: int
    total: int
    resource_type: str
    name: str


@dataclass(frozen=True)
class DbtNodeStarted(DbtNode):
    pass


@dataclass(frozen=True)
class DbtNodeFinished(DbtNode):
    status: str
    seconds: float


@dataclass(frozen=True)
class SuiteChecked:
    suite: str
    passed: int
    failed: int


@dataclass(frozen=True)
class PublishStarted:
    pass


@dataclass(frozen=True)
class Published:
    marts: int


@dataclass(frozen=True)
class StepFailed:
    """A step's one-line reason for failing, said as it fails: the command's record of it
    when the run's records cannot be written (a full disk that holds them too)."""

    reason: str


Event = (
    RunStarted
    | IngestStarted
    | Ingested
    | DbtNodeStarted
    | DbtNodeFinished
    | SuiteChecked
    | PublishStarted
    | Published
    | StepFailed
)


def doing(event: Event) -> str | None:
    """What the run is doing once `event` is said, in the words of a failure line."""
    if isinstance(event, IngestStarted | Ingested):
        return f"ingesting {event.source}"
    if isinstance(event, DbtNode):
        return "building the dbt models"
    if isinstance(event, SuiteChecked):
        return "checking the marts"
    if isinstance(event, PublishStarted | Published):
        return "publishing the marts"
    return None


# The logger of the progress events, and the attribute of a record that holds its event.
LOGGER_NAME = "campaign_warehouse.progress"
EVENT_ATTRIBUTE = "progress_event"


def emit(event: Event) -> None:
    """Log `event` on the progress logger, for the handlers attached to it."""
    logging.getLogger(LOGGER_NAME).info("%s", type(event).__name__, extra={EVENT_ATTRIBUTE: event})


def event_of(record: logging.LogRecord) -> Event | None:
    """The progress event a log record carries, if it carries one."""
    return getattr(record, EVENT_ATTRIBUTE, None)


def dbt_event(raw: Mapping[str, Any]) -> DbtNodeStarted | DbtNodeFinished | None:
    """A dbt node starting or finished, from one of dbt's JSON log events (`--log-format
    json`): `LogStartLine`, and the `Log<Kind>Result` events, which carry index and total."""
    info, data = raw.get("info") or {}, raw.get("data") or {}
    name = str(info.get("name", ""))
    if not (name == "LogStartLine" or (name.startswith("Log") and name.endswith("Result"))):
        return None
    index, total = data.get("index"), data.get("total", data.get("num_models"))
    if not isinstance(index, int) or not isinstance(total, int):
        return None
    node = data.get("node_info") or {}
    resource_type = str(node.get("resource_type") or "node")
    node_name = str(node.get("node_name") or data.get("name") or data.get("description") or "")
    if name == "LogStartLine":
        return DbtNodeStarted(index, total, resource_type, node_name)
    seconds = data.get("execution_time")
    return DbtNodeFinished(
        index,
        total,
        resource_type,
        node_name,
        str(data.get("status") or node.get("node_status") or ""),
        float(seconds) if isinstance(seconds, int | float) else 0.0,
    )
