"""A failed run posts an alert to a webhook (Slack, Teams, PagerDuty's Events API, or any
service that takes a JSON POST), so nobody has to watch the UI to learn a night failed.

The URL comes from `CW_ALERT_WEBHOOK_URL`; without it the sensor skips. The body is JSON with
`text` (one line for a chat channel) and the run's id, job, arrival-date range and failed
steps with their reasons, the same reasons `campaign-warehouse run` prints.
"""

from __future__ import annotations

import json
import os
import urllib.request
from typing import Any

import dagster as dg

from orchestration.shared.failures import failed_steps
from orchestration.shared.partitions import PARTITION_TAG, RANGE_END_TAG, RANGE_START_TAG

ALERT_WEBHOOK_ENV = "CW_ALERT_WEBHOOK_URL"
# Long enough for a slow chat service, short enough not to hold the sensor daemon.
_POST_TIMEOUT_SECONDS = 10


def alert_payload(
    run_id: str, job_name: str, tags: dict[str, str], failures: list[tuple[str, str]]
) -> dict[str, Any]:
    """The JSON body of the alert of one failed run."""
    start = tags.get(RANGE_START_TAG) or tags.get(PARTITION_TAG) or ""
    end = tags.get(RANGE_END_TAG) or tags.get(PARTITION_TAG) or ""
    dates = f"arrival dates {start}..{end}" if start else "no arrival dates"
    first = f": {failures[0][0]}: {failures[0][1]}" if failures else ""
    return {
        "text": f"campaign-warehouse run FAILED ({job_name}, {dates}){first}",
        "run_id": run_id,
        "job": job_name,
        "arrival_dates": [start, end] if start else [],
        "failures": [{"step": step, "reason": reason} for step, reason in failures],
    }


def post_json(url: str, payload: dict[str, Any]) -> int:
    """POST `payload` as JSON to `url`; returns the HTTP status (raises on an HTTP error)."""
    if not url.startswith(("http://", "https://")):
        # urllib would also open file: and ftp: URLs.
        raise ValueError(f"{ALERT_WEBHOOK_ENV}={url!r}: give an http(s) URL")
    request = urllib.request.Request(
        url,
        data=json.dumps(payload).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=_POST_TIMEOUT_SECONDS) as response:
        return int(response.status)


@dg.run_failure_sensor(
    name="alert_on_run_failure",
    default_status=dg.DefaultSensorStatus.RUNNING,
    description=f"Posts each failed run to the webhook in ${ALERT_WEBHOOK_ENV}.",
)
def alert_on_run_failure(context: dg.RunFailureSensorContext) -> dg.SkipReason | None:
    url = os.environ.get(ALERT_WEBHOOK_ENV, "")
    if not url:
        return dg.SkipReason(f"{ALERT_WEBHOOK_ENV} is not set: no alert sent")
    run = context.dagster_run
    events = [*context.get_step_failure_events(), context.failure_event]
    payload = alert_payload(run.run_id, run.job_name, dict(run.tags), failed_steps(events))
    status = post_json(url, payload)
    context.log.info(f"alert for run {run.run_id} posted: HTTP {status}")
    return None
