"""`campaign-warehouse ui` becomes `dagster dev` on the project's workspace, with the Dagster
home, landing zone, warehouse and engine that `run` uses with the same flags."""

from __future__ import annotations

from pathlib import Path

import pytest

from orchestration import paths
from orchestration.cli import ui
from orchestration.cli.main import main


def test_ui_becomes_dagster_dev_on_the_runs_folders_and_history(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    monkeypatch.setenv("SOMETHING_ELSE", "kept")
    became: list[tuple[str, list[str], dict[str, str]]] = []
    monkeypatch.setattr(ui.os, "execve", lambda path, argv, env: became.append((path, argv, env)))
    warehouse, landing = tmp_path / "warehouse", tmp_path / "landing"

    assert (
        main(["ui", "--warehouse", str(warehouse), "--landing", str(landing), "--port", "3111"])
        == 0
    )

    ((path, argv, env),) = became
    assert path == paths.DAGSTER_EXECUTABLE and Path(path).name == "dagster"
    assert argv[1:] == ["dev", "--workspace", str(paths.WORKSPACE_FILE), "--port", "3111"]
    assert paths.WORKSPACE_FILE.exists()
    assert env["DAGSTER_HOME"] == str(warehouse / "dagster_home")
    assert env["CW_WAREHOUSE_DIR"] == str(warehouse)
    assert env["CW_LANDING_DIR"] == str(landing)
    assert env["CW_ENGINE"] == "duckdb"
    assert env["SOMETHING_ELSE"] == "kept"
    # dagster dev needs a home that exists; it gets the command's dagster.yaml.
    assert "telemetry" in (warehouse / "dagster_home" / "dagster.yaml").read_text()


def test_ui_keeps_a_dagster_home_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "deployed"))
    became: list[dict[str, str]] = []
    monkeypatch.setattr(ui.os, "execve", lambda _path, _argv, env: became.append(env))

    assert main(["ui", "--warehouse", str(tmp_path / "warehouse")]) == 0

    assert became[0]["DAGSTER_HOME"] == str(tmp_path / "deployed")
