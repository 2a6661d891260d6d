"""The project parses for the Spark target too, semantic layer included: the semantic layer is
queried on DuckDB only, but its time spine is a model of the project and its definitions must
not break the Spark target's parse. (The Spark tier builds and compares the marts.)"""

from __future__ import annotations

import json
from pathlib import Path

from tests.period_metrics import GLOSSARY_RATES, PERIOD_COUNTS
from tests.sql.dbt import run_dbt


def test_the_project_and_its_metrics_parse_on_the_spark_target(tmp_path: Path) -> None:
    completed = run_dbt(
        tmp_path / "warehouse.duckdb", tmp_path / "raw", ["parse", "--target", "spark"]
    )
    assert completed.returncode == 0, completed.stdout[-3000:]
    manifest = json.loads((tmp_path / "target" / "semantic_manifest.json").read_text())
    assert {m["name"] for m in manifest["metrics"]} == {*PERIOD_COUNTS, *GLOSSARY_RATES}
