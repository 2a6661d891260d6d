"""The build backend: setuptools, plus the files a run needs that are not Python code.

A wheel must run without the repository. Before setuptools builds it, this backend stages the
dbt project (with a parsed manifest, as dagster-dbt's `prepare-and-package` does), the seeds
and the Dagster workspace into `campaign_warehouse_files/`, a package of data the wheel
carries; after the build the staging folder is removed. Installed, `expectations.dbt_vars`
finds the project there; in a checkout or an editable install it finds the repository's own
folders, so nothing is staged for those.

The manifest is parsed at build time because an installed project may be read-only: a run
writes only under its warehouse folder and `DAGSTER_HOME`. Parsing needs dbt in the build
environment; its versions come from `requirements.lock`, so the manifest is the one the
locked dbt would write.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from setuptools import build_meta as _setuptools
from setuptools.build_meta import (  # noqa: F401  (the hooks this backend does not change)
    build_editable,
    build_sdist,
    get_requires_for_build_editable,
    get_requires_for_build_sdist,
    prepare_metadata_for_build_editable,
    prepare_metadata_for_build_wheel,
)

ROOT = Path(__file__).resolve().parent.parent
STAGED = ROOT / "campaign_warehouse_files"
# What a run reads from the dbt project; not its target/, logs/ or the README.
DBT_PROJECT_FILES = ("dbt_project.yml", "profiles.yml", "macros", "models", "tests")
# The manifest the definitions read, and the semantic layer's. Not partial_parse.msgpack: a
# build's parse never reuses it (its profile's paths differ), and dagster-dbt would copy it
# read-only into the warehouse's target, where dbt must overwrite it.
DBT_ARTIFACTS = ("manifest.json", "semantic_manifest.json")
# The packages `dbt parse` needs, at the versions requirements.lock pins.
DBT_PACKAGES = ("dbt-core", "dbt-duckdb", "duckdb")
LOCK = ROOT / "requirements.lock"


def _locked(names: tuple[str, ...]) -> list[str]:
    pins = {}
    for line in LOCK.read_text().splitlines():
        requirement = line.split("#", 1)[0].strip()
        if "==" in requirement:
            name = requirement.split("==", 1)[0].strip().lower()
            pins[name] = requirement
    missing = [name for name in names if name not in pins]
    if missing:
        raise RuntimeError(f"{LOCK.name} pins no {', '.join(missing)}")
    return [pins[name] for name in names]


def get_requires_for_build_wheel(config_settings: dict[str, Any] | None = None) -> list[str]:
    return [*_setuptools.get_requires_for_build_wheel(config_settings), *_locked(DBT_PACKAGES)]


def _copy(source: Path, target: Path) -> None:
    if source.is_dir():
        shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__"))
    else:
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target)


def _parse(project: Path) -> None:
    """`dbt parse` of the staged project, its artifacts kept in its target/."""
    scratch = project.parent / "_parse"
    env = {
        **os.environ,
        "DBT_PROFILES_DIR": str(project),
        "DBT_TARGET_PATH": str(scratch),
        "DBT_LOG_PATH": str(scratch),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }
    command = [sys.executable, "-c", "from dbt.cli.main import cli; cli()", "parse", "--quiet"]
    subprocess.run(command, cwd=project, env=env, check=True)
    target = project / "target"
    target.mkdir()
    for name in DBT_ARTIFACTS:
        if (scratch / name).exists():
            shutil.copy2(scratch / name, target / name)
    shutil.rmtree(scratch)
    if not (target / "manifest.json").exists():
        raise RuntimeError("dbt parse wrote no manifest.json")


def stage() -> Path:
    """Copy what a run needs into STAGED and parse the dbt project there."""
    shutil.rmtree(STAGED, ignore_errors=True)
    STAGED.mkdir()
    (STAGED / "__init__.py").write_text(
        '"""The dbt project, seeds and Dagster workspace of campaign-warehouse, as installed."""\n'
    )
    for name in DBT_PROJECT_FILES:
        _copy(ROOT / "dbt_project" / name, STAGED / "dbt_project" / name)
    _copy(ROOT / "seeds", STAGED / "seeds")
    _copy(ROOT / "workspace.yaml", STAGED / "workspace.yaml")
    _parse(STAGED / "dbt_project")
    return STAGED


def build_wheel(
    wheel_directory: str,
    config_settings: dict[str, Any] | None = None,
    metadata_directory: str | None = None,
) -> str:
    stage()
    try:
        return _setuptools.build_wheel(wheel_directory, config_settings, metadata_directory)
    finally:
        shutil.rmtree(STAGED, ignore_errors=True)
