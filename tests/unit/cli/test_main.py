"""The campaign-warehouse command: argument errors, refusals, and its arguments."""

import os
import subprocess
import sys
from pathlib import Path

import pytest


def _cli(*args: str, **extra_env: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CW_", "DAGSTER_"))}
    env.update(extra_env)
    return subprocess.run(
        [sys.executable, "-m", "orchestration.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )


def test_run_refuses_an_end_before_its_start(tmp_path: Path) -> None:
    result = _cli(
        "run", "--start", "2025-01-02", "--end", "2025-01-01", "--warehouse", str(tmp_path)
    )
    assert result.returncode == 2
    assert "--end must not be before --start" in result.stderr


def test_run_refuses_dates_before_the_first_partition_in_one_line(tmp_path: Path) -> None:
    result = _cli(
        "run", "--start", "2024-12-31", "--end", "2025-01-02", "--warehouse", str(tmp_path)
    )
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "arrival dates start at 2025-01-01: 2024-12-31 is before the first partition"
    )


def test_the_first_partition_comes_from_the_environment(tmp_path: Path) -> None:
    result = _cli(
        "run",
        "--start",
        "2025-02-28",
        "--end",
        "2025-03-02",
        "--warehouse",
        str(tmp_path),
        CW_FIRST_ARRIVAL_DATE="2025-03-01",
    )
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "arrival dates start at 2025-03-01: 2025-02-28 is before the first partition"
    )


def test_run_refuses_a_first_partition_that_is_no_date_in_one_line(tmp_path: Path) -> None:
    result = _cli(
        "run",
        "--start",
        "2025-03-01",
        "--end",
        "2025-03-02",
        "--warehouse",
        str(tmp_path),
        CW_FIRST_ARRIVAL_DATE="March",
    )
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "CW_FIRST_ARRIVAL_DATE='March': give the first arrival date as YYYY-MM-DD"
    )


def test_run_refuses_an_unknown_engine_from_the_environment_by_name(tmp_path: Path) -> None:
    result = _cli(
        "run",
        "--start",
        "2025-01-01",
        "--end",
        "2025-01-01",
        "--warehouse",
        str(tmp_path),
        CW_ENGINE="postgres",
    )
    assert result.returncode == 2
    assert result.stderr.strip() == "CW_ENGINE='postgres': the engine is one of duckdb, spark"


def test_run_refuses_a_day_that_has_not_ended(tmp_path: Path) -> None:
    result = _cli(
        "run", "--start", "2025-01-01", "--end", "2999-01-01", "--warehouse", str(tmp_path)
    )
    assert result.returncode == 2
    assert "2999-01-01 has not ended yet" in result.stderr


def test_run_refuses_a_landing_root_that_does_not_exist_before_any_run(tmp_path: Path) -> None:
    landing = tmp_path / "land_typo"
    result = _cli(
        "run",
        "--start",
        "2025-03-01",
        "--end",
        "2025-03-02",
        "--landing",
        str(landing),
        "--warehouse",
        str(tmp_path / "warehouse"),
    )
    assert result.returncode == 1
    assert f"run FAILED: the landing folder {landing} does not exist" in result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert not (tmp_path / "warehouse" / "warehouse.duckdb").exists()


def test_the_allow_flags_reach_every_raw_asset_and_the_publication() -> None:
    from orchestration.cli.launch import RunOptions, run_config

    assert run_config(RunOptions(), ["raw__sends"]) == {}
    assert run_config(RunOptions(allow_empty_days=True), ["raw__sends", "raw__contacts"]) == {
        "ops": {
            "raw__contacts": {"config": {"allow_empty_days": True}},
            "raw__sends": {"config": {"allow_empty_days": True}},
        }
    }
    both = RunOptions(allow_empty_days=True, allow_missing_sources=True, allow_shrink=True)
    assert run_config(both, ["raw__sends"]) == {
        "ops": {
            "raw__sends": {"config": {"allow_empty_days": True, "allow_missing_sources": True}},
            "serving__marts": {"config": {"allow_shrink": True}},
        }
    }


def test_a_second_run_refuses_at_once_naming_the_first(tmp_path: Path) -> None:
    from orchestration.shared.runlock import hold_run_lock

    (tmp_path / "landing" / "sends").mkdir(parents=True)
    warehouse = tmp_path / "warehouse"
    with hold_run_lock(warehouse / "run.lock", 0):
        result = _cli(
            "run",
            "--start",
            "2025-03-01",
            "--end",
            "2025-03-01",
            "--landing",
            str(tmp_path / "landing"),
            "--warehouse",
            str(warehouse),
            "--wait",
            "0",
        )
    assert result.returncode == 1
    assert f"run FAILED: another run holds the warehouse (pid {os.getpid()}, started" in (
        result.stderr
    )


def test_docs_of_an_empty_warehouse_asks_for_a_run_first(tmp_path: Path) -> None:
    result = _cli("docs", "--warehouse", str(tmp_path))
    assert result.returncode == 2
    assert "run the pipeline first" in result.stderr


def test_report_parses_its_campaign_and_output() -> None:
    from orchestration.cli.main import _cmd_report, build_parser

    args = build_parser().parse_args(["report", "--campaign", "c1", "--out", "page.html"])
    assert (args.handler, args.campaign, args.out, args.warehouse) == (
        _cmd_report,
        "c1",
        "page.html",
        None,
    )
    defaults = build_parser().parse_args(["report"])
    assert (defaults.campaign, defaults.out) == (None, None)


def test_report_help_names_its_options() -> None:
    result = _cli("report", "--help")
    assert result.returncode == 0
    for option in ("--campaign ID", "--out FILE", "--warehouse", "<warehouse>/report.html"):
        assert option in result.stdout
    assert "report" in _cli("--help").stdout


def test_report_of_an_unpublished_warehouse_asks_for_a_run_first(tmp_path: Path) -> None:
    result = _cli("report", "--out", str(tmp_path / "page.html"), CW_WAREHOUSE_DIR=str(tmp_path))
    assert result.returncode == 2
    assert result.stderr.strip() == (
        f"no published marts at {tmp_path / 'serving.duckdb'}: run the pipeline first"
    )
    assert not (tmp_path / "page.html").exists()


# `run` with the launch replaced by a stub that records what it was handed: the command's
# own work (flags, lock, log file, summary) runs in a process of its own, and the process's
# environment is compared before and after.
_STUB_RUN = """
import json, os, sys
from orchestration.cli import launch
from orchestration.cli.main import main

handed = {}


def execute(start, end, options, target):
    handed.update(
        {k: str(v) for k, v in vars(target).items()},
        run_config=launch.resource_config(target),
    )
    return launch.RunSummary(success=True, published=True)


launch.execute = execute
before = dict(os.environ)
code = main(sys.argv[1:])
changed = sorted(k for k in {*before, *os.environ} if before.get(k) != os.environ.get(k))
print(json.dumps({"code": code, "changed": changed, "handed": handed}))
"""


def test_run_hands_its_flags_to_the_run_and_writes_no_environment(tmp_path: Path) -> None:
    import json

    (tmp_path / "landing" / "sends").mkdir(parents=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CW_", "DAGSTER_"))}
    argv = ["run", "--start", "2025-03-01", "--end", "2025-03-01", "--wait", "5"]
    argv += ["--landing", str(tmp_path / "landing"), "--warehouse", str(tmp_path / "wh")]
    argv += ["--engine", "duckdb"]
    completed = subprocess.run(
        [sys.executable, "-c", _STUB_RUN, *argv],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    result = json.loads(completed.stdout.strip().splitlines()[-1])

    assert result["code"] == 0
    assert result["changed"] == []
    assert result["handed"]["dagster_home"] == str(tmp_path / "wh" / "dagster_home")
    assert result["handed"]["run_config"] == {
        "resources": {
            "warehouse": {
                "config": {
                    "landing_dir": str(tmp_path / "landing"),
                    "warehouse_dir": str(tmp_path / "wh"),
                    "engine_name": "duckdb",
                    "lock_wait_seconds": 5.0,
                    # The command holds the lock around the run, and says so.
                    "run_lock_held": True,
                }
            }
        }
    }


def test_the_dagster_home_comes_from_the_environment_else_the_warehouse(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from orchestration.cli.run import resolve_target

    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    assert resolve_target(None, str(tmp_path)).dagster_home == tmp_path / "dagster_home"
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "deployed"))
    assert resolve_target(None, str(tmp_path)).dagster_home == tmp_path / "deployed"


def test_the_instance_is_opened_for_the_home_it_is_given(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from orchestration.cli.launch import open_instance

    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "elsewhere"))
    home = tmp_path / "warehouse" / "dagster_home"
    with open_instance(home) as instance:
        assert instance.root_directory == str(home)
    assert "telemetry" in (home / "dagster.yaml").read_text()
    assert not (tmp_path / "elsewhere").exists()


@pytest.mark.parametrize(
    ("arguments", "refusal"),
    [
        (
            ["generate", "--out", "o", "--start", "2025-01-01", "--days", "0"],
            "--days: 0 is below 1",
        ),
        (
            [
                "generate",
                "--out",
                "o",
                "--start",
                "2025-01-01",
                "--days",
                "2",
                "--sends-per-day",
                "-3",
            ],
            "--sends-per-day: -3 is below 1",
        ),
        (["generate", "--out", "o", "--start", "2025-01-01", "--days", "x"], "'x' is not a number"),
        (
            ["run", "--start", "2025-01-01", "--end", "2025-01-01", "--wait", "-5"],
            "--wait: -5 is below 0",
        ),
        (["demo", "--sends-per-day", "0"], "--sends-per-day: 0 is below 1"),
    ],
)
def test_numbers_out_of_range_are_refused_in_one_line_without_a_traceback(
    arguments: list[str], refusal: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from orchestration.cli.main import build_parser

    with pytest.raises(SystemExit) as exited:
        build_parser().parse_args(arguments)
    assert exited.value.code == 2
    error = capsys.readouterr().err
    assert refusal in error
    assert "Traceback" not in error


def test_a_wait_of_zero_is_allowed() -> None:
    from orchestration.cli.main import build_parser

    args = build_parser().parse_args(
        ["run", "--start", "2025-01-01", "--end", "2025-01-01", "--wait", "0"]
    )
    assert args.wait == 0


def test_generate_refuses_a_folder_that_holds_files_unless_told_to_add(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from orchestration.cli.main import main

    out = tmp_path / "landing"
    generate = ["generate", "--out", str(out), "--start", "2025-01-01", "--days", "1"]
    assert main([*generate, "--sends-per-day", "20"]) == 0
    before = sorted(p.relative_to(out) for p in out.rglob("*"))
    capsys.readouterr()

    assert main([*generate, "--sends-per-day", "30"]) == 2
    refusal = capsys.readouterr().err
    assert refusal.strip() == (
        f"{out} is not empty: generating into it would mix two landing zones "
        "(--add to add to it, overwriting files of the same names)"
    )
    assert sorted(p.relative_to(out) for p in out.rglob("*")) == before

    assert main([*generate, "--start", "2025-01-02", "--sends-per-day", "20", "--add"]) == 0
    assert (out / "sends" / "2025-01-02").is_dir()
