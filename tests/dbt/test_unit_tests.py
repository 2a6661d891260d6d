"""The dbt unit tests (status resolution, timeout, attribution, contact status, exclusion,
dating) run once here, not in every pipeline run: they check the SQL, not the data."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.dbt.support import copy_scenario_warehouse, run_dbt

pytestmark = pytest.mark.slow


def test_every_dbt_unit_test_passes(published_scenario: Path, tmp_path: Path) -> None:
    # Unit tests read the schema of each model's inputs: a built warehouse, copied.
    working = copy_scenario_warehouse(published_scenario, tmp_path)
    completed = run_dbt(
        published_scenario, working, tmp_path, ["test", "--select", "test_type:unit"]
    )
    assert completed.returncode == 0, completed.stdout[-6000:]
    # One line `k of N PASS <model>::<unit test>` per unit test (the total also counts the
    # on-run-start hook).
    passed = re.findall(r"\d+ of \d+ PASS \S+::\S+", completed.stdout)
    assert len(passed) == 20, completed.stdout[-3000:]
