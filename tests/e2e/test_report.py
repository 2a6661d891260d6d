"""`campaign-warehouse report`: the page of charts over a published scenario's marts.

The charts' numbers are checked against the marts through the figure builders; the page itself
is drawn in headless Chromium, offline, to prove every chart rendered.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from plotly.offline import get_plotlyjs

from orchestration.cli.report import figures, load_report_data
from tests.e2e.pipeline import clean_environment

CHROMIUM = Path("/usr/bin/chromium")
ALL_CHARTS = ["funnel", "daily", "failures", "channels", "senders"]
CAMPAIGN_CHARTS = ["funnel", "daily", "failures"]


def _report(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "orchestration.cli", "report", *args],
        capture_output=True,
        text=True,
        env=clean_environment(**env),
        check=False,
    )


def _serving(published_scenario: Path) -> Path:
    return published_scenario / "warehouse" / "serving.duckdb"


def _mart(serving: Path, sql: str, *params: object) -> pd.DataFrame:
    with duckdb.connect(str(serving), read_only=True) as conn:
        return conn.execute(sql, list(params)).df()


def _chromium() -> Path:
    """The browser, or a skip outside CI; CI installs it (`.ci/run`), so there it must exist."""
    if CHROMIUM.exists():
        return CHROMIUM
    if os.environ.get("CI"):
        pytest.fail(f"{CHROMIUM} is missing: CI must install chromium (.ci/run)")
    pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)")


def _rendered_dom(page: Path, profile: Path) -> str:
    """The page's DOM after its scripts ran, in a browser kept off the network."""
    completed = subprocess.run(
        [
            str(_chromium()),
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={profile}",
            "--virtual-time-budget=15000",
            "--dump-dom",
            page.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    return completed.stdout


def _chart_markup(dom: str, chart: str) -> str:
    start = dom.index(f'id="chart-{chart}"')
    return dom[start : dom.index("</section>", start)]


def _assert_offline(page: str) -> None:
    assert not re.search(r"<script[^>]*\bsrc\s*=", page), "the page loads a script from elsewhere"
    assert page.count(get_plotlyjs()) == 1, "plotly.js is not inline exactly once"


def test_the_default_page_covers_all_campaigns_and_every_chart_draws_offline(
    published_scenario: Path, tmp_path: Path
) -> None:
    # A warehouse of its own, so the default output lands in it and not in the shared one.
    warehouse = tmp_path / "warehouse"
    warehouse.mkdir()
    shutil.copy(_serving(published_scenario), warehouse / "serving.duckdb")

    result = _report(CW_WAREHOUSE_DIR=str(warehouse))

    assert result.returncode == 0, result.stderr
    page = warehouse / "report.html"
    assert result.stdout.strip() == f"report of all campaigns: {page}"
    text = page.read_text()
    _assert_offline(text)
    dom = _rendered_dom(page, tmp_path / "profile")
    for chart in ALL_CHARTS:
        assert 'class="main-svg"' in _chart_markup(dom, chart), f"chart {chart} did not draw"
    _assert_offline(dom)
    # The largest campaign's funnel: c4 sends the most messages of the scenario.
    largest = _mart(
        _serving(published_scenario),
        "select campaign_id from marts.mart_campaign_summary "
        "order by messages_sent desc, campaign_id limit 1",
    )["campaign_id"].iloc[0]
    assert f"({largest}): contacts reaching each step" in dom


def test_a_campaign_page_draws_only_that_campaign(published_scenario: Path, tmp_path: Path) -> None:
    page = tmp_path / "out" / "c2.html"

    result = _report(
        "--campaign", "c2", "--out", str(page), "--warehouse", str(published_scenario / "warehouse")
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"report of campaign c2: {page}"
    text = page.read_text()
    _assert_offline(text)
    dom = _rendered_dom(page, tmp_path / "profile")
    for chart in CAMPAIGN_CHARTS:
        assert 'class="main-svg"' in _chart_markup(dom, chart), f"chart {chart} did not draw"
    assert 'id="chart-channels"' not in dom
    assert 'id="chart-senders"' not in dom
    # c2's workspace reports in Los Angeles time, and its days are dated so.
    assert "America/Los_Angeles" in _chart_markup(dom, "daily")


@pytest.mark.parametrize("campaign", ["c1", "c2", "c4", "c5"])
def test_a_campaign_s_charts_hold_the_mart_s_numbers(
    published_scenario: Path, campaign: str
) -> None:
    serving = _serving(published_scenario)
    charts = figures(load_report_data(serving, campaign))
    assert list(charts) == CAMPAIGN_CHARTS

    funnel = _mart(
        serving,
        "select contacts_reached from marts.mart_campaign_step_funnel "
        "where campaign_id = ? order by step_order, step_id",
        campaign,
    )
    (bars,) = charts["funnel"].data
    assert list(bars.x) == funnel["contacts_reached"].tolist()

    summary = _mart(
        serving,
        "select messages_delivered, messages_undelivered, messages_delivery_pending "
        "from marts.mart_campaign_summary where campaign_id = ?",
        campaign,
    ).iloc[0]
    daily = _mart(
        serving,
        "select activity_date, messages_delivered from marts.mart_campaign_daily "
        "where campaign_id = ? and messages_delivered > 0",
        campaign,
    )
    delivered, undelivered, pending = charts["daily"].data
    # Summed over the days, the daily mart equals the summary (its yml says so).
    assert sum(delivered.y) == summary["messages_delivered"]
    assert sum(undelivered.y) == summary["messages_undelivered"]
    assert sum(pending.y) == summary["messages_delivery_pending"]
    drawn = {
        pd.Timestamp(day).date(): count
        for day, count in zip(delivered.x, delivered.y, strict=True)
        if count
    }
    assert drawn == {
        pd.Timestamp(day).date(): count
        for day, count in zip(daily["activity_date"], daily["messages_delivered"], strict=True)
    }

    failures = _mart(
        serving,
        "select stage, sum(messages) as messages from marts.mart_failure_reasons "
        "where campaign_id = ? group by stage",
        campaign,
    )
    drawn_failures = {trace.name: sum(trace.x) for trace in charts["failures"].data}
    assert drawn_failures == dict(zip(failures["stage"], failures["messages"], strict=True))


def test_the_all_campaigns_comparisons_hold_the_marts_numbers(published_scenario: Path) -> None:
    serving = _serving(published_scenario)
    charts = figures(load_report_data(serving))
    assert list(charts) == ALL_CHARTS

    channels = _mart(
        serving,
        "select channel, sum(messages_delivered) as delivered, "
        "sum(messages_undelivered) as undelivered from marts.mart_channel_daily group by channel",
    )
    drawn = {
        trace.name: dict(zip(trace.x, trace.y, strict=True)) for trace in charts["channels"].data
    }
    assert drawn["delivered"] == dict(zip(channels["channel"], channels["delivered"], strict=True))
    assert drawn["undelivered"] == dict(
        zip(channels["channel"], channels["undelivered"], strict=True)
    )

    senders = _mart(
        serving,
        "select messages_delivered from marts.mart_sender_performance "
        "where messages_sent > 0 order by messages_sent desc, sender_id",
    )
    delivered = next(trace for trace in charts["senders"].data if trace.name == "delivered")
    assert list(delivered.x) == senders["messages_delivered"].tolist()

    total = _mart(serving, "select sum(messages_delivered) as n from marts.mart_campaign_daily")
    assert sum(charts["daily"].data[0].y) == total["n"].iloc[0]


@pytest.mark.parametrize("campaign", ["nope", "c1' or '1'='1"])
def test_an_unknown_campaign_is_refused_in_one_line(
    published_scenario: Path, tmp_path: Path, campaign: str
) -> None:
    page = tmp_path / "report.html"

    result = _report(
        "--campaign",
        campaign,
        "--out",
        str(page),
        "--warehouse",
        str(published_scenario / "warehouse"),
    )

    assert result.returncode == 2
    assert result.stderr.strip() == f"unknown campaign {campaign!r}: not in the published marts"
    assert result.stdout == ""
    assert not page.exists()
