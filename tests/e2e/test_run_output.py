"""A run you can watch: without a terminal, `run` prints one plain line per step, in order;
its log file is stamped, colourless and free of Dagster's DEBUG events; dbt's own log stays
small. The command configures the run without writing the process's environment."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import dagster as dg
import pytest

from contract.sources import SOURCES
from landing_simulator import generate_landing
from tests.e2e.pipeline import RunOutcome, run_arguments, run_many, run_pipeline

START, END = "2025-03-01", "2025-03-02"
_STEP = re.compile(r"^\d\d:\d\d:\d\d (ingest|dbt|checks|published)\b")
_STAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z ")
# One run at INFO and as text was about 100 KB; at DEBUG and as JSON it was about 10 MB.
DBT_LOG_BOUND = 1024 * 1024


@dataclass(frozen=True)
class Watched:
    outcome: RunOutcome
    warehouse: Path
    landing: Path

    def log(self) -> str:
        return _only_log(self.warehouse).read_text()


def _only_log(warehouse: Path) -> Path:
    (log,) = sorted((warehouse / "logs").glob("run_*.log"))
    return log


@pytest.fixture(scope="module")
def watched(tmp_path_factory: pytest.TempPathFactory) -> Watched:
    root = tmp_path_factory.mktemp("watched")
    generate_landing(root / "landing", date(2025, 3, 1), 2, sends_per_day=150, seed=3)
    # In a process of its own, calling the command's main() as an embedding scheduler would.
    (outcome,) = run_many([run_arguments(root / "landing", root / "warehouse", START, END)])
    assert outcome.returncode == 0, outcome.output
    return Watched(outcome, root / "warehouse", root / "landing")


def test_the_command_leaves_the_process_environment_as_it_found_it(watched: Watched) -> None:
    # Folders, engine and Dagster home reach the run as its resources' config and instance.
    assert watched.outcome.environment_changes == ()


def test_after_a_successful_run_the_command_forgets_old_runs(watched: Watched) -> None:
    # The housekeeping job of its own (schedules/housekeeping.py), run after the pipeline's.
    with dg.DagsterInstance.from_config(str(watched.warehouse / "dagster_home")) as instance:
        jobs = [(r.job_name, r.status) for r in reversed(instance.get_runs())]
    assert jobs == [
        ("ingest_transform_publish_job", dg.DagsterRunStatus.SUCCESS),
        ("forget_old_runs_job", dg.DagsterRunStatus.SUCCESS),
    ]


def test_without_a_terminal_each_step_is_one_plain_line_in_order(watched: Watched) -> None:
    output = watched.outcome.output
    assert "\x1b" not in output and "\r" not in output
    steps = [line for line in output.splitlines() if _STEP.match(line)]
    phases = [_STEP.match(line).group(1) for line in steps]  # type: ignore[union-attr]
    # ingest, then dbt, then the checks, then publication: each phase once, in that order.
    assert [p for i, p in enumerate(phases) if i == 0 or phases[i - 1] != p] == [
        "ingest",
        "dbt",
        "checks",
        "published",
    ]
    ingested = {line.split(" ")[2:4][0] for line in steps if " ingest " in line}
    assert ingested == set(SOURCES)
    assert any(
        re.search(r" ingest sends 2025-03-01: [\d,]+ rows.*\([\d,]+ rows/s\)", s) for s in steps
    )
    assert any(re.search(r" dbt \d+/\d+ model mart_campaign_summary: ok ", s) for s in steps)
    assert any(re.search(r" dbt: \d+ nodes done \(", s) for s in steps)
    assert any(re.search(r" checks: \d+ suites passed$", s) for s in steps)
    assert steps[-1].endswith("published 15 marts")
    # The summary comes after the steps and says how many rows went where.
    summary = output[output.index(steps[-1]) :]
    assert re.search(r"ingested \d+ rows, quarantined \d+", summary)
    assert re.search(r"published \d+ rows in 15 marts", summary)


def test_the_log_file_is_stamped_colourless_and_without_debug_events(watched: Watched) -> None:
    lines = watched.log().splitlines()
    assert len(lines) > 100
    assert all(_STAMP.match(line) for line in lines), [x for x in lines if not _STAMP.match(x)][:3]
    assert not any("\x1b[" in line for line in lines)
    assert not any(" - DEBUG - " in line for line in lines)
    # Nor dagster-dbt's warning, once per dbt test, that the test is not an asset check.
    assert not any("instead of an `AssetCheckResult`" in line for line in lines)
    # dbt's lines are there, stamped like the rest.
    assert any(
        re.search(r"\d+ of \d+ OK created .* model marts\.mart_campaign_summary", x) for x in lines
    )
    # Dagster's own local-time stamp is dropped: one time per line.
    assert not any(re.match(r"^\S+ \d{4}-\d\d-\d\d \d\d:\d\d:\d\d [+-]\d{4} - ", x) for x in lines)


def test_dbt_keeps_a_small_text_log(watched: Watched) -> None:
    dbt_logs = list((watched.warehouse / "dbt_target").glob("dbt.log*"))
    assert dbt_logs
    assert sum(log.stat().st_size for log in dbt_logs) < DBT_LOG_BOUND
    text = (watched.warehouse / "dbt_target" / "dbt.log").read_text()
    assert "\x1b[" not in text
    assert not text.lstrip().startswith("{")  # text, not one JSON object a line


def test_verbose_keeps_dagster_debug_events_in_the_log(watched: Watched) -> None:
    first_log = _only_log(watched.warehouse)
    first_log.rename(first_log.with_suffix(".first"))
    outcome = run_pipeline(watched.landing, watched.warehouse, END, END, "--verbose")
    assert outcome.returncode == 0, outcome.output
    lines = _only_log(watched.warehouse).read_text().splitlines()
    assert any(" - DEBUG - " in line for line in lines)
    assert all(_STAMP.match(line) for line in lines)
