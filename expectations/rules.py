"""Building blocks of the cross-mart suites: row-rule violation counts and agreements.

Their frames are small aggregates, one row per partition of a mart (a campaign, a workspace and
day, a source, ...), built in DuckDB:

- a row-level rule (no count negative, a rate in [0, 1], ...) is a column counting
  the partition's rows that break it, expected to be 0 (`no_violations`);
- an agreement between two marts is a pair of per-partition sums, each side coalesced to 0 after
  a FULL OUTER JOIN so a partition missing on either side shows up, expected equal (`agree`).

Every rule here blocks publication (`error`): these are the contract's integrity rules.
"""

from __future__ import annotations

from collections.abc import Sequence

import great_expectations.expectations as gxe

from expectations.runner import rule

# Tolerance for sums of DOUBLE shares (summation order is not fixed).
FLOAT_TOLERANCE = 1e-9


def no_violations(column: str, *, name: str, description: str) -> gxe.Expectation:
    """`column` counts a partition's rows that break a rule: it must be 0 everywhere."""
    return rule(
        gxe.ExpectColumnValuesToBeBetween(column=column, max_value=0),
        name=name,
        severity="error",
        description=description,
    )


def agree(column_a: str, column_b: str, *, name: str, description: str) -> gxe.Expectation:
    """Two per-partition totals, one from each side of the join, are equal."""
    return rule(
        gxe.ExpectColumnPairValuesToBeEqual(column_A=column_a, column_B=column_b),
        name=name,
        severity="error",
        description=description,
    )


def negative_predicate(counts: Sequence[str]) -> str:
    """True on a row with a negative count (`least` skips NULLs; dbt tests own not_null)."""
    return f"least({', '.join(counts)}) < 0"


def outside_0_1_predicate(rate: str) -> str:
    """True on a row whose rate is outside [0, 1]; NULL (a base of 0) is allowed."""
    return f"({rate} < 0 or {rate} > 1)"


def count_where(predicate: str, alias: str) -> str:
    """An aggregate counting the group's rows where `predicate` is true."""
    return f"count(*) filter (where {predicate}) as {alias}"
