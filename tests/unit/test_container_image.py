"""The container image (`deploy/Dockerfile`) keeps the rules a real install is tested by.

No image can be built here, so these tests read the Dockerfile and its `dagster.yaml` and
hold them to the rules `tests/e2e/test_installed_wheel.py` proves on an actual install: the
wheel and not the checkout, a read-only install, runs that write only under the warehouse
and `DAGSTER_HOME`, an unprivileged user with no home.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import pytest
from dagster._core.instance.config import dagster_instance_config

from orchestration.shared.event_log import KeptEngineSqliteEventLogStorage
from tests import REPOSITORY

DEPLOY = REPOSITORY / "deploy"


@dataclass(frozen=True)
class Instruction:
    keyword: str
    arguments: str


def _stages(dockerfile: str) -> list[list[Instruction]]:
    """The Dockerfile's instructions, one list per `FROM` stage (lines joined, comments out)."""
    joined = re.sub(
        r"\\\n",
        " ",
        "\n".join(line for line in dockerfile.splitlines() if not line.lstrip().startswith("#")),
    )
    stages: list[list[Instruction]] = []
    for line in filter(None, (raw.strip() for raw in joined.splitlines())):
        keyword, _, arguments = line.partition(" ")
        if keyword.upper() == "FROM":
            stages.append([])
        if stages:
            stages[-1].append(Instruction(keyword.upper(), " ".join(arguments.split())))
    return stages


@pytest.fixture(scope="module")
def runtime() -> list[Instruction]:
    """The image's last stage, the one that runs."""
    return _stages((DEPLOY / "Dockerfile").read_text())[-1]


def _all(stage: list[Instruction], keyword: str) -> list[str]:
    return [i.arguments for i in stage if i.keyword == keyword]


def _environment(stage: list[Instruction]) -> dict[str, str]:
    found: dict[str, str] = {}
    for arguments in _all(stage, "ENV"):
        found.update(dict(re.findall(r'(\w+)=("[^"]*"|\S+)', arguments)))
    return {name: value.strip('"') for name, value in found.items()}


def test_the_runtime_stage_installs_the_wheel_and_not_the_checkout(
    runtime: list[Instruction],
) -> None:
    stages = _stages((DEPLOY / "Dockerfile").read_text())
    assert len(stages) == 2
    assert any("pip wheel" in run and "--no-deps" in run for run in _all(stages[0], "RUN"))
    copies = _all(runtime, "COPY")
    assert not any(c.split()[-2:] == [".", "."] for c in copies), "the checkout is copied"
    installs = [run for run in _all(runtime, "RUN") if "pip install" in run]
    assert len(installs) == 1
    assert "campaign_warehouse-*.whl" in installs[0] and "-r /tmp/requirements.lock" in installs[0]
    assert "--editable" not in installs[0] and " -e " not in installs[0]
    assert "pip check" in installs[0]


def test_the_install_is_read_only_and_the_run_writes_outside_it(runtime: list[Instruction]) -> None:
    environment = _environment(runtime)
    install = PurePosixPath(environment["VIRTUAL_ENV"])
    assert any('chmod -R a-w "$VIRTUAL_ENV"' in run for run in _all(runtime, "RUN"))
    written = [PurePosixPath(environment[name]) for name in ("DAGSTER_HOME", "CW_WAREHOUSE_DIR")]
    volumes = [PurePosixPath(v.strip('[]" ')) for v in _all(runtime, "VOLUME")]
    for folder in written:
        assert not folder.is_relative_to(install)
        assert any(folder.is_relative_to(volume) for volume in volumes), folder


def test_it_runs_as_a_system_user_with_no_home_from_a_folder_it_cannot_write(
    runtime: list[Instruction],
) -> None:
    users = _all(runtime, "USER")
    assert users and users[-1] not in {"root", "0"}
    assert runtime[-1].keyword == "CMD" and runtime.index(
        next(i for i in runtime if i.keyword == "USER")
    ) > max(i for i, step in enumerate(runtime) if step.keyword == "RUN")
    assert _environment(runtime)["HOME"] == "/nonexistent"
    assert _all(runtime, "WORKDIR")[-1] == "/"
    created = next(run for run in _all(runtime, "RUN") if "useradd" in run)
    assert "--system" in created and users[-1] in created.split()


def test_the_webserver_and_the_daemon_load_the_workspace_the_wheel_carries(
    runtime: list[Instruction],
) -> None:
    workspace = "/opt/campaign-warehouse/workspace.yaml"
    linked = next(run for run in _all(runtime, "RUN") if "WORKSPACE_FILE" in run)
    assert '"$VIRTUAL_ENV/workspace.yaml"' in linked
    assert _environment(runtime)["VIRTUAL_ENV"] + "/workspace.yaml" == workspace
    assert "dagster-webserver" in _all(runtime, "CMD")[0] and workspace in _all(runtime, "CMD")[0]
    text = (DEPLOY / "Dockerfile").read_text()
    assert f"dagster-daemon run --workspace {workspace}" in text


def test_the_base_image_has_the_python_the_project_requires() -> None:
    project = tomllib.loads((REPOSITORY / "pyproject.toml").read_text())["project"]
    assert project["requires-python"] == ">=3.11,<3.12"
    assert "ARG PYTHON_IMAGE=python:3.11-" in (DEPLOY / "Dockerfile").read_text()


def test_the_images_dagster_instance_is_valid_and_keeps_its_history_in_its_home(
    runtime: list[Instruction], tmp_path: Path
) -> None:
    home = PurePosixPath(_environment(runtime)["DAGSTER_HOME"])
    copied = next(c for c in _all(runtime, "COPY") if "deploy/dagster.yaml" in c)
    assert copied.split()[-1] == f"{home}/dagster.yaml"
    config, _ = dagster_instance_config(str(DEPLOY))  # Dagster's own schema check
    storage = config["event_log_storage"]
    assert (storage["module"], storage["class"]) == (
        KeptEngineSqliteEventLogStorage.__module__,
        KeptEngineSqliteEventLogStorage.__name__,
    )
    assert PurePosixPath(storage["config"]["base_dir"]).is_relative_to(home)
    assert config["telemetry"] == {"enabled": False}
    assert config["concurrency"]["runs"]["max_concurrent_runs"] == 1


def test_the_build_context_leaves_out_the_checkouts_outputs() -> None:
    ignored = set((REPOSITORY / ".dockerignore").read_text().split())
    assert {".venv", ".git", "data", "dbt_project/target", "campaign_warehouse_files"} <= ignored
