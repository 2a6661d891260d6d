"""The semantic layer (dbt_project/models/semantic) on DuckDB: MetricFlow validates it against
a built warehouse and its queries give the marts' numbers.

Works on a copy of the published scenario's working database, and on a copy of the dbt project
(`mf` reads `<project>/target/semantic_manifest.json`, a fixed path: a private copy keeps the
parse here from racing the pipeline's own parses of the shared project).
"""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pytest

from orchestration import paths
from tests.e2e.scenario import AS_OF as SCENARIO_AS_OF
from tests.period_metrics import GLOSSARY_RATES, PERIOD_COUNTS

MF = str(Path(sys.executable).parent / "mf")


@dataclass(frozen=True)
class Semantic:
    project: Path
    database: Path
    env: dict[str, str]

    def mf(self, *arguments: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [MF, *arguments],
            cwd=self.project,
            env=self.env,
            capture_output=True,
            text=True,
            check=False,
        )

    def query(self, out: Path, *arguments: str) -> list[dict[str, Any]]:
        """`mf query ... --csv out` as rows {column: value}, values parsed as numbers."""
        completed = self.mf("query", *arguments, "--csv", str(out), "--quiet")
        assert completed.returncode == 0 and out.exists(), completed.stdout + completed.stderr
        with out.open() as handle:
            return [{k: _value(v) for k, v in row.items()} for row in csv.DictReader(handle)]

    def mart(self, sql: str) -> list[dict[str, Any]]:
        with duckdb.connect(str(self.database), read_only=True) as conn:
            cursor = conn.execute(sql)
            names = [d[0] for d in cursor.description]
            return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _value(text: str) -> Any:
    if text == "":
        return None
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text[:10] if re.fullmatch(r"\d{4}-\d{2}-\d{2}( 00:00:00)?", text) else text


def _keyed(rows: Iterable[dict[str, Any]], keys: Sequence[str]) -> dict[tuple[str, ...], Any]:
    return {
        tuple(str(r[k])[:10] if k.startswith("metric_time") else str(r[k]) for k in keys): r
        for r in rows
    }


def assert_same(
    queried: list[dict[str, Any]],
    mart: list[dict[str, Any]],
    keys: dict[str, str],
    values: Sequence[str],
) -> None:
    """The same rows (`keys`: mf column -> mart column) with the same `values` (same names)."""
    got = _keyed(queried, list(keys))
    want = _keyed(mart, list(keys.values()))
    assert len(got) == len(queried) and len(want) == len(mart)
    assert sorted(got) == sorted(want)
    for key, expected in want.items():
        for column in values:
            value, wanted = got[key][column], expected[column]
            if wanted is None:
                assert value is None, (key, column, value)
            else:
                assert value == pytest.approx(wanted, rel=1e-9), (key, column, value, wanted)


@pytest.fixture(scope="module")
def semantic(published_scenario: Path, tmp_path_factory: pytest.TempPathFactory) -> Semantic:
    root = tmp_path_factory.mktemp("semantic")
    database = root / "warehouse.duckdb"
    shutil.copyfile(published_scenario / "warehouse" / "warehouse.duckdb", database)
    # The project beside its seeds (`seed-paths: ../seeds`), without the shared target/.
    project = root / "dbt_project"
    shutil.copytree(
        paths.DBT_PROJECT_DIR,
        project,
        ignore=shutil.ignore_patterns("target", "logs", "dbt_packages"),
    )
    shutil.copytree(paths.SEEDS_DIR, root / "seeds")
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("CW_", "DAGSTER_", "DBT_"))},
        "CW_WAREHOUSE_DB": str(database),
        "CW_AS_OF": SCENARIO_AS_OF,
        "CW_DUCKDB_TEMP_DIR": str(root / "tmp"),
        "DBT_PROFILES_DIR": str(project),
        "DBT_PROJECT_DIR": str(project),
    }
    completed = subprocess.run(
        [paths.DBT_EXECUTABLE, "parse", "--project-dir", str(project)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stdout[-3000:]
    assert (project / "target" / "semantic_manifest.json").exists()
    return Semantic(project=project, database=database, env=env)


def test_the_pipeline_builds_the_time_spine(semantic: Semantic) -> None:
    (row,) = semantic.mart(
        "select count(*) as days, min(date_day) as first, max(date_day) as last "
        "from semantic.metricflow_time_spine"
    )
    assert (str(row["first"]), str(row["last"])) == ("2020-01-01", "2035-12-31")
    assert row["days"] == 5844


def test_metricflow_validates_the_definitions_against_the_warehouse(semantic: Semantic) -> None:
    # Semantic validations, then the warehouse ones: every semantic model, dimension, entity,
    # measure and metric queried on the built DuckDB database.
    completed = semantic.mf("validate-configs")
    output = completed.stdout + completed.stderr
    assert completed.returncode == 0, output
    assert "Successfully validated the semantics" in output, output
    assert "Breaking issues" not in output, output


def test_the_ratio_metrics_divide_what_the_glossary_divides(semantic: Semantic) -> None:
    glossary = (paths.DBT_PROJECT_DIR / "models" / "_docs.md").read_text()
    rows = re.findall(
        r"^\| (\w+) \| mart_campaign_summary \| (\w+)[^|]* \| (\w+) \|$", glossary, re.M
    )
    contract = {rate: (numerator, base) for rate, numerator, base in rows}
    manifest = json.loads((semantic.project / "target" / "semantic_manifest.json").read_text())
    ratios = {
        m["name"]: (m["type_params"]["numerator"]["name"], m["type_params"]["denominator"]["name"])
        for m in manifest["metrics"]
        if m["type"] == "ratio"
    }
    assert set(ratios) == GLOSSARY_RATES
    assert {rate: contract[rate] for rate in GLOSSARY_RATES} == ratios
    simple = {m["name"] for m in manifest["metrics"] if m["type"] == "simple"}
    assert simple == set(PERIOD_COUNTS)


def test_by_day_and_campaign_equals_mart_campaign_daily(semantic: Semantic, tmp_path: Path) -> None:
    queried = semantic.query(
        tmp_path / "daily.csv",
        "--metrics",
        "messages_sent,messages_delivered,messages_undelivered,delivery_rate,open_rate",
        "--group-by",
        "metric_time__day,campaign",
    )
    mart = semantic.mart(
        "select campaign_id, cast(activity_date as varchar) as activity_date, messages_sent, "
        "messages_delivered, messages_undelivered, "
        "cast(messages_delivered as double) / nullif(messages_sent, 0) as delivery_rate, "
        "cast(opens as double) / nullif(messages_delivered, 0) as open_rate "
        "from marts.mart_campaign_daily"
    )
    assert len(mart) >= 10
    # Days with deliveries but no send: the rate is NULL there, in both.
    assert any(r["delivery_rate"] is None for r in mart)
    assert_same(
        queried,
        mart,
        {"campaign": "campaign_id", "metric_time__day": "activity_date"},
        [
            "messages_sent",
            "messages_delivered",
            "messages_undelivered",
            "delivery_rate",
            "open_rate",
        ],
    )


def test_by_week_and_month_equals_the_weekly_and_monthly_marts(
    semantic: Semantic, tmp_path: Path
) -> None:
    metrics = "messages_attempted,messages_delivered,opens,clicks,conversions,click_through_rate"
    rates = "cast(clicks as double) / nullif(messages_delivered, 0) as click_through_rate"
    counts = ["messages_attempted", "messages_delivered", "opens", "clicks", "conversions"]
    for grain, mart_name, period in (
        ("week", "mart_campaign_weekly", "week_start_date"),
        ("month", "mart_campaign_monthly", "month_start_date"),
    ):
        queried = semantic.query(
            tmp_path / f"{grain}.csv",
            "--metrics",
            metrics,
            "--group-by",
            f"metric_time__{grain},campaign",
        )
        mart = semantic.mart(
            f"select campaign_id, cast({period} as varchar) as period, {', '.join(counts)}, "
            f"{rates} from marts.{mart_name}"
        )
        assert mart, mart_name
        assert_same(
            queried,
            mart,
            {"campaign": "campaign_id", f"metric_time__{grain}": "period"},
            [*counts, "click_through_rate"],
        )


def test_a_filter_on_the_channel_equals_the_mart_filtered(
    semantic: Semantic, tmp_path: Path
) -> None:
    channels = [
        r["channel"]
        for r in semantic.mart(
            "select channel from marts.mart_campaign_daily where channel is not null "
            "group by channel order by count(*) desc"
        )
    ]
    assert len(channels) >= 2, channels
    channel = channels[0]
    queried = semantic.query(
        tmp_path / "filtered.csv",
        "--metrics",
        "messages_sent,messages_delivered,delivery_rate,response_rate",
        "--group-by",
        "metric_time__day,campaign__channel",
        "--where",
        f"{{{{ Dimension('campaign__channel') }}}} = '{channel}'",
    )
    mart = semantic.mart(
        "select channel, cast(activity_date as varchar) as activity_date, "
        "sum(messages_sent) as messages_sent, sum(messages_delivered) as messages_delivered, "
        "cast(sum(messages_delivered) as double) / nullif(sum(messages_sent), 0) as delivery_rate, "
        "cast(sum(responses) as double) / nullif(sum(messages_delivered), 0) as response_rate "
        f"from marts.mart_campaign_daily where channel = '{channel}' group by all"
    )
    assert mart
    assert {r["campaign__channel"] for r in queried} == {channel}
    assert_same(
        queried,
        mart,
        {"campaign__channel": "channel", "metric_time__day": "activity_date"},
        ["messages_sent", "messages_delivered", "delivery_rate", "response_rate"],
    )


def test_every_rate_per_campaign_over_all_time_equals_the_summary(
    semantic: Semantic, tmp_path: Path
) -> None:
    rates = sorted(GLOSSARY_RATES)
    queried = semantic.query(
        tmp_path / "summary.csv",
        "--metrics",
        ",".join([*PERIOD_COUNTS, *rates]),
        "--group-by",
        "campaign",
    )
    mart = semantic.mart(
        f"select campaign_id, {', '.join(PERIOD_COUNTS)}, {', '.join(rates)} "
        "from marts.mart_campaign_summary where messages_attempted > 0"
    )
    assert len(mart) >= 3
    assert_same(queried, mart, {"campaign": "campaign_id"}, [*PERIOD_COUNTS, *rates])
