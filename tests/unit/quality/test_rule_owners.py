"""One owner per rule: grains are dbt's tests, agreements between marts are GX's checks."""

from __future__ import annotations

from typing import Any

import yaml

from expectations.guards import build_suite
from expectations.registry import GUARDS
from orchestration import paths

_GRAIN_TESTS = ("unique", "unique_combination_of_columns")


def _mart_models() -> list[dict[str, Any]]:
    models: list[dict[str, Any]] = []
    for path in sorted((paths.DBT_PROJECT_DIR / "models" / "marts").rglob("*.yml")):
        models.extend(yaml.safe_load(path.read_text()).get("models", []))
    return models


def _test_names(tests: list[Any] | None) -> set[str]:
    return {t if isinstance(t, str) else next(iter(t)) for t in tests or []}


def _has_grain_test(model: dict[str, Any]) -> bool:
    tests = _test_names(model.get("data_tests"))
    for column in model.get("columns", []):
        tests |= _test_names(column.get("data_tests"))
    return any(t in tests for t in _GRAIN_TESTS)


def test_every_guarded_mart_has_its_grain_tested_by_dbt() -> None:
    models = {m["name"]: m for m in _mart_models()}
    for guard in GUARDS:
        if guard.asset.startswith("mart_"):
            assert _has_grain_test(models[guard.asset]), f"{guard.asset} has no dbt unique test"


def test_no_great_expectations_suite_checks_a_grain_again() -> None:
    for guard in GUARDS:
        names = [e.meta["name"] for e in build_suite(guard).expectations]
        assert not [n for n in names if n.endswith("_unique")], guard.asset


def test_no_dbt_singular_test_repeats_an_agreement_between_marts() -> None:
    # Agreements between marts are GX's (expectations/): a singular dbt test on two marts
    # would be a second owner.
    for path in (paths.DBT_PROJECT_DIR / "tests" / "marts").glob("*.sql"):
        refs = path.read_text().count("ref('mart_")
        assert refs <= 1, f"{path.name} compares marts; that is a GX check's job"
