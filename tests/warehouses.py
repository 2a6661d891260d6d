"""The built warehouses the end-to-end and Spark tiers share, each built once per test session
(by whichever xdist worker asks first) and then only read, or copied before a change.

    generated_landing   a generated landing zone: 36 arrival days, late reports past the
                        30-day window, duplicates, out-of-order arrivals, malformed rows
    generated_backfill  one run over all of it
    published_scenario  the hand-built scenario (`e2e/scenario.py`), run over its 32 days
"""

from __future__ import annotations

import fcntl
import shutil
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import pytest

from landing_simulator import generate_landing
from tests.e2e.pipeline import run_pipeline
from tests.e2e.scenario import FIRST_DAY, LAST_DAY, build_landing


def shared_folder(
    tmp_path_factory: pytest.TempPathFactory,
    worker_id: str,
    name: str,
    build: Callable[[Path], None],
) -> Path:
    """A folder built once per test session by `build` and shared by the xdist workers (the
    first to ask builds it while the others wait). Copy it before changing anything."""
    shared = tmp_path_factory.getbasetemp()
    if worker_id != "master":
        shared = shared.parent
    root = shared / name
    with (shared / f"{name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (root / ".done").exists():
            shutil.rmtree(root, ignore_errors=True)
            root.mkdir(parents=True)
            build(root)
            (root / ".done").touch()
    return root


# A generated month and a bit, so that reports arrive past the 30-day window; small, so that
# a run stays cheap. Reruns of the generator give the same bytes.
GENERATED_START = date(2025, 3, 1)
GENERATED_DAYS = 36
GENERATED_END = GENERATED_START + timedelta(days=GENERATED_DAYS - 1)


def _generate(root: Path) -> None:
    generate_landing(root / "landing", GENERATED_START, GENERATED_DAYS, sends_per_day=300, seed=11)


def _backfill(root: Path) -> None:
    outcome = run_pipeline(
        root / "landing", root / "warehouse", str(GENERATED_START), str(GENERATED_END)
    )
    assert outcome.returncode == 0, outcome.output


@pytest.fixture(scope="session")
def generated_landing(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Path:
    """`landing/` of the generated landing zone, arrival dates GENERATED_START..END."""
    return shared_folder(tmp_path_factory, worker_id, "generated_landing", _generate) / "landing"


@pytest.fixture(scope="session")
def generated_backfill(
    tmp_path_factory: pytest.TempPathFactory, worker_id: str, generated_landing: Path
) -> Path:
    """`warehouse/` of one run over the whole generated landing zone."""

    def build(root: Path) -> None:
        shutil.copytree(generated_landing, root / "landing")
        _backfill(root)

    return shared_folder(tmp_path_factory, worker_id, "generated_backfill", build) / "warehouse"


def _publish_scenario(root: Path) -> None:
    build_landing(root / "landing")
    outcome = run_pipeline(root / "landing", root / "warehouse", FIRST_DAY, LAST_DAY)
    assert outcome.returncode == 0, outcome.output


@pytest.fixture(scope="session")
def published_scenario(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Path:
    """The hand-built scenario (`scenario.py`) run over FIRST_DAY..LAST_DAY and published:
    `landing/` and `warehouse/` under the returned folder."""
    return shared_folder(tmp_path_factory, worker_id, "published_scenario", _publish_scenario)
