"""The simulator depends on nothing of the pipeline: only on the landing contract as data."""

from __future__ import annotations

import subprocess
import sys


def test_the_simulator_imports_only_the_contract() -> None:
    # A fresh interpreter: in this one the pipeline is already imported by other tests.
    probe = (
        "import sys, landing_simulator; "
        "print(' '.join(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('orchestration', 'expectations', 'contract', 'dagster', 'dagster_dbt', 'dbt', "
        "'great_expectations'))))"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout.split()
    assert out == ["contract", "contract.sources"]
