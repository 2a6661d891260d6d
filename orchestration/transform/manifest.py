"""The dbt manifest the Dagster definitions are built from, prepared by an explicit step.

Importing the definitions reads `dbt_project/target/manifest.json` and runs nothing. Whoever
is about to load them prepares it first: the CLI before a run, the test session before
collection, and `dagster dev` (the only caller that sets `DAGSTER_IS_DEV_CLI`) as it loads the
code location, as dagster-dbt's `prepare_if_dev` does.

An installed wheel carries the manifest its build parsed (`build_backend/`) and is never
written to, so preparing there only checks that the manifest is present.
"""

from __future__ import annotations

import fcntl
import os
import subprocess
from pathlib import Path

from orchestration import paths

MANIFEST = paths.DBT_PROJECT_DIR / "target" / "manifest.json"
# The folders and files whose change makes the manifest stale.
_SOURCES = ("models", "macros", "tests")
_PROJECT_FILES = ("dbt_project.yml", "profiles.yml")


def manifest_is_stale(manifest: Path = MANIFEST) -> bool:
    """Missing, or older than a file of the dbt project or its seeds."""
    if not manifest.exists():
        return True
    built = manifest.stat().st_mtime
    watched = [paths.DBT_PROJECT_DIR / name for name in _PROJECT_FILES]
    for folder in _SOURCES:
        watched.extend((paths.DBT_PROJECT_DIR / folder).rglob("*"))
    watched.extend(paths.SEEDS_DIR.rglob("*"))
    return any(p.is_file() and p.stat().st_mtime > built for p in watched)


def prepare_manifest() -> Path:
    """Parse the project when the manifest is missing or stale; return its path.

    Several processes may prepare at once (test workers, `dagster dev`): a file lock lets one
    of them parse while the others wait and then find the manifest current.
    """
    if paths.IS_PACKAGED:
        if not MANIFEST.is_file():
            raise FileNotFoundError(
                f"the installed dbt project has no manifest ({MANIFEST}): install a wheel "
                "built by this project's build backend (pip install <checkout>, or "
                "pip wheel <checkout>), which parses the project as it builds"
            )
        return MANIFEST
    target = MANIFEST.parent
    target.mkdir(parents=True, exist_ok=True)
    with (target / ".parse.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if manifest_is_stale():
            subprocess.run(
                [paths.DBT_EXECUTABLE, "parse", "--quiet"],
                cwd=paths.DBT_PROJECT_DIR,
                # profiles.yml's database path has a default that parsing never opens.
                env={
                    **os.environ,
                    "DBT_PROFILES_DIR": str(paths.DBT_PROFILES_DIR),
                    "DBT_TARGET_PATH": str(target),
                    "DBT_LOG_PATH": str(target),
                },
                check=True,
            )
    return MANIFEST


def prepare_manifest_if_dev() -> None:
    """Under `dagster dev`, prepare the manifest (as dagster-dbt's `prepare_if_dev` does)."""
    if os.environ.get("DAGSTER_IS_DEV_CLI"):
        prepare_manifest()


if __name__ == "__main__":
    print(prepare_manifest())
