"""The run-failure alert: a failed run posts its reason to the configured webhook."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import dagster as dg
import pytest

from orchestration.definitions import defs
from orchestration.schedules.alerts import ALERT_WEBHOOK_ENV, alert_on_run_failure, post_json
from orchestration.shared.partitions import RANGE_END_TAG, RANGE_START_TAG


class _Webhook(HTTPServer):
    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Receiver)
        self.received: list[tuple[str, dict[str, Any]]] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/hooks/night"


class _Receiver(BaseHTTPRequestHandler):
    server: _Webhook

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.server.received.append((self.headers["Content-Type"], json.loads(body)))
        self.send_response(204)
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:  # quiet test output
        return


@pytest.fixture
def webhook() -> Iterator[_Webhook]:
    server = _Webhook()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


@dg.op
def publish() -> None:
    raise dg.Failure(description="disk full writing serving.duckdb")


@dg.job
def failing_night() -> None:
    publish()


def _failure_context(instance: dg.DagsterInstance) -> dg.RunFailureSensorContext:
    result = failing_night.execute_in_process(
        instance=instance,
        raise_on_error=False,
        tags={RANGE_START_TAG: "2025-03-01", RANGE_END_TAG: "2025-03-02"},
    )
    assert not result.success
    return dg.build_run_status_sensor_context(
        sensor_name=alert_on_run_failure.name,
        dagster_event=result.get_run_failure_event(),
        dagster_instance=instance,
        dagster_run=result.dagster_run,
    ).for_run_failure()


def test_a_failed_run_posts_its_reason_to_the_webhook(
    webhook: _Webhook, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(ALERT_WEBHOOK_ENV, webhook.url)
    with dg.DagsterInstance.ephemeral() as instance:
        context = _failure_context(instance)
        alert_on_run_failure(context)
        run_id = context.dagster_run.run_id

    assert len(webhook.received) == 1
    content_type, body = webhook.received[0]
    assert content_type == "application/json"
    assert body == {
        "text": (
            "campaign-warehouse run FAILED (failing_night, arrival dates "
            "2025-03-01..2025-03-02): step publish: disk full writing serving.duckdb"
        ),
        "run_id": run_id,
        "job": "failing_night",
        "arrival_dates": ["2025-03-01", "2025-03-02"],
        "failures": [{"step": "step publish", "reason": "disk full writing serving.duckdb"}],
    }


def test_without_a_webhook_the_sensor_skips_and_posts_nothing(
    webhook: _Webhook, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(ALERT_WEBHOOK_ENV, raising=False)
    with dg.DagsterInstance.ephemeral() as instance:
        outcome = alert_on_run_failure(_failure_context(instance))
    assert isinstance(outcome, dg.SkipReason)
    assert webhook.received == []


def test_only_an_http_url_is_posted_to() -> None:
    with pytest.raises(ValueError, match="give an http"):
        post_json("file:///etc/passwd", {})


def test_the_alert_sensor_and_the_schedule_are_on_when_the_code_loads() -> None:
    sensor = defs.resolve_sensor_def(alert_on_run_failure.name)
    assert sensor.default_status == dg.DefaultSensorStatus.RUNNING
    schedule = defs.resolve_schedule_def("ingest_transform_publish_job_schedule")
    assert schedule.default_status == dg.DefaultScheduleStatus.RUNNING
