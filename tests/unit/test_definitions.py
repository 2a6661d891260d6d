"""The Definitions load and hold the assets, checks, job and schedule the contracts promise."""

from datetime import UTC, datetime

import dagster as dg
import pytest

from contract.sources import SOURCE_NAMES, SOURCES
from orchestration.definitions import defs
from orchestration.publish.assets import MART_KEYS
from orchestration.schedules.nightly import ingest_transform_publish_job
from tests.period_metrics import PERIOD_COUNTS

# The Great Expectations checks on the marts: a check on a key that is not an asset is
# silently left out of the job, so the full list is pinned here. No grain: dbt's unique tests
# own them.
EXPECTED_MART_CHECKS = {
    "marts/mart_campaign_summary": {
        "contacts_add_up_to_audience",
        "delivery_statuses_add_up_to_messages_sent",
        "sent_and_dropped_add_up_to_attempted",
        "opens_within_delivered",
        "contacts_opened_within_sent",
        "no_count_negative",
        "sent_rate_within_0_1",
        "failed_rate_within_0_1",
        "progress_rate_within_0_1",
        "open_rate_of_sent_within_0_1",
        "conversion_rate_of_sent_within_0_1",
        "delivery_rate_within_0_1",
        "open_rate_within_0_1",
    },
    "marts/mart_campaign_step_funnel": {
        "no_count_negative",
        "dropoff_rate_at_most_1",
        "messages_sent_within_summary",
        "conversions_within_summary",
    },
    "marts/mart_campaign_branches": {"contacts_not_negative"},
    "marts/fct_messages": {
        "no_pending_past_delivery_window",
        "summary_messages_sent_match_facts",
        "summary_messages_attempted_match_facts",
    },
    **{
        f"marts/{mart}": {
            "no_count_negative",
            *(f"{count}_add_up_to_summary" for count in PERIOD_COUNTS),
        }
        for mart in ("mart_campaign_daily", "mart_campaign_weekly", "mart_campaign_monthly")
    },
    "marts/mart_channel_daily": {
        "no_count_negative",
        *(f"{count}_add_up_to_campaign_daily" for count in PERIOD_COUNTS),
    },
    "marts/mart_failure_reasons": {
        "no_count_negative",
        "dropped_reasons_add_up_to_summary",
        "undelivered_reasons_add_up_to_summary",
        "share_of_stage_within_0_1",
        "shares_of_stage_sum_to_1",
    },
    "marts/mart_campaign_revenue": {
        "no_count_negative",
        "conversions_add_up_to_summary",
        "conversions_with_revenue_within_conversions",
        "revenue_not_negative",
        "no_revenue_without_currency",
    },
    "marts/mart_link_clicks": {
        "no_count_negative",
        "unique_clickers_within_clicks",
        "clicks_add_up_to_summary",
    },
    "marts/mart_sender_performance": {
        "no_count_negative",
        "success_rate_within_0_1",
        "success_rate_30d_within_0_1",
        "decided_within_sent",
        "sent_30d_within_lifetime",
    },
    "marts/mart_response_buttons": {
        "no_count_negative",
        "unique_responders_within_responses",
    },
    "marts/mart_template_benchmarks": {
        "no_count_negative",
        "read_rate_within_0_1",
        "click_rate_within_0_1",
        "read_rate_benchmark_within_0_1",
        "click_rate_benchmark_within_0_1",
        "delivered_within_sent",
    },
    "marts/mart_execution_history": {"no_count_negative"},
    "marts/mart_data_quality": {
        "no_count_negative",
        "quarantined_share_within_0_1",
    },
}

# Marts that add up to another: their checks read it, so they wait for it.
EXPECTED_CHECK_READS = {
    "marts/mart_campaign_step_funnel": "marts/mart_campaign_summary",
    "marts/mart_campaign_daily": "marts/mart_campaign_summary",
    "marts/mart_campaign_weekly": "marts/mart_campaign_summary",
    "marts/mart_campaign_monthly": "marts/mart_campaign_summary",
    "marts/mart_failure_reasons": "marts/mart_campaign_summary",
    "marts/mart_campaign_revenue": "marts/mart_campaign_summary",
    "marts/mart_link_clicks": "marts/mart_campaign_summary",
    "marts/mart_channel_daily": "marts/mart_campaign_daily",
}


@pytest.fixture(scope="module")
def job() -> dg.JobDefinition:
    return defs.resolve_job_def(ingest_transform_publish_job.name)


def _check_keys(job: dg.JobDefinition) -> set[dg.AssetCheckKey]:
    return set(job.asset_layer.asset_graph.asset_check_keys)


def test_one_raw_asset_per_landing_source_named_like_the_dbt_source() -> None:
    keys = {key.to_user_string() for key in defs.resolve_asset_graph().get_all_asset_keys()}
    assert {f"raw/{name}" for name in SOURCE_NAMES} <= keys
    assert "serving/marts" in keys


def test_every_raw_asset_carries_the_quarantine_and_layout_checks(job: dg.JobDefinition) -> None:
    checks = {(c.asset_key.to_user_string(), c.name) for c in _check_keys(job)}
    for name in SOURCE_NAMES:
        assert (f"raw/{name}", "no_rows_quarantined") in checks
        assert (f"raw/{name}", "quarantined_share_within_limit") in checks
        assert (f"raw/{name}", "landing_layout_recognised") in checks


def test_event_sources_carry_the_volume_check_and_dimensions_do_not(
    job: dg.JobDefinition,
) -> None:
    checked = {
        c.asset_key.path[-1] for c in _check_keys(job) if c.name == "volume_within_recent_norm"
    }
    assert checked == {s.name for s in SOURCES.values() if not s.is_dimension}


def test_the_job_runs_every_great_expectations_check_on_the_marts(job: dg.JobDefinition) -> None:
    checks = _check_keys(job)
    for asset, names in EXPECTED_MART_CHECKS.items():
        found = {c.name for c in checks if c.asset_key.to_user_string() == asset}
        assert names <= found, f"{asset} lacks {names - found}"


def test_every_mart_carries_great_expectations_checks(job: dg.JobDefinition) -> None:
    marts = {key.to_user_string() for key in MART_KEYS}
    checked = {c.asset_key.to_user_string() for c in _check_keys(job)}
    # mart_campaign_branches and mart_campaign_step_funnel included: no mart goes unguarded.
    assert marts <= checked, f"marts without checks: {marts - checked}"


def test_cross_mart_checks_depend_on_the_mart_they_add_up_to(job: dg.JobDefinition) -> None:
    graph = job.asset_layer.asset_graph
    for key in graph.asset_check_keys:
        asset = key.asset_key.to_user_string()
        if asset in EXPECTED_CHECK_READS and key.name in EXPECTED_MART_CHECKS[asset]:
            deps = {d.asset_key.to_user_string() for d in graph.get_check_spec(key).additional_deps}
            assert deps == {EXPECTED_CHECK_READS[asset]}, (asset, key.name, deps)


def test_every_great_expectations_check_on_the_marts_blocks(job: dg.JobDefinition) -> None:
    graph = job.asset_layer.asset_graph
    for key in graph.asset_check_keys:
        asset = key.asset_key.to_user_string()
        if key.name in EXPECTED_MART_CHECKS.get(asset, ()):
            assert graph.get_check_spec(key).blocking, (asset, key.name)


def test_blocking_checks_are_the_error_expectations(job: dg.JobDefinition) -> None:
    graph = job.asset_layer.asset_graph
    specs = {
        (key.asset_key.to_user_string(), key.name): graph.get_check_spec(key)
        for key in graph.asset_check_keys
    }
    assert specs[("raw/sends", "quarantined_share_within_limit")].blocking
    assert not specs[("raw/sends", "no_rows_quarantined")].blocking
    assert not specs[("raw/sends", "volume_within_recent_norm")].blocking
    assert not specs[("raw/sends", "landing_layout_recognised")].blocking
    assert specs[("marts/mart_campaign_summary", "contacts_add_up_to_audience")].blocking


def test_publication_waits_for_every_mart() -> None:
    graph = defs.resolve_asset_graph()
    parents = {k.to_user_string() for k in graph.get(dg.AssetKey(["serving", "marts"])).parent_keys}
    assert {"marts/mart_campaign_summary", "marts/mart_campaign_step_funnel"} <= parents
    assert all(p.split("/")[-1].startswith("mart_") for p in parents)


def test_the_nightly_schedule_runs_at_two_utc() -> None:
    schedule = defs.resolve_schedule_def("ingest_transform_publish_job_schedule")
    assert schedule.cron_schedule == "0 2 * * *"
    assert schedule.execution_timezone in (None, "UTC")


def test_the_nightly_run_processes_the_arrival_date_that_just_ended() -> None:
    schedule = defs.resolve_schedule_def("ingest_transform_publish_job_schedule")
    tick = datetime(2025, 3, 2, 2, 0, tzinfo=UTC)
    with dg.build_schedule_context(scheduled_execution_time=tick) as context:
        requests = schedule.evaluate_tick(context).run_requests or []
    assert [r.partition_key for r in requests] == ["2025-03-01"]
