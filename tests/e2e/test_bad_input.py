"""Bad input on the real pipeline: a failing day keeps what was published; one bad row does not.

Both start from the hand-built scenario published once (arrival dates 01-01..02-01), each in
a copy of that warehouse.
"""

import json
import shutil
from pathlib import Path

import duckdb
import pytest

from tests.e2e.conftest import file_digests, run_pipeline
from tests.e2e.scenario import build_landing

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("published")
    build_landing(root / "landing")
    outcome = run_pipeline(root / "landing", root / "warehouse", "2025-01-01", "2025-02-01")
    assert outcome.returncode == 0, outcome.output
    return root


def _copy_warehouse(source: Path, target: Path) -> Path:
    shutil.copytree(source / "warehouse", target, ignore=shutil.ignore_patterns("dagster_home"))
    return target


def _copy_landing(source: Path, target: Path) -> Path:
    shutil.copytree(source / "landing", target)
    return target


def test_a_mostly_malformed_day_fails_and_leaves_the_published_marts(
    published: Path, tmp_path: Path
) -> None:
    warehouse = _copy_warehouse(published, tmp_path / "warehouse")
    landing = _copy_landing(published, tmp_path / "landing")
    day = landing / "sends" / "2025-02-02"
    day.mkdir(parents=True)
    (day / "broken.jsonl").write_text(
        '{"message_id": "ok1", "execution_id": "e1", "campaign_id": "c1", "contact_id": "k1",'
        ' "channel": "whatsapp", "attempted_at": "2025-02-02T10:00:00Z",'
        ' "outcome": "accepted", "provider_message_id": "p-ok1"}\n' + "this is not json\n" * 30
    )
    before = file_digests(warehouse)

    outcome = run_pipeline(landing, warehouse, "2025-02-02", "2025-02-02")

    assert outcome.returncode != 0, outcome.output
    assert "quarantined_share_within_limit" in outcome.output
    assert file_digests(warehouse) == before


def test_one_bad_row_among_hundreds_is_quarantined_and_the_day_published(
    published: Path, tmp_path: Path
) -> None:
    warehouse = _copy_warehouse(published, tmp_path / "warehouse")
    landing = _copy_landing(published, tmp_path / "landing")
    day = landing / "engagements" / "2025-02-02"
    day.mkdir(parents=True)
    good = [
        json.dumps(
            {
                "engagement_id": f"bulk{n}",
                "campaign_id": "c3",
                "contact_id": "k11",
                "engagement_type": "open",
                "occurred_at": "2025-02-02T10:00:00Z",
            }
        )
        for n in range(300)
    ]
    (day / "bulk.jsonl").write_text("\n".join([*good[:150], "{oops", *good[150:]]) + "\n")

    outcome = run_pipeline(landing, warehouse, "2025-02-02", "2025-02-02")

    assert outcome.returncode == 0, outcome.output
    assert "no_rows_quarantined" in outcome.output  # the warning is reported
    with duckdb.connect(str(warehouse / "warehouse.duckdb"), read_only=True) as conn:
        quarantined = conn.execute(
            "select source, source_row, reason_code from raw.quarantine "
            "where arrival_date = '2025-02-02'"
        ).fetchall()
    assert quarantined == [("engagements", 151, "not_json")]
    assert file_digests(warehouse) != file_digests(published / "warehouse")
