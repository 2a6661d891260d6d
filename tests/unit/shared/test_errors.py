"""One line an operator can act on, whatever raised."""

from __future__ import annotations

import errno
import sqlite3

import duckdb

from orchestration.shared.errors import PipelineError, explain


def test_a_full_disk_is_named_whoever_reports_it() -> None:
    assert explain(OSError(errno.ENOSPC, "No space left on device"), "writing x") == (
        "disk full writing x"
    )
    duck = duckdb.IOException('Could not write file "a.duckdb": No space left on device')
    assert explain(duck, "writing serving.duckdb") == "disk full writing serving.duckdb"
    sqlite = sqlite3.OperationalError("database or disk is full")
    assert explain(sqlite, "writing Dagster's run records") == (
        "disk full writing Dagster's run records"
    )


def test_a_cause_further_down_counts() -> None:
    try:
        try:
            raise PermissionError(errno.EACCES, "Permission denied")
        except PermissionError as inner:
            raise RuntimeError("wrapped") from inner
    except RuntimeError as outer:
        assert explain(outer, "reading x") == "permission denied reading x"


def test_any_other_error_gives_its_first_line() -> None:
    error = ValueError("first line\nsecond line\nthird")
    assert explain(error, "publishing") == "publishing failed: first line"


def test_an_expected_failure_speaks_for_itself() -> None:
    assert explain(PipelineError("the landing folder /x does not exist"), "x") == (
        "the landing folder /x does not exist"
    )
