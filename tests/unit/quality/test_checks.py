"""The checks factory over the declared guards: one check set per guard, parameters known."""

from __future__ import annotations

from expectations.registry import GUARDS
from expectations.thresholds import delivery_window_days
from orchestration.quality.checks import PARAMETERS, mart_checks


def test_one_suite_check_per_guard_named_after_its_asset() -> None:
    assert [c.node_def.name for c in mart_checks] == [f"{g.asset}_suite" for g in GUARDS]


def test_every_parameter_a_guard_names_has_a_source() -> None:
    assert {p for g in GUARDS for p in g.parameters} <= set(PARAMETERS)


def test_the_delivery_window_parameter_is_dbt_s_var() -> None:
    assert PARAMETERS["window_days"](None, None) == delivery_window_days()  # type: ignore[arg-type]
