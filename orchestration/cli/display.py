"""The run's progress on the terminal: one line per step, or one status line that updates.

`campaign-warehouse run` attaches a handler to the progress logger
(`orchestration.shared.progress`) for the run's duration, `showing_progress`, which hands each
event to a `PlainReporter` (one line per step, for cron and CI) or a `TerminalReporter` (one
status line rewritten in place). Progress is a courtesy: a reporter that fails is ignored and
never fails the run.
"""

from __future__ import annotations

import logging
import re
import shutil
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TextIO

from orchestration.shared.progress import (
    LOGGER_NAME,
    DbtNode,
    DbtNodeFinished,
    DbtNodeStarted,
    Event,
    Ingested,
    IngestStarted,
    Published,
    RunStarted,
    SuiteChecked,
    event_of,
)

# CSI sequences (colours, cursor moves) and the two-character escapes; what a log must not hold.
_ANSI = re.compile(r"\x1b(?:\[[0-9;?]*[ -/]*[@-~]|[@-Z\\-_])")
# Any other control character but the tab: a stray `\r` would hide a line in `less`.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def strip_ansi(text: str) -> str:
    """`text` without terminal escape sequences or control characters (tabs stay)."""
    return _CONTROL.sub("", _ANSI.sub("", text))


def phase(event: Event) -> str:
    if isinstance(event, RunStarted):
        return "start"
    if isinstance(event, IngestStarted | Ingested):
        return "ingest"
    if isinstance(event, DbtNode):
        return "dbt"
    if isinstance(event, SuiteChecked):
        return "checks"
    return "publish"


def _rate(rows: int, seconds: float) -> str:
    return f"{rows / seconds:,.0f} rows/s" if seconds > 0 else "instant"


def describe(event: Event) -> str | None:
    """The plain line of a finished step, without its time; None for a step that starts."""
    if isinstance(event, RunStarted):
        return f"run of arrival dates {event.start}..{event.end} started, log: {event.log_file}"
    if isinstance(event, Ingested):
        quarantined = f", {event.rows_quarantined:,} quarantined" if event.rows_quarantined else ""
        return (
            f"ingest {event.source} {event.arrival_date}: {event.rows_loaded:,} rows"
            f"{quarantined} ({_rate(event.rows_read, event.seconds)})"
        )
    if isinstance(event, DbtNodeFinished):
        return (
            f"dbt {event.index}/{event.total} {event.resource_type} {event.name}: "
            f"{event.status.lower()} ({event.seconds:.1f}s)"
        )
    if isinstance(event, SuiteChecked):
        verdict = f"{event.failed} FAILED" if event.failed else "passed"
        return f"checks {event.suite}: {event.passed + event.failed} expectations, {verdict}"
    if isinstance(event, Published):
        return f"published {event.marts} marts"
    return None


def status(event: Event) -> str:
    """The terminal's status line for any event, a step that starts included."""
    if isinstance(event, IngestStarted):
        return f"ingest {event.source} {event.arrival_date} ..."
    if isinstance(event, DbtNodeStarted):
        return f"dbt {event.index}/{event.total} {event.resource_type} {event.name} ..."
    return describe(event) or ""


def clock(seconds: float) -> str:
    """Elapsed time as HH:MM:SS."""
    whole = int(seconds)
    return f"{whole // 3600:02d}:{whole % 3600 // 60:02d}:{whole % 60:02d}"


class _Reporter:
    """Counts the checks, so the end of the checks phase can say how many suites passed."""

    def __init__(self, stream: TextIO, now: Callable[[], float] = time.monotonic) -> None:
        self._stream = stream
        self._now = now
        self._started = now()
        self._phase: str | None = None
        self._suites_passed = 0
        self._suites_failed = 0
        self._dbt_statuses: Counter[str] = Counter()

    def _elapsed(self) -> str:
        return clock(self._now() - self._started)

    def _phase_over(self, new_phase: str | None) -> str | None:
        """The line closing the dbt or the checks phase, when the run leaves it."""
        old_phase, self._phase = self._phase, new_phase
        if old_phase == new_phase:
            return None
        if old_phase == "dbt" and self._dbt_statuses:
            done = sum(self._dbt_statuses.values())
            statuses = ", ".join(f"{n} {s}" for s, n in sorted(self._dbt_statuses.items()))
            return f"dbt: {done} nodes done ({statuses})"
        if old_phase == "checks":
            failed = f", {self._suites_failed} FAILED" if self._suites_failed else ""
            suites = "suite" if self._suites_passed == 1 else "suites"
            return f"checks: {self._suites_passed} {suites} passed{failed}"
        return None

    def _count(self, event: Event) -> None:
        if isinstance(event, DbtNodeFinished):
            self._dbt_statuses[event.status.lower() or "done"] += 1
        if isinstance(event, SuiteChecked):
            if event.failed:
                self._suites_failed += 1
            else:
                self._suites_passed += 1


def _is_passing_test(event: Event) -> bool:
    return (
        isinstance(event, DbtNodeFinished)
        and event.resource_type == "test"
        and event.status.lower() == "pass"
    )


class PlainReporter(_Reporter):
    """One line per finished step, `HH:MM:SS <step>` (time since the run started), no
    control characters: what cron mails and CI shows. dbt's passing tests (most of a
    build's nodes) are only counted, in the line that closes the dbt phase."""

    def __call__(self, event: Event) -> None:
        closing = self._phase_over(phase(event))
        self._count(event)
        if closing:
            self._write(closing)
        line = describe(event)
        if line and not _is_passing_test(event):
            self._write(line)

    def close(self) -> None:
        closing = self._phase_over(None)
        if closing:
            self._write(closing)

    def _write(self, line: str) -> None:
        self._stream.write(f"{self._elapsed()} {strip_ansi(line)}\n")
        self._stream.flush()


class TerminalReporter(_Reporter):
    """One status line, rewritten in place at each event: `[HH:MM:SS] <phase> <step>`.

    The end of the checks phase stays on screen as a line of its own; `close()` clears the
    status line so the summary starts on a clean line.
    """

    def __init__(
        self, stream: TextIO, now: Callable[[], float] = time.monotonic, width: int | None = None
    ) -> None:
        super().__init__(stream, now)
        # A line longer than the terminal would wrap, and `\r` would rewrite only its tail.
        self._width = width or shutil.get_terminal_size((100, 24)).columns

    def __call__(self, event: Event) -> None:
        closing = self._phase_over(phase(event))
        self._count(event)
        if closing:
            self._show(closing)
            self._stream.write("\n")
        self._show(status(event))

    def close(self) -> None:
        closing = self._phase_over(None)
        if closing:
            self._show(closing)
            self._stream.write("\n")
        self._stream.write("\r\x1b[K")
        self._stream.flush()

    def _show(self, text: str) -> None:
        line = f"[{self._elapsed()}] {strip_ansi(text)}"[: self._width - 1]
        self._stream.write(f"\r\x1b[K{line}")
        self._stream.flush()


Reporter = Callable[[Event], None]


class ProgressHandler(logging.Handler):
    """Hands the event of each progress record to a reporter."""

    def __init__(self, reporter: Reporter) -> None:
        super().__init__(logging.INFO)
        self._reporter = reporter

    def emit(self, record: logging.LogRecord) -> None:
        event = event_of(record)
        if event is None:
            return
        try:
            self._reporter(event)
        except Exception:  # progress must never fail a run
            return


@contextmanager
def showing_progress(reporter: Reporter) -> Iterator[None]:
    """Hand the progress events to `reporter` for the block: a handler on the progress logger,
    which is opened to INFO meanwhile and kept from propagating (progress is for the
    terminal, not for the run's log). The logger is left as it was found."""
    logger = logging.getLogger(LOGGER_NAME)
    handler = ProgressHandler(reporter)
    level, propagate = logger.level, logger.propagate
    logger.setLevel(logging.INFO)
    logger.propagate = False
    logger.addHandler(handler)
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
        logger.propagate = propagate
