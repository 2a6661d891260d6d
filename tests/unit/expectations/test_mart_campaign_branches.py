from __future__ import annotations

import duckdb
import pytest

from expectations import mart_campaign_branches
from expectations.guards import build_suite, frame_sql
from expectations.runner import SuiteOutcome, run_suite
from tests.unit.expectations.support import assert_fails_only, assert_passes, create_table

TABLE = "marts.mart_campaign_branches"


@pytest.fixture
def branches(connection: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    rows = [
        {"campaign_id": "c1", "step_id": "logic1", "branch_label": "yes", "contacts": 40},
        {"campaign_id": "c1", "step_id": "logic1", "branch_label": "no", "contacts": 20},
        {"campaign_id": "c2", "step_id": "logic1", "branch_label": "yes", "contacts": 0},
    ]
    create_table(connection, TABLE, rows)
    return connection


def _validate(connection: duckdb.DuckDBPyConnection) -> SuiteOutcome:
    frame = connection.execute(frame_sql(mart_campaign_branches.GUARD)).df()
    return run_suite(build_suite(mart_campaign_branches.GUARD), frame)


def test_clean_branches_pass(branches: duckdb.DuckDBPyConnection) -> None:
    assert_passes(_validate(branches))


BREAKS = [
    (f"update {TABLE} set contacts = -5 where branch_label = 'no'", "contacts_not_negative"),
]


@pytest.mark.parametrize(("statement", "expected"), BREAKS, ids=[b[1] for b in BREAKS])
def test_broken_branches_fail_on_the_intended_expectation(
    branches: duckdb.DuckDBPyConnection, statement: str, expected: str
) -> None:
    branches.execute(statement)
    outcome = _validate(branches)
    assert_fails_only(outcome, expected)
    assert outcome.blocks
