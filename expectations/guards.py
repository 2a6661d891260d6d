"""A guard: the asset it guards, what it reads, and its rules; one SQL builder per rule kind.

`frame_sql(guard)` builds the small frame the suite validates, one row per partition of the
guarded asset (a campaign, a workspace and day, a source, ...), and `build_suite(guard)` one
expectation per rule, in the order declared:

- row rules and partition sums are columns counting the partition's rows that break them,
  expected 0;
- each agreement is a pair of per-partition totals, one from the guarded asset and one from
  the other mart, both coalesced to 0 after a FULL OUTER JOIN (NULL-safe on the partition
  columns) so a partition missing on either side fails; expected equal, or the guarded one at
  most the other.

The frame stays small even for a large mart (`mart_execution_history`), and GX's pandas
datasource validates it. Identifiers (schema, tables, columns) come from the declarations and
are quoted.
"""

from __future__ import annotations

from dataclasses import dataclass

import great_expectations as gx
import great_expectations.expectations as gxe

from expectations.rules import FLOAT_TOLERANCE, Agreement, Measure, PartitionSum, RowRule, Rule
from expectations.runner import make_suite, rule

SCHEMA = "marts"


@dataclass(frozen=True)
class Guard:
    """The rules `asset` must satisfy, counted per `partition`.

    `parameters` names the bind parameters its rules use (`$as_of`, ...), supplied when the
    frame is built. `waits_for_reads`: the checks run after the marts the agreements read,
    unless those are built from the guarded asset (the summary from the facts): a blocking
    check must not wait on what its result may hold back.
    """

    asset: str
    partition: tuple[str, ...]
    rules: tuple[Rule, ...]
    parameters: tuple[str, ...] = ()
    waits_for_reads: bool = True

    @property
    def reads(self) -> tuple[str, ...]:
        """The other marts the agreements read, in declaration order."""
        others = (r.other for r in self.rules if isinstance(r, Agreement))
        return tuple(dict.fromkeys(others))

    @property
    def partition_label(self) -> str:
        return ", ".join(self.partition)


def ident(name: str) -> str:
    """A quoted SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


def table(name: str) -> str:
    return f"{ident(SCHEMA)}.{ident(name)}"


def violation_column(rule_name: str) -> str:
    """The frame column counting a partition's rows that break `rule_name`."""
    return f"rows_breaking_{rule_name}"


def agreement_columns(agreement: Agreement) -> tuple[str, str]:
    """The frame's two totals of `agreement`: the guarded asset's, then the other mart's."""
    return f"{agreement.name}__guarded", f"{agreement.name}__{agreement.other}"


def _total_column(rule_: PartitionSum) -> str:
    return f"{rule_.name}__group_total"


def _select(columns: list[str], indent: str = "        ") -> str:
    return (",\n" + indent).join(columns)


def _grouped(name: str, columns: list[str], source: str, keys: list[str]) -> str:
    """A CTE aggregating `source` per partition."""
    return (
        f"{name} as (\n    select\n        {_select(columns)}\n"
        f"    from {source}\n    group by {', '.join(keys)}\n)"
    )


# One builder per kind of rule: the column(s) it adds to the frame.


def _row_rule_count(rule_: RowRule | PartitionSum) -> str:
    """Row rules and partition sums: the partition's rows that break the rule."""
    if isinstance(rule_, RowRule):
        predicate = rule_.predicate
    else:
        # A tolerance: the shares are DOUBLE sums whose order is not fixed.
        total = ident(_total_column(rule_))
        predicate = f"abs({total} - {rule_.total!r}) > {FLOAT_TOLERANCE!r}"
    return f"count(*) filter (where {predicate}) as {ident(violation_column(rule_.name))}"


def _partition_sum_window(rule_: PartitionSum) -> str:
    """A partition sum's group total, on each guarded row (0 when all its values are NULL)."""
    over = ", ".join(ident(c) for c in rule_.over)
    column = ident(rule_.column)
    return f"coalesce(sum({column}) over (partition by {over}), 0) as {ident(_total_column(rule_))}"


def _measure(measure: Measure, alias: str) -> str:
    """An agreement's side: its per-partition total."""
    value = "count(*)" if measure.column is None else f"sum({ident(measure.column)})"
    if measure.where:
        value += f" filter (where {measure.where})"
    return f"cast(coalesce({value}, 0) as bigint) as {ident(alias)}"


def _full_outer_join(keys: list[str], sides: list[str]) -> tuple[list[str], str]:
    """The partition keys and FROM clause joining every side's per-partition totals.

    FULL OUTER, NULL-safe on the keys, each later side matched on the keys coalesced over the
    sides before it: a partition present on any one side is a row of the frame.
    """

    def key(column: str, joined: list[str]) -> str:
        if len(joined) == 1:
            return f"{joined[0]}.{column}"
        return f"coalesce({', '.join(f'{side}.{column}' for side in joined)})"

    clause = f"from {sides[0]}"
    for index, side in enumerate(sides[1:], start=1):
        on = "\n    and ".join(
            f"{key(k, sides[:index])} is not distinct from {side}.{k}" for k in keys
        )
        clause += f"\nfull outer join {side}\n    on {on}"
    return [f"{key(k, sides)} as {k}" for k in keys], clause


def frame_sql(guard: Guard) -> str:
    """The guard's frame: one row per partition, a column per row rule, two per agreement.

    Every total is coalesced to 0: a partition missing on one side has nothing there.
    """
    keys = [ident(c) for c in guard.partition]
    counted = [r for r in guard.rules if isinstance(r, RowRule | PartitionSum)]
    windows = [_partition_sum_window(r) for r in guard.rules if isinstance(r, PartitionSum)]
    agreements = [r for r in guard.rules if isinstance(r, Agreement)]

    ctes = [
        f"guarded as (\n    select\n        {_select(['*', *windows])}\n"
        f"    from {table(guard.asset)}\n)"
    ]
    ctes.append(
        _grouped(
            "guarded_totals",
            [
                *keys,
                *(_row_rule_count(r) for r in counted),
                *(_measure(a.measure, agreement_columns(a)[0]) for a in agreements),
            ],
            "guarded",
            keys,
        )
    )
    sides = {"guarded_totals": "guarded_totals"}
    for index, other in enumerate(guard.reads):
        sides[other] = f"other_{index}"
        measures = [
            _measure(a.other_measure, agreement_columns(a)[1])
            for a in agreements
            if a.other == other
        ]
        ctes.append(_grouped(sides[other], [*keys, *measures], table(other), keys))

    selected, from_clause = _full_outer_join(keys, list(sides.values()))
    for r in counted:
        column = ident(violation_column(r.name))
        selected.append(f"coalesce(guarded_totals.{column}, 0) as {column}")
    for a in agreements:
        mine, theirs = (ident(c) for c in agreement_columns(a))
        selected.append(f"coalesce(guarded_totals.{mine}, 0) as {mine}")
        selected.append(f"coalesce({sides[a.other]}.{theirs}, 0) as {theirs}")
    separator = ",\n\n"
    return (
        f"with\n\n{separator.join(ctes)}\n\n"
        f"select\n    {_select(selected, '    ')}\n{from_clause}\n"
    )


def build_suite(guard: Guard) -> gx.ExpectationSuite:
    """One blocking expectation per rule of `guard`, in the order declared."""
    return make_suite(guard.asset, [_expectation(guard, r) for r in guard.rules])


def _expectation(guard: Guard, rule_: Rule) -> gxe.Expectation:
    per = f"Unexpected rows are partitions ({guard.partition_label})."
    if isinstance(rule_, Agreement):
        mine, theirs = agreement_columns(rule_)
        expectation: gxe.Expectation = (
            gxe.ExpectColumnPairValuesAToBeGreaterThanB(
                column_A=theirs, column_B=mine, or_equal=True
            )
            if rule_.at_most
            else gxe.ExpectColumnPairValuesToBeEqual(column_A=mine, column_B=theirs)
        )
    else:
        expectation = gxe.ExpectColumnValuesToBeBetween(
            column=violation_column(rule_.name), max_value=0
        )
    return rule(
        expectation, name=rule_.name, severity="error", description=f"{rule_.description} {per}"
    )
