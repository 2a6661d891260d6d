"""Two more paths to the marts give what one run over the same files does: a rerun of a past
day whose files upstream corrected, and a full refresh of a built warehouse.

Both start from a copy of the shared backfill of the generated landing zone
(`tests/warehouses.py`), which tests/e2e/test_incremental_paths.py proves equal to its ten
nights, so that they run beside the nights rather than after them.
"""

from __future__ import annotations

import json
import shutil
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pytest

from tests.e2e.pipeline import copy_published, raw_rows, run_pipeline, snapshot
from tests.warehouses import GENERATED_END, GENERATED_START

CORRECTED_DAY = date(2025, 3, 20)


def _day(value: date) -> str:
    return value.isoformat()


def test_a_full_refresh_rebuilds_what_a_night_would_not_and_publishes_the_same_marts(
    generated_backfill: Path, tmp_path: Path
) -> None:
    landing, warehouse = copy_published(generated_backfill.parent, tmp_path)
    # Messages lost from an incremental model of the working warehouse (fct_messages reads
    # it): a night recomputes only the executions it touched, so only a rebuild from the raw
    # layer brings them back.
    with duckdb.connect(str(warehouse / "warehouse.duckdb")) as conn:
        conn.execute(
            "delete from intermediate.int_messages_resolved where hash(message_id) % 2 = 0"
        )
    day = _day(GENERATED_END)

    outcome = run_pipeline(landing, warehouse, day, day, "--full-refresh")

    assert outcome.returncode == 0, outcome.output
    assert snapshot(warehouse) == snapshot(generated_backfill)


# The delivery reports of CORRECTED_DAY for executions that nothing else touches from that day
# on: no send, engine event, engagement or other report of theirs lands on or after it, and
# none of their messages times out by the as-of. A nightly run recomputes an execution only
# when something about it lands, so these are the ones whose removal a rerun must still see.
_UNTOUCHED_AFTER_REMOVAL = """
with
sends as (select * from raw.sends),
reports as (select * from raw.delivery_reports),
touched_later as (
    select execution_id from raw.sends where _arrival_date >= $day
    union
    select execution_id from raw.executions where _arrival_date >= $day
    union
    select sends.execution_id from raw.engagements as engagements
    inner join sends on engagements.message_id = sends.message_id
    where engagements._arrival_date >= $day
    union
    select sends.execution_id from reports
    inner join sends on reports.provider_message_id = sends.provider_message_id
    where reports._arrival_date > $day
    union
    select execution_id from sends
    where attempted_at + interval 30 day <= $as_of
        and attempted_at + interval 30 day > $day
)
select distinct reports.provider_message_id
from reports
inner join sends on reports.provider_message_id = sends.provider_message_id
where reports._arrival_date = $day
    and sends.execution_id not in (select execution_id from touched_later)
order by 1
limit 8
"""


def _remove_reports(landing: Path, warehouse: Path, day: date) -> None:
    """Upstream corrects the day's report files: the reports of untouched executions go."""
    with duckdb.connect() as conn:
        from orchestration.ingest.rawlayer import create_raw_views

        create_raw_views(conn, warehouse / "raw")
        removed = {
            row[0]
            for row in conn.execute(
                _UNTOUCHED_AFTER_REMOVAL,
                {"day": day, "as_of": GENERATED_END + timedelta(days=1)},
            ).fetchall()
        }
    assert removed, "the generated data has no report whose removal only a rerun can see"
    dropped = 0
    for path in sorted((landing / "delivery_reports" / day.isoformat()).glob("*.jsonl")):
        kept = []
        for line in path.read_text().splitlines(keepends=True):
            try:
                record = json.loads(line)
            except ValueError:
                kept.append(line)  # a malformed row stays: the quarantine counts it
                continue
            if isinstance(record, dict) and record.get("provider_message_id") in removed:
                dropped += 1
            else:
                kept.append(line)
        path.write_text("".join(kept))
    assert dropped > 0


def _correct(landing: Path, warehouse: Path) -> None:
    """Upstream corrects a past day: it adds a late file of opens and clicks on messages of
    the day before and of copies of engagements that first landed days later, and it removes
    the reports of executions that nothing else touches from that day on."""
    day = CORRECTED_DAY
    _remove_reports(landing, warehouse, day)
    sends = raw_rows(
        warehouse,
        "select message_id, execution_id, campaign_id, contact_id from raw.sends "
        f"where _arrival_date = '{day - timedelta(days=1)}' and outcome = 'accepted' "
        "order by message_id limit 12",
    )
    rows = [
        {
            "engagement_id": f"correction-{kind}-{message_id}",
            "message_id": message_id,
            "execution_id": execution_id,
            "campaign_id": campaign_id,
            "contact_id": contact_id,
            "engagement_type": kind,
            "occurred_at": f"{day}T12:00:00Z",
        }
        for message_id, execution_id, campaign_id, contact_id in sends
        for kind in ("open", "click")
    ]
    later = raw_rows(
        warehouse,
        "select * exclude (_arrival_date, _source_file, _source_row) from raw.engagements "
        f"where _arrival_date = '{day + timedelta(days=5)}' order by engagement_id limit 5",
    )
    columns = [
        "engagement_id",
        "message_id",
        "execution_id",
        "campaign_id",
        "step_id",
        "contact_id",
        "engagement_type",
        "occurred_at",
        "link_id",
        "url",
        "card_index",
        "button_id",
        "button_label",
        "opt_out_method",
        "is_test",
    ]
    for values in later:
        record = {k: v for k, v in zip(columns, values, strict=True) if v is not None}
        # A copy that lands earlier than the original becomes the first landed copy; its
        # event happened before it landed, as any valid row's does.
        record["occurred_at"] = f"{day}T00:00:00Z"
        rows.append(record)
    folder = landing / "engagements" / day.isoformat()
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "late-correction.jsonl").write_text(
        "".join(json.dumps(row, default=str) + "\n" for row in rows)
    )


@pytest.fixture(scope="module")
def corrected_backfill(
    generated_landing: Path, generated_backfill: Path, tmp_path_factory: pytest.TempPathFactory
) -> Path:
    """One run over the corrected landing zone: what the rerun must publish."""
    root = tmp_path_factory.mktemp("corrected")
    shutil.copytree(generated_landing, root / "landing")
    _correct(root / "landing", generated_backfill)
    outcome = run_pipeline(
        root / "landing", root / "warehouse", _day(GENERATED_START), _day(GENERATED_END)
    )
    assert outcome.returncode == 0, outcome.output
    return root / "warehouse"


def test_a_rerun_of_a_corrected_past_day_publishes_what_a_backfill_of_it_does(
    generated_backfill: Path, corrected_backfill: Path, tmp_path: Path
) -> None:
    landing, warehouse = copy_published(generated_backfill.parent, tmp_path)
    _correct(landing, generated_backfill)
    day = _day(CORRECTED_DAY)

    outcome = run_pipeline(landing, warehouse, day, day)

    assert outcome.returncode == 0, outcome.output
    corrected = snapshot(warehouse)
    assert corrected == snapshot(corrected_backfill)
    assert corrected != snapshot(generated_backfill)
    # As of the latest arrival date ingested, never back in time.
    as_of = _rows(warehouse, "select distinct as_of from marts.mart_campaign_summary")
    assert {str(value)[:10] for (value,) in as_of} == {_day(GENERATED_END + timedelta(days=1))}


def _rows(warehouse: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(warehouse / "serving.duckdb"), read_only=True) as conn:
        return conn.execute(sql).fetchall()
