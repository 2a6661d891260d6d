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


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Each test is marked with its tier, the folder of tests/ it is in (`-m e2e`)."""
    root = Path(__file__).parent
    for item in items:
        tier = item.path.relative_to(root).parts[0]
        if tier not in TIERS:
            raise pytest.UsageError(f"{item.nodeid}: a test belongs in one of tests/{TIERS}")
        item.add_marker(tier)
