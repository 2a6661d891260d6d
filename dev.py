#!/usr/bin/env python3
"""Set up the project's virtual environment from the lock file, then run a task.

    python3 dev.py demo    # set up, then generate + run + publish a sample landing zone
    python3 dev.py test    # set up (with the Spark extra), then lint and the whole pytest suite

Needs only Python 3.11 (and Java 17 for the Spark tests). The environment lives in `.venv/`;
it is reinstalled when a lock file or `pyproject.toml` changed since the last setup. The demo
installs `requirements.lock` only; the tests add `requirements-spark.lock`, the Spark engine's
extra, so that they run the pipeline on Spark too.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import tempfile
import time
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / "bin"
STAMP = VENV / ".installed-from"


def _run(*args: str | Path, env: dict[str, str] | None = None, cwd: Path = ROOT) -> None:
    print("+", " ".join(str(a) for a in args), flush=True)
    subprocess.run([str(a) for a in args], cwd=cwd, check=True, env=env)


def _timed(step: str, *args: str | Path, env: dict[str, str], cwd: Path = ROOT) -> None:
    started = time.monotonic()
    _run(*args, env=env, cwd=cwd)
    print(f"{step}: {time.monotonic() - started:.0f} s", flush=True)


LOCKS = ("requirements.lock",)
SPARK_LOCKS = (*LOCKS, "requirements-spark.lock")


def _fingerprint(locks: tuple[str, ...]) -> str:
    digest = hashlib.sha256()
    for name in (*locks, "pyproject.toml"):
        digest.update(name.encode() + (ROOT / name).read_bytes())
    return digest.hexdigest()


def setup(locks: tuple[str, ...] = LOCKS) -> None:
    """Create `.venv` and install the locked dependencies and the project (editable).

    An environment set up with more locks (the tests') serves a task that needs fewer.
    """
    if sys.version_info[:2] != (3, 11):
        sys.exit(f"Python 3.11 is required, this is {sys.version.split()[0]}")
    if not (BIN / "python").exists():
        venv.EnvBuilder(with_pip=True).create(VENV)
    installed = STAMP.read_text() if STAMP.exists() else ""
    if installed in {_fingerprint(locks), _fingerprint(SPARK_LOCKS)}:
        return
    pip = [BIN / "python", "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    _run(*pip, *(arg for lock in locks for arg in ("-r", lock)))
    _run(*pip, "--no-deps", "-e", ".")
    STAMP.write_text(_fingerprint(locks))


def test(extra: list[str]) -> None:
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    _run(BIN / "ruff", "check", ".", env=env)
    _run(BIN / "ruff", "format", "--check", ".", env=env)
    # The stages' import layering, declared in pyproject.toml's [tool.importlinter].
    _timed("lint-imports", BIN / "lint-imports", "--no-cache", env=env)
    # Both render the project with dbt, whose profile needs a warehouse path: a scratch file
    # nothing is read from. dbt parse writes its manifest and logs there too, not over the
    # pipeline's in dbt_project/target.
    with tempfile.TemporaryDirectory(prefix="cw-sql-checks-") as scratch:
        dbt_env = {**env, "CW_WAREHOUSE_DB": str(Path(scratch) / "lint.duckdb")}
        project = ROOT / "dbt_project"
        # from dbt_project/, where .sqlfluff (the house style) and the dbt templater find it
        _timed(
            "sqlfluff lint",
            *(BIN / "sqlfluff", "lint", "models", "tests", "--processes", "1"),
            env=dbt_env,
            cwd=project,
        )
        _timed(
            "dbt parse",
            *(BIN / "dbt", "parse", "--warn-error", "--project-dir", project),
            *("--profiles-dir", project, "--target-path", Path(scratch) / "target"),
            *("--log-path", Path(scratch) / "logs"),
            env=dbt_env,
        )
    # loadfile keeps a module on one worker, so its module-scoped pipeline runs happen once;
    # the slowest tests are listed so that CI shows where its time goes.
    _run(
        BIN / "python",
        *("-m", "pytest", "-n", "2", "--dist", "loadfile", "--durations", "15"),
        *extra,
        env=env,
    )


def demo(extra: list[str]) -> None:
    _run(BIN / "campaign-warehouse", "demo", *extra)


TASKS = {"demo": demo, "test": test}

if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in TASKS:
        sys.exit(f"usage: python3 dev.py {{{'|'.join(TASKS)}}} [args...]")
    setup(SPARK_LOCKS if sys.argv[1] == "test" else LOCKS)
    TASKS[sys.argv[1]](sys.argv[2:])
