"""The pipeline's dbt resource starts dbt and nothing else: no `dbt --version` process, no
dbt adapter loaded in the pipeline's own process, before a build."""

from __future__ import annotations

import importlib.metadata
import stat
from pathlib import Path
from typing import Any

import pytest
from dagster_dbt.core import resource as dagster_dbt_resource

from orchestration.transform.assets import DbtCli, dbt_project


def test_a_build_starts_only_dbt(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[Any] = []

    def version_process(*args: Any, **kwargs: Any) -> bytes:
        asked.append(args)
        raise AssertionError("dagster-dbt ran dbt --version")

    def load_adapter(*args: Any, **kwargs: Any) -> None:
        asked.append(args)
        raise AssertionError("dagster-dbt loaded dbt's adapter")

    monkeypatch.setattr(dagster_dbt_resource, "check_output", version_process)
    import dbt.adapters.factory

    monkeypatch.setattr(dbt.adapters.factory, "register_adapter", load_adapter)
    # A dbt that only says it ran: what cli() starts is all this test looks at.
    started = tmp_path / "started"
    fake_dbt = tmp_path / "dbt"
    fake_dbt.write_text(f'#!/bin/sh\necho "$@" > {started}\n')
    fake_dbt.chmod(fake_dbt.stat().st_mode | stat.S_IEXEC)

    cli = DbtCli(project_dir=dbt_project, dbt_executable=str(fake_dbt))
    invocation = cli.cli(["ls"], target_path=tmp_path / "target", raise_on_error=False)
    invocation.process.wait()

    assert asked == []
    assert started.read_text().split()[0] == "ls"
    assert str(cli._cli_version) == importlib.metadata.version("dbt-core")
