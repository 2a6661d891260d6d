"""The weekly full check's verdict from dbt's run results, and its place in the Definitions."""

from __future__ import annotations

from orchestration.definitions import defs
from orchestration.quality.full_check import failed_tests, full_test_args


def _result(name: str, status: str, message: str | None = None) -> dict[str, object]:
    return {
        "unique_id": f"test.campaign_warehouse.{name}.abc",
        "status": status,
        "message": message,
    }


def test_failures_and_errors_fail_the_check_and_warnings_do_not() -> None:
    results = {
        "results": [
            _result("not_null_columns_a", "pass"),
            _result("unique_b", "fail", "Got 2 results, configured to fail if != 0"),
            _result("assert_c", "warn", "Got 4 results, configured to warn if != 0"),
            _result("relationships_d", "error", "Binder Error"),
            _result("accepted_values_e", "skipped"),
        ]
    }
    assert failed_tests(results) == [
        ("unique_b", "Got 2 results, configured to fail if != 0"),
        ("relationships_d", "Binder Error"),
    ]


def test_it_runs_every_data_test_and_no_unit_test_on_the_engine_target() -> None:
    assert full_test_args(["--target", "spark"]) == [
        "test",
        "--exclude-resource-type",
        "unit_test",
        "--target",
        "spark",
    ]


def test_the_job_has_a_weekly_schedule_that_is_on() -> None:
    schedule = defs.resolve_schedule_def("full_check_weekly")
    assert schedule.job_name == "full_check_job"
    assert schedule.cron_schedule == "0 6 * * 0"
    assert schedule.default_status.value == "RUNNING"
