"""Integrity of `mart_campaign_branches`: bounds, blocking."""

from __future__ import annotations

import great_expectations as gx
import great_expectations.expectations as gxe

from expectations.runner import make_suite, rule

SUITE_NAME = "mart_campaign_branches"

FRAME_SQL = """
select campaign_id, step_id, branch_label, contacts
from marts.mart_campaign_branches
"""


def build_suite() -> gx.ExpectationSuite:
    """A branch's contacts are not negative."""
    return make_suite(
        SUITE_NAME,
        [
            rule(
                gxe.ExpectColumnValuesToBeBetween(column="contacts", min_value=0),
                name="contacts_not_negative",
                severity="error",
                description="A branch's contacts are not negative.",
            ),
        ],
    )
