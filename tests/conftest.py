"""What every tier shares: the dbt manifest, prepared once, and the built warehouses."""

from __future__ import annotations

from pathlib import Path

import pytest

from orchestration.transform.manifest import prepare_manifest

# The built warehouses (tests/warehouses.py) are fixtures of every tier that asks for them.
pytest_plugins = ["tests.warehouses"]


def pytest_configure(config: pytest.Config) -> None:
    """Importing the Dagster definitions reads the dbt manifest and prepares nothing: prepare
    it before any test module imports them (the CLI does the same before a run)."""
    prepare_manifest()


TIERS = ("unit", "sql", "e2e", "spark")


# The modules whose runs take longest, longest first. They are handed to the xdist workers
# first (dev.py runs pytest with --no-loadscope-reorder, which keeps this order), so that no
# long chain of runs starts last and leaves the other workers idle at the end. A stale list
# costs time, never a result.
LONGEST_FIRST = (
    "spark/test_spark_engine.py",
    "e2e/test_incremental_paths.py",
    "e2e/test_campaign_marts.py",
    "e2e/test_crash_recovery.py",
    "e2e/test_bad_input.py",
    "e2e/test_rerun_and_refresh.py",
    "e2e/test_full_check.py",
    "e2e/test_spill.py",
    "e2e/test_concurrent_runs.py",
    "e2e/test_run_output.py",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Each test is marked with its tier, the folder of tests/ it is in (`-m e2e`), and the
    longest modules come first."""
    root = Path(__file__).parent
    for item in items:
        tier = item.path.relative_to(root).parts[0]
        if tier not in TIERS:
            raise pytest.UsageError(f"{item.nodeid}: a test belongs in one of tests/{TIERS}")
        item.add_marker(tier)

    def rank(item: pytest.Item) -> int:
        module = item.path.relative_to(root).as_posix()
        return LONGEST_FIRST.index(module) if module in LONGEST_FIRST else len(LONGEST_FIRST)

    items.sort(key=rank)


_TIME_IN_TIER: dict[str, float] = {}


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    """Adds up the time of each tier's tests (setup, call and teardown; with xdist the
    controller sees every worker's reports), for the summary below."""
    tier = Path(report.fspath).parts[1] if report.fspath.startswith("tests/") else "other"
    _TIME_IN_TIER[tier] = _TIME_IN_TIER.get(tier, 0.0) + report.duration


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """When tiers run together in one session (dev.py test runs e2e and spark side by side on
    the two workers), the wall time is shared: this prints what each tier's tests took."""
    if _TIME_IN_TIER:
        spent = ", ".join(f"{tier} {seconds:.0f} s" for tier, seconds in _TIME_IN_TIER.items())
        terminalreporter.write_line(f"time in tests per tier (summed over workers): {spent}")
