#!/usr/bin/env python3
"""Set up the project's virtual environment from the lock files, then run a task.

    python3 dev.py demo    # set up, then generate + run + publish a sample landing zone
    python3 dev.py check   # the fast tier, before each commit: lint, unit and sql tests (~3 min)
    python3 dev.py test    # everything CI runs: lint, then the unit, sql, e2e and spark tiers

Needs only Python 3.11 (and Java 17 for the Spark tier). The environment lives in `.venv/`;
it is reinstalled when a lock file or `pyproject.toml` changed since the last setup. The demo
installs `requirements.lock` only; the tests add `requirements-spark.lock`, the Spark engine's
extra, and the clients of `requirements-clients.lock` that the e2e tier reads the published
marts with, each in a folder of its own under `.venv/clients/`.

The test tiers (folders of `tests/`):

    unit   pure Python, seconds: no dbt build, no pipeline run
    sql    the dbt project built empty: dbt parse --warn-error, the dbt unit tests, SQL tests
    e2e    the real pipeline on small generated data, on a few shared built warehouses
    spark  the same dbt project on Spark (pyspark in local mode)
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import tempfile
import time
import venv
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / "bin"
STAMP = VENV / ".installed-from"

LOCKS = ("requirements.lock",)
# Clients the e2e tier reads the published marts with, each in a virtual environment of its
# own under CLIENTS, so that no test installs anything while it runs.
CLIENTS_LOCK = "requirements-clients.lock"
CLIENTS = VENV / "clients"
TEST_LOCKS = (*LOCKS, "requirements-spark.lock", CLIENTS_LOCK)
PIP_INSTALL = ("-m", "pip", "install", "--quiet", "--disable-pip-version-check")

# The SQL the linter reads (from dbt_project/, where .sqlfluff and the dbt templater are).
SQL_FOLDERS = ("models", "tests")
# What `check` compares with to find the SQL files a change touched.
MAIN_BRANCHES = ("origin/main", "main")


def _run(*args: str | Path, env: dict[str, str] | None = None, cwd: Path = ROOT) -> None:
    print("+", " ".join(str(a) for a in args), flush=True)
    subprocess.run([str(a) for a in args], cwd=cwd, check=True, env=env)


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
    if installed in {_fingerprint(locks), _fingerprint(TEST_LOCKS)}:
        return
    packages = [lock for lock in locks if lock != CLIENTS_LOCK]
    _run(BIN / "python", *PIP_INSTALL, *(arg for lock in packages for arg in ("-r", lock)))
    _run(BIN / "python", *PIP_INSTALL, "--no-deps", "-e", ".")
    if CLIENTS_LOCK in locks:
        _install_clients()
    STAMP.write_text(_fingerprint(locks))


def _install_clients() -> None:
    """Each pin of the clients' lock into a virtual environment of its own,
    `.venv/clients/<name>`, whose Python a test starts to read the published marts."""
    for line in (ROOT / "requirements-clients.lock").read_text().splitlines():
        pin = line.split("#", 1)[0].strip()
        if pin:
            client = CLIENTS / pin.split("==", 1)[0]
            venv.EnvBuilder(with_pip=True, clear=True).create(client)
            _run(client / "bin" / "python", *PIP_INSTALL, pin)


class Tiers:
    """The wall time of each step of a task, printed together at its end."""

    def __init__(self) -> None:
        self.times: list[tuple[str, float]] = []

    @contextmanager
    def timed(self, name: str) -> Iterator[None]:
        started = time.monotonic()
        try:
            yield
        finally:
            self.times.append((name, time.monotonic() - started))

    def report(self) -> None:
        width = max(len(name) for name, _ in self.times)
        print("\ntime per tier:", flush=True)
        for name, seconds in self.times:
            print(f"  {name:<{width}}  {seconds:6.0f} s")
        print(f"  {'total':<{width}}  {sum(s for _, s in self.times):6.0f} s", flush=True)


def _environment() -> dict[str, str]:
    return {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}


def _changed_sql() -> list[str]:
    """The SQL files under `SQL_FOLDERS` that differ from main's (committed or not), relative
    to dbt_project/; every one when there is no main to compare with."""
    project = ROOT / "dbt_project"

    def git(*args: str) -> str:
        completed = subprocess.run(
            ["git", *args], cwd=project, capture_output=True, text=True, check=False
        )
        return completed.stdout if completed.returncode == 0 else ""

    base = next(
        (found.strip() for ref in MAIN_BRANCHES if (found := git("merge-base", "HEAD", ref))),
        "",
    )
    if not base:
        return list(SQL_FOLDERS)
    changed = git("diff", "--name-only", "--relative", base, "--", *SQL_FOLDERS).split()
    changed += git("ls-files", "--others", "--exclude-standard", "--", *SQL_FOLDERS).split()
    return sorted({name for name in changed if name.endswith(".sql") and (project / name).exists()})


def lint(tiers: Tiers, sql: list[str]) -> None:
    """ruff, the import contracts, and sqlfluff on `sql` (files or folders of dbt_project/)."""
    env = _environment()
    with tiers.timed("lint: ruff, import contracts"):
        _run(BIN / "ruff", "check", ".", env=env)
        _run(BIN / "ruff", "format", "--check", ".", env=env)
        # The stages' import layering, declared in pyproject.toml's [tool.importlinter].
        _run(BIN / "lint-imports", "--no-cache", env=env)
    if not sql:
        print("sqlfluff: no SQL file changed since main", flush=True)
        return
    # sqlfluff renders the models with dbt, whose profile needs a warehouse path: a scratch
    # file nothing is read from.
    with tempfile.TemporaryDirectory(prefix="cw-sqlfluff-") as scratch, tiers.timed("lint: sql"):
        _run(
            *(BIN / "sqlfluff", "lint", *sql, "--processes", "2"),
            env={**env, "CW_WAREHOUSE_DB": str(Path(scratch) / "lint.duckdb")},
            cwd=ROOT / "dbt_project",
        )


def pytest(tiers: Tiers, name: str, folders: list[str], extra: list[str], workers: int = 2) -> None:
    # loadfile keeps a module on one worker, so its module-scoped fixtures are built once, and
    # hands the modules out in the order tests/conftest.py sorts them (longest first); the
    # slowest tests are listed so that the output shows where the time goes.
    with tiers.timed(name):
        _run(
            BIN / "python",
            *("-m", "pytest", *folders, "-n", str(workers), "--dist", "loadfile"),
            *("--no-loadscope-reorder", "--durations", "10"),
            *extra,
            env=_environment(),
        )


def check(extra: list[str]) -> None:
    """The fast tier: lint (SQL changed since main), then the unit and sql tests."""
    tiers = Tiers()
    try:
        lint(tiers, _changed_sql())
        pytest(tiers, "unit + sql", ["tests/unit", "tests/sql"], extra)
    finally:
        tiers.report()


def test(extra: list[str]) -> None:
    """Everything CI runs, tier by tier."""
    tiers = Tiers()
    try:
        lint(tiers, list(SQL_FOLDERS))
        pytest(tiers, "unit", ["tests/unit"], extra)
        pytest(tiers, "sql", ["tests/sql"], extra)
        # One session for the two slow tiers: the Spark tier is one module, which keeps one
        # worker busy while the other runs the e2e modules, and both read the same shared
        # generated warehouse, built once; Spark, the longest module, is handed out first.
        # pytest prints the time of each tier's tests at its end.
        pytest(tiers, "e2e + spark", ["tests/spark", "tests/e2e"], extra)
    finally:
        tiers.report()


def demo(extra: list[str]) -> None:
    _run(BIN / "campaign-warehouse", "demo", *extra)


TASKS = {"demo": demo, "check": check, "test": test}

if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in TASKS:
        sys.exit(f"usage: python3 dev.py {{{'|'.join(TASKS)}}} [args...]")
    setup(LOCKS if sys.argv[1] == "demo" else TEST_LOCKS)
    TASKS[sys.argv[1]](sys.argv[2:])
