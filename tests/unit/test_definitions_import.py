"""Importing the code location runs nothing: no dbt parse, no process, no environment change,
no logging filter."""

from __future__ import annotations

import os
import subprocess
import sys

from orchestration import paths
from tests import REPOSITORY

IMPORT_AND_WATCH = """
import os, subprocess

# The libraries first: what their own imports do is theirs (dagster's runs `file -b`).
import dagster, dagster_dbt, duckdb, great_expectations, pandas  # noqa: F401, E401

before = dict(os.environ)
import logging  # noqa: E402



def logging_filters():
    loggers = logging.Logger.manager.loggerDict.items()
    return {n: list(lg.filters) for n, lg in loggers if isinstance(lg, logging.Logger)}


filters_before = logging_filters()


def refuse(*args, **kwargs):
    raise AssertionError(f"importing the definitions started a process: {args}")


subprocess.Popen = refuse  # subprocess.run and check_output go through it
import orchestration.definitions  # noqa: E402

changed = set(os.environ.items()) ^ set(before.items())
assert not changed, f"importing the definitions changed the environment: {changed}"
added = {n: f for n, f in logging_filters().items() if f and f != filters_before.get(n, [])}
assert not added, f"importing the definitions added logging filters: {added}"
"""


def _import_definitions(**extra: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CW_", "DAGSTER_IS_DEV"))}
    return subprocess.run(
        [sys.executable, "-c", IMPORT_AND_WATCH],
        env={**env, **extra},
        cwd=REPOSITORY,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_importing_the_definitions_starts_no_process_and_sets_no_variable() -> None:
    outcome = _import_definitions()
    assert outcome.returncode == 0, outcome.stderr[-2000:]


def test_the_check_would_see_a_process_started_at_import() -> None:
    # Under `dagster dev` a stale manifest is parsed at import (as `prepare_if_dev` does): the
    # same watch then fails, so it is not blind. A manifest made stale by a newer model file.
    model = paths.DBT_PROJECT_DIR / "models" / "marts" / "reports" / "mart_campaign_summary.sql"
    manifest = paths.DBT_PROJECT_DIR / "target" / "manifest.json"
    stat = manifest.stat()
    os.utime(manifest, (stat.st_atime, model.stat().st_mtime - 60))
    try:
        outcome = _import_definitions(DAGSTER_IS_DEV_CLI="1")
    finally:
        os.utime(manifest, (stat.st_atime, stat.st_mtime))
    assert outcome.returncode != 0
    assert "started a process" in outcome.stderr
