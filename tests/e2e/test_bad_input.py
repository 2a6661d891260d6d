"""Bad input on the real pipeline: a broken day keeps what was published; bad rows, broken
files and odd layouts cost nothing but themselves, and say so.

Each test starts from the hand-built scenario published once (arrival dates 01-01..02-01),
in a copy of its landing zone and warehouse, and adds or breaks arrival date 2025-02-02 (or
an earlier one).
"""

from __future__ import annotations

import gzip
import json
import os
import shutil
from pathlib import Path

import duckdb

from tests.e2e.pipeline import copy_published, file_digests, raw_rows, run_pipeline
from tests.e2e.scenario import FIRST_DAY, LAST_DAY

NEW_DAY = "2025-02-02"


def _send(message_id: str, **overrides: object) -> dict[str, object]:
    return {
        "message_id": message_id,
        "execution_id": "e1",
        "campaign_id": "c1",
        "contact_id": "k1",
        "channel": "sms",
        "attempted_at": f"{NEW_DAY}T10:00:00Z",
        "outcome": "accepted",
        "provider_message_id": f"p-{message_id}",
        **overrides,
    }


def _engagement(engagement_id: str, **overrides: object) -> dict[str, object]:
    return {
        "engagement_id": engagement_id,
        "campaign_id": "c3",
        "contact_id": "k11",
        "engagement_type": "open",
        "occurred_at": f"{NEW_DAY}T10:00:00Z",
        **overrides,
    }


def _lines(rows: list[object]) -> str:
    return "".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in rows)


def test_a_mostly_malformed_day_fails_and_leaves_the_published_marts(
    published_scenario: Path, tmp_path: Path
) -> None:
    landing, warehouse = copy_published(published_scenario, tmp_path)
    day = landing / "sends" / NEW_DAY
    day.mkdir(parents=True)
    (day / "broken.jsonl").write_text(_lines([_send("ok1"), *["this is not json"] * 30]))
    before = file_digests(warehouse)

    outcome = run_pipeline(landing, warehouse, NEW_DAY, NEW_DAY)

    assert outcome.returncode != 0, outcome.output
    assert "FAILED blocking check: raw/sends:quarantined_share_within_limit" in outcome.output
    assert f"({NEW_DAY}: quarantined_share=0.9677)" in outcome.output
    assert file_digests(warehouse) == before


def test_a_truncated_gzip_blocks_publication_as_the_rows_it_held_would(
    published_scenario: Path, tmp_path: Path
) -> None:
    """Half of a gzip file that held most of the day: its rows count, so the day blocks."""
    landing, warehouse = copy_published(published_scenario, tmp_path)
    day = landing / "sends" / NEW_DAY
    day.mkdir(parents=True)
    (day / "a.jsonl.gz").write_bytes(
        gzip.compress(_lines([_send(f"a{n}") for n in range(300)]).encode())
    )
    whole = gzip.compress(_lines([_send(f"b{n}") for n in range(2000)]).encode())
    (day / "b.jsonl.gz").write_bytes(whole[: len(whole) // 2])
    before = file_digests(warehouse)

    outcome = run_pipeline(landing, warehouse, NEW_DAY, NEW_DAY)

    assert outcome.returncode == 1, outcome.output
    assert "FAILED blocking check: raw/sends:quarantined_share_within_limit" in outcome.output
    assert "NOT published" in outcome.output
    assert file_digests(warehouse) == before
    assert raw_rows(
        warehouse,
        f"select reason, rows_estimated > 900 from raw.quarantine join raw.landed_files "
        f"using (source, arrival_date, source_file) where arrival_date = '{NEW_DAY}'",
    ) == [("unreadable_file: jsonl.gz: the gzip stream is truncated or corrupt", True)]


def test_a_messy_day_publishes_every_good_row_and_names_every_bad_one(
    published_scenario: Path, tmp_path: Path
) -> None:
    """A giant line, a file named `*.jsonl`, a rounded integer, a link out of the landing
    root and folders that are not dates, among hundreds of good rows: the day publishes."""
    landing, warehouse = copy_published(published_scenario, tmp_path)
    engagements = landing / "engagements" / NEW_DAY
    engagements.mkdir(parents=True)
    bulk = [_engagement(f"bulk{n}") for n in range(400)]
    giant = _engagement("giant", engagement_type="click", url="https://x.test/" + "q" * 20_000_000)
    broken_giant = '{"engagement_id": "' + "z" * 3_000_000
    (engagements / "bulk.jsonl").write_text(_lines([*bulk[:200], giant, broken_giant, *bulk[200:]]))
    (engagements / "*.jsonl").write_text(_lines([_engagement(f"star{n}") for n in range(3)]))
    sends = landing / "sends" / NEW_DAY
    sends.mkdir(parents=True)
    good_sends = [_send(f"n{n}", segments=1) for n in range(400)]
    (sends / "a.jsonl").write_text(_lines([*good_sends, _send("rounded", segments=2.5)]))
    outside = tmp_path / "outside.jsonl"
    outside.write_text(_lines([_send("secret")]))
    os.symlink(outside, sends / "b.jsonl")
    for folder in ("latest", "2025-2-2", f"{NEW_DAY}_retry"):
        shutil.copytree(sends, landing / "sends" / folder, symlinks=True)

    outcome = run_pipeline(landing, warehouse, NEW_DAY, NEW_DAY)

    assert outcome.returncode == 0, outcome.output
    assert (
        "warning: raw/sends:landing_layout_recognised (skipped 3: sends/2025-02-02_retry, "
        "sends/2025-2-2, sends/latest)" in outcome.output
    )
    assert "warning: raw/engagements:no_rows_quarantined" in outcome.output
    loaded = raw_rows(
        warehouse,
        f"select _source_file, count(*), max(length(url)) from raw.engagements "
        f"where _arrival_date = '{NEW_DAY}' group by all order by all",
    )
    assert loaded == [
        (f"engagements/{NEW_DAY}/*.jsonl", 3, None),
        (f"engagements/{NEW_DAY}/bulk.jsonl", 401, 20_000_000 + len("https://x.test/")),
    ]
    assert raw_rows(
        warehouse,
        f"select source, source_file, source_row, reason from raw.quarantine "
        f"where arrival_date = '{NEW_DAY}' order by all",
    ) == [
        ("engagements", f"engagements/{NEW_DAY}/bulk.jsonl", 202, "not_json"),
        ("sends", f"sends/{NEW_DAY}/a.jsonl", 401, "invalid_type:segments"),
        (
            "sends",
            f"sends/{NEW_DAY}/b.jsonl",
            None,
            "refused_file: a link to a file outside the landing root",
        ),
    ]
    with duckdb.connect(str(warehouse / "serving.duckdb"), read_only=True) as serving:
        quality = serving.execute(
            "select source_name, rows_landed, rows_quarantined, quarantine_reasons "
            f"from marts.mart_data_quality where arrival_date = '{NEW_DAY}' order by all"
        ).fetchall()
    # By reason: a typed list a BI tool unnests, sorted by reason code.
    assert quality == [
        ("engagements", 404, 1, [{"reason_code": "not_json", "rows_quarantined": 1}]),
        (
            "sends",
            400,
            2,
            [
                {"reason_code": "invalid_type", "rows_quarantined": 1},
                {"reason_code": "refused_file", "rows_quarantined": 1},
            ],
        ),
    ]


def test_a_day_that_held_rows_is_not_replaced_by_a_missing_folder_unless_asked(
    published_scenario: Path, tmp_path: Path
) -> None:
    landing, warehouse = copy_published(published_scenario, tmp_path)
    day = "2025-01-25"
    shutil.rmtree(landing / "sends" / day)
    before = file_digests(warehouse)
    sends_before = raw_rows(
        warehouse, f"select count(*) from raw.sends where _arrival_date = '{day}'"
    )

    refused = run_pipeline(landing, warehouse, day, day)

    assert refused.returncode == 1, refused.output
    assert (
        f"FAILED in step raw__sends: sends: 1 arrival date(s) that held rows now have no files "
        f"in {landing / 'sends'} ({day}); to replace them with nothing, rerun with "
        "--allow-empty-days"
    ) in refused.output
    assert "Traceback" not in refused.output
    assert file_digests(warehouse) == before
    assert raw_rows(warehouse, f"select count(*) from raw.sends where _arrival_date = '{day}'") == (
        sends_before
    )

    allowed = run_pipeline(landing, warehouse, day, day, "--allow-empty-days")

    assert allowed.returncode == 0, allowed.output
    assert raw_rows(warehouse, f"select count(*) from raw.sends where _arrival_date = '{day}'") == [
        (0,)
    ]


def test_a_landing_root_that_lost_its_sources_wipes_nothing(
    published_scenario: Path, tmp_path: Path
) -> None:
    """9 of the 10 source folders gone: --allow-empty-days lets days go empty, not whole
    sources; allowed that too, the build under half the published rows is not published."""
    landing, warehouse = copy_published(published_scenario, tmp_path)
    for folder in landing.iterdir():
        if folder.name != "campaigns":
            shutil.rmtree(folder)
    before = file_digests(warehouse)

    refused = run_pipeline(landing, warehouse, FIRST_DAY, LAST_DAY, "--allow-empty-days")

    assert refused.returncode == 1, refused.output
    assert (
        f"FAILED in step raw__sends: sends: the folder {landing / 'sends'} is gone, and earlier "
        "runs ingested it; if the source really stopped, rerun with --allow-missing-sources"
    ) in refused.output
    assert "raw__campaigns" not in refused.output
    assert file_digests(warehouse) == before

    shrunk = run_pipeline(
        landing, warehouse, FIRST_DAY, LAST_DAY, "--allow-empty-days", "--allow-missing-sources"
    )

    assert shrunk.returncode == 1, shrunk.output
    summary = shrunk.output[shrunk.output.index("run FAILED") :]
    failure = next(line for line in summary.splitlines() if "serving__marts" in line)
    assert failure.startswith(
        "  FAILED in step serving__marts: under half the published rows: "
        "mart_campaign_branches would go from 2 rows to 0; mart_campaign_daily would go from "
        "17 rows to 0;"
    ), summary
    assert failure.endswith("rerun with --allow-shrink"), summary
    assert file_digests(warehouse) == before
