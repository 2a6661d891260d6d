"""The kinds of rule a mart's guard declares, as data; `guards` turns them into SQL and GX.

- `RowRule`: a predicate true on each row of the guarded asset that breaks it; the frame counts
  such rows per partition, expected 0 everywhere.
- `PartitionSum`: a column summed over groups of the guarded rows equals a total (a stage's
  shares sum to 1); counted like a row rule, on the rows of a group that misses it.
- `Agreement`: per partition, a sum over the guarded rows equals (or stays within) a sum over
  another mart's rows; both sides are coalesced to 0 after a FULL OUTER JOIN, so a partition
  missing on either side shows up.

Predicates and filters are SQL written here in code, over the guarded asset's columns; nothing
from the data is pasted into them. Every rule blocks publication (`error`): these are the
contract's integrity rules.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

# Tolerance for sums of DOUBLE shares (summation order is not fixed).
FLOAT_TOLERANCE = 1e-9


@dataclass(frozen=True)
class RowRule:
    """A rule on each row of the guarded asset: `predicate` is true on a row that breaks it."""

    name: str
    predicate: str
    description: str


@dataclass(frozen=True)
class PartitionSum:
    """`column` summed over each group of rows sharing `over` is `total`, within the tolerance.

    A group whose values are all NULL sums to 0 and fails (unless `total` is 0).
    """

    name: str
    column: str
    over: tuple[str, ...]
    total: float
    description: str


@dataclass(frozen=True)
class Measure:
    """A per-partition total: `sum(column)`, or `count(*)` without a column, over `where`."""

    column: str | None = None
    where: str | None = None


@dataclass(frozen=True)
class Agreement:
    """Per partition, `measure` over the guarded rows equals `other_measure` over `other`'s.

    With `at_most`, the guarded side may be less: it holds a subset of what `other` counts.
    `other` is grouped by the guard's partition columns, which it must have under the same
    names.
    """

    name: str
    measure: Measure
    other: str
    other_measure: Measure
    description: str
    at_most: bool = False


Rule = RowRule | PartitionSum | Agreement


def sql_string(value: str) -> str:
    """A SQL string literal of a constant written in code (a stage name, ...)."""
    return "'" + value.replace("'", "''") + "'"


def no_count_negative(counts: Sequence[str], description: str = "") -> RowRule:
    """No count is negative (`least` skips NULLs: dbt tests own not_null)."""
    return RowRule(
        "no_count_negative",
        f"least({', '.join(counts)}) < 0",
        description or "No count column is negative.",
    )


def within_0_1(rate: str) -> RowRule:
    """A fraction of a population is in [0, 1]; NULL (a base of 0) is allowed."""
    return RowRule(
        f"{rate}_within_0_1",
        f"({rate} < 0 or {rate} > 1)",
        f"{rate} is a fraction of a population, in [0, 1] or NULL.",
    )


def at_most(name: str, part: str, whole: str) -> RowRule:
    """On every row, `part` <= `whole` (SQL expressions over the row's columns)."""
    return RowRule(name, f"{part} > {whole}", f"{part} <= {whole}.")


def adds_up(name: str, parts: Sequence[str], total: str) -> RowRule:
    """On every row, the `parts` sum to `total` (a NULL on either side breaks it)."""
    summed = " + ".join(parts)
    return RowRule(name, f"({summed}) is distinct from {total}", f"{summed} = {total}.")


def sum_agrees(
    name: str, column: str, other: str, other_column: str | None = None, *, description: str
) -> Agreement:
    """Per partition, `column` summed over the guarded rows = `other_column` summed over
    `other`'s rows (the same column name by default)."""
    return Agreement(
        name, Measure(column), other, Measure(other_column or column), description=description
    )
