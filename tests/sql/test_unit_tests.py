"""The dbt unit tests (status resolution, timeout, attribution, contact status, exclusion,
dating) pass on the empty build: they check the SQL, not the data, so they run here once and
not in every pipeline run."""

from __future__ import annotations

import re
from pathlib import Path

# One line `k of N PASS <model>::<unit test>` per unit test.
_UNIT_TEST_PASSED = re.compile(r"\d+ of \d+ PASS (\S+::\S+)")
UNIT_TESTS = 20


def test_every_dbt_unit_test_passes(empty_build: Path) -> None:
    log = (empty_build / "build.log").read_text()
    passed = _UNIT_TEST_PASSED.findall(log)
    assert len(passed) == UNIT_TESTS, log[-3000:]
    assert len(set(passed)) == len(passed)


def test_the_build_ran_every_model_and_data_test_on_empty_inputs(empty_build: Path) -> None:
    log = (empty_build / "build.log").read_text()
    # The summary line: nothing failed, warned or was skipped.
    summary = re.search(r"PASS=(\d+) WARN=(\d+) ERROR=(\d+) SKIP=(\d+)", log)
    assert summary is not None, log[-3000:]
    passed, warned, failed, skipped = (int(n) for n in summary.groups())
    assert (warned, failed, skipped) == (0, 0, 0)
    assert passed > UNIT_TESTS
