"""The engine object: what each stage asks of DuckDB or Spark, answered in one place."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import duckdb
import pytest

from orchestration.shared.duckdb_settings import resolve_settings
from orchestration.shared.engine import ENGINE_ENV, ENGINES, DuckDBEngine, SparkEngine, engine_named
from orchestration.shared.warehouse import WarehouseResource


def test_duckdb_builds_in_the_working_database_of_the_warehouse(tmp_path: Path) -> None:
    engine = ENGINES["duckdb"]
    assert isinstance(engine, DuckDBEngine)
    assert engine.dbt_target_args() == []
    assert engine.working_db(tmp_path) == tmp_path / "warehouse.duckdb"
    assert engine.dbt_target_dir(tmp_path) == tmp_path / "dbt_target"
    assert engine.models_state(tmp_path) == tmp_path / "models_as_of"
    assert not engine.counts_views
    assert engine.after_build(tmp_path, resolve_settings(tmp_path / "spill")) is None
    assert engine.unavailable() is None


def test_spark_keeps_its_own_target_state_and_catalog(tmp_path: Path) -> None:
    engine = ENGINES["spark"]
    assert isinstance(engine, SparkEngine)
    assert engine.dbt_target_args() == ["--target", "spark"]
    assert engine.working_db(tmp_path) == tmp_path / "spark" / "catalog.duckdb"
    assert engine.dbt_target_dir(tmp_path) == tmp_path / "spark" / "dbt_target"
    assert engine.models_state(tmp_path) == tmp_path / "spark" / "models_as_of"
    assert engine.counts_views


def test_after_a_spark_build_the_catalog_shows_its_tables(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CW_SPARK_TABLES_DIR", raising=False)
    table = tmp_path / "spark" / "tables" / "marts.db" / "mart_a"
    table.mkdir(parents=True)
    with duckdb.connect() as conn:
        conn.execute(f"copy (select 1 as id) to '{table / 'part-0.parquet'}' (format parquet)")

    line = ENGINES["spark"].after_build(tmp_path, resolve_settings(tmp_path / "spill"))

    assert line == f"catalog of Spark's tables: 1 views in {tmp_path / 'spark' / 'catalog.duckdb'}"
    with duckdb.connect(str(ENGINES["spark"].working_db(tmp_path)), read_only=True) as conn:
        assert conn.execute("select id from marts.mart_a").fetchall() == [(1,)]


def test_spark_without_pyspark_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch) -> None:
    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "pyspark" else real(name, *a)
    )
    assert "pip install -r requirements-spark.lock" in (ENGINES["spark"].unavailable() or "")


def test_the_resource_exposes_its_engine(tmp_path: Path) -> None:
    warehouse = WarehouseResource(warehouse_dir=str(tmp_path), engine_name="spark")
    assert warehouse.engine is ENGINES["spark"]
    assert warehouse.working_db == tmp_path.resolve() / "spark" / "catalog.duckdb"


@pytest.mark.parametrize(
    ("configured", "environment", "expected"),
    [
        ("", None, "duckdb"),
        ("", "spark", "spark"),
        ("duckdb", "spark", "duckdb"),
        (" Spark ", None, "spark"),
    ],
)
def test_the_engine_comes_from_the_config_then_the_environment(
    monkeypatch: pytest.MonkeyPatch, configured: str, environment: str | None, expected: str
) -> None:
    if environment is None:
        monkeypatch.delenv(ENGINE_ENV, raising=False)
    else:
        monkeypatch.setenv(ENGINE_ENV, environment)
    assert engine_named(configured).name == expected


def test_an_unknown_engine_is_refused_by_name(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENGINE_ENV, "postgres")
    with pytest.raises(ValueError, match=r"CW_ENGINE='postgres'.*duckdb, spark"):
        engine_named()
