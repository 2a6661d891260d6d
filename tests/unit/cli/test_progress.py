"""What a run shows while it runs, and the lines its log file keeps."""

from __future__ import annotations

import io
import logging
import os
import subprocess
import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from orchestration.cli.display import PlainReporter, TerminalReporter, showing_progress, strip_ansi
from orchestration.cli.runlog import log_line, output_to_log
from orchestration.shared import progress
from orchestration.shared.progress import (
    DbtNodeFinished,
    DbtNodeStarted,
    Ingested,
    IngestStarted,
    Published,
    RunStarted,
    SuiteChecked,
)

DAY = date(2025, 3, 1)


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def _run_events() -> list[progress.Event]:
    return [
        RunStarted(DAY, DAY, "/w/logs/run.log"),
        IngestStarted("sends", DAY),
        Ingested("sends", DAY, 5012, 5000, 12, 0.122),
        DbtNodeStarted(1, 3, "model", "stg_sends"),
        DbtNodeFinished(1, 3, "model", "stg_sends", "OK", 1.25),
        DbtNodeFinished(2, 3, "test", "not_null_stg_sends_id", "pass", 0.2),
        DbtNodeFinished(3, 3, "test", "assert_sends_known", "warn", 0.3),
        SuiteChecked("mart_campaign_summary", 14, 0),
        SuiteChecked("fct_messages", 2, 1),
        Published(15),
    ]


def test_plain_output_is_one_line_per_step_in_order_without_control_characters() -> None:
    out, clock = io.StringIO(), FakeClock()
    reporter = PlainReporter(out, clock)
    for seconds, event in enumerate(_run_events()):
        clock.now = 61.0 * max(seconds - 1, 0)
        reporter(event)
    reporter.close()

    assert out.getvalue().splitlines() == [
        "00:00:00 run of arrival dates 2025-03-01..2025-03-01 started, log: /w/logs/run.log",
        "00:01:01 ingest sends 2025-03-01: 5,000 rows, 12 quarantined (41,082 rows/s)",
        "00:03:03 dbt 1/3 model stg_sends: ok (1.2s)",
        "00:05:05 dbt 3/3 test assert_sends_known: warn (0.3s)",
        "00:06:06 dbt: 3 nodes done (1 ok, 1 pass, 1 warn)",
        "00:06:06 checks mart_campaign_summary: 14 expectations, passed",
        "00:07:07 checks fct_messages: 3 expectations, 1 FAILED",
        "00:08:08 checks: 1 suite passed, 1 FAILED",
        "00:08:08 published 15 marts",
    ]
    assert not any(ord(c) < 32 and c != "\n" for c in out.getvalue())


def test_the_terminal_rewrites_one_status_line_and_clears_it_at_the_end() -> None:
    out, clock = io.StringIO(), FakeClock()
    reporter = TerminalReporter(out, clock, width=200)
    reporter(IngestStarted("sends", DAY))
    clock.now = 3725.0
    reporter(DbtNodeStarted(12, 140, "model", "int_messages"))
    reporter.close()

    text = out.getvalue()
    assert "\r\x1b[K[00:00:00] ingest sends 2025-03-01 ..." in text
    assert "\r\x1b[K[01:02:05] dbt 12/140 model int_messages ..." in text
    assert "\n" not in text.replace("\r\x1b[K", "")  # one line, rewritten
    assert text.endswith("\r\x1b[K")


def test_dbt_json_events_give_node_k_of_n() -> None:
    start = {
        "info": {"name": "LogStartLine", "level": "info"},
        "data": {
            "index": 12,
            "total": 140,
            "description": "sql table model intermediate.int_messages",
            "node_info": {"node_name": "int_messages", "resource_type": "model"},
        },
    }
    test_result = {
        "info": {"name": "LogTestResult", "level": "warn"},
        "data": {
            "index": 13,
            "num_models": 140,
            "status": "warn",
            "execution_time": 0.5,
            "name": "assert_x",
            "node_info": {"node_name": "assert_x", "resource_type": "test"},
        },
    }
    assert progress.dbt_event(start) == DbtNodeStarted(12, 140, "model", "int_messages")
    assert progress.dbt_event(test_result) == DbtNodeFinished(
        13, 140, "test", "assert_x", "warn", 0.5
    )
    assert progress.dbt_event({"info": {"name": "MainReportVersion"}, "data": {}}) is None
    assert progress.dbt_event({"info": {"name": "LogModelResult"}, "data": {}}) is None


def test_a_failing_reporter_never_reaches_the_run() -> None:
    heard: list[progress.Event] = []

    def broken(event: progress.Event) -> None:
        raise ValueError("cannot format")

    with showing_progress(broken), showing_progress(heard.append):
        progress.emit(Published(3))
    progress.emit(Published(4))  # nobody listens any more
    assert heard == [Published(3)]


def test_showing_progress_leaves_the_logger_as_it_found_it() -> None:
    logger = logging.getLogger(progress.LOGGER_NAME)
    before = (logger.level, logger.propagate, list(logger.handlers))
    with showing_progress(lambda event: None):
        assert logger.isEnabledFor(logging.INFO) and not logger.propagate
    assert (logger.level, logger.propagate, list(logger.handlers)) == before


def test_progress_is_a_log_record_carrying_its_event(caplog: pytest.LogCaptureFixture) -> None:
    # Any logging handler listens: the event travels in the record, not in a listener list.
    with caplog.at_level(logging.INFO, logger=progress.LOGGER_NAME):
        progress.emit(Published(3))
    (record,) = [r for r in caplog.records if r.name == progress.LOGGER_NAME]
    assert progress.event_of(record) == Published(3)
    assert record.getMessage() == "Published"


def test_ansi_codes_and_control_characters_are_stripped() -> None:
    coloured = "\x1b[32mOK\x1b[0m created \x1b[1;31mmodel\x1b[0m\x07\tdone"
    assert strip_ansi(coloured) == "OK created model\tdone"


def test_a_log_line_has_one_utc_time_and_no_colours() -> None:
    moment = datetime(2025, 3, 1, 12, 0, 0, 123456, tzinfo=UTC)
    dagster = (
        "2025-03-01 12:00:00 +0000 - dagster - \x1b[34mINFO\x1b[0m - job - run - step - hello\n"
    )
    assert log_line(dagster, moment) == (
        "2025-03-01T12:00:00.123Z dagster - INFO - job - run - step - hello"
    )
    assert log_line("10% done\r50% done\r100% done\r\n", moment) == (
        "2025-03-01T12:00:00.123Z 100% done"
    )


def test_everything_written_during_a_run_lands_stamped_in_the_log(tmp_path: Path) -> None:
    log = tmp_path / "logs" / "run.log"
    # Descriptors, not `print`: pytest swaps `sys.stdout` for its own capture.
    with output_to_log(log):
        os.write(1, b"from python\n")
        os.write(2, b"\x1b[31mto stderr\x1b[0m\n")
        subprocess.run([sys.executable, "-c", "print('from a child')"], check=True)
        os.write(1, b"no newline at the end")

    lines = log.read_text().splitlines()
    assert [line.split(" ", 1)[1] for line in lines] == [
        "from python",
        "to stderr",
        "from a child",
        "no newline at the end",
    ]
    for line in lines:
        datetime.strptime(line.split(" ", 1)[0], "%Y-%m-%dT%H:%M:%S.%fZ")
    os.write(1, b"the terminal is back\n")  # fd 1 restored: the log no longer takes it
    assert "the terminal is back" not in log.read_text()


def test_a_child_that_outlives_the_run_neither_holds_up_the_log_nor_loses_a_line(
    tmp_path: Path,
) -> None:
    log = tmp_path / "logs" / "run.log"
    # A child that inherits the descriptors and lives on, as Dagster's log-capture helpers do:
    # the pipe never closes while it lives.
    lingering: subprocess.Popen[bytes] | None = None
    try:
        started = time.monotonic()
        with output_to_log(log):
            lingering = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
            os.write(1, b"the last line\n")
        assert time.monotonic() - started < 5
    finally:
        if lingering is not None:
            lingering.kill()
            lingering.wait()
    assert [line.split(" ", 1)[1] for line in log.read_text().splitlines()] == ["the last line"]


def test_the_status_line_never_wraps() -> None:
    out = io.StringIO()
    reporter = TerminalReporter(out, FakeClock(), width=30)
    reporter(DbtNodeStarted(1, 300, "test", "unique_combination_of_columns_mart_x_a__b__c"))
    assert out.getvalue() == "\r\x1b[K[00:00:00] dbt 1/300 test uni"  # one column short of 30
