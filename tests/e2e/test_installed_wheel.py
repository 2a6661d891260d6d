"""The project as a deployment meets it: a wheel, installed into a fresh virtual environment
that is then made read-only, run by an unprivileged user with no home, from a working
directory it cannot write to, publishes the same marts as the checkout does.

The wheel is built from the repository's files by its own build backend
(`build_backend/`), which stages the dbt project, its parsed manifest, the seeds and the
Dagster workspace into the package. The run is the generated landing zone's backfill, so its
marts compare row for row with the shared `generated_backfill`.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests import REPOSITORY
from tests.e2e.pipeline import clean_environment, snapshot
from tests.warehouses import GENERATED_END, GENERATED_START

# The user a service runs as: no home, no shell, owns nothing of the install.
NOBODY = 65534
PIP = ("-m", "pip", "install", "--quiet", "--disable-pip-version-check")


def _run(*command: str | Path, **kwargs: object) -> None:
    completed = subprocess.run(
        [str(c) for c in command], capture_output=True, text=True, check=False, **kwargs
    )
    assert completed.returncode == 0, completed.stdout[-3000:] + completed.stderr[-3000:]


def _source_tree(target: Path) -> Path:
    """The repository's files as a clone has them (tracked, or new and not ignored), so that
    the build sees neither this checkout's outputs nor its virtual environment."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=REPOSITORY,
        capture_output=True,
        check=True,
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        source = REPOSITORY / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    return target


def _read_only(root: Path) -> None:
    for folder, _, files in os.walk(root):
        for name in [*files, "."]:
            path = Path(folder, name)
            if not path.is_symlink():
                path.chmod(stat.S_IMODE(path.stat().st_mode) & ~0o222)


def _writable(root: Path) -> None:
    for folder, _, files in os.walk(root):
        for name in [*files, "."]:
            path = Path(folder, name)
            if not path.is_symlink():
                path.chmod(stat.S_IMODE(path.stat().st_mode) | 0o200)


def _listing(root: Path) -> set[str]:
    return {
        str(Path(folder, name)) for folder, dirs, files in os.walk(root) for name in dirs + files
    }


@pytest.fixture(scope="module")
def installed() -> Iterator[Path]:
    """A fresh virtual environment with the locked dependencies and the wheel, read-only."""
    root = Path(tempfile.mkdtemp(prefix="cw-installed-"))
    root.chmod(0o755)  # the unprivileged user must reach the install
    try:
        source = _source_tree(root / "source")
        _run(sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", root, source)
        wheels = sorted(root.glob("campaign_warehouse-*.whl"))
        assert len(wheels) == 1, wheels
        environment = root / "venv"
        _run(_service_python(), "-m", "venv", environment)
        python = environment / "bin" / "python"
        # The lock is complete, so pip installs it as it is; `pip check` then proves that
        # it satisfies what the wheel declares.
        _run(python, *PIP, "--no-deps", "-r", source / "requirements.lock", wheels[0])
        _run(python, "-m", "pip", "check")
        _read_only(environment)
        yield environment
    finally:
        _writable(root)
        shutil.rmtree(root, ignore_errors=True)


def _service_python() -> str:
    """A Python 3.11 the service user can run: this one's own interpreter, unless it lives
    where that user cannot reach it (here pyenv's, under root's private home), then the
    system's, as a container image would have it."""
    candidates = [
        str(Path(sys._base_executable).resolve()),  # the interpreter this venv was made from
        *filter(None, (shutil.which("python3.11", path="/usr/local/bin:/usr/bin"),)),
    ]
    for candidate in candidates:
        probe = [*_as_service_user(), candidate, "-c", "import ensurepip, venv"]
        if subprocess.run(probe, capture_output=True, check=False, cwd="/").returncode == 0:
            return candidate
    raise AssertionError(f"no Python 3.11 the service user can run among {candidates}")


def _as_service_user() -> list[str]:
    """The command prefix that drops root to `nobody`; none for a user who is not root."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    assert setpriv, "util-linux's setpriv is needed to run as an unprivileged user"
    # `env` runs the command: setpriv's own exec still holds root's capabilities, so only
    # from the next exec on is the process as unprivileged as a service's.
    drop = [f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups", "--inh-caps=-all"]
    return [setpriv, *drop, "--", "/usr/bin/env"]


def test_the_installed_wheel_carries_the_project_files(installed: Path) -> None:
    probe = (
        "import expectations.dbt_vars as v, orchestration.paths as p;"
        "print(v.IS_PACKAGED, p.DBT_PROJECT_DIR, p.WORKSPACE_FILE.is_file(),"
        " (p.SEEDS_DIR / 'channels.csv').is_file(),"
        " (p.DBT_PROJECT_DIR / 'target' / 'manifest.json').is_file())"
    )
    completed = subprocess.run(
        [installed / "bin" / "python", "-c", probe],
        cwd="/",
        capture_output=True,
        text=True,
        env=clean_environment(),
        check=True,
    )
    packaged, project, *present = completed.stdout.split()
    assert packaged == "True"
    assert Path(project).is_relative_to(installed)
    assert present == ["True", "True", "True"]


def test_a_read_only_install_run_by_an_unprivileged_user_publishes_the_marts(
    installed: Path, generated_landing: Path, generated_backfill: Path
) -> None:
    work = Path(tempfile.mkdtemp(prefix="cw-service-"))
    try:
        work.chmod(0o755)
        landing, warehouse = work / "landing", work / "warehouse"
        shutil.copytree(generated_landing, landing)
        warehouse.mkdir()
        if os.geteuid() == 0:
            os.chown(warehouse, NOBODY, NOBODY)
        before = _listing(installed)
        environment = clean_environment(
            HOME="/nonexistent", PATH=f"{installed / 'bin'}:/usr/local/bin:/usr/bin:/bin"
        )
        for name in ("VIRTUAL_ENV", "PYTHONPATH"):
            environment.pop(name, None)
        command = [
            *_as_service_user(),
            str(installed / "bin" / "campaign-warehouse"),
            "run",
            "--start",
            str(GENERATED_START),
            "--end",
            str(GENERATED_END),
            "--landing",
            str(landing),
            "--warehouse",
            str(warehouse),
        ]
        # `/`: a working directory the user cannot write to and the project is not in.
        completed = subprocess.run(
            command, cwd="/", env=environment, capture_output=True, text=True, check=False
        )
        assert completed.returncode == 0, completed.stdout[-4000:] + completed.stderr[-4000:]
        assert _listing(installed) == before
        assert snapshot(warehouse) == snapshot(generated_backfill)
    finally:
        shutil.rmtree(work, ignore_errors=True)
