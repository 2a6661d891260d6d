"""The import layering ([tool.importlinter] in pyproject.toml) holds on the real tree, and is not
blind: a copy of the tree with one planted import breaks the contract that forbids it.

The copies hold only the Python packages and pyproject.toml, so each check takes seconds.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests import REPOSITORY

PACKAGES = ("orchestration", "expectations", "contract", "landing_simulator")
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"

STAGES = "The stages import one way, along the data's flow, with the wiring on top"
NO_SIMULATOR = "The pipeline never imports the simulator (only the command line does)"
SIMULATOR = "The simulator imports neither the pipeline nor its checks, only the contract"
NO_CYCLES = "No modules import each other in a circle, within a layer too"
CONTRACTS = (STAGES, NO_SIMULATOR, SIMULATOR, NO_CYCLES)


def lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    """`lint-imports` on the packages under `root`, which come first on the import path."""
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=root,
        env={**os.environ, "PYTHONPATH": str(root)},
        capture_output=True,
        text=True,
        timeout=120,
    )


def verdicts(output: str) -> dict[str, str]:
    """{contract name: KEPT or BROKEN} from the report's summary lines."""
    found = {}
    for line in output.splitlines():
        name, _, verdict = line.rpartition(" ")
        if name in CONTRACTS and verdict in ("KEPT", "BROKEN"):
            found[name] = verdict
    return found


def tree_with(tmp_path: Path, module: str, planted: str) -> Path:
    """A copy of the packages in which `module` (a path) ends with the line `planted`."""
    for package in PACKAGES:
        shutil.copytree(
            REPOSITORY / package,
            tmp_path / package,
            ignore=shutil.ignore_patterns("__pycache__"),
        )
    shutil.copy(REPOSITORY / "pyproject.toml", tmp_path)
    target = tmp_path / module
    target.write_text(target.read_text() + f"\n{planted}  # planted by the test\n")
    return tmp_path


def test_the_tree_keeps_every_contract() -> None:
    outcome = lint_imports(REPOSITORY)
    assert outcome.returncode == 0, outcome.stdout + outcome.stderr
    assert verdicts(outcome.stdout) == dict.fromkeys(CONTRACTS, "KEPT")


@pytest.mark.parametrize(
    ("module", "planted", "broken", "named"),
    [
        (
            "orchestration/ingest/partition.py",
            "from orchestration.publish import builds",
            STAGES,
            "orchestration.ingest is not allowed to import orchestration.publish",
        ),
        (
            "orchestration/shared/runlock.py",
            "from orchestration.shared import warehouse",
            NO_CYCLES,
            "No cycles are allowed in orchestration.shared",
        ),
        (
            "orchestration/transform/row_counts.py",
            "import landing_simulator",
            NO_SIMULATOR,
            "orchestration.transform is not allowed to import landing_simulator",
        ),
        (
            "landing_simulator/clock.py",
            "from orchestration import paths",
            SIMULATOR,
            "landing_simulator is not allowed to import orchestration",
        ),
    ],
    ids=["backward-stage", "cycle-in-a-layer", "pipeline-imports-simulator", "simulator-imports"],
)
def test_a_planted_import_breaks_its_contract(
    tmp_path: Path, module: str, planted: str, broken: str, named: str
) -> None:
    outcome = lint_imports(tree_with(tmp_path, module, planted))

    assert outcome.returncode == 1, outcome.stdout + outcome.stderr
    assert verdicts(outcome.stdout)[broken] == "BROKEN"
    assert named in outcome.stdout
