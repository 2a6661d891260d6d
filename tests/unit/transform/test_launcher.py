"""The dbt launcher carries each build's environment; the pipeline's own is never changed."""

from __future__ import annotations

import json
import os
from pathlib import Path

from orchestration.transform.assets import dbt_resource, with_invocation_environment
from orchestration.transform.launcher import ENVIRONMENT_FLAG, split_environment


def test_the_launcher_takes_the_environment_file_out_of_dbts_arguments(tmp_path: Path) -> None:
    variables = tmp_path / "env.json"
    variables.write_text(json.dumps({"CW_AS_OF": "2025-03-02", "CW_WINDOW_START": ""}))

    found, args = split_environment(
        ["--no-use-colors", f"{ENVIRONMENT_FLAG}{variables}", "build", "--target", "spark"]
    )

    assert found == {"CW_AS_OF": "2025-03-02", "CW_WINDOW_START": ""}
    assert args == ["--no-use-colors", "build", "--target", "spark"]
    assert split_environment(["build"]) == ({}, ["build"])


def test_a_build_gets_its_environment_through_the_launcher_not_this_process(
    tmp_path: Path,
) -> None:
    before = dict(os.environ)
    environment = {"CW_AS_OF": "2031-01-02", "CW_WAREHOUSE_DB": str(tmp_path / "w.duckdb")}

    build = with_invocation_environment(dbt_resource(), environment, tmp_path / "dbt_target")

    flags = [f for f in build.global_config_flags if f.startswith(ENVIRONMENT_FLAG)]
    assert len(flags) == 1
    written = json.loads(Path(flags[0].removeprefix(ENVIRONMENT_FLAG)).read_text())
    assert written == environment
    assert split_environment(flags)[0] == environment
    assert build.dbt_executable == dbt_resource().dbt_executable  # the launcher, which reads it
    assert dict(os.environ) == before
