"""Preparing dbt's manifest: parsed in a checkout when stale, never written in an install."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from orchestration import paths
from orchestration.transform import manifest
from tests import REPOSITORY


def _refuse_to_parse(*args: object, **kwargs: object) -> None:
    raise AssertionError("an installed project must not be parsed")


def test_an_installed_project_uses_the_manifest_its_wheel_carries(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shipped = tmp_path / "target" / "manifest.json"
    shipped.parent.mkdir()
    shipped.write_text("{}")
    # Older than every project file: a checkout would parse again; an install must not.
    os.utime(shipped, (0, 0))
    tmp_path.chmod(0o555)
    monkeypatch.setattr(paths, "IS_PACKAGED", True)
    monkeypatch.setattr(manifest, "MANIFEST", shipped)
    monkeypatch.setattr(manifest.subprocess, "run", _refuse_to_parse)
    try:
        assert manifest.prepare_manifest() == shipped
        assert sorted(p.name for p in shipped.parent.iterdir()) == ["manifest.json"]
    finally:
        tmp_path.chmod(0o755)


def test_an_installed_project_without_a_manifest_says_how_to_build_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(paths, "IS_PACKAGED", True)
    monkeypatch.setattr(manifest, "MANIFEST", tmp_path / "target" / "manifest.json")
    monkeypatch.setattr(manifest.subprocess, "run", _refuse_to_parse)
    with pytest.raises(FileNotFoundError, match="install a wheel built by this project"):
        manifest.prepare_manifest()
    assert not (tmp_path / "target").exists()


def test_a_checkout_reads_the_repositorys_own_project() -> None:
    assert not paths.IS_PACKAGED
    assert REPOSITORY / "dbt_project" == paths.DBT_PROJECT_DIR
    assert (paths.SEEDS_DIR / "channels.csv").is_file()
    assert paths.WORKSPACE_FILE.is_file()
